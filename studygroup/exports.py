"""The data behind what the group sees: one document per session, built on the agenda view,
and the course calendar.

Renderers (render/markdown.py, render/ics.py, reminders) only ever see these plain dicts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from studygroup import agenda, attendance, items, polls, sessions
from studygroup.render.contracts import session_dict
from studygroup.render.text import call_line
from studygroup.store.enums import EntryKind, ItemStatus, SessionStatus
from studygroup.store.rows import CourseRow, SessionRow
from studygroup.store.schema import action_items, agenda_entries, lectures, members, talks

if TYPE_CHECKING:
    from sqlalchemy import Connection


def agenda_document(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    display_tz: str | None = None,
    *,
    group_items_only: bool = False,
) -> dict[str, Any]:
    view = agenda.view(db, course, target, display_tz, group_items_only=group_items_only)
    entries = view["entries"]
    owners: dict[str, list[dict[str, Any]]] = {}
    for item in view["action_items"]:
        owners.setdefault(item["owner"] or "", []).append(item)
    previous = sessions.previous_held(db, target)
    following = sessions.planned_after(db, target)
    next_line: dict[str, Any] | None = None
    if following is not None:
        upcoming = agenda.entries_of(db, following)
        next_line = {
            "session": following.number,
            "local_start": session_dict(course, following)["local_start"],
            "lectures": [
                {
                    "label": e.lecture_label,
                    "title": e.lecture_title,
                    "kind": e.lecture_kind.value,
                    "part": f"{e.part}/{e.parts}" if e.part is not None else None,
                }
                for e in upcoming
                if e.kind == EntryKind.LECTURE and e.lecture_id is not None
            ],
            "presenters": [
                e.presenter for e in upcoming if e.kind == EntryKind.TALK and e.talk_id is not None
            ],
        }
    document: dict[str, Any] = view | {
        "course": {"slug": course.slug, "title": course.title, "url": course.url},
        "watch": [
            {
                "label": e["lecture"],
                "title": e["title"],
                "kind": e["lecture_kind"],
                "part": e["part"],
                "video_minutes": e["video_minutes"],
                "url": e["url"],
                "optional": e["optional"],
            }
            for e in entries
            if e["kind"] == "lecture"
        ],
        "talks": [
            {
                "talk_id": e["talk_id"],
                "presenter": e["presenter"],
                "presenters": e["presenters"],
                "title": e["title"],
                "url": e["url"],
                "minutes": e["minutes"],
                "start": e["start"],
                "postponed": e["postponed"],
                "postponed_from": e["postponed_from"],
            }
            for e in entries
            if e["kind"] == "talk"
        ],
        "items_by_owner": [
            {"owner": owner or None, "items": items}
            for owner, items in sorted(owners.items(), key=lambda kv: (kv[0] == "", kv[0]))
        ],
        "previous": {
            "session": previous.number,
            "present": attendance.present_count(db, previous),
        }
        if previous is not None
        else None,
        "next": next_line,
        "poll": polls.open_for(db, course),
    }
    if target.status is SessionStatus.HELD:
        # a past session's page shows what happened, not the plan or today's schedule
        who = attendance.view(db, target)
        document |= {
            "happened": {
                "covered": [e for e in document["watch"] if _done(entries, e)],
                "not_covered": [e for e in document["watch"] if not _done(entries, e)],
                "talks_given": [t for t in document["talks"] if _talk_done(entries, t["talk_id"])],
                "present": who["present"],
                "absent": who["absent"],
                "excused": who["excused"],
            },
            "next": None,
        }
    return document


def _done(entries: list[dict[str, Any]], lecture: dict[str, Any]) -> bool:
    return any(
        e["done"]
        for e in entries
        if e["kind"] == "lecture"
        and e["lecture"] == lecture["label"]
        and e["part"] == lecture["part"]
    )


def _talk_done(entries: list[dict[str, Any]], talk_id: int) -> bool:
    return any(e["done"] for e in entries if e["talk_id"] == talk_id)


def calendar_document(
    db: Connection, course: CourseRow, only: SessionRow | None = None
) -> dict[str, Any]:
    """Every session of a course (or `only` one, for a reminder's attachment) with a stable
    UID, its revision (SEQUENCE), its call link and a short agenda summary. Two queries
    (sessions, then the lecture and talk entries of all of them), whatever the length."""
    import uuid  # only the calendar needs it

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
        .select_from(agenda.ENTRY_SUBJECTS)
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
            lines[entry.session_id]["talks"].append(f"{entry.presenter}: {entry.talk_title}")
    events: list[dict[str, Any]] = []
    for current in every:
        shown = session_dict(course, current)
        parts = []
        if shown["call_url"] or shown["call_note"]:
            parts.append(call_line(shown["call_url"], shown["call_note"]))
        if current.status is not SessionStatus.CANCELLED:
            found = lines[current.id]
            if found["lectures"]:
                parts.append("Lectures: " + "; ".join(found["lectures"]))
            if found["talks"]:
                parts.append("Talks: " + "; ".join(found["talks"]))
        key = f"studygroup:{course.slug}:{course.created_at.isoformat()}:{current.id}"
        events.append(
            {
                "uid": f"{uuid.uuid5(uuid.NAMESPACE_URL, key)}@studygroup",
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
        },
        "events": events,
    }


def recap_document(
    db: Connection, course: CourseRow, target: SessionRow, *, names: bool = False
) -> dict[str, Any]:
    """What a call was: what was covered and what moved on, the talks given (with links and
    presenters), attendance (a count; the names with `names`), the notes, the decisions
    (polls closed since it started), and the items made and finished. A session that is not
    closed yet says so, with what was planned."""
    doc = agenda_document(db, course, target)
    closed = target.status is SessionStatus.HELD
    following = sessions.planned_after(db, target)
    start = target.starts_at
    until = following.starts_at if following is not None else None
    who = attendance.view(db, target)
    made = [
        i
        for i in items.item_rows(db, action_items.c.created_session_id == target.id)
        if i["status"] != "dropped"
    ]
    finished_where = [
        action_items.c.course_id == course.id,
        action_items.c.status == ItemStatus.DONE,
        action_items.c.closed_at >= start,
    ]
    if until is not None:
        finished_where.append(action_items.c.closed_at < until)
    # the decisions made at or before this call: polls closed since the call before it, up to
    # this one's end (never one closed later)
    earlier = sessions.previous_held(db, target)
    ended = target.starts_at + timedelta(minutes=target.minutes)
    since = earlier.starts_at + timedelta(minutes=earlier.minutes) if earlier is not None else None
    decided = [
        p for p in polls.closed_between(db, since, ended) if p["course"] in (None, course.slug)
    ]
    happened = doc.get("happened") or {}
    from studygroup import rollover

    moved = (
        rollover.moved_on(db, target)
        if target.status is not SessionStatus.PLANNED
        else {"talks": [], "items": []}
    )
    return {
        "course": doc["course"],
        "session": doc["session"],
        "closed": closed,
        "covered": happened.get("covered", []) if closed else [],
        "moved_on": happened.get("not_covered", []) if closed else [],
        "moved_to": following.number if following is not None else None,
        "talks_moved_on": moved["talks"],
        "items_carried": moved["items"],
        "planned": [] if closed else doc["watch"],
        "talks_given": happened.get("talks_given", []) if closed else [],
        "talks_planned": [] if closed else doc["talks"],
        "attendance": {
            "present": len(who["present"]),
            "absent": len(who["absent"]),
            "excused": len(who["excused"]),
        }
        | ({"names": who["present"]} if names else {}),
        "notes": target.notes,
        "decisions": decided,
        "items_new": made,
        "items_finished": items.item_rows(db, *finished_where),
    }
