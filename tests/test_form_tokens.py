"""A create form sent twice (a double click, a resend) creates one thing and answers the same."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.certificates import services as certificates
from app.certificates.models import Certificate
from app.cohorts.models import Cohort, LiveSession
from app.cohorts.services import enrol
from app.extensions import db
from app.intakes.models import Intake
from tests.factories import make_cohort, make_course, make_course_version, make_intake, make_user
from tests.pages import parse


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def token_on(client, url: str) -> str:
    return parse(client.get(url)).select_one("input[name=form_token]")["value"]


def sent_twice(client, page_url: str, post_url: str, data: dict) -> list:
    """The form on page_url, filled in with data and sent twice."""
    data = data | {"form_token": token_on(client, page_url)}
    return [client.post(post_url, data=data) for _ in range(2)]


def assert_same_answer(first, second):
    assert (first.status_code, second.status_code) == (302, 302)
    assert first.headers["Location"] == second.headers["Location"]


def test_an_invitation_sent_twice_invites_once(admin_client, smtp):
    first, second = sent_twice(admin_client, "/admin/people/invite", "/admin/people/invite", {
        "name": "Dana Scott", "email": "dana@programme.example", "roles": ["facilitator"], "council": "",
    })
    assert_same_answer(first, second)
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "dana@programme.example")) == 1
    assert "Invitation sent to dana@programme.example" in parse(admin_client.get(second.headers["Location"])).get_text()


def test_a_reissue_sent_twice_reissues_once(admin, admin_client):
    enrolment = enrol(make_cohort(), make_user("participant", name="Garteh Lewis"), actor=admin)
    certificate = certificates.issue_certificate(enrolment)
    db.session.commit()
    page = f"/admin/certificates/{certificate.id}"
    first, second = sent_twice(admin_client, page, f"{page}/reissue", {"name": "Gareth Lewis"})
    assert_same_answer(first, second)
    assert count(Certificate) == 2


def test_an_intake_sent_twice_is_created_once(admin_client):
    course = make_course()
    first, second = sent_twice(admin_client, "/admin/intakes/new", "/admin/intakes/new", {
        "course": str(course.id), "name": "Spring 2027", "opens_on": ["20", "3", "2027"], "opens_at": "9am",
        "closes_on": ["28", "3", "2027"], "closes_at": "5pm", "cohorts_start_on": ["19", "4", "2027"],
        "places_per_council": "3", "total_places": "40",
    })
    assert_same_answer(first, second)
    assert count(Intake) == 1


def test_a_cohort_sent_twice_is_created_once(admin_client):
    course = make_course()
    make_course_version(course)
    intake, facilitator = make_intake(course=course), make_user("facilitator")
    first, second = sent_twice(admin_client, "/cohorts/new", "/cohorts/new", {
        "intake": str(intake.id), "name": "Spring 2027 – cohort A", "capacity": "20",
        "start_on": ["1", "5", "2027"], "end_on": ["1", "9", "2027"], "facilitators": [str(facilitator.id)],
    })
    assert_same_answer(first, second)
    assert count(Cohort) == 1


def test_a_session_sent_twice_is_added_once(admin_client):
    cohort = make_cohort()
    url = f"/cohorts/{cohort.id}/sessions/new"
    first, second = sent_twice(admin_client, url, url, {
        "title": "Show and tell", "day": ["2", "6", "2027"], "starts": "1pm", "ends": "3pm", "location": "Room 1",
    })
    assert_same_answer(first, second)
    assert count(LiveSession) == 1


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(admin_client):
    url = "/admin/intakes/new"
    token = token_on(admin_client, url)
    refused = admin_client.post(url, data={"name": "Spring 2027", "form_token": token})
    assert refused.status_code == 200
    assert parse(refused).select_one("input[name=form_token]")["value"] == token
    course = make_course()
    sent = admin_client.post(url, data={
        "course": str(course.id), "name": "Spring 2027", "opens_on": ["20", "3", "2027"], "opens_at": "9am",
        "closes_on": ["28", "3", "2027"], "closes_at": "5pm", "cohorts_start_on": ["19", "4", "2027"],
        "places_per_council": "3", "total_places": "40", "form_token": token,
    })
    assert sent.status_code == 302 and count(Intake) == 1


@pytest.mark.postgres
def test_an_invitation_double_clicked_at_the_same_moment_invites_once(app, admin, login, smtp):
    clients = [login(admin), login(admin)]
    data = {"name": "Dana Scott", "email": "dana@programme.example", "roles": ["facilitator"], "council": "",
            "form_token": token_on(clients[0], "/admin/people/invite")}
    db.session.commit()
    start, statuses = threading.Barrier(2), []

    def click(client):
        with app.app_context():
            start.wait()
            statuses.append(client.post("/admin/people/invite", data=data).status_code)

    clicks = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert statuses == [302, 302]
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "dana@programme.example")) == 1
