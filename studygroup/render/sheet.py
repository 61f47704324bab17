"""Lists as CSV or TSV for a spreadsheet (`--format csv|tsv`).

A cell that a spreadsheet would run as a formula (one starting with `=` `+` `-` `@`, or a
tab or carriage return) is written with a leading apostrophe, the OWASP defence against
formula injection: a member named "=HYPERLINK(...)" shows as text. A spreadsheet that splits
the file on `;` or tab (Excel in a European locale) sees each part of a cell as a cell of
its own, so a cell any of whose `,`/`;`/tab-separated parts would start a formula
("Eve;=cmd|' /C calc'!A0") is neutralised too: its parts are quoted with the apostrophe.
Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
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
    if text.startswith(FORMULA_START):
        text = "'" + text
    return _PART.sub(lambda m: m[1] + "'", text)


# the start of a part (after a separator, and any spaces) that would start a formula: in a
# spreadsheet that splits on it, that part is a cell of its own
_PART = re.compile(r"((?:^|[,;\t])[ ]*)(?=[=+\-@])")


def sheet(
    rows: Sequence[Mapping[str, object]], columns: Sequence[tuple[str, str]], delimiter: str = ","
) -> str:
    """columns: (key, heading) pairs; the headings are the first row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([heading for _, heading in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(key)) for key, _ in columns])
    return out.getvalue()
