"""The timed agenda: the planner and manual edits (ORM). The agenda view is in views.py.

Planning order for a session (see the README): intro; lecture parts carried over from held
sessions; the next uncovered parts in course order up to the course's pace; talks (postponed,
most-postponed first; then scheduled; then queued, first come first served, while they fit);
a review of open action items; a wrap-up. Pinned (manually edited) entries are kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from studygroup import planning, schedule
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.models import (
    ActionItem,
    AgendaEntry,
    Course,
    EntryKind,
    ItemStatus,
    Lecture,
    SessionStatus,
    StudySession,
    Talk,
    TalkStatus,
)
from studygroup.store import schema
from studygroup.store.schema import LectureRow, SessionRow
from studygroup.views import (
    History,
    Unit,
    UnitKey,
    course_units,
    fcfs,
    lecture_history,
    lectures_of,
    split,
)

ACTIONS_MINUTES = 5


def replan_course(session: Session, course: Course, reset: StudySession | None = None) -> None:
    """Re-plan every planned session of the course, in time order, keeping pinned entries
    (except in `reset`, whose manual edits are dropped)."""
    session.flush()  # pending edits first: the bulk statements below bypass the unit of work
    planned = schedule.planned_sessions(session, course)
    if not planned:
        return
    lectures = lectures_of(session, course)
    units = course_units(lectures, course.pace_minutes)
    by_lecture: dict[int, LectureRow] = {lec.id: lec for lec in lectures}
    history = lecture_history(session, course)
    ids = [s.id for s in planned]

    entries: dict[int, list[AgendaEntry]] = defaultdict(list)
    for entry in session.scalars(
        select(AgendaEntry)
        .where(AgendaEntry.session_id.in_(ids))
        .order_by(AgendaEntry.session_id, AgendaEntry.position)
    ):
        entries[entry.session_id].append(entry)
    if reset is not None:
        for entry in entries.get(reset.id, []):
            entry.pinned = False
    # the derived (unpinned) entries go in one statement; the planner writes them anew
    stale = [e for group in entries.values() for e in group if not e.pinned]
    if stale:
        entries_table = schema.agenda_entries
        session.execute(delete(entries_table).where(
            entries_table.c.id.in_([e.id for e in stale])))
        for entry in stale:
            session.expunge(entry)
        for sid in list(entries):
            entries[sid] = [e for e in entries[sid] if e.pinned]
    pinned_units = {
        (e.lecture_id, e.part)
        for group in entries.values()
        for e in group
        if e.pinned and e.kind is EntryKind.LECTURE and e.lecture_id is not None
    }

    talks_for: dict[int, list[Talk]] = defaultdict(list)
    for talk in session.scalars(
        select(Talk).where(
            Talk.session_id.in_(ids),
            Talk.status.in_([TalkStatus.SCHEDULED, TalkStatus.POSTPONED, TalkStatus.DONE]),
        )
    ):
        assert talk.session_id is not None
        talks_for[talk.session_id].append(talk)
    queued = sorted(
        session.scalars(
            select(Talk).where(
                Talk.course_id == course.id,
                Talk.status == TalkStatus.QUEUED,
                Talk.session_id.is_(None),
            )
        ),
        key=fcfs,
    )
    due_counts: dict[int | None, int] = defaultdict(int)
    for due_id in session.scalars(
        select(ActionItem.due_session_id).where(
            ActionItem.course_id == course.id,
            ActionItem.status == ItemStatus.OPEN,
            or_(ActionItem.due_session_id.in_(ids), ActionItem.due_session_id.is_(None)),
        )
    ):
        due_counts[due_id] += 1

    assigned: set[UnitKey] = set()
    placed: set[int] = set()
    new_rows: list[dict[str, Any]] = []
    for index, current in enumerate(planned):
        open_items = due_counts[current.id] + (due_counts[None] if index == 0 else 0)
        _plan_session(
            session, course, current, entries.get(current.id, []), units, by_lecture,
            history, pinned_units, assigned, talks_for[current.id], queued, placed, open_items,
            new_rows,
        )
    if new_rows:  # every planned entry of every session, in one statement
        session.execute(insert(schema.agenda_entries), new_rows)
    session.flush()


def _plan_session(
    session: Session,
    course: Course,
    current: SessionRow,
    existing: list[AgendaEntry],
    units: Sequence[Unit],
    by_lecture: dict[int, LectureRow],
    history: History,
    pinned_units: set[UnitKey],
    assigned: set[UnitKey],
    talks: list[Talk],
    queued: list[Talk],
    placed: set[int],
    open_items: int,
    new_rows: list[dict[str, Any]],
) -> None:
    keep = existing  # only pinned entries are left (replan_course removed the others)
    pinned_kinds = {e.kind for e in keep}
    pinned_talks = {e.talk_id for e in keep if e.talk_id is not None}
    pace = course.pace_minutes

    head: list[AgendaEntry] = []
    if EntryKind.INTRO not in pinned_kinds:
        head.append(AgendaEntry(kind=EntryKind.INTRO, minutes=course.intro_minutes))

    def lecture_entry(unit: Unit) -> AgendaEntry:
        assigned.add(unit.key)
        return AgendaEntry(
            kind=EntryKind.LECTURE, minutes=course.discussion_minutes,
            lecture_id=unit.lecture.id, part=unit.part, parts=unit.parts,
        )

    used = 0
    have_lecture = False
    for entry in keep:
        if entry.kind is EntryKind.LECTURE and entry.lecture_id in by_lecture:
            lecture = by_lecture[entry.lecture_id]
            parts = split(lecture, pace)
            match = [u for u in parts if u.part == entry.part] or parts[:1]
            used += match[0].minutes
            have_lecture = True
    free = [u for u in units if u.key not in history.done and u.key not in assigned
            and u.key not in pinned_units]
    for unit in free:
        if unit.key in history.carried:
            head.append(lecture_entry(unit))
            used += unit.minutes
            have_lecture = True
    for unit in free:
        if unit.key in assigned:
            continue
        if have_lecture and used + unit.minutes > pace:
            break
        head.append(lecture_entry(unit))
        used += unit.minutes
        have_lecture = True

    postponed = sorted(
        (t for t in talks if t.status is TalkStatus.POSTPONED and t.id not in pinned_talks),
        key=lambda t: (-t.times_postponed, *fcfs(t)),
    )
    # a talk already marked done at this session keeps its slot among the scheduled ones
    scheduled = sorted(
        (t for t in talks
         if t.status in (TalkStatus.SCHEDULED, TalkStatus.DONE) and t.id not in pinned_talks),
        key=fcfs,
    )
    for talk in (*postponed, *scheduled):
        head.append(AgendaEntry(kind=EntryKind.TALK, minutes=talk.minutes, talk_id=talk.id,
                                done=talk.status is TalkStatus.DONE))
        placed.add(talk.id)

    tail: list[AgendaEntry] = []
    if open_items and EntryKind.ACTIONS not in pinned_kinds:
        tail.append(AgendaEntry(kind=EntryKind.ACTIONS, minutes=ACTIONS_MINUTES))
    if EntryKind.WRAP_UP not in pinned_kinds:
        tail.append(AgendaEntry(kind=EntryKind.WRAP_UP, minutes=course.wrapup_minutes))

    total = sum(e.minutes for e in (*head, *tail, *keep))
    for talk in queued:
        if talk.id in placed or talk.id in pinned_talks:
            continue
        if total + talk.minutes > current.minutes:
            break  # first come, first served: a later, shorter talk does not jump the queue
        head.append(AgendaEntry(kind=EntryKind.TALK, minutes=talk.minutes, talk_id=talk.id))
        placed.add(talk.id)
        total += talk.minutes

    ordered = head + tail
    for entry in sorted(keep, key=lambda e: e.position):
        ordered.insert(min(max(entry.position - 1, 0), len(ordered)), entry)
    for position, entry in enumerate(ordered, start=1):
        entry.position = position
        if entry.id is None:  # a planned entry: written in one bulk statement below
            new_rows.append({
                "session_id": current.id, "kind": entry.kind, "position": position,
                "minutes": entry.minutes, "title": entry.title, "lecture_id": entry.lecture_id,
                "part": entry.part, "parts": entry.parts, "talk_id": entry.talk_id,
                "pinned": False, "done": bool(entry.done),
            })


# -- manual edits -------------------------------------------------------------------------------


def _require_planned(target: StudySession) -> None:
    schedule.require_planned(target, "only a planned session's agenda can change")


def replan(session: Session, course: Course, target: StudySession, reset: bool) -> None:
    """`agenda plan`: re-plan from this planned session on (dropping its manual edits if
    `reset`)."""
    schedule.require_planned(target, "only planned sessions are planned")
    replan_course(session, course, reset=target if reset else None)


def entries_of(session: Session, target: StudySession) -> list[AgendaEntry]:
    return list(
        session.scalars(
            select(AgendaEntry)
            .where(AgendaEntry.session_id == target.id)
            .order_by(AgendaEntry.position)
            .options(
                selectinload(AgendaEntry.lecture),
                selectinload(AgendaEntry.talk).selectinload(Talk.presenter),
            )
        )
    )


def _entry_at(session: Session, target: StudySession, position: int) -> AgendaEntry:
    for entry in entries_of(session, target):
        if entry.position == position:
            return entry
    raise NotFound(f"session {target.number}'s agenda has no entry {position}")


def add_lecture(
    session: Session, course: Course, target: StudySession, lecture: Lecture, part: int | None
) -> AgendaEntry:
    """Put a lecture (or one part of it) on a session's agenda, pinned; optional lectures too."""
    _require_planned(target)
    units = split(lecture, course.pace_minutes)
    if part is None:
        unit = units[0]
    else:
        matches = [u for u in units if u.part == part]
        if not matches:
            raise Invalid(f"lecture {lecture.label} has {len(units)} part(s), not part {part}")
        unit = matches[0]
    if unit.key in lecture_history(session, course).done:
        raise Conflict(f"lecture {lecture.label} {_part_text(unit.part, unit.parts)}was covered "
                       "already".replace("  ", " "))
    # take it off any other planned session's agenda where it was pinned
    for entry in session.scalars(
        select(AgendaEntry)
        .join(StudySession, AgendaEntry.session_id == StudySession.id)
        .where(
            StudySession.course_id == course.id,
            StudySession.status == SessionStatus.PLANNED,
            AgendaEntry.lecture_id == lecture.id,
            AgendaEntry.part == unit.part if unit.part is not None else AgendaEntry.part.is_(None),
            AgendaEntry.pinned.is_(True),
        )
    ):
        session.delete(entry)
    existing = entries_of(session, target)
    lecture_positions = [e.position for e in existing if e.kind is EntryKind.LECTURE]
    position = (max(lecture_positions) + 1) if lecture_positions else 2
    entry = AgendaEntry(
        session_id=target.id, kind=EntryKind.LECTURE, minutes=course.discussion_minutes,
        lecture_id=lecture.id, part=unit.part, parts=unit.parts, pinned=True, position=position,
    )
    session.add(entry)
    session.flush()
    replan_course(session, course)
    return entry


