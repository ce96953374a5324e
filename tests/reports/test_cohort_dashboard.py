"""The facilitator's cohort dashboard: figures, the at-risk rules, sorting, filtering, CSV, access."""

import csv
import io
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from app.assessments.models import QuizAttempt
from app.assessments.services import AssessmentState, AssessmentStatus
from app.auth.models import User
from app.cohorts.attendance import AttendanceFigure, record_register
from app.cohorts.models import EnrolmentStatus, LiveSession
from app.cohorts.services import enrol
from app.courses.models import LessonProgress
from app.courses.services import outline
from app.extensions import db
from app.reports.cohort import Flag, dashboard, risks
from app.timeutil import format_date, to_local, to_utc, utcnow
from tests.factories import make_assignment, make_cohort, make_live_session, make_submission, make_user
from tests.pages import parse
from tests.reports.programmes import mark

NOW = utcnow()


def days_ago(days: int):
    return NOW - timedelta(days=days)


@pytest.fixture
def cohort_world(admin):
    """A cohort 30 days in: module 1's assignment was due 20 days ago, module 2's is not due yet.

    Ada is on track; Bo attends half the workshops; Cy has not handed in; Di saved a draft
    then went quiet; Ed has completed.
    """
    facilitator = make_user("facilitator")
    cohort = make_cohort(capacity=10, start_on=date.today() - timedelta(days=30), facilitators=[facilitator])
    version = cohort.course_version
    overdue = make_assignment(version, module_position=1, due_after_days=10)
    make_assignment(version, module_position=2, due_after_days=60)
    quiz = version.modules[0].assessments[0]
    names = {"ada": "Ada Lovelace", "bo": "Bo Jensen", "cy": "Cy Twombly", "di": "Di Fox", "ed": "Ed Wu"}
    people = {key: make_user("participant", name=name) for key, name in names.items()}
    enrolments = {key: enrol(cohort, person, actor=admin, now=days_ago(32)) for key, person in people.items()}
    sessions = [make_live_session(cohort, starts_at=days_ago(days)) for days in (21, 7)]
    for key in ("ada", "cy", "di", "ed"):
        for session in sessions:
            mark(session, enrolments[key], "present", admin)
    mark(sessions[0], enrolments["bo"], "present", admin)
    mark(sessions[1], enrolments["bo"], "absent", admin)
    lessons = [lesson for module in outline(version) for lesson in module.lessons]
    for key, read, when in (("ada", 4, 2), ("bo", 2, 1), ("cy", 1, 3), ("di", 1, 25)):
        for lesson in lessons[:read]:
            db.session.add(LessonProgress(user_id=people[key].id, lesson_id=lesson.id, completed_at=days_ago(when)))
    db.session.add(QuizAttempt(user_id=people["ada"].id, assessment_id=quiz.id, number=1, option_order={},
                               answers={}, score=100, passed=True, started_at=days_ago(2), submitted_at=days_ago(2)))
    handed_in = [
        make_submission(people["ada"], overdue, status="passed", submitted_at=days_ago(22)),
        make_submission(people["bo"], overdue, status="submitted", submitted_at=days_ago(19), late=True),
        make_submission(people["di"], overdue, status="draft"),
    ]
    for submission, days in zip(handed_in, (22, 19, 24)):
        submission.updated_at = submission.created_at = days_ago(days)  # when they last worked on it
    enrolments["ed"].status = EnrolmentStatus.COMPLETED
    db.session.commit()
    return SimpleNamespace(cohort=cohort, facilitator=facilitator, people=people, enrolments=enrolments,
                           overdue=overdue, sessions=sessions)


def rows_by_name(board):
    return {row.enrolment.user.name.split()[0]: row for row in board.rows}


def test_each_row_has_lessons_attendance_assessments_activity_and_completion(cohort_world):
    rows = rows_by_name(dashboard(cohort_world.cohort, NOW))
    ada, bo = rows["Ada"], rows["Bo"]
    assert (ada.lessons.completed, ada.lessons.total, ada.attendance.percent) == (4, 4, 100)
    assert [(a.label, s.state.value) for a, s in ada.assessments] == [
        ("Module 1 quiz", "passed"), ("Module 1 assignment", "passed"), ("Module 2 assignment", "not_started"),
    ]
    assert ada.last_active.date() == days_ago(2).date()
    assert ada.passed == 2
    assert (bo.lessons.completed, bo.attendance.percent) == (2, 50)
    assert [s.state.value for _, s in bo.assessments] == ["not_started", "late", "not_started"]
    assert rows["Di"].last_active.date() == days_ago(24).date()
    left = [criterion.name for criterion in ada.completion.left]
    assert left == ["Module 2 assignment"]


