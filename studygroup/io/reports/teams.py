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

Each join in section 3 is an interval; without section 3, a participant's first join and
In-Meeting Duration (`1h 57m 8s`) are used.
"""

from __future__ import annotations

import re

from studygroup.io.reports import Report, Source, cell, columns, first_of

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
    table = source.table(*sections["activities" if activities else "participants"])
    if not table:
        return report
    _, header = table[0]
    col = columns(header)
    name_at = first_of(col, "name", "full name")
    email_at = first_of(col, "email", "participant id (upn)")
    joined_at = first_of(col, "join time", "first join")
    left_at = first_of(col, "leave time", "last leave")
    minutes_at = first_of(col, "duration", "in-meeting duration")
    for line, record in table[1:]:
        report.attendees.append(
            source.attendee(
                line,
                cell(record, name_at),
                cell(record, email_at),
                cell(record, joined_at),
                # without the activities, first join to last leave is no interval: use minutes
                cell(record, left_at) if activities else "",
                source.duration(line, cell(record, minutes_at), "'1h 2m 10s'"),
            )
        )
    return report
