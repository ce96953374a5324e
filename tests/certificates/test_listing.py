"""Every certificate in one list for the programme team: search, states, pages and CSV."""

import csv
import io
from datetime import timedelta

from app.certificates.codes import new_code
from app.certificates.models import Certificate
from app.cohorts.models import Cohort
from app.cohorts.services import enrol
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_cohort, make_council, make_user
from tests.pages import parse


def certificate(cohort, name: str, council=None, *, days_ago: int = 1, **fields) -> Certificate:
    """A certificate row made directly, without rendering a PDF (the list never reads it)."""
    person = make_user("participant", name=name, council=council or make_council(), password=None)
    enrolment = enrol(cohort, person, actor=None)
    made = Certificate(
        enrolment_id=enrolment.id, code=new_code(), issued_at=utcnow() - timedelta(days=days_ago),
        context={"participant_name": name}, storage_key="certificates/none.pdf", sha256="0" * 64, **fields,
    )
    db.session.add(made)
    db.session.commit()
    return made


def names_listed(page) -> list[str]:
    return [row.select_one("td a").get_text() for row in page.select("tbody tr")]


def world():
    spring, autumn = make_cohort(name="Spring – cohort A"), make_cohort(name="Autumn – cohort B")
    adur = make_council("Adur District Council")
    return {
        "valid": certificate(spring, "Aisha Khan", adur, days_ago=3),
        "revoked": certificate(spring, "Ben Ode", days_ago=2, revoked_at=utcnow(), revoked_reason="Issued in error"),
        "superseded": certificate(autumn, "Cara Dunn", adur, days_ago=1, superseded_at=utcnow()),
    }


def test_the_list_searches_by_name_council_cohort_or_code_and_filters_by_state(admin_client):
    made = world()
    assert names_listed(parse(admin_client.get("/admin/certificates/"))) == ["Cara Dunn", "Ben Ode", "Aisha Khan"]
    searches = {
        "aisha": ["Aisha Khan"],
        "adur district": ["Cara Dunn", "Aisha Khan"],
        "spring – cohort": ["Ben Ode", "Aisha Khan"],
        made["revoked"].code.lower().replace("-", " "): ["Ben Ode"],
        made["superseded"].code[4:13]: ["Cara Dunn"],
        "nobody at all": [],
    }
    for query, expected in searches.items():
        page = parse(admin_client.get("/admin/certificates/", query_string={"q": query}))
        assert names_listed(page) == expected, query
    for state, expected in {"valid": ["Aisha Khan"], "revoked": ["Ben Ode"], "superseded": ["Cara Dunn"]}.items():
        page = parse(admin_client.get("/admin/certificates/", query_string={"state": state}))
        assert names_listed(page) == expected, state
    page = parse(admin_client.get("/admin/certificates/", query_string={"q": "adur", "state": "superseded"}))
    assert names_listed(page) == ["Cara Dunn"]
    assert "Superseded" in page.select_one("tbody").get_text()
    assert "No certificates match your search." in parse(admin_client.get("/admin/certificates/?q=zzz")).get_text()


def test_the_list_is_paged_and_linked_from_the_admin_navigation(admin_client):
    cohort = make_cohort(capacity=60)
    for n in range(52):
        certificate(cohort, f"Person {n:02d}", days_ago=n + 1)
    first = parse(admin_client.get("/"))
    nav = next(a for a in first.select(".govuk-service-navigation a") if a.get_text(strip=True) == "Certificates")
    page = parse(admin_client.get(nav["href"]))
    assert len(names_listed(page)) == 50
    assert "52 certificates" in page.select_one("caption").get_text()
    second = parse(admin_client.get(page.select_one(".govuk-pagination__next a")["href"]))
    assert names_listed(second) == ["Person 50", "Person 51"]


def test_the_csv_is_streamed_and_filtered_as_on_the_page(admin_client):
    made = world()
    response = admin_client.get("/admin/certificates.csv", query_string={"q": "adur"})
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="certificates.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Code", "Name", "Council", "Cohort", "Issued on", "State", "Revoked or superseded on"]
    assert [row[:4] for row in rows[1:]] == [
        [made["superseded"].code, "Cara Dunn", "Adur District Council", "Autumn – cohort B"],
        [made["valid"].code, "Aisha Khan", "Adur District Council", "Spring – cohort A"],
    ]
    assert rows[1][5] == "Superseded" and rows[1][6] and rows[2][5:] == ["Valid", ""]


def test_the_list_costs_the_same_queries_however_many_certificates_there_are(admin_client, count_queries):
    cohort_id = make_cohort(capacity=60).id
    counts = []
    for size in (3, 45):
        cohort = db.session.get(Cohort, cohort_id)
        for n in range(db.session.query(Certificate).count(), size):
            certificate(cohort, f"Person {n}")
        db.session.expunge_all()  # a request starts from an empty identity map
        with count_queries() as counter:
            assert admin_client.get("/admin/certificates/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 10
