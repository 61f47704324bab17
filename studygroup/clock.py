"""The current time: one function over the system clock.

Every command asks `now()`. The real path is the system clock itself, so a process run under
a tool that moves it (libfaketime) sees the moved time everywhere. Tests fix the time for one
subprocess with $STUDYGROUP_TEST_NOW (an ISO 8601 instant with its offset), the way the crash
points work; unset, it costs one dictionary lookup.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ENV = "STUDYGROUP_TEST_NOW"


def now() -> datetime:
    """The current instant, in UTC."""
    fixed = os.environ.get(ENV)
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            raise SystemExit(f"{ENV} needs an offset, e.g. 2026-11-24T18:00:00+00:00")
        return moment.astimezone(UTC)
    return datetime.now(UTC)


def today(tz: str | None = None) -> date:
    """Today's date in a timezone (default: this machine's)."""
    moment = now()
    return (moment.astimezone(ZoneInfo(tz)) if tz else moment.astimezone()).date()
