"""Every write that changes what a cohort's pages show changes the cohort's revision, and
nothing else does: the dashboard and the matrix are kept while it stays the same."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.assessments.models import QuizAttempt
from app.certificates.services import issue_certificate, reissue
from app.cohorts.changes import revision
from app.cohorts.models import Attendance, AttendanceStatus, CohortChange, ModuleSchedule
from app.cohorts.services import enrol, transfer, withdraw
from app.cohorts.sessions import cancel_session
from app.courses.models import LessonProgress
from app.courses.services import outline
from app.extensions import db
from app.reminders import jobs
from app.reminders.models import SchedulerJobRun
from app.reminders.scheduler import job_specs
from app.timeutil import utcnow
from tests.factories import make_assignment, make_cohort, make_live_session, make_submission, make_user

NOW = utcnow()


@pytest.fixture
def world(admin):
    """Two cohorts on one intake, a participant in the first, and a session held and one to come."""
    council = make_user("participant").council
    cohort = make_cohort(start_on=date.today() - timedelta(days=10))
    other = make_cohort(cohort.intake, start_on=date.today() - timedelta(days=10))
    person = make_user("participant", council=council) if council else make_user("participant")
    enrolment = enrol(cohort, person, actor=admin, now=NOW - timedelta(days=9))
    held = make_live_session(cohort, starts_at=NOW - timedelta(days=2))
    to_come = make_live_session(cohort, starts_at=NOW + timedelta(days=2))
    assignment = make_assignment(cohort.course_version, module_position=1)
    db.session.commit()
    lesson = outline(cohort.course_version)[0].lessons[0]
    return dict(admin=admin, cohort=cohort, other=other, person=person, enrolment=enrolment, held=held,
                to_come=to_come, assignment=assignment, lesson=lesson)


def read_lesson(w):
    db.session.add(LessonProgress(user_id=w["person"].id, lesson_id=w["lesson"].id, completed_at=NOW))


def attempt_quiz(w):
    quiz = outline(w["cohort"].course_version)[0].assessments[0]
    db.session.add(QuizAttempt(user_id=w["person"].id, assessment_id=quiz.id, number=1, option_order={}, answers={},
                               started_at=NOW))


def hand_in(w):
    make_submission(w["person"], w["assignment"], status="submitted")


def take_register(w):
    db.session.add(Attendance(session_id=w["held"].id, enrolment_id=w["enrolment"].id,
                              status=AttendanceStatus.PRESENT, marked_by_id=w["admin"].id))


def amend_a_mark(w):
    take_register(w)
    db.session.commit()
    mark = db.session.query(Attendance).one()
    before = revision(w["cohort"].id, NOW)
    mark.status = AttendanceStatus.ABSENT
    return before


def move_a_session(w):
    w["to_come"].starts_at += timedelta(hours=1)
    w["to_come"].ends_at += timedelta(hours=1)


def rename_the_person(w):
    w["person"].name = "Someone Else"


def sign_in(w):
    w["person"].last_seen_at = NOW


def rename_their_council(w):
    w["person"].council.name = "Renamed Borough Council"


def move_a_due_date(w):
    entry = db.session.get(ModuleSchedule, (w["cohort"].id, outline(w["cohort"].course_version)[0].id))
    entry.due_on += timedelta(days=7)


def change_the_pass_mark(w):
    outline(w["cohort"].course_version)[0].assessments[0].pass_mark += 1


def change_the_threshold(w):
    w["cohort"].course_version.attendance_threshold -= 5


def rename_a_lesson(w):
    w["lesson"].title = "Another title"


def reissue_a_certificate(w):
    certificate = issue_certificate(w["enrolment"], actor=w["admin"])
    db.session.commit()
    before = revision(w["cohort"].id, NOW)
    reissue(certificate, actor=w["admin"], name="Corrected Name")
    return before


WRITES = {
    "a lesson read": read_lesson,
    "a quiz attempt": attempt_quiz,
    "an assignment handed in": hand_in,
    "a register taken": take_register,
    "a mark amended": amend_a_mark,
    "a session cancelled": lambda w: cancel_session(w["to_come"], actor=w["admin"], reason="Room flooded"),
    "a session moved": move_a_session,
    "a withdrawal": lambda w: withdraw(w["enrolment"], actor=w["admin"], reason="Left the council"),
    "a transfer": lambda w: transfer(w["enrolment"], w["other"], actor=w["admin"], reason="Clashes with work"),
    "a new participant": lambda w: enrol(w["cohort"], make_user("participant"), actor=w["admin"]),
    "a new name": rename_the_person,
    "a sign-in": sign_in,
    "their council's new name": rename_their_council,
    "a due date moved": move_a_due_date,
    "a pass mark changed": change_the_pass_mark,
    "the attendance threshold changed": change_the_threshold,
    "a lesson renamed": rename_a_lesson,
    "the cohort renamed": lambda w: setattr(w["cohort"], "name", "Spring, renamed"),
    "a certificate reissued": reissue_a_certificate,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_write_that_changes_what_the_cohort_shows_changes_its_revision(world, write):
    before = revision(world["cohort"].id, NOW)
    before = write(world) or before
    db.session.commit()
    assert revision(world["cohort"].id, NOW) != before


def test_a_transfer_changes_the_cohort_moved_to_as_well(world):
    before = revision(world["other"].id, NOW)
    transfer(world["enrolment"], world["other"], actor=world["admin"], reason="Clashes with work")
    db.session.commit()
    assert revision(world["other"].id, NOW) != before


def test_what_someone_outside_the_cohort_does_leaves_it_alone(world):
    stranger = make_user("participant")
    enrol(world["other"], stranger, actor=world["admin"])
    db.session.commit()
    before = revision(world["cohort"].id, NOW)
    db.session.add(LessonProgress(user_id=stranger.id, lesson_id=world["lesson"].id, completed_at=NOW))
    stranger.name = "Another Name"
    db.session.commit()
    assert revision(world["cohort"].id, NOW) == before


def test_a_write_rolled_back_leaves_no_change(world):
    before = revision(world["cohort"].id, NOW)
    read_lesson(world)
    db.session.flush()
    db.session.rollback()
    assert revision(world["cohort"].id, NOW) == before


def test_a_session_starting_or_ending_changes_the_revision_with_no_write(world):
    starts, ends = world["to_come"].starts_at, world["to_come"].ends_at
    waiting = revision(world["cohort"].id, starts - timedelta(minutes=1))
    assert revision(world["cohort"].id, starts - timedelta(minutes=2)) == waiting
    running = revision(world["cohort"].id, starts + timedelta(minutes=1))
    assert running != waiting
    assert revision(world["cohort"].id, ends + timedelta(minutes=1)) not in (waiting, running)


def test_compacting_keeps_each_cohorts_newest_change_and_the_last_hours_changes(app, world):
    read_lesson(world)
    db.session.commit()
    cohort, other = world["cohort"].id, world["other"].id
    changes = db.session.scalars(select(CohortChange).order_by(CohortChange.id)).all()
    for change in changes:
        change.at = NOW - timedelta(hours=2)
    db.session.commit()  # writes no changes of its own: CohortChange is not watched
    newest = {c.cohort_id: c.id for c in changes}
    db.session.add(CohortChange(cohort_id=cohort, at=NOW))
    db.session.commit()
    before = revision(cohort, NOW)

    jobs.bind(app, "test-holder")
    jobs.compact_changes()
    run = db.session.get(SchedulerJobRun, "compact_cohort_changes")
    # Two hours old: all but the other cohort's newest. This hour's stays, and is this cohort's newest.
    assert run.outcome == f"ok: {len(changes) - 1} cohort changes folded"
    left = db.session.execute(select(CohortChange.cohort_id, CohortChange.id).order_by(CohortChange.id)).all()
    assert [tuple(row) for row in left] == [(other, newest[other]), (cohort, left[-1].id)]
    assert left[-1].id > newest[cohort]
    assert revision(cohort, NOW) != before
    spec = next(spec for spec in job_specs(app) if spec.id == "compact_cohort_changes")
    assert (spec.func, spec.seconds) == ("app.reminders.jobs:compact_changes", 3600)
