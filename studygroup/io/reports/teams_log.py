"""The older Microsoft Teams attendance list: a join/leave log,

    Full Name\tUser Action\tTimestamp
    Ada Lovelace\tJoined\t10/17/2026, 6:58:41 PM
    Ada Lovelace\tLeft\t10/17/2026, 8:30:02 PM

("Joined before" for those already in the call when the list was taken). Each join is
paired with the same person's next leave; a join never left lasts until the log's last
timestamp.
"""

from __future__ import annotations

from studygroup.io.reports import Attendee, Report, Source, cell, columns, first_of, header_index

NAME = "teams-log"
DESCRIBE = "older Microsoft Teams attendance list (Full Name, User Action, Timestamp)"


def sniff(lines: list[str]) -> bool:
    index = header_index(lines, "user action")
    return index is not None and "full name" in lines[index].lower()


def read(source: Source) -> Report:
    report = Report(NAME)
    start = header_index(source.lines, "user action")
    assert start is not None
    table = source.table(start)
    header_line, header = table[0]
    col = columns(header)
    name_at, action_at = first_of(col, "full name"), first_of(col, "user action")
    stamp_at = first_of(col, "timestamp")
    if stamp_at is None:
        raise source.error(header_line, "missing column 'timestamp'")
    open_joins: dict[str, tuple[int, str, str]] = {}  # name -> (line, shown name, joined)
    last = ""
    for line, record in table[1:]:
        shown = source.name(line, cell(record, name_at))
        action = cell(record, action_at).lower()
        stamp = cell(record, stamp_at)
        last = stamp or last
        key = shown.casefold()
        if action.startswith("join"):
            if key not in open_joins:
                open_joins[key] = (line, shown, stamp)
        elif action.startswith("left") or action.startswith("leave"):
            began = open_joins.pop(key, None)
            if began is not None:
                report.attendees.append(Attendee(began[0], began[1], None, began[2], stamp))
        else:
            raise source.error(line, f"unknown action {action[:20]!r}: expected Joined or Left")
    for line, shown, joined in open_joins.values():
        report.attendees.append(Attendee(line, shown, None, joined, last))
    report.attendees.sort(key=lambda a: a.line)
    return report
