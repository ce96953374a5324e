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


def status_tags(nomination, for_staff: bool = False) -> Markup:
    """A nomination's status, and a substitution asked for, as tags; the programme team
    (`for_staff`) also sees a place offered that is theirs to confirm. `nomination` may be a
    row of the queue's, which has the attributes these read."""
    tags = STATUS_TAGS[nomination.status]
    if for_staff and nomination.is_offered:
        tags += " " + OFFERED_TAG
    if nomination.substitution_pending:
        tags += " " + SUBSTITUTION_TAG
    return Markup(tags)


def queue_rows(rows: list, selected: set[int]) -> Markup:
    """The queue table's rows (queue.rows): a checkbox to select each nomination, ticked if
    among `selected`, its nominee linked to its page, council, intake, date and status."""
    links = links_to("intakes.queue_nomination", "nomination_id", [row.id for row in rows])
    parts = []
    for row, link in zip(rows, links):
        name = escape(row.nominee_name)
        checked = " checked" if row.id in selected else ""
        place = (f'<br><span class="govuk-body-s">Number {row.waitlist_position} on the list</span>'
                 if row.waitlist_position else "")
        parts.append(
            f"""<tr class="govuk-table__row">
  <td class="govuk-table__cell">
    <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
      <div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input" id="select-{row.id}" name="nominations" type="checkbox" value="{row.id}"{checked}>
        <label class="govuk-label govuk-checkboxes__label" for="select-{row.id}"><span class="govuk-visually-hidden">Select {name}</span></label>
      </div>
    </div>
  </td>
  <td class="govuk-table__cell"><a class="govuk-link" href="{escape(link)}">{name}</a><br><span class="govuk-body-s">{escape(row.job_title)}</span></td>
  <td class="govuk-table__cell">{escape(row.council_name)}</td>
  <td class="govuk-table__cell">{escape(row.intake_name)}</td>
  <td class="govuk-table__cell">{escape(format_date(row.created_at))}</td>
  <td class="govuk-table__cell">{status_tags(row, for_staff=True)}{place}</td>
</tr>"""
        )
    return Markup("\n".join(parts))
