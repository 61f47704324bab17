"""Microsoft Teams attendance reports, as downloaded (UTF-16 with a BOM, tab-separated, in
numbered sections; header case varies between versions):

    1. Summary
    Meeting title\tStudy group
    Start time\t10/17/26, 6:58:41 PM
    ...
    2. Participants
    Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole
    ...
    3. In-Meeting Activities
    Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole

Each join in section 3 is an interval; a participant with no row in section 3 (or every
participant, when there is no section 3) counts by their first join and In-Meeting Duration
(`1h 57m 8s`).
"""

from __future__ import annotations

import re

from studygroup.io.reports import Attendee, Report, Source, cell, columns, first_of

NAME = "teams"
DESCRIBE = "Microsoft Teams attendance report (sections 1. Summary, 2. Participants, ...)"
SECTION = re.compile(r"^\s*(\d)\.\s+(\S.*?)\s*$")


def _sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """{'summary': (first line, end), 'participants': ..., 'activities': ...}, 0-based."""
    marks: list[tuple[str, int]] = []
    for index, line in enumerate(lines):
        found = SECTION.match(line.split("\t")[0])
        if found and "\t" not in line.strip():
            title = found.group(2).lower()
            key = (
                "summary"
                if "summary" in title
                else "participants"
                if "participant" in title
                else "activities"
                if "activit" in title
                else title
            )
            marks.append((key, index))
    return {
        key: (index + 1, marks[n + 1][1] if n + 1 < len(marks) else len(lines))
        for n, (key, index) in enumerate(marks)
    }


def sniff(lines: list[str]) -> bool:
    return "participants" in _sections(lines)


def read(source: Source) -> Report:
    report = Report(NAME)
    sections = _sections(source.lines)
    if "summary" in sections:
        for _, record in source.table(*sections["summary"]):
            key = record[0].strip().lower() if record else ""
            if key in ("start time", "meeting start time") and len(record) > 1:
                report.started = record[1].strip() or None
    activities = "activities" in sections
    if activities:
        report.attendees.extend(_rows(source, sections["activities"], intervals=True))
    # everyone in "2. Participants" counts: one missing from the activities (Teams leaves
    # out some, e.g. who joined by phone) is read from its own row, first join and minutes
    seen = {(a.email or "").lower() or a.name.casefold() for a in report.attendees}
    if "participants" in sections:
        for row in _rows(source, sections["participants"], intervals=False):
            if not activities or ((row.email or "").lower() or row.name.casefold()) not in seen:
                report.attendees.append(row)
    return report


def _rows(source: Source, section: tuple[int, int], *, intervals: bool) -> list[Attendee]:
    table = source.table(*section)
    if not table:
        return []
    _, header = table[0]
    col = columns(header)
    name_at = first_of(col, "name", "full name")
    email_at = first_of(col, "email", "participant id (upn)")
    joined_at = first_of(col, "join time", "first join")
    left_at = first_of(col, "leave time", "last leave")
    minutes_at = first_of(col, "duration", "in-meeting duration")
    return [
        source.attendee(
            line,
            cell(record, name_at),
            cell(record, email_at),
            cell(record, joined_at),
            # a participant's first join to last leave is no interval: their minutes count
            cell(record, left_at) if intervals else "",
            source.duration(line, cell(record, minutes_at), "'1h 2m 10s'"),
        )
        for line, record in table[1:]
        if any(field.strip() for field in record)
    ]
