"""Demonstration data for the reports: a past intake whose two cohorts are half way through.

The Autumn intake closed two months ago and its cohorts, run by the demo facilitator, started
six weeks ago. Its nominees come from four councils, Adur among them so that the Adur lead has
people to follow. They have read, attended and finished in different measure, so that the
cohort dashboard has someone at risk for each reason and the overview has figures to chart.

Idempotent: each thing is looked up by name or email and made only if missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.auth.models import Role, RoleGrant, User
from app.auth.services import set_password
from app.certificates.services import issue_certificate
from app.cohorts.models import Attendance, AttendanceStatus, Cohort, Enrolment, EnrolmentStatus, LiveSession
from app.cohorts.services import create_cohort, enrol, latest_version, withdraw
from app.councils.models import Council
from app.courses.models import Lesson, LessonProgress, Module
from app.extensions import db
from app.intakes.demo import ADMIN, digital_leadership_course
from app.intakes.models import Intake, Nomination, NominationStatus
from app.timeutil import to_local, to_utc, utcnow

DEMO_INTAKE = "Autumn intake"
FACILITATOR = "facilitator@demo.digital-leadership.example"
#: Days before today that the cohorts started; their weekly workshops fall since then.
STARTED_DAYS_AGO = 42

ACCEPTED, DECLINED, WITHDRAWN, WAITLISTED = (
    NominationStatus.ACCEPTED, NominationStatus.DECLINED, NominationStatus.WITHDRAWN, NominationStatus.WAITLISTED,
)


@dataclass(frozen=True)
class DemoNominee:
    name: str
    email: str
    gss_code: str
    status: NominationStatus
    #: Which cohort (1 or 2), for those accepted.
    cohort: int = 0
    #: Lessons read, in course order.
    lessons: int = 0
    #: One letter per past workshop: Present, Late, Absent, Excused.
    register: str = ""
    #: Days since they last signed in or read a lesson.
    quiet_days: int = 1
    completes: bool = False
    withdraws: bool = False


NOMINEES = [
    DemoNominee("Hannah Cole", "hannah.cole@adur-worthing.example.gov.uk", "E07000223", ACCEPTED, 1, 99, "PPPPPP", 2, completes=True),
    DemoNominee("Imran Qureshi", "imran.qureshi@adur-worthing.example.gov.uk", "E07000223", ACCEPTED, 1, 9, "PPLPPP", 1),
    DemoNominee("Josie Marsh", "josie.marsh@adur-worthing.example.gov.uk", "E07000223", ACCEPTED, 1, 6, "PAPAAP", 3),
    DemoNominee("Kieran Doyle", "kieran.doyle@adur-worthing.example.gov.uk", "E07000223", DECLINED),
    DemoNominee("Lena Novak", "lena.novak@birmingham.example.gov.uk", "E08000025", ACCEPTED, 1, 4, "PPPEPP", 20),
    DemoNominee("Marcus Bell", "marcus.bell@birmingham.example.gov.uk", "E08000025", ACCEPTED, 1, 7, "PPPPAP", 4),
    DemoNominee("Nadia Rahman", "nadia.rahman@birmingham.example.gov.uk", "E08000025", WITHDRAWN),
    DemoNominee("Oliver Grant", "oliver.grant@bristol.example.gov.uk", "E06000023", ACCEPTED, 2, 8, "PPPPPP", 2),
    DemoNominee("Priya Desai", "priya.desai@bristol.example.gov.uk", "E06000023", WAITLISTED),
    DemoNominee("Rosa Jenkins", "rosa.jenkins@leeds.example.gov.uk", "E08000035", ACCEPTED, 2, 2, "PA", 30, withdraws=True),
    DemoNominee("Sam Whitaker", "sam.whitaker@leeds.example.gov.uk", "E08000035", ACCEPTED, 2, 5, "LPPAPP", 6),
]
#: The nominees who were accepted, and so have accounts.
PARTICIPANTS = [nominee for nominee in NOMINEES if nominee.status is ACCEPTED]

COHORTS = {1: ("Autumn cohort 1", 12), 2: ("Autumn cohort 2", 10)}
MARKS = {"P": AttendanceStatus.PRESENT, "L": AttendanceStatus.LATE, "A": AttendanceStatus.ABSENT,
         "E": AttendanceStatus.EXCUSED}


def _today() -> date:
    return to_local(utcnow()).date()


def _at(day: date, hour: int) -> datetime:
    return to_utc(datetime.combine(day, time(hour)))


def _by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_reports_demo() -> None:
    course = digital_leadership_course()
    admin, facilitator = _by_email(ADMIN), _by_email(FACILITATOR)
    intake = _intake(course)
    nominations = {nominee.email: _nomination(intake, nominee, admin) for nominee in NOMINEES}
    version = latest_version(course)
    if version is None:  # the course has not been imported: nominations, but no cohorts
        return
    cohorts = {number: _cohort(intake, name, capacity, facilitator) for number, (name, capacity) in COHORTS.items()}
    lessons = db.session.scalars(
        select(Lesson).join(Module).where(Module.version_id == version.id).order_by(Module.position, Lesson.position)
    ).all()
    for nominee in PARTICIPANTS:
        _take_part(nominee, nominations[nominee.email], cohorts[nominee.cohort], lessons, admin)


def _intake(course) -> Intake:
    intake = db.session.scalar(select(Intake).where(Intake.course_id == course.id, Intake.name == DEMO_INTAKE))
    if intake is None:
        start = _today() - timedelta(days=STARTED_DAYS_AGO)
        intake = Intake(
            course=course, name=DEMO_INTAKE, opens_at=_at(start - timedelta(days=70), 9),
            closes_at=_at(start - timedelta(days=21), 17), cohorts_start_on=start, places_per_council=4,
            total_places=30,
        )
        db.session.add(intake)
        db.session.flush()
    return intake


def _nomination(intake: Intake, nominee: DemoNominee, admin: User) -> Nomination:
    nomination = db.session.scalar(
        select(Nomination).where(Nomination.intake_id == intake.id, Nomination.email == nominee.email)
    )
    if nomination is not None:
        return nomination
    council = db.session.scalar(select(Council).where(Council.gss_code == nominee.gss_code))
    participant = _participant(nominee, council) if nominee.status is ACCEPTED else None
    decided = _at(intake.cohorts_start_on - timedelta(days=14), 11)
    nomination = Nomination(
        intake=intake, council=council, nominee_name=nominee.name, email=nominee.email, job_title="Service manager",
        service_area="Customer services", line_manager_supports=True, status=nominee.status,
        reason=f"{nominee.name.split()[0]} will lead the redesign of a service around residents' needs.",
        created_by_id=admin.id, created_at=intake.opens_at + timedelta(days=3),
        decided_by_id=admin.id, decided_at=decided,
        decision_reason="The intake was full by the time this nomination was decided." if nominee.status is DECLINED else None,
        waitlist_position=1 if nominee.status is WAITLISTED else None,
        withdrawn_by_id=admin.id if nominee.status is WITHDRAWN else None,
        withdrawn_at=decided if nominee.status is WITHDRAWN else None,
        participant_id=participant.id if participant else None,
    )
    db.session.add(nomination)
    db.session.flush()
    return nomination


def _participant(nominee: DemoNominee, council: Council) -> User:
    from app.demo import DEMO_PASSWORD

    user = _by_email(nominee.email)
    if user is None:
        user = User(email=nominee.email, name=nominee.name, council=council, grants=[RoleGrant(role=Role.PARTICIPANT)])
        set_password(user, DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def _cohort(intake: Intake, name: str, capacity: int, facilitator: User) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.intake_id == intake.id, Cohort.name == name))
    if cohort is None:
        start = intake.cohorts_start_on
        cohort = create_cohort(actor=None, intake=intake, name=name, capacity=capacity, start_on=start,
                               end_on=start + timedelta(days=120), facilitators=[facilitator])
    # Weekly workshops from the start: six past ones with registers, one today, one next week.
    for week in range(STARTED_DAYS_AGO // 7 + 2):
        title = f"Workshop {week + 1}"
        if db.session.scalar(select(LiveSession.id).where(LiveSession.cohort_id == cohort.id, LiveSession.title == title)):
            continue
        starts = _at(cohort.start_on + timedelta(days=7 * week), 10)
        db.session.add(LiveSession(cohort=cohort, title=title, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                   location="Online" if week % 2 else "Council chamber, Worthing Town Hall"))
    db.session.flush()
    return cohort


def _take_part(nominee: DemoNominee, nomination: Nomination, cohort: Cohort, lessons: list[Lesson], admin: User) -> None:
    user = _by_email(nominee.email)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id))
    if enrolment is None:
        enrolment = enrol(cohort, user, actor=admin, nomination=nomination,
                          now=_at(cohort.start_on - timedelta(days=7), 9))
    now = utcnow()
    last = now - timedelta(days=nominee.quiet_days)
    user.last_seen_at = last
    read = lessons[: nominee.lessons]
    for position, lesson in enumerate(read):
        if db.session.scalar(select(LessonProgress.id).where(LessonProgress.user_id == user.id,
                                                             LessonProgress.lesson_id == lesson.id)) is None:
            # Spread over the weeks since the start, the last read on their last active day.
            spread = (len(read) - 1 - position) * (STARTED_DAYS_AGO - nominee.quiet_days) / len(read)
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=last - timedelta(days=spread)))
    sessions = db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id == cohort.id, LiveSession.starts_at < now).order_by(LiveSession.starts_at)
    ).all()
    for session, letter in zip(sessions, nominee.register):  # today's register is not taken yet
        if db.session.scalar(select(Attendance.id).where(Attendance.session_id == session.id,
                                                         Attendance.enrolment_id == enrolment.id)) is None:
            db.session.add(Attendance(session_id=session.id, enrolment_id=enrolment.id, status=MARKS[letter],
                                      marked_by_id=cohort.facilitators[0].id, marked_at=session.ends_at))
    db.session.flush()
    if nominee.withdraws and enrolment.is_active:
        withdraw(enrolment, actor=admin, reason="Moved to a new role outside the council.")
    if nominee.completes and enrolment.status is not EnrolmentStatus.COMPLETED:
        issue_certificate(enrolment, actor=admin)
