"""Zoom participant reports, every layout the web portal has produced:

- classic: `Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest`,
  one row per join, optionally after a meeting-details block and a blank line
  (`Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants`);
- "unique users": `Name (Original Name),User Email,Total Duration (Minutes),Guest`;
- the current portal: `Name (original name),Email,Join time,Leave time,Duration (minutes),
  Guest,Recording disclaimer response,In waiting room`. Rows in the waiting room don't count.

Times are in the host's zone without an offset, dates in the host's locale order.
"""

from __future__ import annotations

from studygroup.errors import Invalid
from studygroup.io.reports import Report, Source, cell, columns, first_of, header_index
from studygroup.rules import validate

NAME = "zoom"
DESCRIBE = "Zoom participant report (classic, unique users, current portal; details block or not)"
MARK = "name (original name)"


def sniff(lines: list[str]) -> bool:
    return header_index(lines, MARK) is not None


def read(source: Source) -> Report:
    report = Report(NAME)
    start = header_index(source.lines, MARK)
    assert start is not None
    if start > 0:  # the meeting-details block: its header, then one row
        details = source.table(0, start)
        if len(details) >= 2:
            col = columns(details[0][1])
            report.started = cell(details[1][1], first_of(col, "start time")) or None
    table = source.table(start)
    header_line, header = table[0]
    col = columns(header)
    name_at = first_of(col, MARK)
    if name_at is None:
        raise source.error(header_line, f"missing column {MARK!r}")
    email_at = first_of(col, "user email", "email")
    joined_at = first_of(col, "join time")
    left_at = first_of(col, "leave time")
    minutes_at = first_of(col, "duration (minutes)", "total duration (minutes)")
    waiting_at = first_of(col, "in waiting room")
    if minutes_at is None and (joined_at is None or left_at is None):
        raise source.error(header_line, "missing column 'duration (minutes)'")
    for line, record in table[1:]:
        if cell(record, waiting_at).lower() in ("yes", "true"):
            continue
        raw = cell(record, minutes_at)
        minutes = None
        if minutes_at is not None:
            try:
                minutes = float(validate.integer(raw, "duration", 0, 24 * 60))
            except Invalid:
                raise source.error(
                    line, f"invalid duration {raw[:40]!r}: use whole minutes"
                ) from None
        report.attendees.append(
            source.attendee(
                line,
                cell(record, name_at),
                cell(record, email_at),
                cell(record, joined_at),
                cell(record, left_at),
                minutes,
            )
        )
    return report
