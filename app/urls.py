"""Links beyond `url_for`: absolute ones for emails, calendars and certificates, a paged
list's links to its other pages, a table's links to each of its rows and a list's links to
each of its choices.

Absolute links are made outside any request too (by the scheduler and CLI), from BASE_URL, so
they never depend on the Host header of whoever happens to be asking.
"""

from urllib.parse import urlencode, urlsplit

from flask import current_app, request, url_for


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def page_url_prefix() -> str:
    """This page's URL, with its filters kept, up to the number of another page: a paged list's
    links append each number, rather than building the URL again for each.

    The query string is kept as it came, never handed to `url_for` as its options: a
    `?_external=1&_anchor=x` must stay a query argument, not make an absolute link.
    """
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]
    return url_for(request.endpoint, **(request.view_args or {})) + "?" + urlencode(query + [("page", "")])


#: An id no row has, in the one URL `links_to` builds, to find where each row's id goes.
_SAMPLE_ID = 9_999_999_999


def links_to(endpoint: str, key: str, ids) -> list[str]:
    """`url_for(endpoint, key=id)` for each of `ids`, building the URL once: a table links each
    of its rows, and url_for costs as much as drawing a row."""
    before, after = url_for(endpoint, **{key: _SAMPLE_ID}).split(str(_SAMPLE_ID))
    return [f"{before}{id_}{after}" for id_ in ids]


def links_choosing(endpoint: str, key: str, choices, **values) -> list[str]:
    """`url_for(endpoint, **values, key=choice)` for each of `choices`, building the URL once:
    `key` is a query argument, written last, as url_for writes it when given last."""
    base = url_for(endpoint, **values)
    joiner = "&" if "?" in base else "?"
    return [f"{base}{joiner}{urlencode({key: choice})}" for choice in choices]
