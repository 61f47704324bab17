"""A plain list of who came: `name[,email]` per line, split by `,` `;` or tab, with or
without a `name,email` header."""

from __future__ import annotations

from studygroup.io.reports import Report, Source

NAME = "plain"
DESCRIBE = "a list of names: name[,email] per line, split by , ; or tab"


def sniff(lines: list[str]) -> bool:
    return True


def read(source: Source) -> Report:
    report = Report(NAME)
    table = source.table(0)
    if table and [f.strip().lower() for f in table[0][1]][:1] == ["name"]:
        table = table[1:]
    for line, record in table:
        if len(record) > 2:
            raise source.error(line, f"{len(record)} fields; expected name[,email]")
        email = record[1] if len(record) > 1 else ""
        report.attendees.append(source.attendee(line, record[0], email))
    return report
