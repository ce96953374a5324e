"""Reading pages as a person would: parsed HTML, its headings, errors and table rows."""

from __future__ import annotations

from bs4 import BeautifulSoup


def parse(response) -> BeautifulSoup:
    """The response's page, parsed (a test client response, or HTML text)."""
    html = response if isinstance(response, (str, bytes)) else response.data
    return BeautifulSoup(html, "html.parser")
