"""GOV.UK Frontend components that pages call hundreds of times, rendered in Python.

govuk-frontend-jinja's macros import their helpers again on every call: a tag costs about
as much as the rest of a table row. These give the same markup, for the parameters we use,
and the template environment makes each of those imports cheaper.
"""

from __future__ import annotations

from collections import ChainMap

import flask.templating
from markupsafe import Markup, escape


def govuk_tag(params: dict) -> Markup:
    """GOV.UK's tag: `text` (or `html`), with optional `classes` and `attributes`."""
    classes = f"govuk-tag {params['classes']}" if params.get("classes") else "govuk-tag"
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in (params.get("attributes") or {}).items())
    content = Markup(params["html"]) if params.get("html") else escape(params.get("text", ""))
    return Markup(f'<strong class="{escape(classes)}"{attributes}>{content}</strong>')


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
