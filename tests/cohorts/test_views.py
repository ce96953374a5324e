from datetime import datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.cohorts import services
from app.cohorts.models import Attendance, Cohort
from app.extensions import db
from app.mail.delivery import deliver_pending
from app.timeutil import utcnow
from tests.factories import make_cohort, make_live_session, make_user
from tests.pages import form_values, parse


def cohort_with(n_people: int, n_sessions: int, admin):
    cohort = make_cohort(capacity=max(n_people, 1))
    start = utcnow() - timedelta(days=n_sessions + 1)
    enrolments = [services.enrol(cohort, make_user("participant"), actor=admin, now=start - timedelta(days=1))
                  for _ in range(n_people)]
    sessions = [make_live_session(cohort, starts_at=start + timedelta(days=i)) for i in range(n_sessions)]
    db.session.commit()
    return cohort, enrolments, sessions


def test_a_thirty_person_register_is_taken_in_one_submit(admin, login):
    cohort, enrolments, (session,) = cohort_with(30, 1, admin)
    client = login(cohort.facilitators[0])
    page = parse(client.get(f"/sessions/{session.id}/register?preset=present"))
    assert len(page.select("input[type=radio][value=present][checked]")) == 30
    data = {f"status-{e.id}": "present" for e in enrolments}
    data[f"status-{enrolments[0].id}"] = "late"
    data[f"note-{enrolments[0].id}"] = "Train delayed"
    response = client.post(f"/sessions/{session.id}/register", data=data)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Attendance.id))) == 30


def test_a_register_missing_a_choice_keeps_what_was_typed(admin, login):
    cohort, enrolments, (session,) = cohort_with(2, 1, admin)
    client = login(cohort.facilitators[0])
    first, second = enrolments
    page = parse(client.post(f"/sessions/{session.id}/register", data={
        f"status-{first.id}": "present", f"note-{second.id}": "Rang in",
    }))
    assert page.title.get_text().startswith("Error: ")
    assert f"for {second.user.name}" in page.select_one(f"#status-{second.id}-error").get_text()
    assert page.select_one(f"#status-{first.id}")  # the radios are still there
    assert page.select_one(f"input[name=note-{second.id}]")["value"] == "Rang in"
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_a_future_sessions_register_cannot_be_taken(admin, login):
    cohort, enrolments, _ = cohort_with(1, 0, admin)
    future = make_live_session(cohort, starts_at=utcnow() + timedelta(days=3))
    client = login(cohort.facilitators[0])
    page = parse(client.post(f"/sessions/{future.id}/register", data={f"status-{enrolments[0].id}": "present"}))
    assert "You can take the register once the session starts" in page.select_one("main").get_text()
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_a_facilitator_of_another_cohort_gets_404(admin, login):
    cohort, _, (session,) = cohort_with(1, 1, admin)
    stranger = login(make_cohort().facilitators[0])
    assert stranger.get(f"/sessions/{session.id}/register").status_code == 404
    assert stranger.get(f"/cohorts/{cohort.id}/attendance").status_code == 404
    assert stranger.get(f"/cohorts/{cohort.id}").status_code == 404


def test_the_matrix_query_count_does_not_grow_with_the_cohort(admin, login, count_queries):
    small, *_ = cohort_with(5, 3, admin)
    large, *_ = cohort_with(30, 12, admin)
    client = login(admin)
    counts = []
    for cohort in (small, large):
        with count_queries() as counter:
            response = client.get(f"/cohorts/{cohort.id}/attendance")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    with count_queries() as small_timetable:
        client.get(f"/cohorts/{small.id}")
    with count_queries() as large_timetable:
        client.get(f"/cohorts/{large.id}")
    assert small_timetable.count == large_timetable.count


def test_the_matrix_highlights_people_below_the_threshold(admin, login):
    cohort, (good, poor), sessions = cohort_with(2, 5, admin)
    client = login(admin)
    for i, session in enumerate(sessions):
        client.post(f"/sessions/{session.id}/register", data={
            f"status-{good.id}": "present", f"status-{poor.id}": "present" if i < 3 else "absent",
        })
    rows = parse(client.get(f"/cohorts/{cohort.id}/attendance")).select("tbody tr")
    by_name = {row.th.get_text(): row for row in rows}
    assert "100%" in by_name[good.user.name].get_text()
    assert "60%" in by_name[poor.user.name].get_text()
    assert "Below 80%" in by_name[poor.user.name].get_text()
    assert "Below" not in by_name[good.user.name].get_text()


