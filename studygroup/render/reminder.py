"""A member's reminder, in their own timezone: subject, a plain-text body and an HTML body
made from the same blocks, so the two never disagree. Pure.

What comes first is what a member needs first: the time in their zone and the call link. Then
their talk slot, the lectures to watch, their open items, the group's items, and an open poll
with how to vote. A member who was already told of an earlier revision of the session gets a
change notice on top (moved, back on, or changed); a cancelled session gets a cancellation
notice instead of an invitation.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from studygroup.render.contracts import ItemJSON, SessionJSON
from studygroup.render.documents import AgendaDocument, OwnItem, Recipient, TalkLine, Told
from studygroup.render.labels import lecture_name
from studygroup.rules.names import greeting_name

LISTED = 10  # group items listed in a reminder; the rest are on the agenda


class Link(NamedTuple):
    label: str
    url: str


Segment = str | Link


class Para(NamedTuple):
    parts: tuple[Segment, ...]


class Bullets(NamedTuple):
    title: str
    items: tuple[tuple[Segment, ...], ...]
    numbered: bool = False


Block = Para | Bullets


@dataclass
class Draft:
    """One member's reminder, rendered: `body` is the plain text, `html()` the HTML part."""

    member_id: int
    name: str
    email: str
    subject: str
    body: str
    kind: str = "reminder"  # reminder, change, cancellation
    blocks: list[Block] = field(default_factory=list, repr=False)

    def html(self) -> str:
        return html_of(self.blocks)


def _text_segment(segment: Segment) -> str:
    if isinstance(segment, Link):
        return segment.url if segment.label == segment.url else f"{segment.label}  {segment.url}"
    return segment


def _text_block(block: Block) -> str:
    if isinstance(block, Para):
        parts = block.parts
        if len(parts) == 1 and isinstance(parts[0], str):  # most paragraphs: one sentence
            return parts[0]
        return "".join(_text_segment(s) for s in parts)
    lines = [block.title]
    for n, item in enumerate(block.items, start=1):
        mark = f"{n}." if block.numbered else "-"
        lines.append(f"  {mark} " + "".join(_text_segment(s) for s in item))
    return "\n".join(lines)


def text_of(blocks: Iterable[Block], rendered: Mapping[int, str] | None = None) -> str:
    """The plain-text body. `rendered`: the texts of blocks already rendered, by id (the
    blocks every message of a run shares, which stay alive for the run)."""
    known = rendered or {}
    texts = []
    for block in blocks:
        text = known.get(id(block))
        texts.append(_text_block(block) if text is None else text)
    return "\n\n".join(texts) + "\n"


def _html_segment(segment: Segment) -> str:
    if isinstance(segment, Link):
        return f'<a href="{html.escape(segment.url, quote=True)}">{html.escape(segment.label)}</a>'
    return html.escape(segment)


@lru_cache(maxsize=256)
def _html_block(block: Block) -> str:
    if isinstance(block, Para):
        return "<p>" + "".join(_html_segment(s) for s in block.parts) + "</p>"
    tag = "ol" if block.numbered else "ul"
    items = "".join(
        "<li>" + "".join(_html_segment(s) for s in item) + "</li>" for item in block.items
    )
    return f"<p>{html.escape(block.title)}</p>\n<{tag}>{items}</{tag}>"


def html_of(blocks: Iterable[Block]) -> str:
    """A simple HTML document; every user string is escaped, every link quoted."""
    body = "\n".join(_html_block(b) for b in blocks)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        f'<body style="font-family: sans-serif; line-height: 1.4">\n{body}\n</body></html>\n'
    )


