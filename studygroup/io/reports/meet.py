"""Google Meet attendance reports (the sheet Meet's attendance tracking writes):

- `First name,Last name,Email,Duration,Time joined,Time exited`;
- `Participant name,Participant email,Duration,First seen,Last seen` (also `Full name`,
  `Name`, `Joined`, `Left`, `Time left`).

Durations are in words (`1 hr 57 min`, `45 sec`); times may carry no date. Lines before the
header (a meeting code, a `Date,2026-10-17` line) are the details block: a date there dates
the report.
"""

from __future__ import annotations

from studygroup.io.reports import Report, Source, cell, columns, first_of

NAME = "meet"
DESCRIBE = "Google Meet attendance (First name/Last name or Participant name; '1 hr 57 min')"
NAMES = ("participant name", "full name", "name", "participant")
JOINED = ("time joined", "first seen", "joined", "join time")
LEFT = ("time exited", "last seen", "left", "time left", "exited", "leave time")
EMAILS = ("email", "participant email", "email address")
DATED = ("date", "meeting date", "start time", "meeting start time", "started")


def _header(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[:40]):
        low = line.lower()
        named = ("first name" in low and "last name" in low) or any(n in low for n in NAMES[:2])
        if named and "duration" in low and any(j in low for j in JOINED):
            return index
    return None


def sniff(lines: list[str]) -> bool:
    return _header(lines) is not None


def read(source: Source) -> Report:
    report = Report(NAME)
    start = _header(source.lines)
    assert start is not None
    for _, record in source.table(0, start) if start else []:
        if len(record) >= 2 and record[0].strip().lower().rstrip(":") in DATED:
            report.started = record[1].strip() or None
    table = source.table(start)
    _, header = table[0]
    col = columns(header)
    first_at, last_at = first_of(col, "first name"), first_of(col, "last name")
    name_at = first_of(col, *NAMES)
    email_at = first_of(col, *EMAILS)
    minutes_at = first_of(col, "duration")
    joined_at, left_at = first_of(col, *JOINED), first_of(col, *LEFT)
    for line, record in table[1:]:
        if name_at is not None:
            shown = cell(record, name_at)
        else:
            shown = f"{cell(record, first_at)} {cell(record, last_at)}".strip()
        report.attendees.append(
            source.attendee(
                line,
                shown,
                cell(record, email_at),
                cell(record, joined_at),
                cell(record, left_at),
                source.duration(line, cell(record, minutes_at), "'1 hr 57 min' or '93'"),
            )
        )
    return report
