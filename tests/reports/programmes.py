"""Programmes to report on: a small one worked out by hand, and programmes of any size."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, timedelta
from types import SimpleNamespace

from app.certificates.codes import new_code
from app.certificates.models import Certificate
from app.cohorts.models import Attendance, AttendanceStatus, EnrolmentStatus
from app.cohorts.services import enrol
from app.courses.services import complete_lesson, outline
from app.extensions import db
from app.intakes.models import CouncilPlaces, NominationStatus
from app.timeutil import utcnow
from tests.factories import (
    make_cohort,
    make_council,
    make_course,
    make_course_version,
    make_intake,
    make_live_session,
    make_nomination,
    make_user,
)

_codes = itertools.count(1)


def make_certificate(enrolment, *, revoked: bool = False) -> Certificate:
    """A certificate row without rendering its PDF: reports count them, never open them."""
    n = next(_codes)
    certificate = Certificate(
        enrolment_id=enrolment.id, code=new_code(), context={"participant_name": enrolment.user.name},
        storage_key=f"certificates/test-{n}.pdf", sha256=hashlib.sha256(str(n).encode()).hexdigest(),
        revoked_at=utcnow() if revoked else None,
    )
    db.session.add(certificate)
    if not revoked:
        enrolment.status = EnrolmentStatus.COMPLETED
    db.session.commit()
    return certificate


def mark(session, enrolment, status: str, marker) -> None:
    db.session.add(Attendance(session_id=session.id, enrolment_id=enrolment.id, status=AttendanceStatus(status),
                              marked_by_id=marker.id))


def nominee(intake, council, status, lead, name):
    """A nomination and, once accepted, the participant's account."""
    participant = make_user("participant", council=council, name=name) if status is NominationStatus.ACCEPTED else None
    return make_nomination(intake, council, status, created_by=lead, nominee_name=name,
                           participant_id=participant.id if participant else None), participant


