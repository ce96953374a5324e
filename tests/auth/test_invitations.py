"""The programme team resends invitations, and sees every accepted nominee who cannot sign in yet."""

import re

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.intakes.decisions import Decision, decide
from app.mail.delivery import deliver_pending
from tests.factories import make_intake, make_nomination, make_user
from tests.pages import parse


def invitation_links(smtp, email: str) -> list[str]:
    return [re.search(r"http://lms\.test(/set-password/\S+)", smtp.text(m)).group(1)
            for m in smtp.to(email) if "Set up your" in m["Subject"]]


def accepted(admin, email: str, name: str):
    nomination = make_nomination(make_intake(name="Spring 2027"), email=email, nominee_name=name)
    decide([nomination.id], Decision.ACCEPT, admin)
    db.session.commit()
    return nomination


def test_resending_an_invitation_sends_a_new_link_and_voids_the_old_one(admin, admin_client, smtp, client):
    nomination = accepted(admin, "sam@adur.gov.uk", "Sam Jones")
    deliver_pending()
    (old_link,) = invitation_links(smtp, "sam@adur.gov.uk")

    response = admin_client.post(f"/admin/people/{nomination.participant_id}/invitation", follow_redirects=True)
    assert "A new invitation has been sent to sam@adur.gov.uk" in parse(response).get_text()
    deliver_pending()
    old, new = invitation_links(smtp, "sam@adur.gov.uk")
    assert new != old

    refused = client.get(old_link)
    assert refused.status_code == 400
    client.post(new, data={"password": "a walk by the river", "confirm": "a walk by the river"})
    assert client.post("/sign-in", data={"email": "sam@adur.gov.uk", "password": "a walk by the river"}).status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.invitation_resent"))
    assert event.actor_id == admin.id


def test_someone_who_has_set_a_password_is_not_sent_another_invitation(admin, admin_client, smtp):
    person = make_user("participant", name="Ana Silva")
    response = admin_client.post(f"/admin/people/{person.id}/invitation", follow_redirects=True)
    assert "Ana Silva has already set a password" in parse(response).get_text()
    deliver_pending()
    assert smtp.to(person.email) == []


def test_the_programme_team_sees_every_accepted_nominee_without_a_password(admin, admin_client):
    waiting = accepted(admin, "kim@adur.gov.uk", "Kim Lee")
    signed_up = accepted(admin, "jo@adur.gov.uk", "Jo Park")
    signed_up.participant.password_hash = "set"
    make_user("participant", password=None, name="Not nominated")
    db.session.commit()

    people = parse(admin_client.get("/admin/people"))
    link = next(a for a in people.select("main a") if "have not set a password" in a.get_text())
    page = parse(admin_client.get(link["href"]))
    rows = [row.get_text(" ", strip=True) for row in page.select("tbody tr")]
    assert len(rows) == 1
    assert "Kim Lee" in rows[0] and waiting.council.name in rows[0] and "Spring 2027" in rows[0]
    (form,) = page.select("tbody form")
    assert form["action"] == f"/admin/people/{waiting.participant_id}/invitation"
