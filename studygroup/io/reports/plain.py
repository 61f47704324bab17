"""A plain list of who came: `name[,email]` per line, split by `,` `;` or tab, with or
without a `name,email` header."""

from __future__ import annotations

import csv

from studygroup.io.csvfile import sniff_delimiter
from studygroup.io.reports import Report, Source

NAME = "plain"
DESCRIBE = "a list of names: name[,email] per line, split by , ; or tab"


# a header a list may carry: 'name', 'name,email', or a chat's 'Display Name,Email'
HEADERS = ("name", "display name", "full name", "participant", "participant name")


def sniff(lines: list[str]) -> bool:
    """A list: its first line has at most two fields (name and email); a later line with
    more is that line's error. A wider file is no list, and no call report it knows."""
    sample = [line for line in lines[:40] if line.strip()]
    if not sample:
        return False
    delimiter = sniff_delimiter(sample)
    return len(next(csv.reader([sample[0]], delimiter=delimiter), [])) <= 2


def read(source: Source) -> Report:
    report = Report(NAME)
    table = source.table(0)
    if table and [f.strip().lower() for f in table[0][1]][:1] in ([h] for h in HEADERS):
        table = table[1:]
    for line, record in table:
        if len(record) > 2:
            raise source.error(line, f"{len(record)} fields; expected name[,email]")
        email = record[1] if len(record) > 1 else ""
        report.attendees.append(source.attendee(line, record[0], email))
    return report
