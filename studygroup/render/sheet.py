"""Lists as CSV or TSV for a spreadsheet (`--format csv|tsv`).

A cell that a spreadsheet would run as a formula (one starting with `=` `+` `-` `@`, or a
tab or carriage return) is written with a leading apostrophe, the OWASP defence against
formula injection: a member named "=HYPERLINK(...)" shows as text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from studygroup.render.table import cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return cell(value)
    if isinstance(value, int | float):
        return str(value)
    text = cell(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def sheet(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]], delimiter: str = ","
) -> str:
    """columns: (key, heading) pairs; the headings are the first row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([heading for _, heading in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(key)) for key, _ in columns])
    return out.getvalue()