def test_each_matrix_cell_says_the_mark_or_why_there_is_none(admin, login):
    cohort, (early,), (held, unmarked) = cohort_with(1, 2, admin)
    cohort.capacity = 2
    late = services.enrol(cohort, make_user("participant"), actor=admin, now=held.ends_at)
    coming = make_live_session(cohort, starts_at=utcnow() + timedelta(days=3))
    client = login(admin)
    client.post(f"/sessions/{held.id}/register", data={f"status-{early.id}": "late"})
    page = parse(client.get(f"/cohorts/{cohort.id}/attendance"))
    columns = [th.get_text(" ", strip=True) for th in page.select("thead th")][2:]
    assert [title.startswith(s.title) for title, s in zip(columns, (held, unmarked, coming))] == [True] * 3
    cells = {row.th.get_text(): [td.get_text(strip=True) for td in row.select("td")][1:] for row in page.select("tbody tr")}
    assert cells[early.user.name] == ["Late", "Not marked", "To come"]
    assert cells[late.user.name] == ["Not in cohort", "Not marked", "To come"]


def test_the_matrix_is_kept_until_a_register_changes_it(admin, login, count_queries):
    cohort, (enrolment,), (session,) = cohort_with(1, 1, admin)
    client = login(cohort.facilitators[0])
    url, name = f"/cohorts/{cohort.id}/attendance", enrolment.user.name

    def cells():
        page = parse(client.get(url))
        return {row.th.get_text(): [td.get_text(strip=True) for td in row.select("td")] for row in page.select("tbody tr")}

    assert cells()[name] == ["–", "Not marked"]
    db.session.expunge_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count <= 3  # the account, the cohort with whether they run it, and its revision
    client.post(f"/sessions/{session.id}/register", data={f"status-{enrolment.id}": "present"})
    assert cells()[name] == ["100%", "Present"]


def test_a_participant_sees_only_their_own_attendance(admin, login):
    cohort, (me, other), (session,) = cohort_with(2, 1, admin)
    login(admin).post(f"/sessions/{session.id}/register", data={
        f"status-{me.id}": "excused", f"note-{me.id}": "Jury service", f"status-{other.id}": "absent",
    })
    page = parse(login(me.user).get("/my/attendance"))
    text = page.select_one("main").get_text()
    assert "Excused" in text and "Jury service" in text
    assert other.user.name not in text
    assert login(me.user).get(f"/cohorts/{cohort.id}/attendance").status_code == 404


