"""The agenda as chat posts: Slack (mrkdwn in Block Kit sections) and Discord (its Markdown).
Pure: a document in, the exact webhook payloads out.

What a post says is written once (`_lines`), in terms of a chat's `Style`: how it escapes
user text, makes bold text, a link and a time that every reader sees in their own zone.

- Slack: user text has `&`, `<` and `>` as entities, so it can never make a mention
  (`<!here>`, `<!channel>`, `<@U…>`) or a link (`<url|text>`); sections are `verbatim`, so
  Slack does not turn bare URLs or names into links and mentions either. Times are
  `<!date^UNIX^{date_short_pretty} {time}|fallback>`. Sections hold at most 3,000
  characters, a post at most 50 blocks.
- Discord: user text is backslash-escaped like the Markdown agenda's (no headings, lists,
  emphasis, links, code or mentions can be formed from it); times are `<t:UNIX:F>`; a post is
  split at line boundaries into parts of at most 2,000 characters, each with
  `allowed_mentions: {"parse": []}`, so no post can ever ping anyone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from studygroup.render.documents import AgendaDocument, Happened, Payload
from studygroup.render.labels import lecture_name, roles_line
from studygroup.render.markdown import escape as markdown_escape
from studygroup.render.markdown import safe_url

SLACK_SECTION = 3000
SLACK_BLOCKS = 50
DISCORD_POST = 2000
LISTED_ITEMS = 25  # open items named in a post; the rest are counted


class Style(NamedTuple):
    name: str
    escape: Callable[[str], str]
    bold: Callable[[str], str]
    link: Callable[[str, str], str]  # (already-escaped label, url)
    when: Callable[[datetime, str], str]  # (instant, fallback text): full date and time
    clock: Callable[[datetime, str], str]  # (instant, fallback text): the time of day


def slack_escape(text: str) -> str:
    """Slack's three control characters as entities (its documented escaping)."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


SLACK = Style(
    name="slack",
    escape=slack_escape,
    bold=lambda text: f"*{text}*",
    link=lambda label, url: f"<{safe_url(url)}|{label}>",
    when=lambda moment, fallback: (
        f"<!date^{_unix(moment)}^{{date_short_pretty}} {{time}}|{slack_escape(fallback)}>"
    ),
    clock=lambda moment, fallback: f"<!date^{_unix(moment)}^{{time}}|{slack_escape(fallback)}>",
)

DISCORD = Style(
    name="discord",
    escape=markdown_escape,
    bold=lambda text: f"**{text}**",
    link=lambda label, url: f"[{label}](<{safe_url(url)}>)",
    when=lambda moment, _fallback: f"<t:{_unix(moment)}:F>",
    clock=lambda moment, _fallback: f"<t:{_unix(moment)}:t>",
)


def _lines(doc: AgendaDocument, style: Style) -> Iterator[str]:
    """The post, line by line: what a member needs first (when, the link), then the plan."""
    e, b = style.escape, style.bold
    session = doc["session"]
    start = datetime.fromisoformat(session["starts_at"]).astimezone(UTC)
    local = datetime.fromisoformat(session["local_start"])
    fallback = f"{local:%a %d %b %H:%M} {session['timezone']}"
    yield b(f"{e(doc['course']['title'])} — session {session['number']}")
    yield f"{style.when(start, fallback)} · {session['minutes']} min"
    if session["status"] != "planned":
        yield f"This session is {session['status']}."
    url, call_note = doc.get("call_url"), doc.get("call_note")
    if url or call_note:
        joined = style.link("Join the call", url) if url else "Join the call:"
        yield joined + (f" — {e(call_note)}" if call_note else "")
    if doc.get("host") or doc.get("notes_by"):
        yield roles_line(doc.get("host"), doc.get("notes_by"), escape=e)
    happened = doc.get("happened")
    if happened is not None:
        yield from _happened(happened, style)
        return
    yield ""
    yield b("Agenda")
    offset = 0
    for entry in doc["entries"]:
        at = start + timedelta(minutes=offset)
        offset += entry["minutes"]
        if entry["kind"] == "lecture" and (label := entry["lecture"]) is not None:
            what = lecture_name(
                label,
                entry["title"],
                entry["lecture_kind"],
                escape=e,
                escape_label=e,
            )
            if entry["part"]:
                what += f" (part {entry['part']})"
            if entry["carried"]:
                what += " — carried over"
        elif entry["kind"] == "talk":
            what = f"Talk: {e(entry['title'])}"
            if entry["presenter"]:
                what += f" — {e(entry['presenter'])}"
        else:
            what = e(entry["title"])
        over = " ⚠️" if entry["overflow"] else ""
        yield f"{style.clock(at, entry['start'])}  {what} ({entry['minutes']} min){over}"
    if doc["over_by_minutes"]:
        yield f"⚠️ {doc['over_by_minutes']} minutes over."
    if doc["watch"]:
        yield ""
        yield b("Watch beforehand")
        for lecture in doc["watch"]:
            name = lecture_name(
                lecture["label"], lecture["title"], lecture.get("kind"), escape=e, escape_label=e
            )
            if lecture["part"]:
                name += f" (part {lecture['part']})"
            shown = style.link(name, lecture["url"]) if lecture["url"] else name
            minutes = f" — {lecture['video_minutes']} min" if lecture["video_minutes"] else ""
            yield f"• {shown}{minutes}"
    open_items = [
        (group["owner"], item) for group in doc["items_by_owner"] for item in group["items"]
    ]
    if open_items:
        yield ""
        yield b("Open action items")
        for owner, item in open_items[:LISTED_ITEMS]:
            carried = f" (carried ×{item['carried']})" if item["carried"] else ""
            yield f"• {e(owner) if owner else 'Everyone'}: {e(item['text'])}{carried}"
        if len(open_items) > LISTED_ITEMS:
            yield f"… and {len(open_items) - LISTED_ITEMS} more on the agenda"
    poll = doc.get("poll")
    if poll:
        yield ""
        closes = f" (voting closes {poll['closes']})" if poll.get("closes") else ""
        yield b("Vote for the next course") + f": {e(poll['title'])}{closes}"
        yield "• " + ", ".join(e(o) for o in poll["options"])
    following = doc.get("next")
    if following is not None:
        yield ""
        lectures = ", ".join(
            lecture_name(x["label"], x["title"], x.get("kind"), escape=e, escape_label=e)
            + (f" (part {x['part']})" if x.get("part") else "")
            for x in following["lectures"]
        )
        when = datetime.fromisoformat(following["local_start"])
        yield b("Next") + (
            f": session {following['session']}, {style.when(when, f'{when:%a %d %b %H:%M}')}"
            + (f" — {lectures}" if lectures else "")
        )


