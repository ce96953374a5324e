"""GOV.UK Frontend components that pages call hundreds of times, rendered in Python.

govuk-frontend-jinja's macros import their helpers again on every call: a tag costs about
as much as the rest of a table row. These give the same markup, for the parameters we use.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def govuk_tag(params: dict) -> Markup:
    """GOV.UK's tag: `text` (or `html`), with optional `classes` and `attributes`."""
    classes = f"govuk-tag {params['classes']}" if params.get("classes") else "govuk-tag"
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in (params.get("attributes") or {}).items())
    content = Markup(params["html"]) if params.get("html") else escape(params.get("text", ""))
    return Markup(f'<strong class="{escape(classes)}"{attributes}>{content}</strong>')
