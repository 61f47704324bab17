"""Converting between instants (UTC) and a course's or member's local wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of a local wall-clock time. A time in a DST gap is read with the offset
    in force before the change (zoneinfo's fold=0)."""
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(zone(tz))


def today(tz: str) -> date:
    return datetime.now(zone(tz)).date()


def next_weekday(start: date, weekday: int) -> date:
    """The first date on or after start that falls on weekday (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)