def _happened(happened: Happened, style: Style) -> Iterator[str]:
    e, b = style.escape, style.bold
    yield ""
    yield b("What happened")
    for title, watched in (
        ("Covered", happened["covered"]),
        ("Not covered (moved on)", happened["not_covered"]),
    ):
        if watched:
            yield f"• {title}: " + ", ".join(
                lecture_name(x["label"], x["title"], x["kind"], escape=e, escape_label=e)
                for x in watched
            )
    if happened["talks_given"]:
        yield "• Talks given: " + "; ".join(
            f"{e(t['presenter'])}: {e(t['title'])}" for t in happened["talks_given"]
        )
    yield f"• Present: {len(happened['present'])}"


def _fallback(doc: AgendaDocument) -> str:
    """Slack's notification text, plain (slack_post escapes it)."""
    session = doc["session"]
    local = datetime.fromisoformat(session["local_start"])
    return (
        f"{doc['course']['title']} — session {session['number']}, "
        f"{local:%a %d %b %H:%M} {session['timezone']}"
    )


def _chunks(lines: list[str], limit: int) -> Iterator[str]:
    """Lines joined into parts of at most `limit` characters, split only between lines (a
    line longer than the limit, which our inputs cannot make, is cut)."""
    part: list[str] = []
    size = 0
    for line in lines:
        line = line[:limit]
        extra = len(line) + (1 if part else 0)
        if part and size + extra > limit:
            yield "\n".join(part)
            part, size = [], 0
            extra = len(line)
        part.append(line)
        size += extra
    if part:
        yield "\n".join(part)


def slack_payloads(doc: AgendaDocument) -> list[Payload]:
    """The agenda as Slack incoming-webhook payloads (usually one): verbatim mrkdwn sections
    of at most 3,000 characters, at most 50 blocks a post, and a plain notification text."""
    return slack_post(list(_lines(doc, SLACK)), _fallback(doc))


def slack_post(lines: list[str], text: str) -> list[Payload]:
    """Lines written in the Slack style as payloads: a section per paragraph (split at 3,000
    characters), at most 50 blocks a post; `text` (plain) is the notification."""
    sections = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk, "verbatim": True}}
        for paragraph in _paragraphs(lines)
        for chunk in _chunks(paragraph, SLACK_SECTION)
    ]
    return [
        {"text": slack_escape(text), "blocks": sections[i : i + SLACK_BLOCKS]}
        for i in range(0, len(sections), SLACK_BLOCKS)
    ]


def _paragraphs(lines: list[str]) -> Iterator[list[str]]:
    """Lines grouped at blank lines: one Slack section each."""
    current: list[str] = []
    for line in lines:
        if line == "":
            if current:
                yield current
            current = []
        else:
            current.append(line)
    if current:
        yield current


def discord_payloads(doc: AgendaDocument) -> list[Payload]:
    """The agenda as Discord webhook payloads: parts of at most 2,000 characters split at
    line boundaries, none of which may mention anyone."""
    return discord_post(list(_lines(doc, DISCORD)))


def discord_post(lines: list[str]) -> list[Payload]:
    """Lines written in the Discord style as payloads of at most 2,000 characters, split at
    line boundaries, none of which may mention anyone."""
    return [
        {"content": part, "allowed_mentions": {"parse": []}}
        for part in _chunks(lines, DISCORD_POST)
    ]


def markdown_payloads(doc: AgendaDocument) -> list[Payload]:
    """Any other webhook (Mattermost, Rocket.Chat, a relay): the Markdown agenda as `text`,
    with no mention in it (`no_mentions`)."""
    from studygroup.render.markdown import agenda_markdown

    return [{"text": no_mentions(agenda_markdown(doc))}]


# a link target in Markdown (<https://...>), left as it is
_TARGET = re.compile(r"(<[^<>\s]*>)")


def no_mentions(markdown: str) -> str:
    """Markdown that Mattermost (and Rocket.Chat) can read no mention from. Mattermost's
    server splits a message into words at any character that is not a letter, a digit or
    one of `: . - _ @`, and a word that starts with `@` mentions (server/channels/app/
    mention_parser_standard.go, ProcessText), so a backslash before `@` does not stop
    `\\@channel`. Every `@` outside a link's target becomes the full-width `＠` (U+FF20),
    which reads the same and is no `@`; its backslash, if any, goes with it."""
    parts = _TARGET.split(markdown)
    return "".join(
        part if index % 2 else part.replace("\\@", "＠").replace("@", "＠")
        for index, part in enumerate(parts)
    )


PAYLOADS: dict[str, Callable[[AgendaDocument], list[Payload]]] = {
    "slack": slack_payloads,
    "discord": discord_payloads,
    "markdown": markdown_payloads,
}
