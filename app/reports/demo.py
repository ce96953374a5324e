"""Demonstration data for the reports, on top of the cohorts and assessments demos.

The Summer 2026 intake's cohort is three months in, run by the demo facilitator: its
participants have read, attended, passed and handed in to different degrees, so the cohort
dashboard shows someone at risk for each reason, and every state of an assignment. Hannah
Cole of Adur finished the spring cohort with everything done, so the Adur lead can follow a
certificate to its verification page. Work is done through the services, dated when it
happened. Idempotent: each thing is looked up and made only if missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.assessments import assignments, marking, quizzes
from app.auth.models import Role, RoleGrant, User
from app.auth.services import set_password
from app.certificates.completion import complete_if_done
from app.cohorts.attendance import marks_for, record_register
from app.cohorts.demo import DEMO_PASSWORD, workshop_title
from app.cohorts.models import Cohort, Enrolment, LiveSession
from app.cohorts.services import create_cohort, enrol, latest_version, withdraw
from app.councils.models import Council
from app.courses.models import AssessmentKind, CourseVersion, LessonProgress
from app.extensions import db
from app.intakes.demo import digital_leadership_course
from app.intakes.models import Intake, Nomination, NominationStatus
from app.timeutil import to_local, to_utc, utcnow

ADMIN = "admin@demo.digital-leadership.example"
FACILITATOR = "facilitator@demo.digital-leadership.example"
DEMO_INTAKE = "Summer 2026 intake"
DEMO_COHORT = "Summer 2026 – cohort A"
#: The cohorts demo's finished cohort, where Hannah completes.
FINISHED_COHORT = "Spring 2026 – cohort A"
STARTED_DAYS_AGO = 90
ACCEPTED = NominationStatus.ACCEPTED


@dataclass(frozen=True)
class Nominee:
    name: str
    email: str
    gss_code: str
    status: NominationStatus = ACCEPTED
    lessons: int = 0
    #: Modules whose quiz they have passed.
    quizzes: tuple[int, ...] = ()
    #: Their module 2 assignment: "passed", "late", "referred", "draft", or None for nothing yet.
    assignment: str | None = None
    #: One letter per past workshop: Present, Late, Absent, Excused; "-" once they have left.
    register: str = ""
    #: Days since they last did anything.
    quiet_days: int = 1
    withdraws: bool = False


NOMINEES = [
    Nominee("Imran Qureshi", "imran.qureshi@adur-worthing.example.gov.uk", "E07000223", lessons=18,
            quizzes=(1, 2, 3, 4, 5), assignment="passed", register="PPPPLPPPPPPPP"),
    Nominee("Josie Marsh", "josie.marsh@adur-worthing.example.gov.uk", "E07000223", lessons=12, quizzes=(1, 2, 3),
            assignment="late", register="PAPAPAPAPAPPA", quiet_days=2),
    Nominee("Lena Novak", "lena.novak@birmingham.example.gov.uk", "E08000025", lessons=8, quizzes=(1, 2),
            assignment="draft", register="PPPPPPPPPPAAA", quiet_days=20),
    Nominee("Oliver Grant", "oliver.grant@bristol.example.gov.uk", "E06000023", lessons=14, quizzes=(1, 2, 3, 4),
            register="PPPPPPPPPPPPP", quiet_days=3),
    Nominee("Sam Whitaker", "sam.whitaker@leeds.example.gov.uk", "E08000035", lessons=15, quizzes=(1, 2, 3, 4),
            assignment="referred", register="LPPEPPPPPPPPP", quiet_days=5),
    Nominee("Rosa Jenkins", "rosa.jenkins@leeds.example.gov.uk", "E08000035", lessons=2, quizzes=(1,),
            register="PAP", quiet_days=60, withdraws=True),
    Nominee("Kieran Doyle", "kieran.doyle@adur-worthing.example.gov.uk", "E07000223", NominationStatus.DECLINED),
    Nominee("Nadia Rahman", "nadia.rahman@birmingham.example.gov.uk", "E08000025", NominationStatus.WITHDRAWN),
    Nominee("Priya Desai", "priya.desai@bristol.example.gov.uk", "E06000023", NominationStatus.WAITLISTED),
]
#: The nominees who were accepted, and so have accounts.
PARTICIPANTS = [n for n in NOMINEES if n.status is ACCEPTED]
FINISHER = Nominee("Hannah Cole", "hannah.cole@adur-worthing.example.gov.uk", "E07000223", lessons=999,
                   quizzes=tuple(range(1, 20)), assignment="passed", register="PPP")
MARKS = {"P": "present", "L": "late", "A": "absent", "E": "excused"}
FEEDBACK = "Clear evidence from residents. Before you resubmit, give a first step and an owner for each change."


def _today() -> date:
    return to_local(utcnow()).date()


def _at(day: date, hour: int = 10) -> datetime:
    return to_utc(datetime.combine(day, time(hour)))


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_reports_demo() -> None:
    course = digital_leadership_course()
    version = latest_version(course)
    admin, facilitator = _user(ADMIN), _user(FACILITATOR)
    intake = _intake(course)
    nominations = {n.email: _nomination(intake, n, admin) for n in NOMINEES}
    if version is None:  # the course is not imported: nominations, but nobody can study
        return
    cohort = _cohort(intake, facilitator, admin)
    enrolments = {n.email: _enrolment(cohort, n, nominations[n.email], admin) for n in PARTICIPANTS}
    for nominee in PARTICIPANTS:
        _study(nominee, enrolments[nominee.email], version, facilitator)
    _registers(cohort, {n.email: n for n in PARTICIPANTS}, enrolments, facilitator)
    for nominee in PARTICIPANTS:
        if nominee.withdraws and enrolments[nominee.email].is_active:
            withdraw(enrolments[nominee.email], actor=admin, reason="Moved to a new role outside the council.")
    _finish(version, admin, facilitator)


def _intake(course) -> Intake:
    intake = db.session.scalar(select(Intake).where(Intake.name == DEMO_INTAKE))
    if intake is None:
        start = _today() - timedelta(days=STARTED_DAYS_AGO)
        intake = Intake(course=course, name=DEMO_INTAKE, opens_at=_at(start - timedelta(days=60), 9),
                        closes_at=_at(start - timedelta(days=21), 17), cohorts_start_on=start,
                        places_per_council=4, total_places=30)
        db.session.add(intake)
        db.session.flush()
    return intake


def _nomination(intake: Intake, nominee: Nominee, admin: User) -> Nomination:
    nomination = db.session.scalar(
        select(Nomination).where(Nomination.intake_id == intake.id, Nomination.email == nominee.email)
    )
    if nomination is not None:
        return nomination
    council = db.session.scalar(select(Council).where(Council.gss_code == nominee.gss_code))
    participant = _participant(nominee, council) if nominee.status is ACCEPTED else None
    lead = db.session.scalar(
        select(User).join(RoleGrant).where(RoleGrant.role == Role.COUNCIL_LEAD, User.council_id == council.id)
    )
    decided = intake.closes_at + timedelta(days=3)
    status = nominee.status
    nomination = Nomination(
        intake=intake, council=council, nominee_name=nominee.name, email=nominee.email, job_title="Service manager",
        service_area="Customer services", line_manager_supports=True, status=status,
        reason=f"{nominee.name.split()[0]} will lead the redesign of a service around residents' needs.",
        created_by_id=(lead or admin).id, created_at=intake.opens_at + timedelta(days=5),
        decided_by_id=admin.id, decided_at=decided,
        decision_reason="Every place was taken when this nomination was decided." if status is NominationStatus.DECLINED else None,
        waitlist_position=1 if status is NominationStatus.WAITLISTED else None,
        withdrawn_by_id=(lead or admin).id if status is NominationStatus.WITHDRAWN else None,
        withdrawn_at=decided if status is NominationStatus.WITHDRAWN else None,
        participant_id=participant.id if participant else None,
    )
    db.session.add(nomination)
    db.session.flush()
    return nomination


def _participant(nominee: Nominee, council: Council) -> User:
    user = _user(nominee.email)
    if user is None:
        user = User(email=nominee.email, name=nominee.name, council=council, grants=[RoleGrant(role=Role.PARTICIPANT)])
        set_password(user, DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def _cohort(intake: Intake, facilitator: User, admin: User) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is not None:
        return cohort
    start = intake.cohorts_start_on
    cohort = create_cohort(actor=admin, intake=intake, name=DEMO_COHORT, capacity=12, start_on=start,
                           end_on=start + timedelta(days=105), facilitators=[facilitator])
    modules = [entry.module for entry in cohort.schedule]
    for week in range(15):  # weekly, two days after the start: 13 held so far, 2 to come
        starts = _at(start + timedelta(days=2 + 7 * week))
        module = modules[min(week // 2, len(modules) - 1)]
        title = workshop_title(week + 1, module, week - 2 * min(week // 2, len(modules) - 1))
        db.session.add(LiveSession(cohort=cohort, module=module, title=title,
                                   starts_at=starts, ends_at=starts + timedelta(hours=2),
                                   location="Online" if week % 2 else "Adur Civic Centre, Shoreham-by-Sea"))
    db.session.flush()
    return cohort


def _enrolment(cohort: Cohort, nominee: Nominee, nomination: Nomination, admin: User) -> Enrolment:
    user = _user(nominee.email)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id))
    return enrolment or enrol(cohort, user, actor=admin, nomination=nomination,
                              now=_at(cohort.start_on - timedelta(days=3), 9))


def _study(nominee: Nominee, enrolment: Enrolment, version: CourseVersion, facilitator: User) -> None:
    """Lessons, quizzes and the module 2 assignment, each done on a day that fits the module's
    dates and the person's last active day."""
    user, cohort = enrolment.user, enrolment.cohort
    now = utcnow()
    last = min(now - timedelta(days=nominee.quiet_days), _at(cohort.end_on, 17))
    user.last_seen_at = last

    def on(module, days_in: int) -> datetime:
        return min(_at(cohort.start_on + timedelta(days=module.opens_after_days + days_in)), last)

    lessons = [(module, lesson) for module in version.modules for lesson in module.lessons]
    for module, lesson in lessons[: nominee.lessons]:
        if db.session.scalar(select(LessonProgress.id).where(LessonProgress.user_id == user.id,
                                                             LessonProgress.lesson_id == lesson.id)) is None:
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=on(module, 1)))
    for module in version.modules:
        for assessment in module.assessments:
            if assessment.kind is AssessmentKind.QUIZ and module.position in nominee.quizzes:
                _pass_quiz(assessment, enrolment, on(module, 3), fail_first=nominee.name == "Sam Whitaker")
            if assessment.kind is AssessmentKind.ASSIGNMENT and (module.position == 2 or nominee is FINISHER):
                _hand_in(assessment, enrolment, nominee.assignment, on(module, 14), facilitator)
    db.session.flush()


