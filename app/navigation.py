"""The service navigation: which links each role sees, in order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import request, url_for

from app.auth.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role]
    #: Endpoints under this item, so its link is marked current on their pages too.
    prefix: str = ""
    #: Endpoints under the prefix that belong to another item instead.
    excludes: tuple[str, ...] = ()


NAV_ITEMS = [
    NavItem("Home", "main.home", frozenset(Role)),
    NavItem("Councils", "councils.index", frozenset({Role.ADMIN}), prefix="councils."),
    NavItem("People", "auth.people", frozenset({Role.ADMIN}), prefix="auth.people"),
    NavItem("Intakes", "intakes.index", frozenset({Role.ADMIN}), prefix="intakes.", excludes=("intakes.queue", "intakes.lead_")),
    NavItem("Nominations", "intakes.queue", frozenset({Role.ADMIN}), prefix="intakes.queue"),
    NavItem("Courses", "courses.index", frozenset({Role.ADMIN, Role.FACILITATOR}), prefix="courses.",
            excludes=("courses.learning", "courses.course_file")),
    NavItem("Cohorts", "cohorts.index", frozenset({Role.ADMIN, Role.FACILITATOR}), prefix="cohorts."),
    NavItem("Marking", "assessments.queue", frozenset({Role.FACILITATOR}), prefix="assessments.mark"),
    NavItem("Certificates", "certificates.index", frozenset({Role.ADMIN}), prefix="certificates.manage"),
    NavItem("Reports", "reports.overview_page", frozenset({Role.ADMIN}), prefix="reports.intake"),
    NavItem("Nominations", "intakes.lead_index", frozenset({Role.COUNCIL_LEAD}), prefix="intakes.lead_"),
    NavItem("Our people", "reports.our_people", frozenset({Role.COUNCIL_LEAD}), prefix="reports.person"),
    NavItem("Learning", "courses.learning", frozenset({Role.PARTICIPANT}), prefix="courses.learning"),
    NavItem("Timetable", "cohorts.timetable", frozenset({Role.PARTICIPANT})),
    NavItem("Progress", "certificates.mine", frozenset({Role.PARTICIPANT})),
]


def navigation_for(user) -> list[dict]:
    """The service navigation's links for this user: text, href and whether it is the current one."""
    if not user.is_authenticated:
        return []
    roles, endpoint, root = user.roles, request.endpoint or "", request.script_root
    return [
        {"text": item.label, "href": _href(root, item.endpoint), "active": _is_current(item, endpoint)}
        for item in NAV_ITEMS if item.roles & roles
    ]


def _is_current(item: NavItem, endpoint: str) -> bool:
    return endpoint == item.endpoint or bool(
        item.prefix and endpoint.startswith(item.prefix) and not endpoint.startswith(item.excludes)
    )


@cache
def _href(root: str, endpoint: str) -> str:
    """Where a navigation link goes, for an application served under `root`: made once, since
    every signed-in page draws up to ten of them."""
    return url_for(endpoint)