def known_programme(admin) -> SimpleNamespace:
    """Councils A, B and C have signed, D has not. Figures in the tests are worked out from this."""
    a, b, c = (make_council(f"{letter} Council") for letter in "ABC")
    d = make_council("D Council", signed_on=None)
    leads = {council: make_user("council_lead", council=council) for council in (a, b, c, d)}
    course = make_course()
    make_course_version(course)  # two modules of two lessons each, and a quiz
    spring = make_intake(course=course, name="Spring 2027", places_per_council=3, total_places=10)
    spring.overrides.append(CouncilPlaces(council=b, places=5))
    autumn = make_intake(course=course, name="Autumn 2026", places_per_council=2, total_places=6,
                         opens_at=utcnow() - timedelta(days=200), closes_at=utcnow() - timedelta(days=150))
    db.session.commit()

    S, A_, W, D, X = (NominationStatus.SUBMITTED, NominationStatus.ACCEPTED, NominationStatus.WAITLISTED,
                      NominationStatus.DECLINED, NominationStatus.WITHDRAWN)
    (n_a1, a1), (n_a2, a2), _ = (nominee(spring, a, s, leads[a], name) for s, name in
                                 ((A_, "Aisha Khan"), (A_, "Alan Moss"), (S, "Amy Wren")))
    (n_b1, b1), _, _ = (nominee(spring, b, s, leads[b], name) for s, name in
                        ((A_, "Ben Ode"), (W, "Bea Lund"), (D, "Bob Hale")))
    nominee(spring, c, X, leads[c], "Cat Fry")
    (n_c1, c1), (n_c2, c2) = (nominee(autumn, c, A_, leads[c], name) for name in ("Carl Vine", "Cora Penn"))

    joined = utcnow() - timedelta(days=30)
    alpha = make_cohort(spring, capacity=4, name="Alpha", start_on=date.today() - timedelta(days=28))
    make_cohort(spring, capacity=2, name="Beta")
    gamma = make_cohort(autumn, capacity=3, name="Gamma", start_on=date.today() - timedelta(days=28))
    e_a1, e_a2, e_b1 = (enrol(alpha, person, actor=admin, nomination=n, now=joined)
                        for person, n in ((a1, n_a1), (a2, n_a2), (b1, n_b1)))
    e_c1, e_c2 = (enrol(gamma, person, actor=admin, nomination=n, now=joined) for person, n in ((c1, n_c1), (c2, n_c2)))
    e_b1.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()

    s1, s2 = (make_live_session(alpha, starts_at=utcnow() - timedelta(days=days)) for days in (20, 10))
    s3 = make_live_session(alpha, starts_at=utcnow() - timedelta(days=5))
    s3.cancelled_at = utcnow()
    s4 = make_live_session(gamma, starts_at=utcnow() - timedelta(days=10))
    for session, enrolment, status in (
        (s1, e_a1, "present"), (s2, e_a1, "absent"), (s1, e_a2, "late"), (s2, e_a2, "present"),
        (s1, e_b1, "excused"), (s2, e_b1, "absent"), (s3, e_a1, "present"),
        (s4, e_c1, "present"), (s4, e_c2, "absent"),
    ):
        mark(session, enrolment, status, admin)
    db.session.commit()

    lessons = [lesson for module in outline(alpha.course_version) for lesson in module.lessons]
    for lesson in lessons[:3]:
        complete_lesson(a1, lesson)
    for lesson in lessons:
        complete_lesson(a2, lesson)
    db.session.commit()

    make_certificate(e_a2)
    make_certificate(e_c1)
    make_certificate(e_c2, revoked=True)
    return SimpleNamespace(
        councils=(a, b, c, d), leads=leads, spring=spring, autumn=autumn, alpha=alpha, gamma=gamma,
        enrolments={"a1": e_a1, "a2": e_a2, "b1": e_b1, "c1": e_c1, "c2": e_c2},
        nominations={"a1": n_a1, "a2": n_a2, "b1": n_b1, "c1": n_c1, "c2": n_c2},
    )


def build_programme(scale: int, admin) -> SimpleNamespace:
    """Two intakes and `scale` times as many councils, nominees, cohort places, sessions and
    marks: the same shape at any size, for counting queries."""
    course = make_course()
    make_course_version(course)
    intakes = [make_intake(course=course, total_places=100 * scale) for _ in range(2)]
    lead_council = make_council()
    lead = make_user("council_lead", council=lead_council)
    cohorts, participants, certificates = [], [], []
    facilitator = make_user("facilitator")
    for intake in intakes:
        cohort = make_cohort(intake, capacity=4 * scale, facilitators=[facilitator],
                             start_on=date.today() - timedelta(days=28))
        cohorts.append(cohort)
        sessions = [make_live_session(cohort, starts_at=utcnow() - timedelta(days=days)) for days in (20, 10)]
        lessons = [lesson for module in outline(cohort.course_version) for lesson in module.lessons]
        for i in range(3 * scale):
            council = lead_council if i % 3 == 0 else make_council()
            status = NominationStatus.SUBMITTED if i % 3 == 2 else NominationStatus.ACCEPTED
            nomination, person = nominee(intake, council, status, lead if council is lead_council else None,
                                         f"Person {intake.id}-{i}")
            if person is None:
                continue
            enrolment = enrol(cohort, person, actor=admin, nomination=nomination, now=utcnow() - timedelta(days=30))
            for session in sessions:
                mark(session, enrolment, "present" if i % 2 else "absent", admin)
            complete_lesson(person, lessons[i % len(lessons)])
            participants.append(person)
            if i % 2 == 0:
                certificates.append(make_certificate(enrolment))
        db.session.commit()
    return SimpleNamespace(intakes=intakes, cohorts=cohorts, lead=lead, facilitator=facilitator,
                           participant=participants[0], certificate=certificates[0], lesson=lessons[0])
