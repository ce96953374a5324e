"""Input from outside the forms' happy path: ids and numbers beyond the database, NUL bytes,
spaces for text, over-long text, impossible dates, the hour that happens twice, non-ASCII
digits. Each gets a GOV.UK message, a 400 or a 404, never a 500, and nothing typed is lost."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.cohorts.models import LiveSession
from app.councils.services import GSS_CODE
from app.extensions import db
from app.intakes.models import Intake
from app.params import IdConverter, whole_number
from tests.cohorts.test_views import cohort_with
from tests.factories import make_course
from tests.intakes.test_admin_views import intake_form
from tests.pages import parse

BEYOND = [str(2**31), str(2**63), "9" * 30]


def test_every_id_in_an_address_beyond_the_database_is_a_404(app, admin_client):
    checked = 0
    for rule in app.url_map.iter_rules():
        ids = [arg for arg, converter in rule._converters.items() if isinstance(converter, IdConverter)]
        if "GET" not in rule.methods or not ids:
            continue
        for number in BEYOND:
            _, path = rule.build({arg: (number if arg in ids else "x") for arg in rule.arguments})
            assert admin_client.get(path).status_code == 404, path
            checked += 1
    assert checked > 30


@pytest.mark.parametrize("query", [
    "/admin/nominations/?intake={n}", "/admin/nominations/?council={n}",
    "/marking/?cohort={n}", "/marking/?assignment={n}", "/admin/audit/?object=intake:{n}",
])
def test_an_impossible_id_in_a_filter_is_ignored(admin_client, query):
    for number in BEYOND + ["²", "٣"]:
        assert admin_client.get(query.format(n=number)).status_code == 200


def test_a_page_number_beyond_any_list_is_a_404_and_a_real_one_works(admin_client):
    assert admin_client.get("/admin/people?page=2").status_code == 200
    for number in BEYOND + ["²", "-1", "1e9"]:
        assert admin_client.get(f"/admin/people?page={number}").status_code == 404


def test_a_nul_character_in_a_query_or_a_form_is_refused_with_a_400(admin_client):
    assert admin_client.get("/admin/people?q=a%00b").status_code == 400
    assert admin_client.get("/verify/DLP-%00").status_code == 400
    response = admin_client.post("/admin/intakes/new", data=intake_form(make_course(), name="Spring\x00"))
    assert response.status_code == 400
    assert db.session.scalar(select(Intake)) is None


def test_spaces_alone_count_as_empty_and_typed_text_is_trimmed(admin_client):
    course = make_course()
    page = parse(admin_client.post("/admin/intakes/new", data=intake_form(course, name="   ")))
    assert page.select_one("#name-error").get_text(strip=True) == "Error:Enter a name for the intake"
    admin_client.post("/admin/intakes/new", data=intake_form(course, name="  Spring 2027  "))
    assert db.session.scalar(select(Intake.name)) == "Spring 2027"


def test_over_long_text_gets_a_gov_uk_message_and_is_kept(admin_client):
    page = parse(admin_client.post("/admin/intakes/new", data=intake_form(make_course(), name="n" * 201)))
    assert "Name must be 200 characters or fewer" in page.select_one("#name-error").get_text()
    assert page.select_one("#name")["value"] == "n" * 201


def test_every_text_field_has_a_length_limit(app):
    from types import SimpleNamespace

    from app.assessments.forms import mark_form
    from app.cohorts.forms import register_form
    from app.forms import Form
    from wtforms import PasswordField, StringField
    from wtforms.validators import Length

    # Forms built per request are classes only while one lives: build one of each to check.
    with app.test_request_context():
        someone = SimpleNamespace(id=1, user=SimpleNamespace(name="Someone"))
        built = [mark_form(["A criterion"]), register_form([someone], {})]

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    unlimited = [
        f"{form.__name__}.{name}"
        for form in subclasses(Form)
        for name, unbound in vars(form).items()
        if getattr(unbound, "field_class", None) and issubclass(unbound.field_class, StringField)
        and not issubclass(unbound.field_class, PasswordField) and unbound.field_class.__name__ != "ClockField"
        and not any(isinstance(v, Length) for v in unbound.kwargs.get("validators", []))
    ]
    assert unlimited == [], f"with {len(built)} per-request forms built"


def test_an_unknown_choice_gets_the_fields_own_message_not_wtforms(admin_client):
    page = parse(admin_client.post("/admin/intakes/new", data=intake_form(make_course()) | {"course": "999999"}))
    assert page.select_one("#course-error").get_text(strip=True) == "Error:Choose a course"
    assert "valid choice" not in page.get_text()


@pytest.mark.parametrize("day, message", [
    (["1" * 19, "3", "2027"], "The opening date must be a real date"),
    (["1", "3", "9999"], "The year must be between 2000 and 2100"),
    (["²", "3", "2027"], "The opening date must be a real date"),
])
def test_impossible_dates_are_told_beside_the_field_and_the_summary_links_the_day_box(admin_client, day, message):
    page = parse(admin_client.post("/admin/intakes/new", data=intake_form(make_course(), opens_on=day)))
    assert message in page.select_one("#opens_on-error").get_text()
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert "#opens_on-day" in links
    assert page.select_one("#opens_on-day")["value"] == day[0]


def test_a_whole_number_in_other_digits_is_refused(admin_client):
    page = parse(admin_client.post("/admin/intakes/new", data=intake_form(make_course(), total_places="٤٠")))
    assert "Total places must be a whole number, like 40" in page.select_one("#total_places-error").get_text()
    assert whole_number("²") is None and whole_number("1_0") is None and whole_number("٣") is None


def test_the_audit_log_refuses_a_year_it_cannot_hold(admin_client):
    page = parse(admin_client.get("/admin/audit/?to=9999-12-31"))
    assert "Enter a date like 2027-03-14" in page.get_text()


def test_gss_codes_take_ascii_digits_only():
    assert GSS_CODE.match("E06000001")
    assert not GSS_CODE.match("E0600000١")


def test_the_time_that_happens_twice_when_the_clocks_go_back_is_asked_about(admin, login):
    cohort, _, _ = cohort_with(0, 0, admin)
    client = login(cohort.facilitators[0])
    form = {"title": "Night owls", "day": ["25", "10", "2026"], "starts": "1:30am", "ends": "3am",
            "join_url": "https://example.com/meet"}
    page = parse(client.post(f"/cohorts/{cohort.id}/sessions/new", data=form))
    error = page.select_one("#starts-error").get_text()
    assert "1:30am happens twice that night, because the clocks go back" in error
    assert "Enter 1:30am BST for the first time or 1:30am GMT for the second" in error
    assert db.session.scalar(select(LiveSession)) is None
    response = client.post(f"/cohorts/{cohort.id}/sessions/new", data=form | {"starts": "1:30am GMT"})
    assert response.status_code == 302
    session = db.session.scalar(select(LiveSession))
    assert session.starts_at == datetime(2026, 10, 25, 1, 30)  # GMT is UTC