def test_the_at_risk_flags_say_why(cohort_world):
    rows = rows_by_name(dashboard(cohort_world.cohort, NOW))
    reasons = {name: [(risk.flag, risk.reason) for risk in row.risks] for name, row in rows.items()}
    due_text = format_date(cohort_world.cohort.start_on + timedelta(days=10))
    assert reasons["Ada"] == []
    assert reasons["Bo"] == [(Flag.ATTENDANCE, "Attendance 1 of 2 sessions (50%); 80% needed")]
    assert reasons["Cy"] == [(Flag.OVERDUE, f"Module 1 assignment was due on {due_text}")]
    assert reasons["Di"] == [
        (Flag.OVERDUE, f"Module 1 assignment was due on {due_text}"),
        (Flag.INACTIVE, f"No activity since {format_date(days_ago(24))}"),  # in London's time
    ]
    assert reasons["Ed"] == [], "someone who has completed is never at risk"


def at(cohort_world, key, **overrides):
    """The risks for one participant with the figures given, everything else on track."""
    values = {"attendance": AttendanceFigure(5, 5), "threshold": 80, "assignments": [], "last_active": days_ago(1),
              "now": NOW, **overrides}
    return [risk.flag for risk in risks(cohort_world.enrolments[key], **values)]


def test_attendance_below_the_threshold_is_a_risk_and_at_it_is_not(cohort_world):
    assert at(cohort_world, "ada", attendance=AttendanceFigure(3, 4)) == [Flag.ATTENDANCE]  # 75%
    assert at(cohort_world, "ada", attendance=AttendanceFigure(4, 5)) == []  # exactly 80%
    assert at(cohort_world, "ada", attendance=AttendanceFigure(0, 0)) == []  # no registers yet


@pytest.mark.parametrize("state, overdue", [
    (AssessmentState.NOT_STARTED, True), (AssessmentState.DRAFT, True), (AssessmentState.SUBMITTED, False),
    (AssessmentState.LATE, False), (AssessmentState.REFERRED, False), (AssessmentState.PASSED, False),
])
def test_an_assignment_past_its_due_date_is_overdue_until_handed_in(cohort_world, state, overdue):
    status = AssessmentStatus(state, state is AssessmentState.PASSED, "x")
    flags = at(cohort_world, "ada", assignments=[(cohort_world.overdue, status)])
    assert flags == ([Flag.OVERDUE] if overdue else [])


def test_an_assignment_due_today_is_not_overdue(cohort_world):
    due_day = cohort_world.cohort.start_on + timedelta(days=10)
    now = utcnow().replace(year=due_day.year, month=due_day.month, day=due_day.day, hour=12)
    status = AssessmentStatus(AssessmentState.NOT_STARTED, False, "x")
    assert at(cohort_world, "ada", assignments=[(cohort_world.overdue, status)], now=now, last_active=now) == []


def test_fourteen_quiet_days_are_a_risk_and_thirteen_are_not(cohort_world):
    assert at(cohort_world, "ada", last_active=days_ago(14)) == [Flag.INACTIVE]
    assert at(cohort_world, "ada", last_active=days_ago(13)) == []


def test_quiet_days_count_from_joining_or_the_start_never_before(cohort_world):
    (risk,) = risks(cohort_world.enrolments["ada"], attendance=AttendanceFigure(), threshold=80, assignments=[],
                    last_active=None, now=NOW)
    assert risk.reason.startswith("No activity since the cohort started on")
    late_joiner = make_user("participant")
    enrolment = enrol(cohort_world.cohort, late_joiner, actor=None, now=days_ago(10))
    assert risks(enrolment, attendance=AttendanceFigure(), threshold=80, assignments=[], last_active=None, now=NOW) == []


def test_nobody_is_inactive_before_their_cohort_starts(admin):
    cohort = make_cohort(start_on=date.today() + timedelta(days=7))
    enrolment = enrol(cohort, make_user("participant"), actor=admin, now=days_ago(30))
    assert risks(enrolment, attendance=AttendanceFigure(), threshold=80, assignments=[], last_active=None, now=NOW) == []


def served(response):
    """The page, once it is sure it was served."""
    assert response.status_code == 200, response.status_code
    return parse(response)


def names_on(page) -> list[str]:
    return [row.th.contents[0].strip() for row in page.select("#dashboard tbody tr")]


def test_the_page_lists_at_risk_first_and_filters_by_flag(login, cohort_world):
    client = login(cohort_world.facilitator)
    url = f"/cohorts/{cohort_world.cohort.id}/dashboard"
    page = served(client.get(url))
    assert names_on(page) == ["Di Fox", "Bo Jensen", "Cy Twombly", "Ada Lovelace", "Ed Wu"]
    assert "5 participants, 3 at risk" in page.select_one("main").get_text()
    di = page.select_one("#dashboard tbody tr")
    assert "Overdue" in di.get_text() and "Inactive" in di.get_text()
    assert names_on(served(client.get(f"{url}?show=any"))) == ["Di Fox", "Bo Jensen", "Cy Twombly"]
    assert names_on(served(client.get(f"{url}?show=overdue"))) == ["Di Fox", "Cy Twombly"]
    assert names_on(served(client.get(f"{url}?show=attendance"))) == ["Bo Jensen"]
    assert names_on(served(client.get(f"{url}?show=inactive"))) == ["Di Fox"]
    assert names_on(served(client.get(f"{url}?show=nonsense"))) == names_on(page)


