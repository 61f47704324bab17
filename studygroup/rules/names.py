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


def greeting_name(name: str, greeting: str | None = None) -> str:
    """How a reminder greets a member: their own greeting name if they have one
    (`member edit --greeting-name`), else their first name: the first word of the name, or
    the part after the comma of 'Last, First' ('Okafor, Daniel' -> 'Daniel')."""
    if greeting and greeting.strip():
        return greeting.strip()
    given = name.split(",", 1)[1] if "," in name else name
    words = given.split() or name.split()
    return words[0] if words else name
