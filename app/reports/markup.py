"""The reports' charts and tables of figures, written as HTML in Python.

A chart has a few elements per bar and a table a cell per figure. Drawn by Jinja macros, each
of those was an attribute lookup, a test and an escape through the template runtime: the two
were most of the time of the programme team's report pages. These write the same markup
directly, escaping every value a template would. The blueprint makes them template globals.
"""

from __future__ import annotations

from functools import cache

from markupsafe import Markup, escape

from app.reports.charts import BarChart, Series

#: A table cell with no figure yet (an empty rate, say): a dash to see, words to hear.
NO_FIGURE = '<span aria-hidden="true">–</span><span class="govuk-visually-hidden">No figure yet</span>'


@cache
def _paint(series: Series) -> str:
    outline = f' stroke="{escape(series.stroke)}" stroke-width="2"' if series.stroke else ""
    return f' fill="{escape(series.fill)}"{outline}'


def chart(c: BarChart) -> Markup:
    """A bar chart as an SVG image named by its title and description, each bar's figure
    written beside it."""
    id_ = escape(c.id)
    parts = [
        f'<svg class="app-chart" viewBox="0 0 {c.width} {c.height}" role="img" '
        f'aria-labelledby="{id_}-title {id_}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="arial, helvetica, sans-serif" font-size="16">',
        f'<title id="{id_}-title">{escape(c.title)}</title>',
        f'<desc id="{id_}-desc">{escape(c.description)}</desc>',
    ]
    for key in c.legend:
        parts.append(f'<rect x="{key.x + 1}" y="4" width="18" height="18"{_paint(key.series)}/>')
        parts.append(f'<text x="{key.text_x}" y="19" fill="#0b0c0c">{escape(key.series.name)}</text>')
    for group in c.groups:
        parts.append(f'<text x="0" y="{group.label_y}" fill="#0b0c0c" font-weight="bold">{escape(group.label)}</text>')
        for bar in group.bars:
            parts.append(f'<rect x="{bar.x + 1}" y="{bar.y}" width="{bar.width}" height="{bar.height}"'
                         f'{_paint(bar.series)}/>')
            parts.append(f'<text x="{bar.text_x + 1}" y="{bar.text_y}" fill="#0b0c0c">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _cell(value) -> str:
    """A figure as cell text: a count needs no escaping, and most cells are counts."""
    if type(value) is int:
        return str(value)
    return NO_FIGURE if value == "" or value is None else escape(value)


def figures_table(id: str, caption: str, header: list[str], rows: list[list], links: list[str] | None = None,
                  text_columns: int = 1) -> Markup:
    """A GOV.UK table of figures, scrolling in a region labelled by its caption. `rows` are lists
    of plain values, as the CSV export has them; the first cell heads its row and links to
    `links[i]` when links are given. Columns from `text_columns` on are numbers."""
    id_ = escape(id)
    numeric = " govuk-table__header--numeric"
    parts = [
        f'<div class="app-table-scroll" role="region" aria-labelledby="{id_}-caption" tabindex="0">',
        f'<table class="govuk-table app-table--figures" id="{id_}">',
        f'<caption class="govuk-table__caption govuk-table__caption--s" id="{id_}-caption">{escape(caption)}</caption>',
        '<thead class="govuk-table__head"><tr class="govuk-table__row">',
        *(f'<th scope="col" class="govuk-table__header{numeric if i >= text_columns else ""}">{escape(heading)}</th>'
          for i, heading in enumerate(header)),
        '</tr></thead>',
        '<tbody class="govuk-table__body">',
    ]
    text_cell = '<td class="govuk-table__cell">'
    number_cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    for index, (first, *cells) in enumerate(rows):
        heading = f'<a class="govuk-link" href="{escape(links[index])}">{escape(first)}</a>' if links else escape(first)
        parts.append(f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{heading}</th>')
        parts.extend(f"{number_cell if i >= text_columns else text_cell}{_cell(cell)}</td>"
                     for i, cell in enumerate(cells, start=1))
        parts.append("</tr>")
    parts.append("</tbody>\n</table>\n</div>")
    return Markup("\n".join(parts))