def _pass_quiz(quiz, enrolment: Enrolment, when: datetime, *, fail_first: bool = False) -> None:
    if quizzes.attempts_of(enrolment.user_id, quiz):
        return
    right = {q["id"]: list(q["correct"]) for q in quiz.questions}
    if fail_first:
        wrong = {q["id"]: ([o for o, _ in q["options"] if o not in q["correct"]] or q["correct"])[:1]
                 for q in quiz.questions}
        quizzes.submit_attempt(quizzes.start_attempt(quiz, enrolment, now=when), enrolment, wrong, now=when)
    attempt = quizzes.start_attempt(quiz, enrolment, now=when + timedelta(hours=1))
    quizzes.submit_attempt(attempt, enrolment, right, now=when + timedelta(hours=1))


def _hand_in(assignment, enrolment: Enrolment, outcome: str | None, when: datetime, facilitator: User) -> None:
    if outcome is None or assignments.submissions_of(enrolment.user_id, assignment):
        return
    if outcome == "late":
        when = max(when, _at(enrolment.cohort.start_on + timedelta(days=(assignment.due_after_days or 0) + 5)))
        when = min(when, utcnow() - timedelta(days=1))
    text = ("I spent a morning with the contact centre and mapped how residents report a missed bin. "
            "Three changes would cut repeat calls by half; here is how I will test the first.")
    submission = assignments.save(assignment, enrolment, text=text, upload=None, submit=outcome != "draft", now=when)
    if outcome in ("passed", "referred"):
        marked = when + timedelta(days=2)
        marking.mark(submission, actor=facilitator, outcome="pass" if outcome == "passed" else "refer",
                     feedback=None if outcome == "passed" else FEEDBACK,
                     judgements=["met" if outcome == "passed" else "partly_met"] * len(assignment.criteria or []),
                     seen_version=submission.version, now=min(marked, utcnow()))


