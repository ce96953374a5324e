"""A council lead's people: every nominee of their council, and how each is getting on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import lazyload

from app.certificates.completion import Completion, completions_for, lesson_tallies
from app.certificates.models import Certificate
from app.cohorts.attendance import AttendanceFigure, figures_for
from app.cohorts.changes import revision_columns
from app.cohorts.models import Cohort, Enrolment
from app.councils.models import Council
from app.courses.services import Progress
from app.extensions import db
from app.intakes.models import Intake, Nomination
from app.intakes.services import Places, places_columns, places_from
from app.reports.progress import certificates_for, lessons_read
from app.urls import absolute_url


@cache
def _nominations_select(by_intake: bool) -> Select:
    """Council `council_id`'s nominations (to intake `intake_id` when `by_intake`), newest
    intake first, then by name: built once for each choice."""
    statement = (
        select(Nomination)
        .join(Intake, Intake.id == Nomination.intake_id)
        .where(Nomination.council_id == bindparam("council_id"))
        .order_by(Intake.closes_at.desc(), Intake.id.desc(), func.lower(Nomination.nominee_name), Nomination.id)
    )
    return statement.where(Nomination.intake_id == bindparam("intake_id")) if by_intake else statement


@cache
def _nominations_page_selects(by_intake: bool) -> tuple[Select, Select]:
    """A page of those nominations (`limit` from `offset`), each beside how many there are in
    all; and that count alone, for a page past the last."""
    every = _nominations_select(by_intake)
    return (every.add_columns(func.count().over()).limit(bindparam("limit")).offset(bindparam("offset")),
            select(func.count()).select_from(every.order_by(None).subquery()))


def nominations_page(council: Council, intake_id: int | None, page: int, per_page: int) -> tuple[list[Nomination], int]:
    """One page of the council's nominations, in the order of `nominations_list`, and their
    total: one query, two for a page past the last."""
    items, total = _nominations_page_selects(intake_id is not None)
    params = {"council_id": council.id, "intake_id": intake_id}
    rows = db.session.execute(items, params | {"limit": per_page, "offset": (page - 1) * per_page}).all()
    if rows:
        return [nomination for nomination, _ in rows], rows[0][1]
    return [], db.session.scalar(total, params)


def nominations_list(council: Council, intake_id: int | None = None) -> list[Nomination]:
    """The council's nominations (to one intake, if given), newest intake first, then by name."""
    return list(db.session.scalars(_nominations_select(intake_id is not None),
                                   {"council_id": council.id, "intake_id": intake_id}))


@cache
def _nominees_revision_select() -> Select:
    """Council `council_id`'s nominations, how many and when one last changed, and the
    revision of every cohort its nominees have places in (changes.revision_columns)."""
    council_id = bindparam("council_id")
    theirs = Nomination.council_id == council_id
    # A union, each half read through an index, and worked out once for the three columns.
    cohorts = union(
        select(Enrolment.cohort_id).where(Enrolment.nomination_id.in_(select(Nomination.id).where(theirs))),
        select(Enrolment.cohort_id).where(Enrolment.user_id.in_(select(Nomination.participant_id).where(theirs))),
    ).cte("their_cohorts")
    return select(
        select(func.count(Nomination.id)).where(theirs).scalar_subquery(),
        select(func.max(Nomination.updated_at)).where(theirs).scalar_subquery(),
        *revision_columns(select(cohorts.c.cohort_id)),
    )


def nominees_revision(council: Council, now: datetime) -> tuple:
    """What the council's nominees and their progress are made from, in brief: the same while
    none of its nominations is added or changed, no write touches a cohort any of them is in,
    and none of those cohorts' sessions starts or ends. Read it before the nominees."""
    return tuple(db.session.execute(_nominees_revision_select(), {"council_id": council.id, "now": now}).one())


@cache
def _intakes_select() -> Select:
    """Intakes open at `now` or that council `council_id` has nominated to, each with the
    council's places on it: built once."""
    council_id = bindparam("council_id")
    nominated = select(Nomination.intake_id).where(Nomination.council_id == council_id)
    now = bindparam("now")
    return (
        select(Intake, *places_columns(council_id))
        .where(or_(Intake.id.in_(nominated), and_(Intake.opens_at <= now, Intake.closes_at > now)))
        .order_by(Intake.closes_at.desc(), Intake.id.desc())
    )


