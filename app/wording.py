"""Words that depend on a number: "1 mark", "2 marks", "1 person", "3 people"."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count with its noun in the right number; `plural_form` for irregular nouns."""
    noun = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {noun}"
