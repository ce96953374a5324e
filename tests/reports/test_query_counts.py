"""Each key page and dashboard issues the same few queries for a programme ten times the size."""

from sqlalchemy import select

from app.extensions import db
from app.intakes.models import Nomination


#: The most queries any of these pages may make.
MOST_QUERIES = 15
#: Pages that show figures counted ahead: their first visit counts them, later visits read them.
FROM_SNAPSHOTS = {"overview", "intake", "councils"}


def dashboard_urls(world) -> dict[str, tuple[object, str]]:
    """Each key page's and dashboard's URL and who looks at it, for one programme."""
    intake, cohort, lesson = world.intakes[0], world.cohorts[0], world.lesson
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
        "attendance matrix": (world.facilitator, f"/cohorts/{cohort.id}/attendance"),
        "queue": ("admin", "/admin/nominations/"),
        "audit": ("admin", "/admin/audit/"),
        "participant home": (world.participant, "/learning/"),
        "lesson": (world.participant, f"/learning/{cohort.course_version.course.slug}/{lesson.module.slug}/{lesson.slug}"),
        "verify": (None, f"/verify/{world.certificate.code}"),
    }


def measure(app, world, admin, login, count_queries) -> dict[str, int]:
    urls = dashboard_urls(world)
    clients = {None: app.test_client()}
    people = {None: None, "admin": admin}
    for who, _ in urls.values():
        person = people.get(who, who)
        if person is not None and person.id not in clients:
            clients[person.id] = login(person)  # once each: signing in is rate limited
    visits = [(name, clients[getattr(people.get(who, who), "id", None)], url) for name, (who, url) in urls.items()]
    counts = {}
    for name, client, url in visits:
        if name in FROM_SNAPSHOTS:
            assert client.get(url).status_code == 200, f"{name}: first visit"  # measure the reading visit
        # Requests share the test's session: start each from an empty identity map, as a
        # real request does, so that what the test made earlier saves no queries.
        db.session.expunge_all()
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        counts[name] = counter.count
    return counts


def test_every_key_page_costs_the_same_few_queries_at_ten_times_the_size(app, admin, login, programme_of_size,
                                                                         count_queries):
    small = measure(app, programme_of_size(1), admin, login, count_queries)
    large = measure(app, programme_of_size(10), admin, login, count_queries)
    assert large == small
    assert {name: count for name, count in large.items() if count > MOST_QUERIES} == {}
