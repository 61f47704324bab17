"""Reading the CSV files the imports are given, whoever saved them.

- **Encodings:** UTF-8 with or without a byte-order mark, and UTF-16 with one (Teams, and
  Excel's "Unicode text"); anything else is named with `--encoding` (e.g. cp1252).
- **Dialects:** the delimiter is sniffed among `,` `;` and tab (Excel in a European locale
  saves with `;`), so a whole line is never taken for one name.
- Every row keeps its line number, and a file that can't be read gets one error naming the
  file, the line and what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from studygroup.errors import Invalid

MAX_BYTES = 20 * 1024 * 1024
MAX_FIELD = 10_000
# rows an import reads unless --max-rows says otherwise: far more than any group has, and a
# bound on how long one command can hold the write lock
MAX_ROWS = 100_000
DELIMITERS = ",;\t"
SNIFF_LINES = 40
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def too_many_rows(path: Path, max_rows: int) -> Invalid:
    return Invalid(
        f"{path} has more than {max_rows:,} rows; split it, or pass --max-rows N "
        "if that many are meant"
    )


class Row(NamedTuple):
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "") or ""


class RowError(Invalid):
    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source} line {line}: {reason}")


def check_encoding(name: str) -> str:
    """A text encoding Python knows (`--encoding`), normalised; a codec that is not a text
    encoding (rot13, base64, zlib) is refused like an unknown one."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        raise Invalid(f"unknown encoding {name!r}; try utf-8, utf-16 or cp1252") from None
    if not getattr(info, "_is_text_encoding", True):
        raise Invalid(f"{name!r} is not a text encoding; try utf-8, utf-16 or cp1252")
    return info.name


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """The text of a file: by its byte-order mark, else UTF-8, else the `encoding` given."""
    if encoding is None:
        for bom, codec in BOMS:
            if data.startswith(bom):
                encoding = codec
                break
    if encoding is None:
        if b"\x00" in data:
            raise Invalid(
                f"{path} is not a text CSV file (it contains NUL bytes); if it is UTF-16 "
                "without a byte-order mark, pass --encoding utf-16-le"
            )
        encoding = "utf-8"
    encoding = check_encoding(encoding)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        advice = (
            "save it as UTF-8, or pass --encoding (e.g. cp1252)"
            if encoding == "utf-8"
            else "check --encoding"
        )
        shown = "UTF-8" if encoding == "utf-8" else encoding
        raise Invalid(f"{path} line {line}: not valid {shown}; {advice}") from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise Invalid(f"{path} is not a text file (it contains NUL characters)")
    return text


def _some(names: list[str], shown: int = 8) -> str:
    """A list for a one-line message: the first few, cut to a line, and how many more."""
    first = ", ".join(name if len(name) <= 40 else name[:37] + "..." for name in names[:shown])
    return first + (f" and {len(names) - shown} more" if len(names) > shown else "")


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` of them: a FIFO, a device (/dev/zero), a socket
    or a directory is refused at once (opened without blocking), never read from."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise Invalid(f"no such file: {path}") from None
    except IsADirectoryError:
        raise Invalid(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise Invalid(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise Invalid(f"{path} is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise Invalid(f"{path} is not a regular file (a pipe or a device); save it first")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Invalid(f"{path} is larger than {limit // (1024 * 1024)} MiB")
    return data


def read_text(path: Path, encoding: str | None = None) -> str:
    return decode(read_bytes(path), path, encoding)


def sniff_delimiter(lines: Iterable[str]) -> str:
    """`,` `;` or tab: the one the first lines agree on (csv.Sniffer, restricted to those
    three), else the one the first line has most of; `,` for a single column."""
    sample_lines = [line for line in lines if line.strip()][:SNIFF_LINES]
    if not sample_lines:
        return ","
    sample = "\n".join(sample_lines)
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found in DELIMITERS and found:
        return found
    first = sample_lines[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def records(
    path: Path, text: str, *, first_line: int = 1, delimiter: str | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each non-blank record of `text`, which starts at line
    `first_line` of the file."""
    if delimiter is None:
        delimiter = sniff_delimiter(text.splitlines()[:SNIFF_LINES])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        while True:
            line = first_line + reader.line_num  # where this record starts, even if it spans lines
            record = next(reader, None)
            if record is None:
                return
            if any(field.strip() for field in record):
                if any(len(field) > MAX_FIELD for field in record):
                    raise RowError(
                        str(path), line, f"a field is longer than {MAX_FIELD} characters"
                    )
                yield line, record
    except csv.Error as exc:
        raise Invalid(
            f"{path} line {first_line + reader.line_num - 1}: {exc}; "
            "is it a CSV file? (fields are split by , ; or tab)"
        ) from None


class Table(NamedTuple):
    """A CSV file's header (lower-case) and its rows."""

    header: list[str]
    rows: list[Row]

    def has(self, column: str) -> bool:
        """Whether the file has the column: an absent column leaves a value alone, a present
        but empty one clears it (the partial-import rule)."""
        return column in self.header


def read_rows(
    path: Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    allow_extra: bool = False,
    max_rows: int = MAX_ROWS,
    encoding: str | None = None,
) -> Table:
    """The header (normalised to lowercase) and the non-blank rows, each with its line number."""
    text = read_text(path, encoding)
    required = list(required)
    known = set(required) | set(optional)
    found = records(path, text)
    first = next(found, None)
    if first is None:
        raise Invalid(f"{path} is empty: expected a header row with {', '.join(required)}")
    header = [h.strip().lower() for h in first[1]]
    missing = [c for c in required if c not in header]
    if missing:
        raise Invalid(f"{path} line {first[0]}: missing column(s) {', '.join(missing)}")
    unknown = [h for h in header if h and h not in known]
    if unknown and not allow_extra:
        raise Invalid(
            f"{path} line {first[0]}: unknown column(s) {_some(unknown)}; "
            f"expected {', '.join(sorted(known, key=lambda c: (c not in required, c)))}"
        )
    rows: list[Row] = []
    for line, record in found:
        if len(record) > len(header):
            raise RowError(
                str(path), line, f"{len(record)} fields, but the header has {len(header)}"
            )
        rows.append(Row(line=line, values={header[i]: record[i] for i in range(len(record))}))
        if len(rows) > max_rows:
            raise too_many_rows(path, max_rows)
    return Table(header=header, rows=rows)
