"""Reading CSV files for the imports: BOM-tolerant UTF-8, line numbers for every row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from studygroup.errors import Invalid

MAX_BYTES = 20 * 1024 * 1024
MAX_FIELD = 10_000
# rows an import reads unless --max-rows says otherwise: far more than any group has, and a
# bound on how long one command can hold the write lock
MAX_ROWS = 100_000


def too_many_rows(path: Path, max_rows: int) -> Invalid:
    return Invalid(
        f"{path} has more than {max_rows:,} rows; split it, or pass --max-rows N "
        "if that many are meant"
    )


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "") or ""


class RowError(Invalid):
    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source} line {line}: {reason}")


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Invalid(f"no such file: {path}") from None
    except IsADirectoryError:
        raise Invalid(f"{path} is a directory, not a CSV file") from None
    except OSError as exc:
        raise Invalid(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise Invalid(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if b"\x00" in data:
        raise Invalid(f"{path} is not a text CSV file (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Invalid(f"{path} line {line}: not valid UTF-8; save the file as UTF-8") from None


def read_rows(
    path: Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    allow_extra: bool = False,
    max_rows: int = MAX_ROWS,
) -> tuple[list[str], list[Row]]:
    """The header (normalised to lowercase) and the non-blank rows, each with its line number."""
    text = read_text(path)
    required = list(required)
    known = set(required) | set(optional)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header_raw = next(reader, None)
    except csv.Error as exc:
        raise Invalid(f"{path} line 1: {exc}") from None
    if not header_raw:
        raise Invalid(f"{path} is empty: expected a header row with {', '.join(required)}")
    header = [h.strip().lower() for h in header_raw]
    missing = [c for c in required if c not in header]
    if missing:
        raise Invalid(f"{path} line 1: missing column(s) {', '.join(missing)}")
    unknown = [h for h in header if h and h not in known]
    if unknown and not allow_extra:
        raise Invalid(
            f"{path} line 1: unknown column(s) {', '.join(unknown)}; "
            f"expected {', '.join(sorted(known, key=lambda c: (c not in required, c)))}"
        )
    rows: list[Row] = []
    try:
        while True:
            line = reader.line_num + 1  # where this record starts, even if it spans lines
            record = next(reader, None)
            if record is None:
                break
            if not any(field.strip() for field in record):
                continue
            if len(record) > len(header):
                raise RowError(
                    str(path), line, f"{len(record)} fields, but the header has {len(header)}"
                )
            if any(len(field) > MAX_FIELD for field in record):
                raise RowError(str(path), line, f"a field is longer than {MAX_FIELD} characters")
            values = {header[i]: record[i] for i in range(len(record))}
            rows.append(Row(line=line, values=values))
            if len(rows) > max_rows:
                raise too_many_rows(path, max_rows)
    except csv.Error as exc:
        raise Invalid(f"{path} line {reader.line_num}: {exc}") from None
    return header, rows
