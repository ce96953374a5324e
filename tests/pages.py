"""Reading pages as a person would: parsed HTML, its headings, errors, table rows and forms."""

from __future__ import annotations

from bs4 import BeautifulSoup


def parse(response) -> BeautifulSoup:
    """The response's page, parsed (a test client response, or HTML text)."""
    html = response if isinstance(response, (str, bytes)) else response.data
    return BeautifulSoup(html, "html.parser")


def form_values(page: BeautifulSoup, selector: str = "main form[method=post]") -> dict[str, list[str]]:
    """What the browser would send if the form were submitted untouched (no buttons, no files)."""
    values: dict[str, list[str]] = {}
    form = page.select_one(selector)
    for field in form.select("input[name], select[name], textarea[name]"):
        kind = field.get("type", "text") if field.name == "input" else field.name
        if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and not field.has_attr("checked")):
            continue
        if field.name == "select":
            chosen = field.select("option[selected]") or field.select("option")[:1]
            value = chosen[0].get("value", chosen[0].get_text()) if chosen else ""
        elif field.name == "textarea":
            value = field.get_text()
        else:
            value = field.get("value", "on" if kind in ("checkbox", "radio") else "")
        values.setdefault(field["name"], []).append(value)
    return values
