"""Syllabus order: where lectures stand in their course. Pure.

The order is the syllabus file's: a re-import puts the labels it has in the file's order,
and a label it does not have stays after the label it followed before (and after any new
labels the file put right after that one). By hand,
`lecture move` puts one label before or after another.
"""

from __future__ import annotations

from collections.abc import Sequence


def merged(existing: Sequence[str], from_file: Sequence[str]) -> list[str]:
    """The course order after a (re-)import: the file's labels in the file's order, and each
        label only the course has after the one it followed (and after the new labels the file put
    right after that one), or at the start when it led."""
    order = list(dict.fromkeys(from_file))
    placed = set(order)
    known = set(existing)
    for index, label in enumerate(existing):
        if label in placed:
            continue
        before = next(
            (existing[j] for j in range(index - 1, -1, -1) if existing[j] in placed), None
        )
        at = order.index(before) + 1 if before is not None else 0
        while before is not None and at < len(order) and order[at] not in known:
            at += 1  # new labels the file put right after it stay right after it
        order.insert(at, label)
        placed.add(label)
    return order


def moved(order: Sequence[str], label: str, anchor: str, *, after: bool) -> list[str]:
    """`lecture move`: label taken out and put right before (or after) anchor."""
    if label == anchor:
        return list(order)
    rest = [x for x in order if x != label]
    at = rest.index(anchor) + (1 if after else 0)
    return [*rest[:at], label, *rest[at:]]
