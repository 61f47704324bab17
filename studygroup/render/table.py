"""Human tables for the terminal, in tabulate's "simple" layout.

The layout is tabulate's (tests/test_render_table.py checks the output is identical for any
single-line cells, wide characters included), written out here because tabulate infers a
type for every cell: on the 5,000-row `item list --open` of the benchmark it took ~150 ms,
more than the query.

Columns are measured in terminal cells, not characters: Devanagari, CJK and emoji names take
as many cells as `wcwidth` says, so their rows stay in line. ASCII text is measured with
len() (the same answer, at C speed), so wcwidth is imported only for a table that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

PADDING = 2  # a heading gets this much room beyond its own width, as in tabulate


def cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def width(text: str) -> int:
    """How many terminal cells `text` takes."""
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth

    cells: int = wcswidth(text)
    return cells if cells >= 0 else len(text)


def table(rows: Sequence[Mapping[str, object]], columns: Sequence[tuple[str, str]]) -> str:
    """columns: (key, heading) pairs. Every cell is left-aligned text with its outer blanks
    stripped (headings are not); lines are stripped of trailing blanks."""
    return "\n".join(lines(rows, columns))


def lines(
    rows: Sequence[Mapping[str, object]], columns: Sequence[tuple[str, str]]
) -> Iterator[str]:
    """`table`, a line at a time: a long list is written as it is laid out, never held whole
    as one string (the widths come first, from every cell)."""
    headings = [heading for _, heading in columns]
    keys = [key for key, _ in columns]
    body = [[cell(row.get(key)).strip() for key in keys] for row in rows]
    widths = [width(heading) + PADDING for heading in headings]
    # A column of ASCII text is as wide as it is long, and is padded by str.format. A column
    # with other text has each of its distinct values measured once, and padded by hand.
    measured: dict[int, dict[str, int]] = {}
    for index, values in enumerate(zip(*body, strict=True)):
        if "".join(values).isascii():
            widths[index] = max(widths[index], max(map(len, values)))
        else:
            measured[index] = sizes = {text: width(text) for text in set(values)}
            widths[index] = max(widths[index], max(sizes.values()))
    template = "  ".join(
        "{}" if index in measured else f"{{:<{room}}}" for index, room in enumerate(widths)
    )
    yield "  ".join(
        text + " " * (room - width(text)) for text, room in zip(headings, widths, strict=True)
    ).rstrip()
    yield "  ".join("-" * width for width in widths)
    for cells in body:
        for index, sizes in measured.items():
            text = cells[index]
            cells[index] = text + " " * (widths[index] - sizes[text])
        yield template.format(*cells).rstrip()


def fields(record: Mapping[str, object], labels: Sequence[tuple[str, str]]) -> str:
    """A record as aligned 'label: value' lines."""
    width = max(len(label) for _, label in labels)
    return "\n".join(f"{label + ':':<{width + 1}} {cell(record.get(key))}" for key, label in labels)
