"""Every route declares who may use it, and the declaration holds for every role.

Walks the URL map: a new route without a declaration fails here. Each later feature adds
the sample objects its URLs need to SAMPLES.
"""

from __future__ import annotations

import pytest

from app import create_app
from app.access import UNDECLARED_OK, Access
from app.assessments.models import QuizAttempt
from app.auth.models import Role
from app.auth.services import make_token
from app.certificates.services import issue_certificate
from app.cohorts.calendar import feed_for
from app.cohorts.services import enrol
from app.extensions import db
from app.intakes.models import NominationStatus
from app.mail.services import queue_email
from app.reminders.services import unsubscribe_link
from app.timeutil import utcnow
from config import TestingConfig
from tests.factories import (
    make_cohort,
    make_council,
    make_course,
    make_course_version,
    make_intake,
    make_assignment,
    make_live_session,
    make_nomination,
    make_submission,
    make_user,
)

PERSONAS = [None, *Role]


def build_world():
    """One person per role, all belonging to one council, and the objects URLs point at."""
    council = make_council("Sample Council")
    people = {role: make_user(role, council=council if role in (Role.COUNCIL_LEAD, Role.PARTICIPANT) else None) for role in Role}
    invitee = make_user("participant", council=council, password=None)
    message = queue_email(to=invitee.email, kind="invitation", template="auth/invitation", user=invitee, context={"link": "x", "days": 14})
    db.session.commit()
    version = make_course_version(make_course(slug="sample-course"))
    module = version.modules[0]
    intake = make_intake()
    lead = people[Role.COUNCIL_LEAD]
    return {
        "message_id": message.id,
        "intake_id": intake.id,
        "nomination_id": make_nomination(intake, council, created_by=lead).id,
        "accepted_nomination_id": make_nomination(intake, council, NominationStatus.ACCEPTED, created_by=lead).id,
        "council_id": council.id,
        "user_id": invitee.id,
        "token": make_token(invitee, "invitation"),
        "reset_token": make_token(people[Role.PARTICIPANT], "reset"),
        "people": people,
        "course_slug": "sample-course",
        "number": version.number,
        "version_id": version.id,
        "module_slug": module.slug,
        "lesson_slug": module.lessons[0].slug,
        "assessment_slug": module.assessments[0].slug,
        "path": version.files[0].path,
        **cohort_world(people),
    }


def cohort_world(people) -> dict:
    """A cohort run by the facilitator persona, with the participant persona enrolled."""
    cohort = make_cohort(facilitators=[people[Role.FACILITATOR]])
    enrolment = enrol(cohort, people[Role.PARTICIPANT], actor=None)
    session = make_live_session(cohort, starts_at=utcnow())
    certificate = issue_certificate(enrolment)
    db.session.commit()
    quiz = cohort.course_version.modules[0].assessments[0]
    assignment = make_assignment(cohort.course_version)
    attempt = QuizAttempt(user_id=people[Role.PARTICIPANT].id, assessment_id=quiz.id, number=1,
                          option_order={"which": ["b", "a", "c"]}, answers={"which": ["a"]}, score=100, passed=True,
                          submitted_at=utcnow())
    db.session.add(attempt)
    db.session.commit()
    submission = make_submission(people[Role.PARTICIPANT], assignment, file=b"%PDF-1.7 sample")
    return {
        "quiz_id": quiz.id,
        "assignment_id": assignment.id,
        "attempt_id": attempt.id,
        "submission_id": submission.id,
        "cohort_id": cohort.id,
        "enrolment_id": enrolment.id,
        "session_id": session.id,
        "certificate_id": certificate.id,
        "code": certificate.code,
        "feed_token": feed_for(people[Role.PARTICIPANT]).token,
        "unsubscribe_token": unsubscribe_link(people[Role.PARTICIPANT], "session_24h").rsplit("/", 1)[1],
    }


#: Where an endpoint's argument is not the world's value of the same name.
ARGUMENT_SOURCES = {
    ("auth.reset_password", "token"): "reset_token",
    ("intakes.lead_substitute", "nomination_id"): "accepted_nomination_id",
    ("cohorts.calendar_feed", "token"): "feed_token",
    ("reminders.unsubscribe", "token"): "unsubscribe_token",
}


def url_for_rule(rule, world) -> str:
    values = {
        argument: world[ARGUMENT_SOURCES.get((rule.endpoint, argument), argument)]
        for argument in rule.arguments
    }
    return rule.build(values)[1]


def test_every_route_declares_its_access(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNDECLARED_OK
        and not isinstance(getattr(app.view_functions[rule.endpoint], "access", None), Access)
    ]
    assert undeclared == []


def test_an_undeclared_view_is_refused():
    probe_app = create_app(TestingConfig)

    @probe_app.get("/undeclared-probe")
    def undeclared_probe():
        return "should never be served"

    with probe_app.app_context():
        response = probe_app.test_client().get("/undeclared-probe")
    assert response.status_code == 404
    assert b"should never be served" not in response.data


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.value if p else "anonymous")
def test_every_route_answers_each_role_as_declared(app, login, persona):
    world = build_world()
    client = login(world["people"][persona]) if persona else app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDECLARED_OK:
            continue
        access: Access = app.view_functions[rule.endpoint].access
        url = url_for_rule(rule, world)
        allowed = access.kind == "public" or (
            persona is not None and (access.kind == "signed_in" or persona in access.roles)
        )
        methods = rule.methods - {"HEAD", "OPTIONS"}
        method = "GET" if "GET" in methods else "POST"
        if allowed and method == "POST":
            continue  # allowed POSTs act; their own tests cover them
        response = client.open(url, method=method)
        response.close()  # ends a streamed download the walk does not read
        where = f"{method} {url} as {persona or 'anonymous'}"
        if allowed:
            assert response.status_code < 400, f"{where} gave {response.status_code}"
        elif persona is None:
            assert response.status_code == 302, f"{where} gave {response.status_code}"
            assert "/sign-in" in response.headers["Location"], where
        else:
            assert response.status_code == 404, f"{where} gave {response.status_code}"
        checked += 1
    assert checked > 5
