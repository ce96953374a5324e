"""Absolute links for emails, calendars and certificates, built from BASE_URL.

These are made outside any request (by the scheduler and CLI too), so they never depend on
the Host header of whoever happens to be asking.
"""

from urllib.parse import urlsplit

from flask import current_app, request, url_for


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def url_for_page(number: int) -> str:
    """This page's URL, with its arguments and filters kept, at another page number."""
    return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "page": number})
