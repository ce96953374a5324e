"""Bounded waits for tests that watch another thread or process."""

from __future__ import annotations

import time
from typing import Callable


def wait_until(condition: Callable[[], object], timeout: float = 20.0, every: float = 0.05, what: str = "") -> None:
    """Poll `condition` every `every` seconds until it is true; fail clearly after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what or getattr(condition, '__name__', 'a condition')}")
        time.sleep(every)