def _part_text(part: int | None, parts: int | None) -> str:
    return f"part {part}/{parts} " if part is not None else ""


def remove_entry(session: Session, course: Course, target: StudySession, position: int) -> str:
    """Take a lecture or talk off this session: it moves to the next session, pinned there."""
    _require_planned(target)
    entry = _entry_at(session, target, position)
    if entry.kind is EntryKind.LECTURE:
        assert entry.lecture is not None
        following, _ = planning.ensure_after(session, course, target)
        described = f"lecture {entry.lecture.label} {_part_text(entry.part, entry.parts)}".strip()
        lecture_id, part, parts = entry.lecture_id, entry.part, entry.parts
        session.delete(entry)
        session.flush()
        session.add(AgendaEntry(
            session_id=following.id, kind=EntryKind.LECTURE, minutes=course.discussion_minutes,
            lecture_id=lecture_id, part=part, parts=parts, pinned=True, position=2,
        ))
        session.flush()
        replan_course(session, course)
        return f"{described} moved to session {following.number}"
    if entry.kind is EntryKind.TALK:
        assert entry.talk is not None
        talk = entry.talk
        following, _ = planning.ensure_after(session, course, target)
        session.delete(entry)
        talk.session_id = following.id
        if talk.status is TalkStatus.QUEUED:
            talk.status = TalkStatus.SCHEDULED
        session.flush()
        replan_course(session, course)
        return f"talk {talk.id} moved to session {following.number}"
    raise Invalid(f"entry {position} is the {entry.kind.value}; change its minutes instead")


def move_entry(
    session: Session, course: Course, target: StudySession, position: int, to: int
) -> None:
    _require_planned(target)
    existing = entries_of(session, target)
    entry = _entry_at(session, target, position)
    if not 1 <= to <= len(existing):
        raise Invalid(f"position must be between 1 and {len(existing)}, not {to}")
    existing.remove(entry)
    existing.insert(to - 1, entry)
    for index, item in enumerate(existing, start=1):
        item.position = index
    entry.pinned = True
    session.flush()
    replan_course(session, course)


def set_minutes(
    session: Session, course: Course, target: StudySession, position: int, minutes: int
) -> None:
    _require_planned(target)
    entry = _entry_at(session, target, position)
    entry.minutes = minutes
    entry.pinned = True
    session.flush()
    replan_course(session, course)
