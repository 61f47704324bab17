"""The weekly clock: a course meets on a weekday at a local wall-clock time, in its IANA zone.

The daylight-saving rule: a session's instant is computed from its local date and the
course's local time, so a weekly 18:00 Europe/London session stays 18:00 local across the
change (its UTC instant moves by an hour). Instants are stored in UTC; local times are only
for display and for finding the weekly slots.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of a local wall-clock time: the daylight-saving rule. A time in a DST
    gap is read with the offset in force before the change (zoneinfo's fold=0)."""
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(zone(tz))


def same_week(day: date, weekday: int) -> date:
    """The date in day's week (Monday to Sunday) that falls on weekday (0 = Monday): where a
    planned session goes when the course's weekday changes."""
    return day + timedelta(days=weekday - day.weekday())


def next_weekday(start: date, weekday: int) -> date:
    """The first date on or after start that falls on weekday (0 = Monday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def following_slot(after: date, weekday: int) -> date:
    """The next weekly slot after a local date."""
    return next_weekday(after + timedelta(days=1), weekday)


def slots(start: date, weekday: int, weeks: int) -> list[date]:
    """The local dates of `weeks` weekly slots from the first on or after `start`."""
    first = next_weekday(start, weekday)
    return [first + timedelta(weeks=i) for i in range(weeks)]


def slot_taken(day: date, existing: list[date]) -> bool:
    """A weekly slot is taken when a session is within three days of it (it was moved)."""
    return any(abs((day - other).days) <= 3 for other in existing)


class Phase(enum.StrEnum):
    """Where a session is in time, whatever its status (planned, held, cancelled)."""

    UPCOMING = "upcoming"
    IN_PROGRESS = "in progress"
    ENDED = "ended"


def phase(starts_at: datetime, minutes: int, now: datetime) -> Phase:
    """Upcoming before its start; in progress from its start until start + minutes; ended
    after that."""
    if now < starts_at:
        return Phase.UPCOMING
    if now < starts_at + timedelta(minutes=minutes):
        return Phase.IN_PROGRESS
    return Phase.ENDED


def describe(moment: datetime, tz: str) -> str:
    """'Sat 28 Nov 18:00 Europe/London': an instant as the course's members read it."""
    return f"{local(moment, tz):%a %d %b %H:%M} {tz}"
