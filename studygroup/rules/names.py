"""How members are recognised by name: one key for comparing names, and the prefix pattern
that finds a member from the start of their name (commands and shell completion alike)."""

from __future__ import annotations


def name_key(name: str) -> str:
    """Member names are unique regardless of case: this is the stored key."""
    return name.casefold()


def prefix_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) for names that start with `text`."""
    key = name_key(text)
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
