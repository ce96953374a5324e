"""Absolute links for emails, calendars and certificates, built from BASE_URL.

These are made outside any request (by the scheduler and CLI too), so they never depend on
the Host header of whoever happens to be asking.
"""

from urllib.parse import urlencode, urlsplit

from flask import current_app, request, url_for


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def url_for_page(number: int) -> str:
    """This page's URL, with its filters kept, at another page number.

    The query string is kept as it came, never handed to `url_for` as its options: a
    `?_external=1&_anchor=x` must stay a query argument, not make an absolute link.
    """
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]
    return url_for(request.endpoint, **(request.view_args or {})) + "?" + urlencode(query + [("page", number)])