def test_the_columns_sort_both_ways_and_say_so(login, cohort_world):
    client = login(cohort_world.facilitator)
    url = f"/cohorts/{cohort_world.cohort.id}/dashboard"
    page = served(client.get(f"{url}?sort=attendance&order=asc"))
    assert names_on(page)[0] == "Bo Jensen"
    header = page.find("th", attrs={"aria-sort": "ascending"})
    assert header.a.get_text(" ", strip=True).startswith("Attendance")
    assert "order=desc" in header.a["href"]
    assert names_on(served(client.get(f"{url}?sort=name&order=desc"))) == [
        "Ed Wu", "Di Fox", "Cy Twombly", "Bo Jensen", "Ada Lovelace",
    ]
    assert names_on(served(client.get(f"{url}?sort=lessons&order=desc")))[0] == "Ada Lovelace"
    assert names_on(served(client.get(f"{url}?sort=activity&order=asc")))[:2] == ["Ed Wu", "Di Fox"]


def test_the_csv_has_every_assessment_and_runs_no_formulas(login, cohort_world):
    cohort_world.people["cy"].name = '=HYPERLINK("x")'
    db.session.commit()
    response = login(cohort_world.facilitator).get(f"/cohorts/{cohort_world.cohort.id}/dashboard.csv?show=any")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[:7] == ["Participant", "Email", "Council", "Status", "Lessons completed", "Lessons", "Attendance"]
    assert header[7:10] == ["Module 1 quiz: Check your understanding", "Module 1 assignment: Plan one small change",
                            "Module 2 assignment: Plan one small change"]
    assert header[10:] == ["Last activity", "Completion criteria met", "Still to do", "At risk"]
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"Di Fox", "Bo Jensen", "'=HYPERLINK(\"x\")"}
    bo = by_name["Bo Jensen"]
    assert bo[4:10] == ["2", "4", "50%", "Not started", "Late", "Not started"]
    assert bo[13] == "Attendance 1 of 2 sessions (50%); 80% needed"


def test_only_the_cohorts_facilitators_and_admins_see_it(login, admin, cohort_world):
    url = f"/cohorts/{cohort_world.cohort.id}/dashboard"
    stranger = login(make_user("facilitator"))
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"{url}.csv").status_code == 404
    assert login(admin).get(url).status_code == 200
    assert login(cohort_world.people["ada"]).get(url).status_code == 404


def test_the_cohort_page_links_to_its_dashboard(login, cohort_world):
    page = served(login(cohort_world.facilitator).get(f"/cohorts/{cohort_world.cohort.id}"))
    assert page.find("a", string=lambda s: s and s.strip() == "Dashboard")["href"] == f"/cohorts/{cohort_world.cohort.id}/dashboard"


def test_the_page_is_kept_until_something_it_shows_changes(login, cohort_world, count_queries):
    client = login(cohort_world.facilitator)
    url = f"/cohorts/{cohort_world.cohort.id}/dashboard"
    ids = (cohort_world.facilitator.id, cohort_world.sessions[1].id, cohort_world.enrolments["bo"].id)
    bo = next(row for row in served(client.get(url)).select("#dashboard tbody tr") if "Bo Jensen" in row.th.text)
    assert "50%" in bo.text and "Low attendance" in bo.text
    db.session.expunge_all()
    with count_queries() as counter:
        served(client.get(url))
    assert counter.count <= 3  # the account, the cohort with whether they run it, and its revision

    facilitator, session = db.session.get(User, ids[0]), db.session.get(LiveSession, ids[1])
    record_register(session, actor=facilitator, now=NOW, marks={ids[2]: ("present", None)})
    db.session.commit()
    bo = next(row for row in served(client.get(url)).select("#dashboard tbody tr") if "Bo Jensen" in row.th.text)
    assert "100%" in bo.text and "Low attendance" not in bo.text


def test_the_rows_are_kept_no_later_than_midnight_or_someone_going_quiet(cohort_world):
    tomorrow = datetime.combine(to_local(NOW).date() + timedelta(days=1), datetime.min.time())
    assert dashboard(cohort_world.cohort, NOW).good_until(NOW) <= to_utc(tomorrow)
    goes_quiet = days_ago(2) + timedelta(days=14)  # Ada was last active two days ago
    just_before = goes_quiet - timedelta(minutes=1)
    board = dashboard(cohort_world.cohort, just_before)
    assert Flag.INACTIVE not in rows_by_name(board)["Ada"].flags
    assert board.good_until(just_before) <= goes_quiet
    assert Flag.INACTIVE in rows_by_name(dashboard(cohort_world.cohort, goes_quiet))["Ada"].flags