def intakes_of(council: Council, now: datetime) -> list[tuple[Intake, Places]]:
    """Intakes open now or that the council has nominated to, newest first, each with the
    council's places on it: their places head the page, and the intakes fill its filter."""
    return [(intake, places_from(intake, *columns))
            for intake, *columns in db.session.execute(_intakes_select(), {"council_id": council.id, "now": now})]


@dataclass(frozen=True)
class Nominee:
    nomination: Nomination
    #: Their place in a cohort: the current one, else the last they left.
    enrolment: Enrolment | None = None
    lessons: Progress | None = None
    attendance: AttendanceFigure | None = None
    #: The completion checklist, the same one the participant and their facilitator see.
    completion: Completion | None = None
    certificate: Certificate | None = None

    @property
    def threshold(self) -> int | None:
        return self.enrolment.cohort.course_version.attendance_threshold if self.enrolment else None


@cache
def _enrolments_select() -> Select:
    """The enrolments made from nominations `nominations`, or of people `people` in cohorts of
    intakes `intakes`, oldest first: built once, since building it costs more than running it."""
    return (
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            or_(
                Enrolment.nomination_id.in_(bindparam("nominations", expanding=True)),
                and_(Enrolment.user_id.in_(bindparam("people", expanding=True)),
                     Cohort.intake_id.in_(bindparam("intakes", expanding=True))),
            )
        )
        .order_by(Enrolment.joined_at, Enrolment.id)
        .options(lazyload(Enrolment.user))  # the nomination names them: their account is not shown
    )


def _enrolments(nominations: list[Nomination]) -> dict[int, Enrolment]:
    """Each nomination's enrolment: the place made from it, or the nominee's place in a
    cohort of the same intake. One query."""
    participants = {(n.participant_id, n.intake_id): n.id for n in nominations if n.participant_id}
    found = db.session.scalars(_enrolments_select(), {
        "nominations": [n.id for n in nominations], "people": [p for p, _ in participants],
        "intakes": list({i for _, i in participants}),
    }).all()
    ids = {n.id for n in nominations}
    chosen: dict[int, Enrolment] = {}
    for enrolment in found:  # the latest wins, unless an earlier one is current and it is not
        nomination_id = enrolment.nomination_id if enrolment.nomination_id in ids else participants.get(
            (enrolment.user_id, enrolment.cohort.intake_id)
        )
        if nomination_id is None:
            continue
        current = chosen.get(nomination_id)
        if current is None or enrolment.is_placed or not current.is_placed:
            chosen[nomination_id] = enrolment
    return chosen


def nominees(nominations: list[Nomination]) -> list[Nominee]:
    """How each nominee is getting on, in a fixed number of queries however many."""
    enrolments = _enrolments(nominations)
    placed = list(enrolments.values())
    tallies = lesson_tallies(placed)
    lessons = lessons_read(placed, tallies)
    attendance = figures_for([e.id for e in placed])
    completions = completions_for(placed, tallies=tallies, attendance=attendance)
    certificates = certificates_for([e.id for e in placed])
    rows = []
    for nomination in nominations:
        enrolment = enrolments.get(nomination.id)
        if enrolment is None:
            rows.append(Nominee(nomination))
            continue
        rows.append(Nominee(nomination, enrolment, lessons[enrolment.id], attendance[enrolment.id],
                            completions[enrolment.id], certificates.get(enrolment.id)))
    return rows


def met(completion: Completion) -> str:
    """The checklist in brief: "5 of 12"."""
    return f"{len(completion.criteria) - len(completion.left)} of {len(completion.criteria)}"


PEOPLE_HEADER = [
    "Nominee", "Email", "Job title", "Intake", "Nomination status", "Cohort", "Lessons completed", "Lessons",
    "Attendance", "Completion criteria met", "Certificate", "Certificate status", "Verify at",
]


def people_rows(rows: list[Nominee]) -> list[list]:
    """The lead's people as spreadsheet rows, the same figures the page shows."""
    out = []
    for row in rows:
        n, certificate = row.nomination, row.certificate
        out.append([
            n.nominee_name, n.email, n.job_title, n.intake.name, n.status.label,
            row.enrolment.cohort.name if row.enrolment else "",
            row.lessons.completed if row.lessons else "", row.lessons.total if row.lessons else "",
            f"{row.attendance.percent}%" if row.attendance and row.attendance.percent is not None else "",
            met(row.completion) if row.completion else "",
            certificate.code if certificate else "", certificate.state.capitalize() if certificate else "",
            absolute_url("certificates.verify_code", code=certificate.code) if certificate else "",
        ])
    return out
