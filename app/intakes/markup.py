"""A nomination's status tags and the queue's table rows, written as HTML in Python.

The queue draws 25 rows of a checkbox, a link, a date and status tags. Drawn by Jinja, each
value was an attribute lookup and an escape through the template runtime and each row's tags
a macro call: together they cost the queue more than its queries. These write the same markup
directly, escaping every value a template would. The blueprint makes them template globals.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.intakes.models import NominationStatus
from app.timeutil import format_date
from app.urls import links_to

#: Each status's tag, as GOV.UK's tag draws it.
STATUS_TAGS = {
    status: f'<strong class="govuk-tag govuk-tag--{colour}">{escape(status.label)}</strong>'
    for status, colour in (
        (NominationStatus.SUBMITTED, "blue"),
        (NominationStatus.ACCEPTED, "green"),
        (NominationStatus.WAITLISTED, "yellow"),
        (NominationStatus.DECLINED, "red"),
        (NominationStatus.WITHDRAWN, "grey"),
    )
}
OFFERED_TAG = '<strong class="govuk-tag govuk-tag--purple">Place offered</strong>'
SUBSTITUTION_TAG = '<strong class="govuk-tag govuk-tag--orange">Substitution requested</strong>'


def _tags(status: NominationStatus, offered: bool, substitution: bool) -> str:
    tags = STATUS_TAGS[status]
    if offered:
        tags += " " + OFFERED_TAG
    if substitution:
        tags += " " + SUBSTITUTION_TAG
    return tags


def status_tags(nomination, for_staff: bool = False) -> Markup:
    """A nomination's status, and a substitution asked for, as tags; the programme team
    (`for_staff`) also sees a place offered that is theirs to confirm."""
    return Markup(_tags(nomination.status, for_staff and nomination.is_offered, nomination.substitution_pending))


def queue_rows(rows: list, selected: set[int]) -> Markup:
    """The queue table's rows, from queue.rows: a checkbox to select each nomination, ticked if
    among `selected`, its nominee linked to its page, council, intake, date and status.
    Unpacked rather than read by name, which cost a tenth of a millisecond a page."""
    links = links_to("intakes.queue_nomination", "nomination_id", [row[0] for row in rows])
    parts = []
    for link, (id_, name, job_title, created_at, status, waitlist_position, is_offered, substitution_pending,
               council_name, intake_name) in zip(links, rows):
        name = escape(name)
        checked = " checked" if id_ in selected else ""
        place = f'<br><span class="govuk-body-s">Number {waitlist_position} on the list</span>' if waitlist_position else ""
        # A date as format_date writes it, and a link as links_to makes it, have nothing to escape.
        parts.append(
            f"""<tr class="govuk-table__row">
  <td class="govuk-table__cell">
    <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
      <div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input" id="select-{id_}" name="nominations" type="checkbox" value="{id_}"{checked}>
        <label class="govuk-label govuk-checkboxes__label" for="select-{id_}"><span class="govuk-visually-hidden">Select {name}</span></label>
      </div>
    </div>
  </td>
  <td class="govuk-table__cell"><a class="govuk-link" href="{link}">{name}</a><br><span class="govuk-body-s">{escape(job_title)}</span></td>
  <td class="govuk-table__cell">{escape(council_name)}</td>
  <td class="govuk-table__cell">{escape(intake_name)}</td>
  <td class="govuk-table__cell">{format_date(created_at)}</td>
  <td class="govuk-table__cell">{_tags(status, is_offered, substitution_pending)}{place}</td>
</tr>"""
        )
    return Markup("\n".join(parts))
