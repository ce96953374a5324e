"""Factories: make a model with sensible defaults, override what the test cares about."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.auth.models import Role, RoleGrant, User
from app.auth.services import set_password
from app.councils.models import Council, CouncilKind, Nation
from app.courses.models import (
    Assessment,
    AssessmentKind,
    Course,
    CourseFile,
    CourseVersion,
    Lesson,
    Module,
)
from app.extensions import db
from app.intakes.models import Intake, Nomination, NominationStatus
from app.timeutil import utcnow

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_council(name: str | None = None, signed_on: date | None = date(2018, 7, 4), **fields) -> Council:
    n = next(_sequence)
    council = Council(
        name=name or f"Council {n}",
        gss_code=fields.pop("gss_code", f"E07{n:06d}"),
        kind=fields.pop("kind", CouncilKind.DISTRICT),
        nation=fields.pop("nation", Nation.ENGLAND),
        signed_on=signed_on,
        **fields,
    )
    db.session.add(council)
    db.session.flush()
    return council


def make_user(*roles: str | Role, council: Council | None = None, password: str | None = PASSWORD, **fields) -> User:
    n = next(_sequence)
    roles = [Role(r) for r in roles] or [Role.PARTICIPANT]
    if council is None and any(r in (Role.COUNCIL_LEAD, Role.PARTICIPANT) for r in roles):
        council = make_council()
    user = User(
        email=fields.pop("email", f"person{n}@example.gov.uk"),
        name=fields.pop("name", f"Person {n}"),
        council=council,
        grants=[RoleGrant(role=r) for r in roles],
        **fields,
    )
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.commit()
    return user


def make_course(slug: str | None = None, title: str = "Digital Leadership") -> Course:
    n = next(_sequence)
    course = Course(slug=slug or f"course-{n}", title=title)
    db.session.add(course)
    db.session.flush()
    return course


def make_course_version(
    course: Course | None = None, modules: int = 2, lessons: int = 2, live_sessions: int = 1
) -> CourseVersion:
    """A version of `modules` modules of `lessons` lessons each; the first has a quiz and an image."""
    course = course or make_course()
    number = len(course.versions) + 1

    def lesson(m: int, n: int) -> Lesson:
        return Lesson(
            position=n, slug=f"{n:02d}-lesson-{m}-{n}", title=f"Lesson {m}.{n}", minutes=10,
            html=f"<h2>Lesson {m}.{n}</h2><p>Words.</p>",
        )

    version = CourseVersion(
        course=course, number=number, label=f"2027.{number}", title=course.title,
        summary="A course for the tests.", attendance_threshold=80, live_sessions=live_sessions, content_hash=f"{number:064d}",
        modules=[
            Module(
                position=m, slug=f"{m:02d}-module-{m}", title=f"Module {m}", summary="About it.", hours=2,
                opens_after_days=14 * (m - 1), due_after_days=14 * m,
                lessons=[lesson(m, n) for n in range(1, lessons + 1)],
            )
            for m in range(1, modules + 1)
        ],
        files=[
            CourseFile(
                path="01-module-1/images/a.png", media_type="image/png", content=b"\x89PNG\r\n\x1a\n", sha256="0" * 64
            )
        ],
    )
    version.modules[0].assessments = [
        Assessment(
            position=1, slug="quiz", kind=AssessmentKind.QUIZ, title="Check your understanding", pass_mark=80,
            attempts=3,
            questions=[
                {
                    "id": "which", "type": "single", "prompt": "Which?",
                    "options": [["a", "This"], ["b", "That"], ["c", "The other"]],
                    "correct": ["a"], "explanation": "Because.",
                }
            ],
        )
    ]
    db.session.add(version)
    db.session.commit()
    return version
def make_intake(
    course: Course | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    places_per_council: int = 3,
    total_places: int = 100,
    **fields,
) -> Intake:
    """An intake whose nomination window is open now, unless told otherwise."""
    n = next(_sequence)
    closes_at = closes_at or utcnow() + timedelta(days=14)
    intake = Intake(
        course=course or make_course(),
        name=fields.pop("name", f"Intake {n}"),
        opens_at=opens_at or utcnow() - timedelta(days=7),
        closes_at=closes_at,
        cohorts_start_on=fields.pop("cohorts_start_on", (closes_at + timedelta(days=30)).date()),
        places_per_council=places_per_council,
        total_places=total_places,
        **fields,
    )
    db.session.add(intake)
    db.session.commit()
    return intake


def make_nomination(
    intake: Intake,
    council: Council | None = None,
    status: NominationStatus = NominationStatus.SUBMITTED,
    created_by: User | None = None,
    **fields,
) -> Nomination:
    """A nomination made directly, without the rules (tests of the rules use the services)."""
    n = next(_sequence)
    council = council or (created_by.council if created_by else make_council())
    created_by = created_by or make_user("council_lead", council=council)
    nomination = Nomination(
        intake=intake,
        council=council,
        nominee_name=fields.pop("nominee_name", f"Nominee {n}"),
        email=fields.pop("email", f"nominee{n}@example.gov.uk"),
        job_title=fields.pop("job_title", "Service manager"),
        service_area=fields.pop("service_area", "Housing"),
        reason=fields.pop("reason", "They will lead the redesign of housing repairs."),
        line_manager_supports=True,
        status=status,
        created_by_id=created_by.id,
        **fields,
    )
    db.session.add(nomination)
    db.session.commit()
    return nomination


def make_cohort(intake=None, *, capacity: int = 20, start_on=None, facilitators=None, name: str | None = None):
    """A cohort on a fresh course version, with one facilitator unless given others."""
    from app.cohorts.services import create_cohort

    if intake is None:
        course = make_course()
        make_course_version(course)
        intake = make_intake(course=course)
    facilitators = facilitators if facilitators is not None else [make_user("facilitator")]
    start_on = start_on or date(2027, 3, 1)
    cohort = create_cohort(
        actor=None, intake=intake, name=name or f"Cohort {next(_sequence)}", capacity=capacity,
        start_on=start_on, end_on=start_on + timedelta(days=120), facilitators=facilitators,
    )
    db.session.commit()
    return cohort


def make_live_session(cohort, *, starts_at: datetime, title: str | None = None, hours: int = 2):
    """A session of the cohort, starting at `starts_at` (naive UTC)."""
    from app.cohorts.models import LiveSession

    session = LiveSession(
        cohort=cohort, title=title or f"Workshop {next(_sequence)}", starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours), location="Council chamber",
    )
    db.session.add(session)
    db.session.commit()
    return session


def hold_sessions(cohort, count: int, *, actor, present=()) -> list:
    """`count` sessions of the cohort held one after another, after everyone in it joined, each
    register taken with `present` enrolments present (through the service, which may issue)."""
    from app.cohorts.attendance import record_register
    from app.cohorts.models import Enrolment, LiveSession

    after = db.session.scalar(select(func.max(LiveSession.ends_at)).where(LiveSession.cohort_id == cohort.id))
    joined = db.session.scalar(select(func.max(Enrolment.joined_at)).where(Enrolment.cohort_id == cohort.id))
    start = max(moment for moment in (after, joined, datetime(2000, 1, 1)) if moment is not None)
    sessions = []
    for number in range(count):
        session = make_live_session(cohort, starts_at=start + timedelta(minutes=1, hours=3 * number))
        if present:
            record_register(session, actor=actor, marks={e.id: ("present", None) for e in present},
                            now=session.ends_at)
        db.session.commit()
        sessions.append(session)
    return sessions


def make_assignment(version, *, module_position: int = 1, criteria=("Names the users", "Says how it will be measured"),
                    due_after_days: int | None = None, title: str = "Plan one small change"):
    """An assignment in one module of `version`, after anything already there."""
    module = next(m for m in version.modules if m.position == module_position)
    assignment = Assessment(
        module=module, position=len(module.assessments) + 1, slug=f"assignment-{next(_sequence)}",
        kind=AssessmentKind.ASSIGNMENT, title=title, due_after_days=due_after_days,
        brief_html="<h2>What to do</h2><p>Plan one small change.</p>", criteria=list(criteria) if criteria else None,
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def make_submission(user, assignment, *, status="submitted", text: str | None = "My plan.", number: int = 1,
                    submitted_at: datetime | None = None, file: bytes | None = None, late: bool = False):
    """A submission made directly, without the rules (tests of the rules use the services)."""
    from app.assessments.models import Submission, SubmissionStatus
    from app.storage import new_key, storage

    status = SubmissionStatus(status)
    submission = Submission(
        user_id=user.id, assessment_id=assignment.id, number=number, status=status, text=text, version=1,
        submitted_at=None if status is SubmissionStatus.DRAFT else (submitted_at or utcnow()), late=late,
    )
    if file is not None:
        submission.file_key = storage().save(new_key("submissions", ".pdf"), file)
        submission.file_name, submission.file_type, submission.file_size = "my-plan.pdf", "application/pdf", len(file)
    db.session.add(submission)
    db.session.commit()
    return submission
