"""How a lecture is named wherever it is shown: by its kind. A lecture is "Lecture 10:
Deployment"; a lab is its own title when that already says "Lab ..." ("Lab 6: Web
deployment"), else "Lab lab6: ..."; a guest lecture is "Guest: Transformers at scale"."""

from __future__ import annotations

import re
from collections.abc import Callable


def _same(text: str) -> str:
    return text


def lecture_name(
    label: str,
    title: str,
    kind: str | None = "lecture",
    *,
    escape: Callable[[str], str] = _same,
    escape_label: Callable[[str], str] = _same,
) -> str:
    """`escape` is applied to the title and `escape_label` to the label, for the format the
    name goes into (Markdown, Slack, Discord). A title that already names its label
    ("Lesson 9: Diffusion", "9. Diffusion") is not labelled twice."""
    if kind != "guest" and _names_label(title, label):
        return escape(title)
    if kind == "lab":
        if title.strip().lower().startswith("lab"):
            return escape(title)
        return f"Lab {escape_label(label)}: {escape(title)}"
    if kind == "guest":
        if title.strip().lower().startswith("guest:"):  # never "Guest: Guest: ..."
            return escape(title)
        return f"Guest: {escape(title)}"
    return f"Lecture {escape_label(label)}: {escape(title)}"


def _names_label(title: str, label: str) -> bool:
    """'Lesson 9: ...', 'Lecture 9 - ...', 'Week 9 ...', '9: ...', '9. ...' for label 9."""
    pattern = rf"^\s*(?:[^\W\d_]+\s+)?{re.escape(label)}(?=$|[\s:.\-–—)])"
    return re.match(pattern, title, re.IGNORECASE) is not None


def roles_line(
    host: str | None, notes_by: str | None, *, escape: Callable[[str], str] = _same
) -> str:
    """'Host: Michael · Notes: Priya' (either may be missing)."""
    parts = [
        f"Host: {escape(host)}" if host else "",
        f"Notes: {escape(notes_by)}" if notes_by else "",
    ]
    return " · ".join(p for p in parts if p)
