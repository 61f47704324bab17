"""Call reports: one reader per format, chosen by sniffing the content, never the file name.

A reader is a module here with `NAME`, `DESCRIBE`, `sniff(lines) -> bool` and
`read(source) -> Report`; adding a format is one module, one line in `READERS` and one test.
Readers only read: they give each row's name, email, join and leave as written, and the
report's own minutes. Matching, dates and time on the call are decided by the domain
(`attendance_import.import_attendance`) with the pure rules in `rules/calltime.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from studygroup.errors import Invalid
from studygroup.io.csvfile import (
    MAX_ROWS,
    RowError,
    read_text,
    records,
    sniff_delimiter,
    too_many_rows,
)
from studygroup.rules import validate
from studygroup.rules.calltime import minutes_of


class Attendee(NamedTuple):
    line: int
    name: str
    email: str | None = None
    joined: str | None = None  # as written; read by rules.calltime
    left: str | None = None
    minutes: float | None = None  # the report's own duration for this row
    problem: str | None = None  # why this row cannot be anyone: skipped and reported


@dataclass
class Report:
    format: str
    attendees: list[Attendee] = field(default_factory=list)
    started: str | None = None  # the meeting's start, from a details block


class Source(NamedTuple):
    path: Path
    lines: list[str]  # the decoded text, split into lines (no line ends)
    max_rows: int = MAX_ROWS

    def table(self, start: int, stop: int | None = None) -> list[tuple[int, list[str]]]:
        """The records of lines[start:stop] (0-based), with 1-based file line numbers, split by
        the delimiter those lines use."""
        chunk = self.lines[start:stop]
        delimiter = sniff_delimiter(chunk[:40])
        found: list[tuple[int, list[str]]] = []
        for line, record in records(
            self.path, "\n".join(chunk) + "\n", first_line=start + 1, delimiter=delimiter
        ):
            found.append((line, record))
            if len(found) > self.max_rows + 1:  # the rows and their header
                raise too_many_rows(self.path, self.max_rows)
        return found

    def error(self, line: int, reason: str) -> RowError:
        return RowError(str(self.path), line, reason)

    def name(self, line: int, raw: str) -> str:
        try:
            return validate.text(raw, "name")
        except Invalid as exc:
            raise self.error(line, str(exc)) from None

    def email(self, line: int, raw: str) -> str | None:
        try:
            return validate.email(raw)
        except Invalid as exc:
            raise self.error(line, str(exc)) from None

    def duration(self, line: int, raw: str, example: str) -> float | None:
        """A duration cell as minutes (None when empty): '93', '1 hr 57 min', '1h 2m 10s'."""
        if not raw:
            return None
        minutes = minutes_of(raw)
        if minutes is None:
            raise self.error(line, f"invalid duration {raw[:40]!r}: expected e.g. {example}")
        return minutes

    def attendee(
        self,
        line: int,
        name: str,
        email: str = "",
        joined: str = "",
        left: str = "",
        minutes: float | None = None,
    ) -> Attendee:
        """One row of a report, its name and email checked like any the tool stores; a row
        whose name or email is unusable (a 300-character name, a broken address) comes back
        with its `problem`, to be skipped and reported, never to stop the others."""
        try:
            return Attendee(
                line,
                self.name(line, name),
                self.email(line, email),
                joined or None,
                left or None,
                minutes,
            )
        except RowError as exc:
            shown = name if len(name) <= 60 else name[:57] + "..."
            reason = str(exc).split(": ", 1)[-1]
            return Attendee(line, shown, None, None, None, None, problem=reason)


def header_index(lines: list[str], wanted: str, within: int = 40) -> int | None:
    """The first of the first `within` lines whose lower-case text contains `wanted`."""
    return next((i for i, x in enumerate(lines[:within]) if wanted in x.lower()), None)


def columns(header: list[str]) -> dict[str, int]:
    return {h.strip().lower(): i for i, h in enumerate(header)}


def cell(record: list[str], index: int | None) -> str:
    return record[index].strip() if index is not None and index < len(record) else ""


def first_of(col: dict[str, int], *names: str) -> int | None:
    return next((col[n] for n in names if n in col), None)


def _readers() -> list[ModuleType]:
    from studygroup.io.reports import bbb, meet, plain, teams, teams_log, webex, zoom

    return [teams, teams_log, zoom, meet, webex, bbb, plain]  # plain, the loosest, last


def formats() -> list[tuple[str, str]]:
    """(name, what it reads) for each reader, for `attend import --formats`."""
    return [(r.NAME, r.DESCRIBE) for r in _readers()]


def read(
    path: Path, *, fmt: str | None = None, encoding: str | None = None, max_rows: int = MAX_ROWS
) -> Report:
    """The report at `path`, read by the reader `fmt` names or by the first that recognises it."""
    readers = _readers()
    if fmt is not None:
        chosen = [r for r in readers if fmt == r.NAME]
        if not chosen:
            names = ", ".join(r.NAME for r in readers)
            raise Invalid(f"unknown report format {fmt!r}; use one of {names}")
        readers = chosen
    text = read_text(path, encoding)
    source = Source(path, text.splitlines(), max_rows)
    recognised = next((r for r in _readers() if r.sniff(source.lines)), None)
    if fmt is not None and recognised is not readers[0]:
        what = (
            f"it reads as {recognised.NAME}: {recognised.DESCRIBE}"
            if recognised
            else _first_line(source)
        )
        raise Invalid(
            f"{path.name} is not a {fmt} report ({what}); see 'studygroup attend import --formats'"
        )
    if recognised is None:
        raise Invalid(
            f"{path.name} is not a call report I know ({_first_line(source)}); "
            "see 'studygroup attend import --formats'"
        )
    report: Report = recognised.read(source)
    return report


def _first_line(source: Source) -> str:
    first = next((line.strip() for line in source.lines if line.strip()), "")
    if not first:
        return "it is empty"
    shown = first if len(first) <= 60 else first[:60] + "..."
    return f"its first line: {shown!r}"
