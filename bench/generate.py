"""A national-scale programme for the benchmarks: `python -m bench.generate --scale 1 URL`.

At scale 1: 418 councils, five intakes (four finished, one open), 130 cohorts and about 4,000
participants, with reading progress, registers, submissions, certificates, audit rows and an
outbox. Scale 10 is ten times each of those. The demo data is loaded first, so its logins (and
the demo facilitator, who runs the first generated cohort) work against the big programme.
Rows go in with bulk inserts and explicit ids; a scale-10 PostgreSQL programme takes a minute
or two.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text

from app import create_app

from app.assessments.models import Submission, SubmissionStatus
from app.audit.models import AuditEvent
from app.auth.models import Role, RoleGrant, User
from app.certificates.codes import ALPHABET
from app.certificates.models import Certificate
from app.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortChange,
    Enrolment,
    EnrolmentStatus,
    LiveSession,
    ModuleSchedule,
    cohort_facilitator,
)
from app.councils.models import Council, CouncilKind, Nation
from app.courses.models import Assessment, AssessmentKind, CourseVersion, Lesson, LessonProgress, Module
from app.demo import load
from app.extensions import db
from app.intakes import tally
from app.intakes.models import Intake, Nomination, NominationStatus
from app.mail.models import OutboxMessage, OutboxStatus
from app.timeutil import utcnow
from config import DevelopmentConfig

COUNCILS, INTAKES, COHORTS_PER_INTAKE, NOMINATIONS_PER_INTAKE = 418, 5, 26, 1150
#: Days after a cohort starts that its workshops are: the running intake's fourth is tomorrow.
SESSION_DAYS = (1, 11, 21, 31, 51, 71)
AUDIT_ROWS, OUTBOX_ROWS = 20_000, 10_000
FACILITATOR = "facilitator@demo.digital-leadership.example"
ADUR = "E07000223"
CHUNK = 5_000


class Ids:
    """Hands out the next id of each table, after what is already there."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def take(self, model) -> int:
        table = model.__table__
        if table.name not in self.next:
            self.next[table.name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self.next[table.name]
        self.next[table.name] += 1
        return value


def bulk(model, rows: list[dict]) -> None:
    """Insert rows in chunks, through Core: no ORM objects, no RETURNING."""
    table = getattr(model, "__table__", model)
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def generate(scale: int, seed: int = 16) -> dict[str, int]:
    """Add a programme `scale` times the national size to the demo data; returns row counts."""
    rng = random.Random(seed)
    ids = Ids()
    now = utcnow()
    version = db.session.scalar(select(CourseVersion).order_by(CourseVersion.id.desc()).limit(1))
    modules = list(db.session.scalars(select(Module).where(Module.version_id == version.id).order_by(Module.position)))
    lessons = list(db.session.scalars(select(Lesson).join(Module).where(Module.version_id == version.id)
                                      .order_by(Module.position, Lesson.position)))
    assignments = list(db.session.scalars(select(Assessment).join(Module).where(
        Module.version_id == version.id, Assessment.kind == AssessmentKind.ASSIGNMENT)))
    password_hash = db.session.scalar(select(User.password_hash).where(User.email == FACILITATOR))
    demo_facilitator = db.session.scalar(select(User.id).where(User.email == FACILITATOR))
    adur = db.session.scalar(select(Council.id).where(Council.gss_code == ADUR))
    admin = db.session.scalar(select(User.id).join(RoleGrant).where(RoleGrant.role == Role.ADMIN).limit(1))

    councils, users, grants = [], [], []
    for n in range(COUNCILS * scale - db.session.scalar(select(func.count(Council.id)))):
        council_id = ids.take(Council)
        councils.append(dict(id=council_id, name=f"Bench Council {n:05d}", gss_code=f"E9{n:07d}",
                             kind=CouncilKind.DISTRICT, nation=Nation.ENGLAND,
                             signed_on=None if n % 10 == 9 else date(2019, 1, 1) + timedelta(days=n % 900)))
    council_ids = [adur] + [row["id"] for row in councils if row["signed_on"]]

    def person(role: Role, name: str, email: str, council_id: int | None) -> int:
        user_id = ids.take(User)
        users.append(dict(id=user_id, email=email, name=name, council_id=council_id, password_hash=password_hash,
                          active=True, created_at=now - timedelta(days=400), password_set_at=now - timedelta(days=399),
                          last_seen_at=now - timedelta(days=rng.randrange(30))))
        grants.append(dict(user_id=user_id, role=role))
        return user_id

    leads = {council_id: person(Role.COUNCIL_LEAD, f"Lead {council_id}", f"lead{council_id}@bench.example", council_id)
             for council_id in council_ids[1:]}
    facilitators = [demo_facilitator] + [person(Role.FACILITATOR, f"Facilitator {n}", f"facilitator{n}@bench.example", None)
                                         for n in range(20 * scale)]
    demo_lead = db.session.scalar(select(User.id).where(User.email == "lead@adur-worthing.example.gov.uk"))
    leads[adur] = demo_lead

    intakes, nominations, cohorts, schedules, teams, enrolments = [], [], [], [], [], []
    sessions, marks, progress, submissions, certificates = [], [], [], [], []
    for i in range(INTAKES):
        started = i < INTAKES - 1
        start = (now - timedelta(days=120 * (INTAKES - 1 - i) + 30)).date() if started else (now + timedelta(days=40)).date()
        intake_id = ids.take(Intake)
        opens = datetime.combine(start, datetime.min.time()) - timedelta(days=80)
        closes = now + timedelta(days=20) if not started else opens + timedelta(days=40)
        intakes.append(dict(id=intake_id, course_id=version.course_id, name=f"Bench intake {i + 1}", opens_at=opens,
                            closes_at=closes, cohorts_start_on=start, places_per_council=3,
                            total_places=NOMINATIONS_PER_INTAKE * scale, created_at=opens - timedelta(days=10)))
        intake_cohorts, cohort_sessions = [], {}
        for c in range(COHORTS_PER_INTAKE * scale):
            cohort_id = ids.take(Cohort)
            intake_cohorts.append(cohort_id)
            cohorts.append(dict(id=cohort_id, intake_id=intake_id, course_version_id=version.id,
                                name=f"Bench {i + 1} – cohort {c + 1:04d}", capacity=40, start_on=start,
                                end_on=start + timedelta(days=150), created_at=opens))
            for module in modules:
                schedules.append(dict(cohort_id=cohort_id, module_id=module.id,
                                      opens_on=start + timedelta(days=module.opens_after_days),
                                      due_on=start + timedelta(days=module.due_after_days)))
            team = {facilitators[(i * 7 + c) % len(facilitators)], facilitators[(i * 7 + c + 1) % len(facilitators)]}
            if i == INTAKES - 2 and c == 0:
                team.add(demo_facilitator)
            teams += [dict(cohort_id=cohort_id, user_id=user_id) for user_id in team]
            for s, days in enumerate(SESSION_DAYS):
                starts = datetime.combine(start, datetime.min.time()) + timedelta(days=days, hours=10)
                session = dict(id=ids.take(LiveSession), cohort_id=cohort_id, module_id=modules[s].id,
                               title=f"Workshop {s + 1}", starts_at=starts, ends_at=starts + timedelta(hours=2),
                               location="Online", sequence=0, updated_at=opens)
                sessions.append(session)
                cohort_sessions.setdefault(cohort_id, []).append(session)
        for n in range(NOMINATIONS_PER_INTAKE * scale):
            council_id = council_ids[n % len(council_ids)]
            roll = rng.random()
            status = (NominationStatus.ACCEPTED if roll < (0.8 if started else 0.3) else
                      NominationStatus.SUBMITTED if roll < 0.9 else NominationStatus.WAITLISTED if roll < 0.95
                      else NominationStatus.DECLINED)
            email = f"person{i}-{n}@council{council_id}.bench.example"
            participant = person(Role.PARTICIPANT, f"Person {i}-{n}", email, council_id) \
                if status is NominationStatus.ACCEPTED else None
            nomination_id = ids.take(Nomination)
            created = opens + timedelta(hours=n % 900)
            nominations.append(dict(
                id=nomination_id, intake_id=intake_id, council_id=council_id, nominee_name=f"Person {i}-{n}",
                email=email, job_title="Service manager", service_area="Housing",
                reason="Leads the move of housing repairs online.", line_manager_supports=True, status=status,
                created_by_id=leads[council_id], created_at=created, updated_at=created,
                decided_by_id=admin if status is not NominationStatus.SUBMITTED else None,
                decided_at=created + timedelta(days=3) if status is not NominationStatus.SUBMITTED else None,
                participant_id=participant,
            ))
            if participant is None:
                continue
            cohort_id = intake_cohorts[n % len(intake_cohorts)]
            enrolment_id = ids.take(Enrolment)
            completed = started and roll < 0.3
            enrolments.append(dict(id=enrolment_id, cohort_id=cohort_id, user_id=participant,
                                   nomination_id=nomination_id, joined_at=opens + timedelta(days=60),
                                   status=EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.ACTIVE))
            for session in cohort_sessions[cohort_id]:
                if session["starts_at"] < now:
                    marks.append(dict(id=ids.take(Attendance), session_id=session["id"], enrolment_id=enrolment_id,
                                      status=AttendanceStatus.PRESENT if rng.random() < 0.85 else AttendanceStatus.ABSENT,
                                      marked_by_id=facilitators[0], marked_at=session["ends_at"]))
            read = len(lessons) if completed else rng.randrange(len(lessons) + 1) if started else rng.randrange(3)
            for lesson in lessons[:read]:
                progress.append(dict(id=ids.take(LessonProgress), user_id=participant, lesson_id=lesson.id,
                                     completed_at=opens + timedelta(days=60 + rng.randrange(90))))
            for assignment in assignments if started and rng.random() < 0.7 else ():
                marked = completed or rng.random() < 0.6
                submissions.append(dict(
                    id=ids.take(Submission), user_id=participant, assessment_id=assignment.id, number=1,
                    status=SubmissionStatus.PASSED if marked else SubmissionStatus.SUBMITTED,
                    text="What I changed, and what I learnt.", created_at=opens + timedelta(days=90),
                    updated_at=opens + timedelta(days=95), submitted_at=opens + timedelta(days=95), late=False,
                    marked_by_id=facilitators[0] if marked else None,
                    marked_at=opens + timedelta(days=100) if marked else None, version=1))
            if completed:
                certificate_id = ids.take(Certificate)
                certificates.append(dict(
                    id=certificate_id, enrolment_id=enrolment_id, code="-".join(["DLP"] + ["".join(rng.choices(ALPHABET, k=4)) for _ in range(4)]),
                    issued_at=opens + timedelta(days=150), design="default",
                    context={"participant_name": f"Person {i}-{n}", "course_title": "Digital Leadership"},
                    storage_key=f"certificates/bench-{certificate_id}.pdf", sha256=f"{certificate_id:064x}"))

    audit = [dict(id=ids.take(AuditEvent), actor_id=admin, action=rng.choice(("nomination.accepted", "user.invited",
                                                                               "cohort.enrolled", "register.saved")),
                  object_type="nomination", object_id=n, at=now - timedelta(minutes=n), changes={"status": ["submitted", "accepted"]})
             for n in range(AUDIT_ROWS * scale)]
    outbox = [dict(id=ids.take(OutboxMessage), recipient=f"person{n}@bench.example", kind="session_24h",
                   dedupe_key=f"bench:{scale}:{n}", subject="Your workshop is tomorrow", body_text="See you there.",
                   body_html="<p>See you there.</p>", headers={},
                   status=OutboxStatus.SENT if n % 50 else OutboxStatus.FAILED, attempts=1,
                   next_attempt_at=now - timedelta(minutes=n), created_at=now - timedelta(minutes=n),
                   sent_at=now - timedelta(minutes=n) if n % 50 else None)
              for n in range(OUTBOX_ROWS * scale)]
    # What the ORM notes of each cohort's writes, as the hourly compaction leaves it in a busy
    # hour: a change every ten minutes (app/cohorts/changes.py).
    changes = [dict(id=ids.take(CohortChange), cohort_id=cohort["id"], at=now - timedelta(minutes=minutes))
               for cohort in cohorts for minutes in range(5, 60, 10)]
    tables = [(Council, councils), (User, users), (RoleGrant, grants), (Intake, intakes), (Nomination, nominations),
              (Cohort, cohorts), (ModuleSchedule, schedules), (cohort_facilitator, teams), (Enrolment, enrolments),
              (LiveSession, sessions), (Attendance, marks), (LessonProgress, progress), (Submission, submissions),
              (Certificate, certificates), (AuditEvent, audit), (OutboxMessage, outbox), (CohortChange, changes)]
    for model, rows in tables:
        bulk(model, rows)
    tally.recount()  # the bulk inserts went around the ORM, which keeps the tally
    if db.engine.dialect.name == "postgresql":
        for name in ids.next:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                    f"(SELECT max(id) FROM \"{name}\"))"))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would leave a database in use: statistics for the planner, and the
        # visibility map, without which an index-only scan of fresh rows reads the table too.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return {getattr(model, "__tablename__", getattr(model, "name", "")): len(rows) for model, rows in tables}


def main(argv: list[str] | None = None) -> None:
    """Make an empty database, migrate it, load the demo data, then the generated programme."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url", help="postgresql+psycopg://... or sqlite:////path")
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args(argv)

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = args.database_url
        MAIL_BACKEND = "file"

    app = create_app(BenchConfig)
    with app.app_context():
        started = time.monotonic()
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
        load()
        db.session.commit()
        counts = generate(args.scale)
        print(f"scale {args.scale}: {sum(counts.values()):,} rows in {time.monotonic() - started:.0f} s", file=sys.stderr)
        for name, count in counts.items():
            print(f"  {name}: {count:,}", file=sys.stderr)


if __name__ == "__main__":
    main()
