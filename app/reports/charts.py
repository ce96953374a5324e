"""Bar charts drawn on the server as SVG: the geometry here, the drawing in `markup.chart`.

Each chart is an image with a title and a description for assistive technology, writes its
figures as text beside each bar, and sits next to a table of the same figures. Colours are
presentation attributes, since the Content Security Policy allows no inline styles, and
each has at least 3:1 contrast with the white background (WCAG 1.4.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

WIDTH = 640
#: Bars end at most here; the rest of the width holds the figure written after each bar.
BAR_AREA = 470
TEXT_GAP = 6
LEGEND_HEIGHT = 32
LABEL_HEIGHT = 22
BAR_HEIGHT = 20
BAR_GAP = 4
GROUP_GAP = 14


@dataclass(frozen=True)
class Series:
    name: str
    fill: str
    #: An outline, for a series drawn as an empty box (what is on offer, around what is used).
    stroke: str | None = None


BLUE = Series("", fill="#1d70b8")
OFFERED = Series("Places on offer", fill="#ffffff", stroke="#505a5f")
ALLOCATED = Series("Places allocated", fill="#ffffff", stroke="#505a5f")
USED = Series("Places used", fill="#1d70b8")
CAPACITY = Series("Places in the cohort", fill="#ffffff", stroke="#505a5f")
PARTICIPANTS = Series("Participants", fill="#1d70b8")
COMPLETION = Series("Completion rate", fill="#00703c")
ATTENDANCE = Series("Attendance rate", fill="#1d70b8")


# A chart's bars, their groups and its legend are named tuples, not frozen dataclasses: a chart
# of a page of cohorts makes a hundred of them, and a tuple is quicker to make.


class Bar(NamedTuple):
    series: Series
    x: float
    y: float
    width: float
    height: float
    #: The figure, written just after the bar's end.
    text: str
    text_x: float
    text_y: float


class Group(NamedTuple):
    label: str
    label_y: float
    bars: tuple[Bar, ...]


class LegendKey(NamedTuple):
    series: Series
    x: float
    text_x: float


@dataclass(frozen=True)
class BarChart:
    #: Unique on the page: the ids of the title and description derive from it.
    id: str
    title: str
    description: str
    groups: tuple[Group, ...]
    legend: tuple[LegendKey, ...]
    height: float
    width: int = WIDTH


def bar_chart(
    id: str,
    title: str,
    description: str,
    series: tuple[Series, ...],
    rows: list[tuple[str, list[tuple[float, str]]]],
    maximum: float | None = None,
) -> BarChart:
    """Horizontal bars: for each row, its label above one bar per series.

    `rows` are (label, [(value, text), ...]) with one value per series; `maximum` is the
    value of a full-width bar (the largest value when not given; 100 for percentages).
    """
    largest = max([value for _, values in rows for value, _ in values] + [maximum or 0, 1])
    scale = BAR_AREA / (maximum or largest)
    legend = _legend(series) if len(series) > 1 else ()
    y = LEGEND_HEIGHT if legend else 0
    groups = []
    for label, values in rows:
        label_y = y + 16
        y += LABEL_HEIGHT
        bars = []
        for kind, (value, text) in zip(series, values):
            width = max(0.0, min(value, maximum or largest)) * scale
            bars.append(Bar(kind, 0, y, round(width, 1), BAR_HEIGHT, text, round(width, 1) + TEXT_GAP, y + 15))
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(label, label_y, tuple(bars)))
        y += GROUP_GAP
    return BarChart(id, title, description, tuple(groups), legend, max(y, 1))


def _legend(series: tuple[Series, ...]) -> tuple[LegendKey, ...]:
    keys, x = [], 0
    for kind in series:
        keys.append(LegendKey(kind, x, x + 24))
        x += 24 + 9 * len(kind.name) + 24  # a generous width for Arial at 16px
    return tuple(keys)
