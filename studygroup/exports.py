"""The data behind what the group sees: one document per session, built on agenda_view.

Renderers (render/markdown.py, render/ics.py, reminders) only ever see these plain dicts.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from studygroup import agenda, attendance, schedule
from studygroup.models import (
    AgendaEntry,
    Course,
    EntryKind,
    SessionStatus,
    StudySession,
    Talk,
)
from studygroup.polls import open_poll_for


def agenda_document(
    session: Session, course: Course, target: StudySession, display_tz: str | None = None
) -> dict[str, Any]:
    view = agenda.agenda_view(session, course, target, display_tz)
    entries = view["entries"]
    owners: dict[str, list[dict[str, Any]]] = {}
    for item in view["action_items"]:
        owners.setdefault(item["owner"] or "", []).append(item)
    previous = schedule.previous_held(session, target)
    following = schedule.planned_after(session, target)
    next_line: dict[str, Any] | None = None
    if following is not None:
        upcoming = agenda.entries_of(session, following)
        next_line = {
            "session": following.number,
            "local_start": agenda.session_dict(course, following)["local_start"],
            "lectures": [
                {"label": e.lecture.label, "title": e.lecture.title,
                 "part": f"{e.part}/{e.parts}" if e.part is not None else None}
                for e in upcoming if e.kind is EntryKind.LECTURE and e.lecture is not None
            ],
            "presenters": [e.talk.presenter.name for e in upcoming
                           if e.kind is EntryKind.TALK and e.talk is not None],
        }
    return view | {
        "course": {"slug": course.slug, "title": course.title, "url": course.url},
        "watch": [
            {"label": e["lecture"], "title": e["title"], "part": e["part"],
             "video_minutes": e["video_minutes"], "url": e["url"], "optional": e["optional"]}
            for e in entries if e["kind"] == "lecture"
        ],
        "talks": [
            {"talk_id": e["talk_id"], "presenter": e["presenter"], "title": e["title"],
             "url": e["url"], "minutes": e["minutes"], "start": e["start"],
             "postponed": e["postponed"], "postponed_from": e["postponed_from"]}
            for e in entries if e["kind"] == "talk"
        ],
        "items_by_owner": [
            {"owner": owner or None, "items": items}
            for owner, items in sorted(owners.items(), key=lambda kv: (kv[0] == "", kv[0]))
        ],
        "previous": {
            "session": previous.number,
            "present": attendance.present_count(session, previous),
        } if previous is not None else None,
        "next": next_line,
        "poll": open_poll_for(session, course),
    }


def calendar_document(session: Session, course: Course) -> dict[str, Any]:
    """Every session of a course with a stable UID and a short agenda summary. Two queries
    (sessions, then the lecture and talk entries of all of them), whatever the length."""
    sessions = schedule.sessions_of(session, course)
    lines: dict[int, dict[str, list[str]]] = {s.id: {"lectures": [], "talks": []}
                                              for s in sessions}
    for entry in session.scalars(
        select(AgendaEntry)
        .where(AgendaEntry.session_id.in_(list(lines)),
               AgendaEntry.kind.in_([EntryKind.LECTURE, EntryKind.TALK]))
        .order_by(AgendaEntry.session_id, AgendaEntry.position)
        .options(selectinload(AgendaEntry.lecture),
                 selectinload(AgendaEntry.talk).selectinload(Talk.presenter))
    ):
        if entry.lecture is not None:
            part = f" (part {entry.part}/{entry.parts})" if entry.part is not None else ""
            lines[entry.session_id]["lectures"].append(
                f"{entry.lecture.label} {entry.lecture.title}{part}")
        elif entry.talk is not None:
            lines[entry.session_id]["talks"].append(
                f"{entry.talk.presenter.name}: {entry.talk.title}")
    events: list[dict[str, Any]] = []
    for current in sessions:
        parts = []
        if current.status is not SessionStatus.CANCELLED:
            found = lines[current.id]
            if found["lectures"]:
                parts.append("Lectures: " + "; ".join(found["lectures"]))
            if found["talks"]:
                parts.append("Talks: " + "; ".join(found["talks"]))
        key = f"studygroup:{course.slug}:{course.created_at.isoformat()}:{current.id}"
        events.append({
            "uid": f"{uuid.uuid5(uuid.NAMESPACE_URL, key)}@studygroup",
            "number": current.number,
            "status": current.status.value,
            "starts_at": current.starts_at,
            "ends_at": current.starts_at + timedelta(minutes=current.minutes),
            "timezone": course.timezone,
            "summary": f"{course.title} — session {current.number}",
            "description": "\n".join(parts),
        })
    return {"course": {"slug": course.slug, "title": course.title, "url": course.url,
                       "timezone": course.timezone}, "events": events}
