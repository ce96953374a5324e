"""The demo gives the programme team and facilitators something on each of their pages."""

from sqlalchemy import select

from app import demo
from app.auth.models import User
from app.auth.services import set_password
from app.extensions import db
from tests.factories import PASSWORD
from tests.pages import parse


def signed_in(login, email: str):
    person = db.session.scalar(select(User).where(User.email == email))
    set_password(person, PASSWORD)
    db.session.commit()
    return login(person)


def test_the_demo_shows_registers_to_take_waiting_nominees_and_certificates_in_every_state(login):
    demo.load()
    db.session.commit()
    facilitator = signed_in(login, "facilitator@demo.digital-leadership.example")
    assert parse(facilitator.get("/")).select_one("#registers-to-take a")
    admin = signed_in(login, "admin@demo.digital-leadership.example")
    assert "Ravi Sharma" in parse(admin.get("/admin/people/waiting")).select_one("tbody").get_text()
    listed = parse(admin.get("/admin/certificates/")).select_one("tbody").get_text()
    assert "Valid" in listed and "Superseded" in listed