def place(zone: str) -> str:
    """'Europe/London' -> 'London', 'America/Argentina/Buenos_Aires' -> 'Buenos Aires'."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=512)  # pure: a batch has one start and a handful of zones
def both_times(local_iso: str, course_zone: str, member_zone: str) -> str:
    """'Sat 24 Aug 18:00 London — 22:30 your time (Asia/Kolkata)'."""
    start = datetime.fromisoformat(local_iso)
    here = start.astimezone(ZoneInfo(course_zone))
    text = f"{here:%a %d %b %H:%M} {place(course_zone)}"
    if member_zone == course_zone:
        return text
    there = start.astimezone(ZoneInfo(member_zone))
    day = "" if there.date() == here.date() else f"{there:%a %d %b} "
    return f"{text} — {day}{there:%H:%M} your time ({member_zone})"


def _call(doc: AgendaDocument) -> list[Block]:
    url, call_note = doc["call_url"], doc["call_note"]
    if not (url or call_note):
        return []
    parts: list[Segment] = ["Join the call: "]
    if url:
        parts.append(Link(url, url))
        if call_note:
            parts.append(f" ({call_note})")
    else:
        parts.append(str(call_note))
    return [Para(tuple(parts))]


def _greeting(member: Recipient) -> Para:
    return Para((f"Hi {greeting_name(member['name'], member['greeting'])},",))


class Message(NamedTuple):
    """One member's message: its blocks (for the HTML part) and their plain text."""

    kind: str  # reminder, change, cancellation
    subject: str
    blocks: list[Block]
    text: str  # text_of(blocks)


def kind_of(cancelled: bool, told: Told | None) -> str:
    """What a member's message about a session is: a cancellation notice when the session is
    cancelled; a change notice when they were told of an earlier revision; else a reminder."""
    if cancelled:
        return "cancellation"
    return "change" if told is not None else "reminder"


def cancellation_messages(doc: AgendaDocument, people: Iterable[Recipient]) -> Iterator[Message]:
    """Each member's message when the session is cancelled: a notice, not an invitation,
    with the next session in their own timezone."""
    session = doc["session"]
    course_zone = session["timezone"]
    title = doc["course"]["title"]
    day = f"{datetime.fromisoformat(session['local_start']):%a %d %b}"
    subject = f"{title}: session {session['number']} on {day} is cancelled"
    following = doc["next"]
    for member in people:
        member_zone = member["timezone"] or course_zone
        then = (
            f"the next one is {both_times(following['local_start'], course_zone, member_zone)}."
            if following
            else "the next one is not planned yet."
        )
        text = f"Session {session['number']} of {title} on {day} is cancelled; {then}"
        blocks: list[Block] = [_greeting(member), Para((text,))]
        yield Message(kind_of(True, member["told"]), subject, blocks, text_of(blocks))


def reminder_messages(doc: AgendaDocument, people: Iterable[Recipient]) -> Iterator[Message]:
    """Each member's message, one at a time (a large group's reminders are never all in
    memory at once): what all reminders share is built, and rendered, once."""
    session = doc["session"]
    course_zone = session["timezone"]
    title = doc["course"]["title"]
    number = session["number"]
    shared_after: list[Block] = []
    if doc["watch"]:
        watched: list[tuple[Segment, ...]] = []
        for lecture in doc["watch"]:
            name = lecture_name(lecture["label"], lecture["title"], lecture.get("kind"))
            if lecture["part"]:
                name += f" (part {lecture['part']})"
            minutes = f", {lecture['video_minutes']} min" if lecture["video_minutes"] else ""
            watched.append(
                (Link(name + minutes, lecture["url"]),) if lecture["url"] else (name + minutes,)
            )
        watch: Block | None = Bullets("Please watch beforehand:", tuple(watched))
    else:
        watch = None
    group_items = [i for i in doc["action_items"] if i["owner"] is None]
    if group_items:
        listed = [(_item_text(item),) for item in group_items[:LISTED]]
        if len(group_items) > LISTED:
            listed.append((f"… and {len(group_items) - LISTED} more on the agenda",))
        shared_after.append(Bullets("For everyone:", tuple(listed)))
    poll = doc.get("poll")
    if poll:
        closes = f" Voting closes {poll['closes']}." if poll.get("closes") else ""
        shared_after.append(
            Bullets(
                f"Vote for the next course: {poll['title']}. Reply with the numbers of the "
                f'options in your order of preference (e.g. "2 1").{closes}',
                tuple((option,) for option in poll["options"]),
                numbered=True,
            )
        )
    shared_after.append(Para(("See you there!",)))
    talks_by: dict[str, list[TalkLine]] = {}
    for talk in doc["talks"]:
        for name in talk["presenters"] or [talk["presenter"]]:
            talks_by.setdefault(name, []).append(talk)  # each presenter sees it
    start = datetime.fromisoformat(session["local_start"])
    subject = f"{title}: session {number}, " + both_times(
        session["local_start"], course_zone, course_zone
    )
    call = _call(doc)
    roles = [
        (who, said)
        for who, said in (
            (doc["host"], "You are hosting this week."),
            (doc["notes_by"], "You are taking the notes this week."),
        )
        if who
    ]
    shared = [*call, *([watch] if watch is not None else []), *shared_after]
    rendered = {id(block): _text_block(block) for block in shared}  # once per run

    for member in people:
        member_zone = member["timezone"] or course_zone
        when = both_times(session["local_start"], course_zone, member_zone)
        blocks: list[Block] = [_greeting(member)]
        about = subject
        told = member["told"]
        kind = kind_of(False, told)
        if told is not None:
            notice, about = _notice(told, session, title, course_zone, member_zone)
            blocks.append(Para((notice,)))
        blocks.append(
            Para((f"Session {number} of {title} is on {when}, for {session['minutes']} minutes.",))
        )
        blocks.extend(call)
        for name, said in roles:
            if name == member["name"]:
                blocks.append(Para((said,)))
        for talk in talks_by.get(member["name"], ()):
            offset = _minutes_from_start(doc, talk["talk_id"])
            slot = start + timedelta(minutes=offset)
            slot_text = both_times(slot.isoformat(), course_zone, member_zone)
            text = f'You present "{talk["title"]}" ({talk["minutes"]} min) at {slot_text}.'
            if talk["postponed"]:
                text += f" It was postponed {talk['postponed']}×, so it goes first this time."
            blocks.append(Para((text,)))
        if watch is not None:
            blocks.append(watch)
        if member["items"]:
            blocks.append(
                Bullets(
                    "Your open action items:",
                    tuple((_item_text(item),) for item in member["items"]),
                )
            )
        blocks.extend(shared_after)
        yield Message(kind, about, blocks, text_of(blocks, rendered))


