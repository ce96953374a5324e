"""Twenty leads racing for the last place: exactly one gets it (PostgreSQL only)."""

import threading

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.councils.models import Council
from app.extensions import db
from app.intakes import nominations as lead
from app.intakes.models import HOLDS_A_PLACE, Intake, Nomination
from app.intakes.services import IntakeError
from tests.factories import make_council, make_intake, make_nomination, make_user
from tests.intakes.test_services import nominee

ATTEMPTS = 20

pytestmark = pytest.mark.postgres


def race(app, intake_id: int, leads: list[tuple[int, int]]) -> list[str]:
    """Each (lead, council) nominates a different person at the same moment, in its own thread
    and transaction; returns "ok" or the refusal for each."""
    results = [""] * len(leads)
    start = threading.Barrier(len(leads))

    def attempt(n: int, lead_id: int, council_id: int) -> None:
        with app.app_context():
            actor = db.session.get(User, lead_id)
            council = db.session.get(Council, council_id)
            intake = db.session.get(Intake, intake_id)
            db.session.commit()  # start the race with no transaction open
            start.wait()
            try:
                lead.nominate(intake, council, nominee(f"Person {n}", f"person{n}@council.gov.uk"), actor)
                db.session.commit()
                results[n] = "ok"
            except IntakeError as error:
                db.session.rollback()
                results[n] = str(error)

    threads = [threading.Thread(target=attempt, args=(n, *pair)) for n, pair in enumerate(leads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_concurrent_nominations_for_a_councils_last_place_leave_exactly_one(app):
    intake = make_intake(places_per_council=3)
    lead_user = make_user("council_lead")
    make_nomination(intake, lead_user.council, created_by=lead_user)
    make_nomination(intake, lead_user.council, created_by=lead_user)

    results = race(app, intake.id, [(lead_user.id, lead_user.council_id)] * ATTEMPTS)

    assert results.count("ok") == 1
    assert results.count("Your council has used all 3 of its places") == ATTEMPTS - 1
    db.session.expire_all()
    used = select(func.count(Nomination.id)).where(
        Nomination.council_id == lead_user.council_id, Nomination.status.in_(HOLDS_A_PLACE)
    )
    assert db.session.scalar(used) == 3


def test_twenty_councils_racing_for_the_intakes_last_place_leave_exactly_one(app):
    intake = make_intake(places_per_council=3, total_places=1)
    leads = [make_user("council_lead", council=make_council()) for _ in range(ATTEMPTS)]

    results = race(app, intake.id, [(user.id, user.council_id) for user in leads])

    assert results.count("ok") == 1
    assert results.count("The only place on this intake has been taken") == ATTEMPTS - 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Nomination.id)).where(Nomination.intake_id == intake.id)) == 1
