"""The completion checklist, written as HTML in Python: the same list for the participant,
their facilitator and their council lead.

A cohort's dashboard shows one for each participant, a few dozen items each: drawn by a Jinja
macro, every item was a call, tests and escapes through the template runtime. This writes the
same markup directly, escaping what a template would. The blueprint makes it a template global.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import url_for
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from app.certificates.completion import Completion

DONE = '<strong class="govuk-tag govuk-tag--green">Done</strong>'
TO_DO = '<strong class="govuk-tag govuk-tag--grey">To do</strong>'


def checklist(completion: Completion, reading=None) -> Markup:
    """Each criterion, done or to do. With `reading` (the participant's own page), each links
    to its lessons, assessment or attendance."""
    items = []
    for criterion in completion.criteria:
        detail = escape(criterion.detail)
        if reading is None:
            said = f'<span class="app-checklist__detail">{detail}</span>'
        else:
            href = reading.about_url(criterion.about) if criterion.about else url_for("cohorts.my_attendance")
            said = f'<a class="govuk-link app-checklist__detail" href="{escape(href)}">{detail}</a>'
        items.append(f'<li class="app-checklist__item">{DONE if criterion.met else TO_DO} {said}</li>')
    return Markup(f'<ul class="govuk-list app-checklist">{"".join(items)}</ul>')
