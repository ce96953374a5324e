"""Markdown to safe HTML: lessons and assignment briefs, rendered once when a course is imported.

The Markdown may contain raw HTML, so the output goes through nh3 with a short allow-list:
scripts and styles go with their content, event handlers and unknown attributes go, and
only web, email and in-page links survive. Images must be files in the course folder; their
`src` is stored as "course-file:<path in the course>" and turned into a URL for the page
that shows them (`html_for_page`), so the stored HTML never depends on where it is served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable

import markdown
import nh3
from markupsafe import Markup, escape

FILE_SCHEME = "course-file:"
ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "ul", "ol", "li", "dl", "dt",
    "dd", "strong", "em", "b", "i", "code", "pre", "abbr", "sub", "sup", "del", "a", "img",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
LINK_SCHEMES = {"http", "https", "mailto"}
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_FILE_SRC = re.compile(r'src="course-file:([^"]+)"')
#: A lesson's table scrolls inside a labelled region that takes the keyboard's focus, as every
#: table of the service does, so a wide one never makes the page wider than a phone's screen.
_SCROLLING_TABLE = '<div class="app-table-scroll" role="region" aria-label="Table" tabindex="0"><table>'


@dataclass
class Rendered:
    """Safe HTML, and what was wrong with the source: (a regex matching its line, message)."""

    html: str
    problems: list[tuple[str, str]] = field(default_factory=list)


class _Survey(HTMLParser):
    """Level 1 headings and images without a description, in Markdown's raw output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.h1_count = 0
        self.undescribed: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "h1":
            self.h1_count += 1
        elif tag == "img" and not (values.get("alt") or "").strip():
            self.undescribed.append(values.get("src") or "")


def render_markdown(text: str, resolve_image: Callable[[str], str | None]) -> Rendered:
    """Safe HTML for `text`; `resolve_image(src)` gives an image's path in the course or None.

    `resolve_image` reports its own problems (a missing file, a wrong type); this reports
    headings and links that cannot work on a lesson page.
    """
    raw = markdown.markdown(text, extensions=["tables", "sane_lists"])
    problems: list[tuple[str, str]] = []
    survey = _Survey()
    survey.feed(raw)
    if survey.h1_count:
        problems.append(
            (
                r"^\s{0,3}#(\s|$)|^=+\s*$",
                "use headings from ## down: the title from the front matter is the page's only level 1 heading",
            )
        )
    for src in survey.undescribed:
        problems.append(
            (re.escape(src), f'the image "{src}" needs a description of what it shows: ![description]({src})')
        )

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            if _EXTERNAL.match(value):
                problems.append(
                    (re.escape(value), f'the image "{value}" must be a file in the course folder')
                )
                return None
            path = resolve_image(value)
            return f"{FILE_SCHEME}{path}" if path else None
        if tag == "a" and attribute == "href" and not (value.startswith("#") or _EXTERNAL.match(value)):
            problems.append(
                (
                    re.escape(value),
                    f'the link "{value}" must be a web address (https://...) or an email address (mailto:...)',
                )
            )
            return None
        return value

    html = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        attribute_filter=attribute_filter,
    )
    return Rendered(html, problems)


def html_for_page(html: str, file_url: Callable[[str], str]) -> Markup:
    """Stored, sanitised HTML with each course image pointing at `file_url(path)`, and each
    table in a scrolling region."""
    html = _FILE_SRC.sub(lambda match: f'src="{escape(file_url(match.group(1)))}"', html)
    return Markup(html.replace("<table>", _SCROLLING_TABLE).replace("</table>", "</table></div>"))
