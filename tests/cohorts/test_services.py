from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cohorts import attendance, services
from app.cohorts.models import AttendanceStatus, EnrolmentStatus
from app.cohorts.services import CohortError
from app.extensions import db
from tests.factories import make_cohort, make_live_session, make_user, make_course_version


def test_a_cohort_pins_the_latest_version_and_schedules_its_modules(admin):
    cohort = make_cohort(start_on=date(2027, 3, 1))
    assert cohort.course_version.number == 1
    first, second = cohort.schedule[:2]
    assert (first.opens_on, first.due_on) == (date(2027, 3, 1), date(2027, 3, 15))
    assert (second.opens_on, second.due_on) == (date(2027, 3, 15), date(2027, 3, 29))
    make_course_version(cohort.intake.course)  # a newer import
    db.session.refresh(cohort)
    assert cohort.course_version.number == 1


def test_enrolment_stops_at_capacity_with_a_clear_message(admin):
    cohort = make_cohort(capacity=2)
    services.enrol(cohort, make_user("participant"), actor=admin)
    services.enrol(cohort, make_user("participant"), actor=admin)
    with pytest.raises(CohortError, match="is full: all 2 places are taken"):
        services.enrol(cohort, make_user("participant"), actor=admin)


def test_a_transfer_keeps_history_and_earlier_sessions_never_count(admin):
    first = make_cohort()
    second = make_cohort(intake=first.intake)
    person = make_user("participant")
    enrolment = services.enrol(first, person, actor=admin, now=datetime(2027, 3, 1, 9))
    early = make_live_session(first, starts_at=datetime(2027, 3, 2, 10))
    attendance.record_register(early, actor=admin, marks={enrolment.id: ("present", None)}, now=datetime(2027, 3, 2, 12))
    held_before_move = make_live_session(second, starts_at=datetime(2027, 3, 3, 10))

    with time_machine.travel(datetime(2027, 3, 4, 9), tick=False):
        moved = services.transfer(enrolment, second, actor=admin, reason="Clashes with budget setting")
    assert enrolment.status is EnrolmentStatus.TRANSFERRED and enrolment.transferred_to_id == moved.id
    assert attendance.expected_enrolments(held_before_move) == []
    later = make_live_session(second, starts_at=moved.joined_at + timedelta(days=1))
    attendance.record_register(later, actor=admin, marks={moved.id: ("absent", None)}, now=later.starts_at + timedelta(hours=1))
    figure = attendance.figures_for([moved.id])[moved.id]
    assert (figure.attended, figure.counted) == (1, 2)  # the old cohort's mark came along


def test_the_register_refuses_a_future_session_and_strangers(admin):
    cohort = make_cohort()
    enrolment = services.enrol(cohort, make_user("participant"), actor=admin, now=datetime(2027, 3, 1))
    future = make_live_session(cohort, starts_at=datetime(2027, 3, 10, 10))
    with pytest.raises(CohortError, match="once the session starts, on 10 March 2027 at 10am"):
        attendance.record_register(future, actor=admin, marks={enrolment.id: ("present", None)}, now=datetime(2027, 3, 9))
    other = services.enrol(make_cohort(), make_user("participant"), actor=admin, now=datetime(2027, 3, 1))
    with pytest.raises(CohortError, match="not in this cohort"):
        attendance.record_register(future, actor=admin, marks={other.id: ("present", None)}, now=datetime(2027, 3, 11))
    with pytest.raises(CohortError, match="Choose present, late, absent or excused"):
        attendance.record_register(future, actor=admin, marks={enrolment.id: ("asleep", None)}, now=datetime(2027, 3, 11))


def test_an_amended_mark_is_audited_with_before_and_after(admin):
    cohort = make_cohort()
    enrolment = services.enrol(cohort, make_user("participant"), actor=admin, now=datetime(2027, 3, 1))
    session = make_live_session(cohort, starts_at=datetime(2027, 3, 2, 10))
    after = datetime(2027, 3, 2, 13)
    attendance.record_register(session, actor=admin, marks={enrolment.id: ("absent", None)}, now=after)
    attendance.record_register(session, actor=admin, marks={enrolment.id: ("excused", "Off sick")}, now=after)
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.amended")).all()
    assert event.actor_id == admin.id
    assert event.changes["status"] == ["absent", "excused"]
    assert event.changes["note"] == [None, "Off sick"]


@pytest.mark.parametrize("statuses, expected", [
    (["present", "late", "absent", "excused"], (2, 3)),
    (["excused", "excused"], (0, 0)),
    (["absent"], (0, 1)),
])
def test_excused_absences_leave_the_denominator(admin, statuses, expected):
    cohort = make_cohort()
    enrolment = services.enrol(cohort, make_user("participant"), actor=admin, now=datetime(2027, 3, 1))
    for day, status in enumerate(statuses, start=2):
        session = make_live_session(cohort, starts_at=datetime(2027, 3, day, 10))
        attendance.record_register(session, actor=admin, marks={enrolment.id: (status, None)}, now=datetime(2027, 4, 1))
    figure = attendance.figures_for([enrolment.id])[enrolment.id]
    assert (figure.attended, figure.counted) == expected


def test_attendance_figures_describe_themselves():
    assert attendance.AttendanceFigure(9, 12).describe(80) == "9 of 12 sessions (75%); 80% needed"
    assert not attendance.AttendanceFigure(9, 12).meets(80)
    assert attendance.AttendanceFigure(4, 5).meets(80)
