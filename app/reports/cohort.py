"""A facilitator's cohort dashboard: a row per participant, and who is at risk and why.

The figures of every row come from the same grouped queries, run once for the whole cohort;
the rows are then flagged, filtered and sorted here, because the flags rest on rules (the
completion checklist, assessment states, due dates) that live in Python, and a cohort is
never bigger than its capacity.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.assessments.services import AssessmentState, AssessmentStatus, assessments_of, due_on, statuses_for
from app.certificates.completion import Completion, completions_for, lesson_tallies
from app.cohorts.attendance import AttendanceFigure, figures_for
from app.cohorts.models import Cohort, Enrolment
from app.cohorts.services import enrolments_of
from app.courses.models import Assessment, AssessmentKind
from app.courses.services import Progress
from app.reports.progress import last_activity, lessons_read
from app.timeutil import format_date, to_local, to_utc

#: Days without signing in, reading or working on an assessment before someone is flagged.
INACTIVE_DAYS = 14
#: An assignment in one of these states after its due date is overdue: nothing handed in.
NOT_HANDED_IN = (AssessmentState.NOT_STARTED, AssessmentState.DRAFT)


class Flag(enum.StrEnum):
    ATTENDANCE = "attendance"
    OVERDUE = "overdue"
    INACTIVE = "inactive"

    @property
    def label(self) -> str:
        return {
            "attendance": "Attendance below the threshold",
            "overdue": "An overdue assignment",
            "inactive": f"No activity for {INACTIVE_DAYS} days",
        }[self.value]

    @property
    def short(self) -> str:
        return {"attendance": "Low attendance", "overdue": "Overdue", "inactive": "Inactive"}[self.value]


@dataclass(frozen=True)
class Risk:
    flag: Flag
    #: Plain English, for the facilitator: "Module 2 assignment was due on 3 May 2027".
    reason: str


def risks(
    enrolment: Enrolment,
    *,
    attendance: AttendanceFigure,
    threshold: int,
    assignments: list[tuple[Assessment, AssessmentStatus]],
    last_active: datetime | None,
    now: datetime,
) -> list[Risk]:
    """Why this participant may need a nudge; nothing for someone completed or gone."""
    if not enrolment.is_active:
        return []
    cohort = enrolment.cohort
    today = to_local(now).date()
    found = []
    if not attendance.meets(threshold):
        found.append(Risk(Flag.ATTENDANCE, f"Attendance {attendance.describe(threshold)}"))
    for assessment, status in assignments:
        due = due_on(cohort, assessment)
        if due < today and status.state in NOT_HANDED_IN:
            found.append(Risk(Flag.OVERDUE, f"{assessment.label.capitalize()} was due on {format_date(due)}"))
    started = _start_of(cohort)
    if cohort.start_on <= today:
        since, what = _quiet_since(enrolment, last_active, started)
        if now - since >= timedelta(days=INACTIVE_DAYS):
            found.append(Risk(Flag.INACTIVE, f"{what} {format_date(since)}"))
    return found


def _start_of(cohort: Cohort) -> datetime:
    """The moment the cohort starts: the start of its first day."""
    return to_utc(datetime.combine(cohort.start_on, datetime.min.time()))


def _quiet_since(enrolment: Enrolment, last_active: datetime | None, started: datetime) -> tuple[datetime, str]:
    """Since when the participant has been quiet, and how to say so. Time before they joined,
    or before the cohort started, never counts against them."""
    if last_active is not None and last_active >= max(enrolment.joined_at, started):
        return last_active, "No activity since"
    if enrolment.joined_at > started:
        return enrolment.joined_at, "No activity since joining on"
    return started, "No activity since the cohort started on"


@dataclass(frozen=True)
class Row:
    enrolment: Enrolment
    lessons: Progress
    attendance: AttendanceFigure
    #: Each assessment of the course, in order, with where the participant stands on it.
    assessments: list[tuple[Assessment, AssessmentStatus]]
    last_active: datetime | None
    completion: Completion
    risks: list[Risk]

    @property
    def passed(self) -> int:
        return sum(1 for _, status in self.assessments if status.passed)

    @property
    def flags(self) -> set[Flag]:
        return {risk.flag for risk in self.risks}

    def sort_key(self, sort: str):
        return SORTS[sort](self)


@dataclass(frozen=True)
class Dashboard:
    cohort: Cohort
    assessments: list[Assessment]
    rows: list[Row]

    @property
    def threshold(self) -> int:
        return self.cohort.course_version.attendance_threshold

    def count(self, flag: Flag | None = None) -> int:
        """How many are at risk: for this reason, or for any."""
        return sum(1 for row in self.rows if (flag in row.flags if flag else row.risks))

    def good_until(self, now: datetime) -> datetime:
        """When these rows would read differently though nothing were written, sessions
        starting and ending aside (the cohort's revision sees those): at midnight, as due dates
        pass and the cohort starts, or when someone quiet reaches INACTIVE_DAYS. Never later
        than that; sometimes sooner, which costs only working it out again."""
        tomorrow = to_local(now).date() + timedelta(days=1)
        moments = [to_utc(datetime.combine(tomorrow, datetime.min.time()))]
        started = _start_of(self.cohort)
        for row in self.rows:
            since, _ = _quiet_since(row.enrolment, row.last_active, started)
            if since + timedelta(days=INACTIVE_DAYS) > now:
                moments.append(since + timedelta(days=INACTIVE_DAYS))
        return min(moments)


def dashboard(cohort: Cohort, now: datetime) -> Dashboard:
    """Every participant of the cohort with their figures and risks, in a fixed number of queries."""
    enrolments = enrolments_of(cohort)
    assessments = assessments_of([cohort.course_version_id])
    tallies = lesson_tallies(enrolments)
    lessons = lessons_read(enrolments, tallies)
    attendance = figures_for([e.id for e in enrolments])
    statuses = statuses_for(enrolments, assessments)
    completions = completions_for(enrolments, tallies=tallies, assessments=assessments, statuses=statuses, attendance=attendance)
    active = last_activity([e.user_id for e in enrolments])
    threshold = cohort.course_version.attendance_threshold
    rows = []
    for enrolment in enrolments:
        mine = [(assessment, statuses[(enrolment.id, assessment.id)]) for assessment in assessments]
        assignments = [(a, s) for a, s in mine if a.kind is AssessmentKind.ASSIGNMENT]
        rows.append(Row(
            enrolment, lessons[enrolment.id], attendance[enrolment.id], mine, active[enrolment.user_id],
            completions[enrolment.id],
            risks(enrolment, attendance=attendance[enrolment.id], threshold=threshold, assignments=assignments,
                  last_active=active[enrolment.user_id], now=now),
        ))
    return Dashboard(cohort, assessments, rows)


# Choosing and ordering rows ------------------------------------------------------------------------

SHOW = {"": "Everyone", "any": "Anyone at risk", **{flag.value: flag.label for flag in Flag}}

SORTS = {
    "name": lambda row: row.enrolment.user.name.lower(),
    "lessons": lambda row: row.lessons.completed,
    "attendance": lambda row: -1 if row.attendance.percent is None else row.attendance.percent,
    "activity": lambda row: row.last_active or datetime.min,
    "risk": lambda row: len(row.risks),
}
#: Each column's first order when chosen: most at risk first; otherwise smallest or earliest first.
FIRST_ORDER = {"risk": "desc"}
#: What ascending and descending mean for each column, said to screen reader users.
ORDER_WORDS = {
    "name": ("A to Z", "Z to A"),
    "lessons": ("fewest first", "most first"),
    "attendance": ("lowest first", "highest first"),
    "activity": ("longest ago first", "most recent first"),
    "risk": ("fewest risks first", "most risks first"),
}


def chosen_rows(rows: list, show: str, sort: str, order: str) -> list:
    """The rows to show, filtered by flag ("any" for anyone at risk), sorted, ties by name.
    Rows are a dashboard's, or anything with their `flags` and `sort_key`."""
    if show == "any":
        rows = [row for row in rows if row.flags]
    elif show in {flag.value for flag in Flag}:
        rows = [row for row in rows if Flag(show) in row.flags]
    by_name = sorted(rows, key=lambda row: row.sort_key("name"))
    return sorted(by_name, key=lambda row: row.sort_key(sort), reverse=order == "desc")  # stable: ties keep name order


# The spreadsheet -------------------------------------------------------------------------------------


def csv_header(board: Dashboard) -> list[str]:
    return [
        "Participant", "Email", "Council", "Status", "Lessons completed", "Lessons", "Attendance",
        *(f"{a.label.capitalize()}: {a.title}" for a in board.assessments),
        "Last activity", "Completion criteria met", "Still to do", "At risk",
    ]


def csv_rows(rows: list[Row]) -> list[list]:
    return [
        [
            row.enrolment.user.name, row.enrolment.user.email,
            row.enrolment.user.council.name if row.enrolment.user.council else "",
            row.enrolment.status.value.capitalize(), row.lessons.completed, row.lessons.total,
            "" if row.attendance.percent is None else f"{row.attendance.percent}%",
            *(status.short for _, status in row.assessments),
            format_date(row.last_active) if row.last_active else "Never",
            f"{len(row.completion.criteria) - len(row.completion.left)} of {len(row.completion.criteria)}",
            "; ".join(criterion.name for criterion in row.completion.left),
            "; ".join(risk.reason for risk in row.risks),
        ]
        for row in rows
    ]
