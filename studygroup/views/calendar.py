"""The course calendar as a typed document: every session (or one, for a reminder's
attachment) as an event with a stable UID and its SEQUENCE, for render/ics.py."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import Connection, select

from studygroup import sessions
from studygroup.agenda import ENTRY_SUBJECTS
from studygroup.render.contracts import session_dict
from studygroup.render.documents import CalendarDocument, CalendarEvent
from studygroup.render.text import call_line
from studygroup.rules.invite import event_uid
from studygroup.store.enums import EntryKind, SessionStatus
from studygroup.store.rows import CourseRow, SessionRow
from studygroup.store.schema import agenda_entries, lectures, members, talks


def calendar_document(
    db: Connection,
    course: CourseRow,
    only: SessionRow | None = None,
    *,
    with_call: bool = True,
    names: Mapping[str, str] | None = None,
) -> CalendarDocument:
    """Every session of a course (or `only` one, for a reminder's attachment) with a stable
    UID, its revision (SEQUENCE), its call link and a short agenda summary. Two queries
    (sessions, then the lecture and talk entries of all of them), whatever the length.
    For a public page: `with_call=False` leaves out the call's link and note, and `names`
    names the presenters (full name -> as shown)."""
    every = [only] if only is not None else sessions.of_course(db, course)
    lines: dict[int, dict[str, list[str]]] = {s.id: {"lectures": [], "talks": []} for s in every}
    rows = db.execute(
        select(
            agenda_entries.c.session_id,
            agenda_entries.c.part,
            agenda_entries.c.parts,
            agenda_entries.c.done,
            lectures.c.label,
            lectures.c.title.label("lecture_title"),
            talks.c.title.label("talk_title"),
            members.c.name.label("presenter"),
        )
        .select_from(ENTRY_SUBJECTS)
        .where(
            agenda_entries.c.session_id.in_(list(lines)),
            agenda_entries.c.kind.in_([EntryKind.LECTURE, EntryKind.TALK]),
        )
        .order_by(agenda_entries.c.session_id, agenda_entries.c.position)
    )
    held = {s.id for s in every if s.status is SessionStatus.HELD}
    for entry in rows:
        if entry.session_id in held and not entry.done:
            continue  # a held session's event lists what was covered and given, not the plan
        if entry.label is not None:
            part = f" (part {entry.part}/{entry.parts})" if entry.part is not None else ""
            lines[entry.session_id]["lectures"].append(f"{entry.label} {entry.lecture_title}{part}")
        elif entry.talk_title is not None:
            presenter = names.get(entry.presenter, "") if names is not None else entry.presenter
            lines[entry.session_id]["talks"].append(f"{presenter}: {entry.talk_title}")
    events: list[CalendarEvent] = []
    for current in every:
        shown = session_dict(course, current)
        parts = []
        if not with_call:
            shown["call_url"] = shown["call_note"] = None
        if shown["call_url"] or shown["call_note"]:
            parts.append(call_line(shown["call_url"], shown["call_note"]))
        if current.status is not SessionStatus.CANCELLED:
            found = lines[current.id]
            if found["lectures"]:
                parts.append("Lectures: " + "; ".join(found["lectures"]))
            if found["talks"]:
                parts.append("Talks: " + "; ".join(found["talks"]))
        events.append(
            {
                "uid": event_uid(course.slug, course.created_at, current.id),
                "number": current.number,
                "status": current.status.value,
                "starts_at": current.starts_at,
                "ends_at": current.starts_at + timedelta(minutes=current.minutes),
                "timezone": course.timezone,
                "summary": f"{course.title} — session {current.number}",
                "description": "\n".join(parts),
                "sequence": current.revision,
                "modified": current.updated_at,
                "call_url": shown["call_url"],
            }
        )
    return {
        "course": {
            "slug": course.slug,
            "title": course.title,
            "url": course.url,
            "timezone": course.timezone,
            "created_at": course.created_at,
        },
        "events": events,
    }
