"""Webex meeting attendee reports (Control Hub and the site's Meeting Attendee Report), one
row per join, with the fields Webex documents for an attendee report: the attendee's display
name, email, joined time, left time, duration in minutes and participant type (host or
attendee), besides the meeting's number and title. Header names vary between the export and
the API's field names (`Display Name` / `displayName`, `Joined Time` / `Join Time` /
`joinedTime`), so each is looked up by any of them.

Times are read in the host's zone (`--tz`), like Zoom's.
"""

from __future__ import annotations

from studygroup.io.reports import Report, Source, cell, first_of

NAME = "webex"
DESCRIBE = "Webex meeting attendee report (Display Name, Email, Joined Time, Left Time, Duration)"
NAMES = ("display name", "displayname", "attendee name", "name")
EMAILS = ("email", "attendee email", "email address")
JOINED = ("joined time", "joinedtime", "join time")
LEFT = ("left time", "lefttime", "leave time")
MARKS = ("participant type", "participanttype", "meeting number", "meetingnumber")


def _key(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def _header(lines: list[str]) -> int | None:
    for index, line in enumerate(lines[:40]):
        low = line.lower()
        if (
            any(n in low for n in ("display name", "displayname"))
            and any(j in low for j in JOINED)
            and any(m in low for m in MARKS)
        ):
            return index
    return None


def sniff(lines: list[str]) -> bool:
    return _header(lines) is not None


def read(source: Source) -> Report:
    report = Report(NAME)
    start = _header(source.lines)
    if start is None:
        return report
    table = source.table(start)
    _, header = table[0]
    col = {_key(h): i for i, h in enumerate(header)}
    name_at = first_of(col, *NAMES)
    email_at = first_of(col, *EMAILS)
    joined_at, left_at = first_of(col, *JOINED), first_of(col, *LEFT)
    minutes_at = first_of(col, "duration", "attendance duration", "duration (minutes)")
    for line, record in table[1:]:
        report.attendees.append(
            source.attendee(
                line,
                cell(record, name_at),
                cell(record, email_at),
                cell(record, joined_at),
                cell(record, left_at),
                source.duration(line, cell(record, minutes_at), "'20' (minutes)"),
            )
        )
    return report
