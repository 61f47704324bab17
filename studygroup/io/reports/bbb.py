"""BigBlueButton's learning dashboard, "Download session data" (a CSV): one row per user,

    Name,Moderator,Activity Score,Talk Time,Webcam Time,Messages,Reactions,Poll Votes,
    Raise Hands,Join,Left,Duration[,one column per poll]

every value quoted; Join and Left in the browser's locale ("11/7/2026, 05:00:12 PM"), `-`
for someone still on the call; Duration as HH:MM:SS (the sum of the user's sessions); older
versions say `Emojis` for `Reactions`; a last row `Anonymous` holds anonymous poll answers
and is no person. There is no email column. The layout is `makeUserCSVData` in
bbb-learning-dashboard/src/services/UserService.js.
"""

from __future__ import annotations

from studygroup.io.reports import Report, Source, cell, columns, first_of, header_index

NAME = "bbb"
DESCRIBE = "BigBlueButton learning dashboard session data (Name, Moderator, Activity Score, ...)"
MARK = "activity score"


def sniff(lines: list[str]) -> bool:
    index = header_index(lines, MARK, within=5)
    return index is not None and "talk time" in lines[index].lower()


def read(source: Source) -> Report:
    report = Report(NAME)
    start = header_index(source.lines, MARK, within=5)
    if start is None:
        return report
    table = source.table(start)
    _, header = table[0]
    col = columns(header)
    name_at = first_of(col, "name")
    joined_at, left_at = first_of(col, "join"), first_of(col, "left")
    minutes_at = first_of(col, "duration")
    last = len(table) - 1
    for index, (line, record) in enumerate(table[1:], start=1):
        name = cell(record, name_at)
        if index == last and not cell(record, minutes_at) and not cell(record, joined_at):
            continue  # the "Anonymous" row of poll answers (its name is translated)
        left = cell(record, left_at)
        report.attendees.append(
            source.attendee(
                line,
                name,
                "",
                cell(record, joined_at),
                "" if left == "-" else left,
                source.duration(line, cell(record, minutes_at), "'01:25:30'"),
            )
        )
    return report
