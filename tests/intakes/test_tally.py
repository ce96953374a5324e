"""The tally of nominations by intake and status stays equal to counting them, whatever happens."""

from sqlalchemy import case, func, insert, select

from app.extensions import db
from app.intakes import nominations as lead
from app.intakes import tally
from app.intakes.decisions import Decision, approve_substitution, decide, decline_substitution
from app.intakes.models import Nomination, NominationStatus, NominationTally
from app.intakes.queue import OFFERED, SUBSTITUTION, QueueFilter, counts
from tests.factories import make_council, make_intake, make_nomination, make_user
from tests.intakes.test_services import nominee


def tallied() -> dict:
    rows = db.session.execute(select(NominationTally.intake_id, NominationTally.status, NominationTally.nominations,
                                     NominationTally.offered, NominationTally.substitutions))
    return {(i, s): (n, o, sub) for i, s, n, o, sub in rows if (n, o, sub) != (0, 0, 0)}


def counted() -> dict:
    rows = db.session.execute(
        select(Nomination.intake_id, Nomination.status, func.count(),
               func.count(case((Nomination.status == NominationStatus.WAITLISTED, Nomination.offered_at))),
               func.count(Nomination.substitution_requested_at))
        .group_by(Nomination.intake_id, Nomination.status)
    )
    return {(i, s): (n, o, sub) for i, s, n, o, sub in rows}


def test_the_tally_follows_every_change_a_nomination_goes_through(admin):
    adur = make_council("Adur District Council")
    sarah = make_user("council_lead", council=adur)
    spring, autumn = make_intake(name="Spring", places_per_council=5), make_intake(name="Autumn")
    people = [lead.nominate(spring, adur, nominee(f"Person {n}", f"p{n}@adur.gov.uk"), sarah) for n in range(5)]
    make_nomination(autumn, adur, NominationStatus.DECLINED, created_by=sarah)
    db.session.commit()
    assert tallied() == counted() == {(spring.id, NominationStatus.SUBMITTED): (5, 0, 0),
                                      (autumn.id, NominationStatus.DECLINED): (1, 0, 0)}

    decide([people[0].id, people[1].id], Decision.ACCEPT, admin)
    decide([people[2].id, people[3].id], Decision.WAITLIST, admin)
    db.session.commit()
    assert tallied() == counted()

    db.session.expire_all()  # a change to a row not loaded since its last commit is counted too
    lead.withdraw(db.session.get(Nomination, people[0].id), sarah)  # offers the place to people[2]
    db.session.commit()
    assert tallied() == counted()
    assert counted()[(spring.id, NominationStatus.WAITLISTED)] == (2, 1, 0)

    lead.request_substitution(people[1], nominee("Kim Lee", "kim@adur.gov.uk"), sarah)
    db.session.commit()
    assert tallied() == counted()
    approve_substitution(people[1], admin)
    decide([people[2].id], Decision.ACCEPT, admin)
    lead.request_substitution(people[2], nominee("Leo Fraser", "leo@adur.gov.uk"), sarah)
    decline_substitution(people[2], admin, "Leo is not in a leadership role")
    db.session.commit()
    assert tallied() == counted()

    db.session.delete(people[4])
    db.session.commit()
    assert tallied() == counted()


def test_a_failed_transaction_leaves_the_tally_as_it_was(admin):
    intake = make_intake()
    nomination = make_nomination(intake)
    db.session.commit()
    before = tallied()
    decide([nomination.id], Decision.ACCEPT, admin)
    db.session.flush()
    db.session.rollback()
    assert tallied() == before == counted()


def test_recounting_takes_in_nominations_written_around_the_orm():
    intake = make_intake()
    existing = make_nomination(intake)
    db.session.commit()
    row = {c: getattr(existing, c) for c in ("council_id", "job_title", "service_area", "reason",
                                              "line_manager_supports", "created_by_id", "created_at", "updated_at")}
    db.session.execute(insert(Nomination), [
        row | {"intake_id": intake.id, "nominee_name": f"Bulk {n}", "email": f"bulk{n}@example.gov.uk",
               "status": NominationStatus.ACCEPTED} for n in range(3)
    ])
    assert tallied() != counted()
    tally.recount()
    assert tallied() == counted()
    assert counts(QueueFilter(intake_id=intake.id))["accepted"] == 3


def test_the_queue_counts_from_the_tally_match_those_it_counts_for_a_council(admin):
    adur, worthing = make_council("Adur District Council"), make_council("Worthing Borough Council")
    intake = make_intake()
    for council in (adur, worthing):
        for status in NominationStatus:
            make_nomination(intake, council, status)
    db.session.commit()
    every = counts(QueueFilter(intake_id=intake.id))
    only_adur = counts(QueueFilter(intake_id=intake.id, council="adur"))
    assert every == {status: 2 * n for status, n in only_adur.items()}
    assert every[OFFERED] == every[SUBSTITUTION] == 0 and every["accepted"] == 2
