"""Human tables for the terminal (tabulate)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """columns: (key, heading) pairs."""
    from tabulate import tabulate

    body = [[cell(row.get(key)) for key, _ in columns] for row in rows]
    text: str = tabulate(body, headers=[heading for _, heading in columns], tablefmt="simple",
                         disable_numparse=True)
    return text


def fields(record: Mapping[str, Any], labels: Sequence[tuple[str, str]]) -> str:
    """A record as aligned 'label: value' lines."""
    width = max(len(label) for _, label in labels)
    return "\n".join(f"{label + ':':<{width + 1}} {cell(record.get(key))}" for key, label in labels)