def _notice(
    told: Told, session: SessionJSON, title: str, course_zone: str, member_zone: str
) -> tuple[str, str]:
    """What changed since the member's last message about this session, and its subject."""
    number = session["number"]
    now_local = session["local_start"]
    here = both_times(now_local, course_zone, member_zone)
    if told.get("kind") == "cancellation":
        return (
            f"Good news: session {number} is back on, at the time below.",
            f"{title}: session {number} is back on, {here}",
        )
    before = told.get("starts_at")
    if before is not None and before != datetime.fromisoformat(session["starts_at"]):
        was = both_times(before.astimezone(ZoneInfo(course_zone)).isoformat(), course_zone,
                         member_zone)  # fmt: skip
        return (
            f"Session {number} has moved: it is now {here} (it was {was}).",
            f"{title}: session {number} moved to {here}",
        )
    return (
        f"Session {number} has changed since our last message (its length, call link or "
        "title): here is the latest.",
        f"{title}: session {number} changed, {here}",
    )


def _item_text(item: OwnItem | ItemJSON) -> str:
    carried = f" (carried ×{item['carried']})" if item["carried"] else ""
    return f"{item['text']}{carried}"


def _minutes_from_start(doc: AgendaDocument, talk_id: int) -> int:
    elapsed = 0
    for entry in doc["entries"]:
        if entry["talk_id"] == talk_id:
            return elapsed
        elapsed += entry["minutes"]
    return elapsed


class Line(NamedTuple):
    """A dry run's line for one message: who, how, when in their own zone, and what kind."""

    name: str
    email: str
    channel: str  # email, outbox
    session: int
    local_start: datetime  # in the member's zone
    zone: str
    kind: str  # reminder, change, cancellation


def preview_line(line: Line) -> str:
    """'session 4  cancellation  email   Ada Lovelace <ada@example.org>  Sat 27 Mar 23:30
    Asia/Kolkata': one line per message that --send would send."""
    return (
        f"session {line.session}  {line.kind:<12}  {line.channel:<6}  "
        f"{line.name} <{line.email}>  {line.local_start:%a %d %b %H:%M} {line.zone}"
    )


def preview_text(draft: Any) -> str:
    """A dry run's view of one reminder: the addressee, the subject and the body."""
    return (
        f"To: {draft.name} <{draft.email}>\nSubject: {draft.subject}\n\n{draft.body}\n" + "-" * 60
    )
