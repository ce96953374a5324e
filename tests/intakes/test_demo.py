"""The demo data shows intakes and nominations to every role."""

from sqlalchemy import func, select

from app import demo
from app.auth.models import User
from app.extensions import db
from app.intakes.demo import DEMO_INTAKE
from app.intakes.models import Intake, Nomination
from app.intakes.nominations import why_cannot_nominate
from app.timeutil import utcnow


def test_the_demo_has_an_open_intake_with_the_adur_leads_nominations_in_every_state():
    demo.load()
    demo.load()  # idempotent
    (intake,) = db.session.scalars(select(Intake).where(Intake.name == DEMO_INTAKE)).all()
    assert intake.course.slug == "digital-leadership"
    assert intake.is_open(utcnow())
    statuses = {n.status.value for n in db.session.scalars(select(Nomination).where(Nomination.intake_id == intake.id))}
    assert statuses == {"submitted", "accepted", "waitlisted", "declined", "withdrawn"}
    assert db.session.scalar(select(func.count(Nomination.offered_at)).where(Nomination.intake_id == intake.id)) == 1

    adur_lead = db.session.scalar(select(User).where(User.email == "lead@adur-worthing.example.gov.uk"))
    arun_lead = db.session.scalar(select(User).where(User.email == "lead@non-signatory.example.gov.uk"))
    assert why_cannot_nominate(intake, adur_lead.council) is None
    assert "has not signed the Local Digital Declaration" in why_cannot_nominate(intake, arun_lead.council)
