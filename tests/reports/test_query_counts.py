"""Each dashboard issues the same number of queries for a programme ten times the size."""

from sqlalchemy import select

from app.extensions import db
from app.intakes.models import Nomination


def dashboard_urls(world) -> dict[str, tuple[object, str]]:
    """Each dashboard's URL and who looks at it, for one programme."""
    intake, cohort = world.intakes[0], world.cohorts[0]
    nomination = db.session.scalar(
        select(Nomination).where(Nomination.council_id == world.lead.council_id, Nomination.intake_id == intake.id).limit(1)
    )
    return {
        "overview": ("admin", "/admin/reports/"),
        "overview csv": ("admin", "/admin/reports/intakes-outcomes.csv"),
        "intake": ("admin", f"/admin/reports/intakes/{intake.id}"),
        "intake cohorts csv": ("admin", f"/admin/reports/intakes/{intake.id}/cohorts.csv"),
        "councils": ("admin", f"/admin/reports/intakes/{intake.id}/councils"),
        "councils csv": ("admin", f"/admin/reports/intakes/{intake.id}/councils.csv"),
        "our people": (world.lead, "/our-people/"),
        "our people csv": (world.lead, "/our-people/people.csv"),
        "one of our people": (world.lead, f"/our-people/{nomination.id}"),
        "cohort dashboard": (world.facilitator, f"/cohorts/{cohort.id}/dashboard"),
        "cohort dashboard csv": (world.facilitator, f"/cohorts/{cohort.id}/dashboard.csv"),
    }


def measure(world, admin, login, count_queries) -> dict[str, int]:
    urls = dashboard_urls(world)
    clients = {}
    for who, _ in urls.values():
        person = admin if who == "admin" else who
        if person.id not in clients:
            clients[person.id] = login(person)  # once each: signing in is rate limited
    visits = [(name, clients[(admin if who == "admin" else who).id], url) for name, (who, url) in urls.items()]
    counts = {}
    for name, client, url in visits:
        # Requests share the test's session: start each from an empty identity map, as a
        # real request does, so that what the test made earlier saves no queries.
        db.session.expunge_all()
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        counts[name] = counter.count
    return counts


def test_every_dashboard_costs_the_same_queries_at_ten_times_the_size(admin, login, programme_of_size, count_queries):
    small = measure(programme_of_size(1), admin, login, count_queries)
    large = measure(programme_of_size(10), admin, login, count_queries)
    assert large == small
