"""A member's reminder: subject and plain-text body, in their own timezone. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo


@dataclass
class Draft:
    """One member's reminder, rendered."""

    member_id: int
    name: str
    email: str
    subject: str
    body: str


LISTED = 10  # group items listed in a reminder; the rest are on the agenda


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


def cancellation_messages(
    doc: dict[str, Any], people: Iterable[dict[str, Any]]
) -> Iterator[tuple[str, str]]:
    """(subject, body) for each member when the session is cancelled: a notice, not an
    invitation, with the next session in their own timezone."""
    session = doc["session"]
    course_zone = session["timezone"]
    title = doc["course"]["title"]
    day = f"{datetime.fromisoformat(session['local_start']):%a %d %b}"
    subject = f"{title}: session {session['number']} on {day} is cancelled"
    following = doc.get("next")
    for member in people:
        member_zone = member.get("timezone") or course_zone
        then = (
            f"the next one is {both_times(following['local_start'], course_zone, member_zone)}."
            if following
            else "the next one is not planned yet."
        )
        yield (
            subject,
            f"Hi {member['name']},\n\nSession {session['number']} of {title} on {day} is "
            f"cancelled; {then}\n",
        )


def reminder_messages(
    doc: dict[str, Any], people: Iterable[dict[str, Any]]
) -> Iterator[tuple[str, str]]:
    """(subject, body) for each member, one at a time (a large group's reminders are never
    all in memory at once): what all reminders share is written once."""
    session = doc["session"]
    course_zone = session["timezone"]
    title = doc["course"]["title"]
    watch: list[str] = []
    if doc["watch"]:
        watch.append("Please watch beforehand:")
        for lecture in doc["watch"]:
            name = f"Lecture {lecture['label']}: {lecture['title']}"
            if lecture["part"]:
                name += f" (part {lecture['part']})"
            if lecture["video_minutes"]:
                name += f", {lecture['video_minutes']} min"
            watch.append(f"  - {name}" + (f"  {lecture['url']}" if lecture["url"] else ""))
        watch.append("")
    group_items = doc.get("group_items")
    if group_items is None:
        group_items = [i for i in doc["action_items"] if i["owner"] is None]
    everyone: list[str] = []
    if group_items:
        everyone.append("For everyone:")
        everyone.extend(_item_line(item) for item in group_items[:LISTED])
        if len(group_items) > LISTED:
            everyone.append(f"  … and {len(group_items) - LISTED} more on the agenda")
        everyone.append("")
    talks_by: dict[str, list[dict[str, Any]]] = {}
    for talk in doc["talks"]:
        talks_by.setdefault(talk["presenter"], []).append(talk)
    start = datetime.fromisoformat(session["local_start"])
    # the same for everyone: the subject (in the course's zone), and the blocks after the time
    subject = (
        f"{title}: session {session['number']}, "
        f"{both_times(session['local_start'], course_zone, course_zone)}"
    )
    heading = f"The next {title} session (number {session['number']}) is on\n  "
    after_time = f"\nand lasts {session['minutes']} minutes.\n\n" + "".join(
        f"{line}\n" for line in watch
    )
    closing = "".join(f"{line}\n" for line in everyone) + "See you there!\n"

    for member in people:
        member_zone = member.get("timezone") or course_zone
        when = both_times(session["local_start"], course_zone, member_zone)
        lines: list[str] = []
        for talk in talks_by.get(member["name"], []):
            offset = _minutes_from_start(doc, talk["talk_id"])
            slot = start + timedelta(minutes=offset)
            slot_text = both_times(slot.isoformat(), course_zone, member_zone)
            lines.append(f'You present "{talk["title"]}" ({talk["minutes"]} min) at {slot_text}.')
            if talk["postponed"]:
                lines.append(
                    f"  (It was postponed {talk['postponed']}× — it goes first this time.)"
                )
            lines.append("")
        if member["items"]:
            lines.append("Your open action items:")
            lines.extend(_item_line(item) for item in member["items"])
            lines.append("")
        own = "".join(f"{line}\n" for line in lines)
        yield subject, f"Hi {member['name']},\n\n{heading}{when}{after_time}{own}{closing}"


def _item_line(item: dict[str, Any]) -> str:
    carried = f" (carried ×{item['carried']})" if item["carried"] else ""
    return f"  - {item['text']}{carried}"


def _minutes_from_start(doc: dict[str, Any], talk_id: int) -> int:
    elapsed = 0
    for entry in doc["entries"]:
        if entry["talk_id"] == talk_id:
            return elapsed
        elapsed += entry["minutes"]
    return elapsed


def preview_text(draft: Any) -> str:
    """A dry run's view of one reminder: the addressee, the subject and the body."""
    return (
        f"To: {draft.name} <{draft.email}>\nSubject: {draft.subject}\n\n{draft.body}\n" + "-" * 60
    )
