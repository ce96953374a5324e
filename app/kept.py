"""What a page worked out from many rows, kept in this process while it is still true.

A value is kept under a key with the revision it was worked out at (its cohort's changes, say,
from app/cohorts/changes.py) and the moment it would read differently with no write at all (a
session ending, a due date passing). It is used again only while the revision is the same and
that moment has not come. The caller reads the revision before anything the value is made
from, so a value is never older than the revision it is kept with.

Each process keeps at most KEPT values, dropping the one used longest ago: a web worker holds
the cohorts its facilitators are looking at, and nothing else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Callable, Hashable, TypeVar

V = TypeVar("V")

#: How many values each process keeps.
KEPT = 64
#: The moment a value stops being good when only a write, or its revision, can change it.
FOREVER = datetime.max

_lock = threading.Lock()
_kept: OrderedDict[Hashable, tuple[Hashable, datetime, object]] = OrderedDict()


def kept(key: Hashable, revision: Hashable, now: datetime, make: Callable[[], tuple[V, datetime]]) -> V:
    """The value kept under `key` if it was made at `revision` and is good at `now`; otherwise
    `make()`'s, which returns the value and the moment it stops being good, kept for next time."""
    with _lock:
        found = _kept.get(key)
        if found is not None and found[0] == revision and now < found[1]:
            _kept.move_to_end(key)
            return found[2]
    value, until = make()
    with _lock:
        _kept[key] = (revision, until, value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def forget_all() -> None:
    """Drop every kept value: for a database emptied under a running process, as the tests do."""
    with _lock:
        _kept.clear()
