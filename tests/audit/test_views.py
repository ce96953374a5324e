import csv
import io
from datetime import timedelta

import time_machine

from app.audit.models import AuditEvent
from app.audit.services import count_up_to, filtered_events, record
from app.audit.views import KEPT_FOR
from app.extensions import db
from app.exports import csv_text, neutralise
from app.timeutil import utcnow
from tests.factories import make_council, make_user
from tests.pages import parse



def actions_on(page) -> list[str]:
    return [td.get_text() for td in page.select("tbody tr td:nth-of-type(3)")]


def test_the_audit_log_filters_by_person_action_object_and_date(admin_client, admin):
    other = make_user("admin", name="Olu Adebayo")
    council = make_council()
    with time_machine.travel("2027-03-01 10:00", tick=False):
        record(admin, "council.updated", council, {"name": ["Old", "New"]})
    with time_machine.travel("2027-03-20 10:00", tick=False):
        record(other, "user.invited", other)
    db.session.commit()

    assert actions_on(parse(admin_client.get("/admin/audit/?person=olu"))) == ["user.invited"]
    assert actions_on(parse(admin_client.get("/admin/audit/?action=council"))) == ["council.updated"]
    assert actions_on(parse(admin_client.get(f"/admin/audit/?object=Council:{council.id}"))) == ["council.updated"]
    assert actions_on(parse(admin_client.get("/admin/audit/?from=2027-03-10&to=2027-03-31"))) == ["user.invited"]
    page = parse(admin_client.get("/admin/audit/?action=council"))
    assert "Old → New" in page.select_one("tbody").get_text()


def test_the_log_pages_newest_first_without_counting_and_offers_each_action_once(admin_client, admin):
    council = make_council()
    for n in range(51):
        with time_machine.travel(f"2027-03-01 10:{n:02d}", tick=False):
            record(admin, "council.updated" if n else "council.imported", council, {"n": n})
    with time_machine.travel("2027-03-02 09:00", tick=False):
        record(None, "user.invited", admin)
    db.session.commit()

    first = parse(admin_client.get("/admin/audit/"))
    assert len(first.select("tbody tr")) == 50
    assert actions_on(first)[0] == "user.invited"
    assert first.select_one(".govuk-pagination__prev") is None
    assert first.select_one("caption").get_text(strip=True) == "52 events"
    events, _, _ = filtered_events({})
    assert count_up_to(events, most=10) == 11  # the caption then says "More than 10 events"
    assert [o["value"] for o in first.select("#action option")] == ["", "council.imported", "council.updated", "user.invited"]
    second = parse(admin_client.get(first.select_one(".govuk-pagination__next a")["href"]))
    assert actions_on(second) == ["council.updated", "council.imported"]
    assert second.select_one(".govuk-pagination__next") is None
    assert second.select_one(".govuk-pagination__prev a")["href"].endswith("page=1")


def test_the_log_shows_a_new_event_at_once_and_one_committed_late_within_seconds(admin_client, admin):
    council = make_council()

    def event(id, action):
        db.session.add(AuditEvent(id=id, actor_id=admin.id, action=action, object_type="Council",
                                  object_id=council.id, changes={}, at=utcnow()))
        db.session.commit()

    first = record(admin, "council.imported", council)
    db.session.commit()
    assert actions_on(parse(admin_client.get("/admin/audit/"))) == ["council.imported"]
    event(first.id + 2, "council.updated")
    assert actions_on(parse(admin_client.get("/admin/audit/"))) == ["council.updated", "council.imported"]
    # Written before the newest event but committed after it, so its id is the smaller.
    event(first.id + 1, "council.renamed")
    with time_machine.travel(utcnow() + KEPT_FOR + timedelta(seconds=1)):
        assert "council.renamed" in actions_on(parse(admin_client.get("/admin/audit/")))


def test_a_bad_date_is_an_error_beside_the_field_and_keeps_what_was_typed(admin_client):
    page = parse(admin_client.get("/admin/audit/?from=last+tuesday"))
    assert page.title.get_text().startswith("Error: ")
    assert "Enter a date like 2027-03-14" in page.select_one("#from-error").get_text()
    assert page.select_one("#from")["value"] == "last tuesday"


def test_the_audit_csv_has_a_header_and_runs_no_formulas(admin_client, admin):
    admin.name = '=HYPERLINK("http://evil.example")'
    record(admin, "user.invited", admin)
    db.session.commit()
    response = admin_client.get("/admin/audit/audit.csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["When", "Who", "Email", "Action"]
    assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\")"


def test_formula_cells_are_neutralised_and_others_left_alone():
    assert [neutralise(v) for v in ["=1+1", "+44 20", "-3", "@SUM(A1)", "Adur", 12, None]] == [
        "'=1+1", "'+44 20", "'-3", "'@SUM(A1)", "Adur", "12", ""
    ]
    assert csv_text(["a"], [["=x"]]) == "\ufeffa\r\n'=x\r\n"
