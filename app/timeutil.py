"""Times are stored in UTC and shown in Europe/London."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """The current time in UTC, naive, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    """A stored (naive UTC) time as an aware local time."""
    return moment.replace(tzinfo=UTC).astimezone(local_zone())


def to_utc(local: datetime) -> datetime:
    """A naive local wall-clock time as naive UTC for storage."""
    return local.replace(tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


#: The months' names, as `%B` writes them in English: strftime costs a page of dates a fifth of
#: a millisecond.
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _clock(local: datetime) -> str:
    """'5pm', '5:30pm' or 'midday'."""
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def format_datetime(moment: datetime | None) -> str:
    """'14 March 2027 at 5pm' or '14 March 2027 at 5:30pm', in local time."""
    if moment is None:
        return ""
    local = to_local(moment)
    return f"{local.day} {MONTHS[local.month]} {local.year} at {_clock(local)}"


def format_when(moment: datetime, now: datetime | None = None) -> str:
    """'at 9:15am today', 'at 9:15am yesterday' or 'on 14 March 2027 at 9:15am', in local time."""
    local, today = to_local(moment), to_local(now or utcnow()).date()
    if local.date() == today:
        return f"at {_clock(local)} today"
    if local.date() == today - timedelta(days=1):
        return f"at {_clock(local)} yesterday"
    return f"on {format_datetime(moment)}"


def format_date(moment) -> str:
    """'14 March 2027'."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = to_local(moment)
    return f"{moment.day} {MONTHS[moment.month]} {moment.year}"
