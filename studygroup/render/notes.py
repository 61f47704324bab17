"""Session notes as the organiser wrote them, made safe for each output. Pure.

Notes are the organiser's own Markdown: kept as written, links clickable, never
backslash-escaped. What is made safe: raw HTML (`<`, `>` and `&` become entities, so no tag
or script survives), links to anything but http(s) and mailto (the label stays, the link
goes: no `javascript:`), and, in chat posts, everything a chat could read as a mention or
markup (there the text around the links is escaped as any user text is).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# [label](url) or [label](<url>), or a bare http(s) URL (trailing punctuation left out)
_LINK = re.compile(
    r"\[(?P<label>[^\]\n]+)\]\(\s*<?(?P<url>(?:[^()\s<>]|\([^()\s<>]*\))+)>?\s*\)"
    r"|(?P<bare>https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])"
)
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def segments(line: str) -> Iterator[tuple[str, str | None]]:
    """(text, None) and (label, url) pieces of one line, in order."""
    at = 0
    for found in _LINK.finditer(line):
        if found.start() > at:
            yield line[at : found.start()], None
        if found["bare"]:
            yield found["bare"], found["bare"]
        else:
            yield found["label"], found["url"]
        at = found.end()
    if at < len(line):
        yield line[at:], None


def safe_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def no_html(text: str) -> str:
    """Markdown kept, raw HTML made text: `&`, `<` and `>` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def note_line(line: str, escape: Callable[[str], str], link: Callable[[str, str], str]) -> str:
    """One line of notes: its text through `escape` (no_html for Markdown, the chat's own
    escape in a post), each safe link through `link`, an unsafe one as its label alone."""
    out = []
    for text, url in segments(line):
        if url is None:
            out.append(escape(text))
        elif safe_link(url):
            out.append(link(escape(text), url))
        else:
            out.append(escape(text))
    return "".join(out)
