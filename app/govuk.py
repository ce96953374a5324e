"""GOV.UK Frontend components that pages call hundreds of times, or on every paged list,
rendered in Python.

govuk-frontend-jinja's macros import their helpers again on every call: a tag costs about
as much as the rest of a table row, and pagination drawn by a template (an include, a macro
and a loop) about as much as a query. These give the same markup, for the parameters we use,
and the template environment makes each of those imports cheaper.
"""

from __future__ import annotations

from collections import ChainMap

import flask.templating
from markupsafe import Markup, escape

from app.urls import page_url_prefix


def govuk_tag(params: dict) -> Markup:
    """GOV.UK's tag: `text` (or `html`), with optional `classes` and `attributes`."""
    classes = f"govuk-tag {params['classes']}" if params.get("classes") else "govuk-tag"
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in (params.get("attributes") or {}).items())
    content = Markup(params["html"]) if params.get("html") else escape(params.get("text", ""))
    return Markup(f'<strong class="{escape(classes)}"{attributes}>{content}</strong>')


#: Pagination's arrows, pointing back and on.
_ARROWS = {
    kind: '<svg class="govuk-pagination__icon govuk-pagination__icon--%s" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">\n<path d="%s"></path></svg>'
    % (kind, path)
    for kind, path in (
        ("prev", "m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"),
        ("next", "m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"),
    )
}


def pagination_link(kind: str, href: str, label: str | None = None) -> Markup:
    """GOV.UK pagination's previous or next link: `kind` is "prev" or "next". With a `label`,
    for a block of two links such as between lessons, the link says where it goes and its
    arrow comes first."""
    title = ('<span class="govuk-pagination__link-title">%s<span class="govuk-visually-hidden"> page</span></span>'
             % ("Previous" if kind == "prev" else "Next"))
    if label:
        title += ('\n<span class="govuk-visually-hidden">:</span>'
                  f'<span class="govuk-pagination__link-label">{escape(label)}</span>')
    parts = (_ARROWS[kind], title) if kind == "prev" or label else (title, _ARROWS[kind])
    return Markup(f'<div class="govuk-pagination__{kind}">\n'
                  f'<a class="govuk-link govuk-pagination__link" href="{escape(href)}" rel="{kind}">\n'
                  + "\n".join(parts) + "\n</a>\n</div>")


def pagination(page) -> Markup:
    """Links to a paged list's neighbouring pages and, when its total is counted, to every page
    by number, as GOV.UK's pagination draws them: nothing for a list of one page."""
    if not (page.has_prev or page.has_next):
        return Markup("")
    page_url = page_url_prefix()
    href = escape(page_url)
    parts = ['<nav class="govuk-pagination" aria-label="Pagination">']
    if page.has_prev:
        parts.append(pagination_link("prev", f"{page_url}{page.prev_num}"))
    if page.total is not None:
        parts.append('<ul class="govuk-pagination__list">')
        for number in page.iter_pages():
            if not number:
                parts.append('<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>')
            elif number == page.page:
                parts.append('<li class="govuk-pagination__item govuk-pagination__item--current">'
                             f'<a class="govuk-link govuk-pagination__link" href="{href}{number}" '
                             f'aria-label="Page {number}" aria-current="page">{number}</a></li>')
            else:
                parts.append(f'<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" '
                             f'href="{href}{number}" aria-label="Page {number}">{number}</a></li>')
        parts.append("</ul>")
    if page.has_next:
        parts.append(pagination_link("next", f"{page_url}{page.next_num}"))
    parts.append("</nav>")
    return Markup("\n".join(parts))


class _Globals(ChainMap):
    """A template's globals over the environment's, as Jinja makes them, with a quicker `in`:
    ChainMap's runs a generator over its maps, and Jinja asks it of every global name each
    time a template imports a macro, which GOV.UK's macros do for their helpers on every
    call. It was a fifth of the time of a page with a form."""

    def __contains__(self, key) -> bool:
        for mapping in self.maps:
            if key in mapping:
                return True
        return False


class Environment(flask.templating.Environment):
    """Flask's template environment, with template globals that answer `in` quickly."""

    def make_globals(self, d):
        return _Globals({} if d is None else d, self.globals)