def _registers(cohort: Cohort, nominees: dict[str, Nominee], enrolments: dict[str, Enrolment], facilitator: User) -> None:
    sessions = db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id == cohort.id, LiveSession.ends_at < utcnow())
        .order_by(LiveSession.starts_at)
    ).all()
    for number, session in enumerate(sessions):
        if marks_for(session):
            continue
        marks = {
            enrolments[email].id: (MARKS[nominee.register[number]], None)
            for email, nominee in nominees.items()
            if number < len(nominee.register)
        }
        if marks:
            record_register(session, actor=facilitator, marks=marks, now=session.ends_at)


def _finish(version: CourseVersion, admin: User, facilitator: User) -> None:
    """Hannah Cole of Adur completes the finished spring cohort: every lesson, quiz and
    assignment, and every workshop; the service issues her certificate as the last is met."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == FINISHED_COHORT))
    if cohort is None or cohort.course_version_id != version.id:
        return
    nomination = _nomination(cohort.intake, FINISHER, admin)
    enrolment = _enrolment(cohort, FINISHER, nomination, admin)
    _study(FINISHER, enrolment, version, facilitator)
    sessions = db.session.scalars(
        select(LiveSession).where(LiveSession.cohort_id == cohort.id).order_by(LiveSession.starts_at)
    ).all()
    for session in sessions:
        if enrolment.id not in marks_for(session):
            record_register(session, actor=facilitator, marks={enrolment.id: ("present", None)}, now=session.ends_at)
    complete_if_done(enrolment, actor=None)
