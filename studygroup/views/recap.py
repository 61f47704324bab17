"""The recap of a call as a typed document, for render/recap.py."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection

from studygroup import attendance, items, polls, rollover, sessions
from studygroup.render.documents import MovedOn, RecapAttendance, RecapDocument
from studygroup.store.enums import ItemStatus, SessionStatus
from studygroup.store.rows import CourseRow, SessionRow
from studygroup.store.schema import action_items
from studygroup.views.agenda import agenda_document


def recap_document(
    db: Connection, course: CourseRow, target: SessionRow, *, names: bool = False
) -> RecapDocument:
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
    happened = doc.get("happened")
    moved: MovedOn = (
        rollover.moved_on(db, target)
        if target.status is not SessionStatus.PLANNED
        else {"talks": [], "items": []}
    )
    attended: RecapAttendance = {
        "present": len(who["present"]),
        "absent": len(who["absent"]),
        "excused": len(who["excused"]),
    }
    if names:
        attended["names"] = who["present"]
    return {
        "course": doc["course"],
        "session": doc["session"],
        "closed": closed,
        "covered": happened["covered"] if closed and happened else [],
        "moved_on": happened["not_covered"] if closed and happened else [],
        "moved_to": following.number if following is not None else None,
        "talks_moved_on": moved["talks"],
        "items_carried": moved["items"],
        "planned": [] if closed else doc["watch"],
        "talks_given": happened["talks_given"] if closed and happened else [],
        "talks_planned": [] if closed else doc["talks"],
        "attendance": attended,
        "notes": target.notes,
        "decisions": decided,
        "items_new": made,
        "items_finished": items.item_rows(db, *finished_where),
    }
