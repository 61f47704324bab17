"""Time on a call, as the platforms write it: durations in words, timestamps in the host's
locale, and the rule that time on the call is the union of a person's joins, not their sum.

Pure functions; `attendance_import.import_attendance` applies them to a report."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

ORDERS = ("ymd", "mdy", "dmy")

_DURATION_WORDS = re.compile(
    r"^\s*(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\b\.?)?\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes)\b\.?)?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:s|sec|secs|second|seconds)\b\.?)?\s*$",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^\s*(?P<h>\d{1,3}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*$")
_STAMP = re.compile(
    r"^\s*(?:(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{2,4})\.?\s*(?:,|T)?\s*)?"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|\([A-Z]{2,5}\)|[A-Z]{2,5})?\s*$"
)


def minutes_of(text: str) -> float | None:
    """A duration as minutes: '93', '93.5', '1 hr 57 min', '1h 57m 8s', '45 sec', '1:57:08'.
    None when the text is none of those."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        pass
    else:
        return value if 0 <= value < 100_000 else None
    clock = _CLOCK.match(cleaned)
    if clock:
        seconds = int(clock["s"] or 0)
        if clock["s"] is None:  # 'h:mm'
            return int(clock["h"]) * 60 + int(clock["m"])
        return int(clock["h"]) * 60 + int(clock["m"]) + seconds / 60
    words = _DURATION_WORDS.match(cleaned)
    if words and any(words.group(k) for k in "hms"):
        return float(words["h"] or 0) * 60 + float(words["m"] or 0) + float(words["s"] or 0) / 60
    return None


class Stamp(NamedTuple):
    """A timestamp as written: its date fields (order unknown yet) and its clock time."""

    fields: tuple[int, int, int] | None
    clock: time
    timed: bool = True  # False for a bare date ('Date,2026-10-31'): no zone to convert

    def day(self, order: str) -> date | None:
        """The date under one order ('ymd', 'mdy', 'dmy'); None if it is not a real date."""
        if self.fields is None:
            return None
        a, b, c = self.fields
        year, month, day = {"ymd": (a, b, c), "mdy": (c, a, b), "dmy": (c, b, a)}[order]
        if (order == "ymd") != (a >= 100):  # a four-digit year comes first only in ymd
            return None
        if year < 100:
            year += 2000
        try:
            return date(year, month, day)
        except ValueError:
            return None


_DATE_ONLY = re.compile(r"^\s*(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{2,4})\.?\s*$")


def stamp_of(text: str) -> Stamp | None:
    """'11/07/2026 05:00:10 PM', '15/11/22, 09:30:47', '2026-11-07 17:00', '6:58 PM',
    '2026-10-31'..."""
    bare = _DATE_ONLY.match(text)
    if bare is not None:
        return Stamp((int(bare["a"]), int(bare["b"]), int(bare["c"])), time(0, 0), timed=False)
    found = _STAMP.match(text)
    if found is None:
        return None
    hour, minute, second = int(found["H"]), int(found["M"]), int(found["S"] or 0)
    ampm = (found["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    fields = None
    if found["a"] is not None:
        fields = (int(found["a"]), int(found["b"]), int(found["c"]))
    return Stamp(fields, time(hour, minute, second))


def orders_that_fit(stamps: Iterable[Stamp]) -> list[str]:
    """The date orders under which every dated stamp is a real date ('03/04/2026' fits two;
    '17/10/2026' only dmy)."""
    dated = [s for s in stamps if s.fields is not None]
    if not dated:
        return []
    return [o for o in ORDERS if all(s.day(o) is not None for s in dated)]


def at(stamp: Stamp, order: str | None, day: date) -> datetime:
    """The stamp as a local (naive) datetime; `day` for a stamp with no date of its own."""
    own = stamp.day(order) if order else None
    return datetime.combine(own or day, stamp.clock)


def union_minutes(intervals: Sequence[tuple[datetime, datetime]]) -> float:
    """Minutes covered by any of the intervals: a phone and a laptop on the call at once
    count once. A leave before its join (a time-only report crossing midnight) wraps."""
    spans = sorted(
        (start, end if end >= start else end + timedelta(days=1)) for start, end in intervals
    )
    total = timedelta()
    current: tuple[datetime, datetime] | None = None
    for start, end in spans:
        if current is None or start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total += current[1] - current[0]
    return total.total_seconds() / 60


def near(report_day: date, session_day: date) -> bool:
    """A report belongs to a session held on its day, give or take one for time zones."""
    return abs((report_day - session_day).days) <= 1
