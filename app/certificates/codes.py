"""Verification codes: unguessable, easy to read aloud and to type.

`DLP-7K3M-9QX2-HT4W-R8ZC`: 16 characters from a 29-letter alphabet without look-alikes
(no 0/O, 1/I/L, U/V) carry 16 × log2(29) ≈ 77.7 bits, in groups of four for reading aloud.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "DLP"
GROUPS, GROUP_LENGTH = 4, 4
CODE_PATTERN = re.compile(rf"^{PREFIX}(-[{ALPHABET}]{{{GROUP_LENGTH}}}){{{GROUPS}}}$")


def new_code() -> str:
    groups = (
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
    return "-".join([PREFIX, *groups])


def normalise_code(typed: str) -> str | None:
    """The canonical form of a typed code, whatever its case, spaces or dashes; None if
    it cannot be one of ours."""
    compact = re.sub(r"[\s\-]", "", typed).upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX):]
    if len(compact) != GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in compact):
        return None
    groups = [compact[i : i + GROUP_LENGTH] for i in range(0, len(compact), GROUP_LENGTH)]
    return "-".join([PREFIX, *groups])