def test_moving_a_session_emails_everyone_with_a_calendar_file(admin, login, smtp):
    cohort, (enrolment,), _ = cohort_with(1, 0, admin)
    session = make_live_session(cohort, starts_at=datetime(2027, 6, 1, 9))
    db.session.commit()
    deliver_pending()
    smtp.messages.clear()  # the email telling them of their place
    client = login(cohort.facilitators[0])
    response = client.post(f"/sessions/{session.id}/edit", data={
        "title": session.title, "module": "", "day": ["2", "6", "2027"],
        "starts": "2pm", "ends": "4pm", "location": "Worthing Town Hall", "join_url": "",
    })
    assert response.status_code == 302
    deliver_pending()
    (message,) = smtp.to(enrolment.user.email)
    assert "2 June 2027 at 2pm" in message["Subject"]
    (ics,) = list(message.iter_attachments())
    (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.decoded("dtstart").hour == 14


def test_session_form_errors_beside_the_fields(admin, login):
    cohort, _, _ = cohort_with(0, 0, admin)
    client = login(cohort.facilitators[0])
    page = parse(client.post(f"/cohorts/{cohort.id}/sessions/new", data={
        "title": "Show and tell", "day": ["2", "6", "2027"],
        "starts": "3pm", "ends": "2pm", "join_url": "http://example.com/meet",
    }))
    assert "must end after it starts" in page.select_one("#ends-error").get_text()
    assert page.select_one("#title")["value"] == "Show and tell"
    page = parse(client.post(f"/cohorts/{cohort.id}/sessions/new", data={
        "title": "Show and tell", "day": ["2", "6", "2027"],
        "starts": "1pm", "ends": "2pm", "join_url": "http://example.com/meet",
    }))
    assert "starts with https://" in page.select_one("#join_url-error").get_text()


def test_the_calendar_feed_is_served_by_its_secret_only(admin, client, login):
    cohort, (enrolment,), _ = cohort_with(1, 1, admin)
    page = parse(login(enrolment.user).get("/my/timetable"))
    url = page.select_one("#feed-url").get_text()
    path = url.split("lms.test", 1)[1]
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert client.get("/calendar/not-the-secret.ics").status_code == 404


def test_a_refused_schedule_change_saves_and_audits_nothing(admin_client):
    cohort = make_cohort()
    first, second = cohort.schedule[0], cohort.schedule[1]
    before = (first.opens_on, first.due_on)
    db.session.commit()

    def boxes(day):
        return [str(day.day), str(day.month), str(day.year)]

    moved = before[0] + timedelta(days=7)
    response = admin_client.post(f"/cohorts/{cohort.id}/schedule", data={
        f"opens_{first.module_id}": boxes(moved), f"due_{first.module_id}": boxes(moved + timedelta(days=14)),
        # The second module's due date comes before it opens: the whole change is refused.
        f"opens_{second.module_id}": boxes(second.opens_on), f"due_{second.module_id}": boxes(second.opens_on - timedelta(days=1)),
    })

    assert response.status_code == 200
    assert "must be due on or after the day it opens" in parse(response).select_one(".govuk-error-summary").text
    db.session.expire_all()
    assert (first.opens_on, first.due_on) == before
    assert db.session.query(AuditEvent).filter_by(action="cohort.schedule_changed").count() == 0


def test_the_cohort_edit_form_posted_back_unchanged_saves(admin_client):
    cohort = make_cohort(name="Spring 2027 – cohort A")
    db.session.commit()
    page = parse(admin_client.get(f"/cohorts/{cohort.id}/edit"))
    response = admin_client.post(f"/cohorts/{cohort.id}/edit", data=form_values(page))
    assert response.status_code == 302, parse(response).select_one(".govuk-error-summary").get_text()
    assert response.headers["Location"].endswith(f"/cohorts/{cohort.id}")
    assert db.session.get(Cohort, cohort.id).name == "Spring 2027 – cohort A"


def test_the_programme_team_opens_a_cohorts_modules_early_and_the_participant_can_start(admin_client, login):
    from app.assessments.services import local_today

    cohort = make_cohort(start_on=local_today())
    person = make_user("participant")
    services.enrol(cohort, person, actor=None)
    db.session.commit()
    version = cohort.course_version
    lesson_url = f"/learning/{version.course.slug}/02-module-2/01-lesson-2-1"
    assert parse(login(person).get(lesson_url)).select_one("#lesson-opens") is not None
    page = parse(admin_client.get(f"/cohorts/{cohort.id}"))
    form = page.select_one(f"form[action='/cohorts/{cohort.id}/open-modules']")
    assert form.button.get_text(strip=True) == "Open every module now"

    response = admin_client.post(f"/cohorts/{cohort.id}/open-modules")
    page = parse(admin_client.get(response.headers["Location"]))
    assert "1 module opened today" in page.select_one(".govuk-notification-banner").get_text()
    assert page.select_one(f"form[action='/cohorts/{cohort.id}/open-modules']") is None
    (event,) = db.session.query(AuditEvent).filter_by(action="cohort.modules_opened").all()
    assert event.changes == {"Module 2": [str(local_today() + timedelta(days=14)), str(local_today())]}
    lesson = parse(login(person).get(lesson_url))
    assert lesson.select_one("#lesson-opens") is None and lesson.select_one(".app-prose")


def test_a_facilitator_cannot_open_modules_early(admin, login):
    facilitator = make_user("facilitator")
    cohort = make_cohort(facilitators=[facilitator])
    assert login(facilitator).post(f"/cohorts/{cohort.id}/open-modules").status_code in (403, 404)
