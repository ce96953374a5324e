"""A council lead's people: their own council's nominees, how each is doing, nobody else's."""

import csv
import io

from sqlalchemy import select

from app.auth.models import User
from app.courses.models import Lesson
from app.courses.services import complete_lesson, outline
from app.extensions import db
from app.intakes.models import Intake, Nomination, NominationStatus
from tests.factories import make_nomination
from tests.pages import parse


def served(response):
    """The page, once it is sure it was served."""
    assert response.status_code == 200, response.status_code
    return parse(response)


def people(page) -> dict[str, list[str]]:
    """Each nominee's row, by name, as a person reads it."""
    rows = {}
    for row in page.select("table:has(#people-caption) tbody tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        rows[row.th.a.get_text()] = cells[1:]
    return rows


def test_a_lead_sees_each_of_their_councils_nominees_and_how_they_are_doing(login, programme):
    a = programme.councils[0]
    page = served(login(programme.leads[a]).get("/our-people/"))
    rows = people(page)
    assert set(rows) == {"Aisha Khan", "Alan Moss", "Amy Wren"}
    nomination, cohort, progress, certificate = rows["Aisha Khan"]
    assert (nomination, cohort, certificate) == ("Spring 2027 Accepted", "Alpha", "None yet")
    # Module 1 read, module 2 not; the quiz not passed; attendance not yet settled.
    assert progress == "Lessons: 3 of 4 Attendance: 50% Completion: 1 of 4 met"
    assert rows["Alan Moss"][1:3] == ["Alpha Completed", "Lessons: 4 of 4 Attendance: 100% Completion: 3 of 4 met"]
    assert rows["Amy Wren"][:3] == ["Spring 2027 Submitted", "Not in a cohort", "–"]


def test_a_certificate_links_to_its_verification_page_and_its_pdf(login, programme):
    a = programme.councils[0]
    page = served(login(programme.leads[a]).get("/our-people/"))
    alan = next(row for row in page.select("tbody tr") if "Alan Moss" in row.th.get_text())
    verify = alan.select_one('a[href^="/verify/DLP-"]')
    code = verify["href"].removeprefix("/verify/")
    assert verify.get_text().startswith(code)
    assert alan.select_one(f'a[href$=".pdf"]').get_text(" ", strip=True) == "Download Alan Moss's certificate (PDF)"


def test_a_revoked_certificate_says_so_and_offers_no_download(login, programme):
    c = programme.councils[2]
    page = served(login(programme.leads[c]).get("/our-people/"))
    rows = people(page)
    assert set(rows) == {"Cat Fry", "Carl Vine", "Cora Penn"}
    assert "Revoked" in rows["Cora Penn"][-1]
    assert "Download" not in rows["Cora Penn"][-1]
    assert "Download" in rows["Carl Vine"][-1]
    assert rows["Cat Fry"][0] == "Spring 2027 Withdrawn"


def test_places_used_and_allocated_show_for_each_intake_the_council_nominated_to(login, programme):
    b = programme.councils[1]
    page = served(login(programme.leads[b]).get("/our-people/"))
    places = page.find("caption", string="Places on each intake").find_parent("table")
    assert [[c.get_text(strip=True) for c in row.select("th, td")] for row in places.select("tbody tr")] == [
        ["Spring 2027", "5", "2", "3"],
    ]


def test_the_intake_filter_narrows_the_list(login, programme):
    c = programme.councils[2]
    client = login(programme.leads[c])
    assert set(people(served(client.get(f"/our-people/?intake={programme.autumn.id}")))) == {"Carl Vine", "Cora Penn"}
    assert set(people(served(client.get(f"/our-people/?intake={programme.spring.id}")))) == {"Cat Fry"}
    assert len(people(served(client.get("/our-people/?intake=nonsense")))) == 3


def test_a_nominee_page_shows_their_progress_and_another_councils_is_not_found(login, programme):
    a, b = programme.councils[:2]
    client = login(programme.leads[a])
    page = served(client.get(f"/our-people/{programme.nominations['a1'].id}"))
    assert page.h1.get_text() == "Aisha Khan"
    summary = page.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "3 of 4 lessons completed" in summary
    assert "1 of 2 sessions (50%); 80% needed" in summary
    assert client.get(f"/our-people/{programme.nominations['b1'].id}").status_code == 404
    other = login(programme.leads[b])
    assert other.get(f"/our-people/{programme.nominations['a1'].id}").status_code == 404
    assert "Aisha Khan" not in other.get("/our-people/").get_data(as_text=True)
    assert "Aisha Khan" not in other.get("/our-people/people.csv").get_data(as_text=True)


def test_the_people_csv_opens_in_excel_and_runs_no_formulas(login, programme):
    a = programme.councils[0]
    make_nomination(programme.spring, a, NominationStatus.SUBMITTED, created_by=programme.leads[a],
                    nominee_name='=HYPERLINK("x")', job_title="@SUM(A1)")
    response = login(programme.leads[a]).get("/our-people/people.csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Nominee", "Email", "Job title", "Intake", "Nomination status"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'=HYPERLINK(\"x\")"][2] == "'@SUM(A1)"
    alan = by_name["Alan Moss"]
    assert alan[5:10] == ["Alpha", "4", "4", "100%", "3 of 4"]
    assert alan[11] == "Valid" and alan[12] == f"http://lms.test/verify/{alan[10]}"


def test_a_lead_without_a_council_has_nobody_to_follow(login):
    from tests.factories import make_user

    lead = make_user("council_lead")
    lead.council = None
    db.session.commit()
    assert login(lead).get("/our-people/").status_code == 404


def test_the_nominees_are_kept_until_something_they_show_changes(login, programme, count_queries):
    lead = login(programme.leads[programme.councils[0]])
    aisha = programme.enrolments["a1"].user_id
    lessons = [lesson.id for module in outline(programme.alpha.course_version) for lesson in module.lessons]
    assert people(served(lead.get("/our-people/")))["Aisha Khan"][2].startswith("Lessons: 3 of 4")
    db.session.expunge_all()
    with count_queries() as counter:
        served(lead.get("/our-people/"))
    assert counter.count <= 4  # the account, the intakes, the nominees' revision and the places

    complete_lesson(db.session.get(User, aisha), db.session.get(Lesson, lessons[3]))
    db.session.commit()
    assert people(served(lead.get("/our-people/")))["Aisha Khan"][2].startswith("Lessons: 4 of 4")

    wren = db.session.scalar(select(Nomination).where(Nomination.nominee_name == "Amy Wren"))
    wren.status = NominationStatus.DECLINED
    db.session.commit()
    assert people(served(lead.get("/our-people/")))["Amy Wren"][0] == "Spring 2027 Declined"

    db.session.get(Intake, programme.spring.id).name = "Spring 2027, renamed"
    db.session.commit()
    assert people(served(lead.get("/our-people/")))["Amy Wren"][0] == "Spring 2027, renamed Declined"
