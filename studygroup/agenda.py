"""The timed agenda of a session: planning it, editing it by hand, and the agenda view.

The planning rule itself is rules.planner (pure); this module reads what it needs, runs it
for every planned session of a course, and writes the result in a fixed number of
statements. Commands never call the planner: before the commit, `settle` re-plans once each
course whose plan inputs the transaction changed, as its journal entry records them
(store/changes.py), and writes only the sessions whose plan came out different.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, bindparam, delete, func, insert, or_, select, update

from studygroup import courses, sessions
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.rules.pace import History, course_units, split
from studygroup.store import changes
from studygroup.store.enums import (
    AttendanceStatus,
    EntryKind,
    ItemStatus,
    SessionStatus,
    TalkStatus,
)
from studygroup.store.rows import CourseRow, EntryRow, SessionRow, Values
from studygroup.store.schema import (
    action_items,
    agenda_entries,
    attendance,
    lectures,
    members,
    talk_copresenters,
    talks,
)
from studygroup.store.schema import courses as courses_table
from studygroup.store.schema import sessions as sessions_table

if TYPE_CHECKING:
    from studygroup.rules import planner

# An agenda entry with what it is about: its lecture, its talk and the talk's presenter. The
# one join behind the agenda view and the calendar's event descriptions.
ENTRY_SUBJECTS = (
    agenda_entries.outerjoin(lectures, agenda_entries.c.lecture_id == lectures.c.id)
    .outerjoin(talks, agenda_entries.c.talk_id == talks.c.id)
    .outerjoin(members, talks.c.presenter_id == members.c.id)
)


def lecture_history(db: Connection, course: CourseRow) -> History:
    """Which lecture units held sessions covered (and those covered before studygroup), and
    which they left uncovered."""
    rows = db.execute(
        select(agenda_entries.c.lecture_id, agenda_entries.c.part, agenda_entries.c.done)
        .join(sessions_table, agenda_entries.c.session_id == sessions_table.c.id)
        .where(
            sessions_table.c.course_id == course.id,
            sessions_table.c.status == SessionStatus.HELD,
            agenda_entries.c.kind == EntryKind.LECTURE,
        )
    ).all()
    done = {(lid, part) for lid, part, is_done in rows if is_done and lid is not None}
    seen = {(lid, part) for lid, part, _ in rows if lid is not None}
    # lectures covered before the group used studygroup count as done, every part of them
    for lecture in db.execute(
        select(lectures).where(lectures.c.course_id == course.id, lectures.c.covered_before)
    ):
        done.update(unit.key for unit in split(lecture, course.pace_minutes))
    return History(done=done, carried=seen - done)


# -- planning -----------------------------------------------------------------------------------


def settle(db: Connection) -> None:
    """Re-plan, once each, the courses this transaction changed since it last settled (see
    store.db.write); the re-plan's own rows are settled with them."""
    for course_id in changes.changed_courses(db):
        course = db.execute(select(courses_table).where(courses_table.c.id == course_id)).first()
        if course is not None:
            replan(db, course)
    changes.mark_settled(db)


def _talk(row: Any, others: dict[int, set[int]]) -> planner.Talk:
    from studygroup.rules import planner

    return planner.Talk(
        row.id,
        row.status,
        row.minutes,
        row.times_postponed,
        row.requested_on,
        row.created_at,
        frozenset({row.presenter_id, *others.get(row.id, ())}),
    )


def replan(db: Connection, course: CourseRow) -> None:
    """Re-plan every planned session of the course, in time order, keeping pinned entries.
    A fixed number of statements, however many sessions and entries."""
    from studygroup.rules import planner  # write commands only: reads never import it

    planned = sessions.planned(db, course)
    if not planned:
        return
    course_lectures = courses.lectures_of(db, course)
    ids = [s.id for s in planned]
    pinned: dict[int, list[planner.Entry]] = defaultdict(list)
    for e in db.execute(
        select(agenda_entries)
        .where(agenda_entries.c.session_id.in_(ids), agenda_entries.c.pinned.is_(True))
        .order_by(agenda_entries.c.session_id, agenda_entries.c.position)
    ):
        pinned[e.session_id].append(
            planner.Entry(
                e.kind,
                e.minutes,
                e.position,
                e.lecture_id,
                e.part,
                e.parts,
                e.talk_id,
                e.done,
                True,
                e.id,
            )
        )
    # who is excused ahead from each planned session, and who gives each open talk: a talk
    # whose presenter is away is not planned into that week
    excused: dict[int, set[int]] = defaultdict(set)
    for session_id, member_id in db.execute(
        select(attendance.c.session_id, attendance.c.member_id).where(
            attendance.c.session_id.in_(ids), attendance.c.status == AttendanceStatus.EXCUSED
        )
    ):
        excused[session_id].add(member_id)
    others: dict[int, set[int]] = defaultdict(set)
    if excused:
        for talk_id, member_id in db.execute(
            select(talk_copresenters.c.talk_id, talk_copresenters.c.member_id)
            .join(talks, talks.c.id == talk_copresenters.c.talk_id)
            .where(
                talks.c.course_id == course.id,
                talks.c.status.in_([TalkStatus.QUEUED, TalkStatus.SCHEDULED, TalkStatus.POSTPONED]),
            )
        ):
            others[talk_id].add(member_id)
    talks_at: dict[int, list[planner.Talk]] = defaultdict(list)
    for talk in db.execute(
        select(talks).where(
            talks.c.session_id.in_(ids),
            talks.c.status.in_([TalkStatus.SCHEDULED, TalkStatus.POSTPONED, TalkStatus.DONE]),
            talks.c.on_hold.is_(False) | (talks.c.status == TalkStatus.DONE),
        )
    ):
        talks_at[talk.session_id].append(_talk(talk, others))
    queued = [
        _talk(t, others)
        for t in db.execute(
            select(talks).where(
                talks.c.course_id == course.id,
                talks.c.status == TalkStatus.QUEUED,
                talks.c.session_id.is_(None),
                talks.c.on_hold.is_(False),  # on hold: its place kept, not planned
            )
        )
    ]
    due: dict[int | None, int] = defaultdict(int)
    due.update(
        db.execute(
            select(action_items.c.due_session_id, func.count())
            .where(
                action_items.c.course_id == course.id,
                action_items.c.status == ItemStatus.OPEN,
                or_(
                    action_items.c.due_session_id.in_(ids),
                    action_items.c.due_session_id.is_(None),
                ),
            )
            .group_by(action_items.c.due_session_id)
        ).all()
    )
    slots = [
        planner.Slot(
            s.id,
            s.minutes,
            pinned.get(s.id, ()),
            talks_at.get(s.id, ()),
            due[s.id] + (due[None] if index == 0 else 0),
            frozenset(excused.get(s.id, ())),
        )
        for index, s in enumerate(planned)
    ]
    times = planner.Times(
        course.pace_minutes,
        course.intro_minutes,
        course.discussion_minutes,
        course.wrapup_minutes,
        course.max_talks,
    )
    plan = planner.plan(
        times,
        slots,
        course_units(course_lectures, course.pace_minutes),
        {lec.id: lec for lec in course_lectures},
        lecture_history(db, course),
        queued,
    )

    # the derived (unpinned) entries of a session are written anew only where its plan came
    # out different: one delete, one insert, one update in all, and an unchanged session
    # keeps its rows (so the journal holds only what changed, and undo finds no false clash)
    derived = [
        agenda_entries.c.kind,
        agenda_entries.c.position,
        agenda_entries.c.minutes,
        agenda_entries.c.lecture_id,
        agenda_entries.c.part,
        agenda_entries.c.parts,
        agenda_entries.c.talk_id,
        agenda_entries.c.done,
    ]
    stored: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in db.execute(
        select(agenda_entries.c.session_id, *derived)
        .where(agenda_entries.c.session_id.in_(ids), agenda_entries.c.pinned.is_(False))
        .order_by(agenda_entries.c.session_id, agenda_entries.c.position)
    ):
        stored[row[0]].append(tuple(row[1:]))
    old_positions = {e.id: e.position for group in pinned.values() for e in group}
    moved: list[Values] = []
    new_rows: list[Values] = []
    stale: list[int] = []
    for session_id, entries in plan.items():
        fresh = []
        for entry in entries:
            if entry.id is not None:
                if old_positions[entry.id] != entry.position:
                    moved.append({"b_id": entry.id, "b_position": entry.position})
                continue
            fresh.append(entry)
        wanted = [
            (
                e.kind,
                e.position,
                e.minutes,
                e.lecture_id,
                e.part,
                e.parts,
                e.talk_id,
                e.done,
            )
            for e in fresh
        ]
        if wanted == stored.get(session_id, []):
            continue
        stale.append(session_id)
        new_rows.extend(
            {
                "session_id": session_id,
                "kind": entry.kind,
                "position": entry.position,
                "minutes": entry.minutes,
                "title": None,
                "lecture_id": entry.lecture_id,
                "part": entry.part,
                "parts": entry.parts,
                "talk_id": entry.talk_id,
                "pinned": False,
                "done": entry.done,
            }
            for entry in fresh
        )
    if stale:
        db.execute(
            delete(agenda_entries).where(
                agenda_entries.c.session_id.in_(stale), agenda_entries.c.pinned.is_(False)
            )
        )
    if moved:
        db.execute(
            update(agenda_entries)
            .where(agenda_entries.c.id == bindparam("b_id"))
            .values(position=bindparam("b_position")),
            moved,
        )
    if new_rows:
        db.execute(insert(agenda_entries), new_rows)


def plan_again(db: Connection, course: CourseRow, target: SessionRow, reset: bool) -> None:
    """`agenda plan`: re-plan from this planned session on; `reset` drops its manual edits.
    The one command whose work is to re-plan: it re-plans even when no input changed (a
    newer studygroup may plan differently), and writes only the sessions that come out
    different."""
    sessions.require_planned(target, "only planned sessions are planned")
    if reset:
        db.execute(
            update(agenda_entries)
            .where(agenda_entries.c.session_id == target.id)
            .values(pinned=False)
        )
    replan(db, course)


# -- manual edits -------------------------------------------------------------------------------


def _require_planned(target: SessionRow) -> None:
    sessions.require_planned(target, "only a planned session's agenda can change")


def entries_of(db: Connection, target: SessionRow) -> list[EntryRow]:
    """A session's agenda entries in order, each with its lecture and talk (and presenter)
    joined in: one statement."""
    return entries_of_many(db, [target.id])[target.id]


def entries_of_many(db: Connection, session_ids: Sequence[int]) -> dict[int, list[EntryRow]]:
    """`entries_of` for several sessions at once (every one of them a key): one statement."""
    out: dict[int, list[EntryRow]] = {session_id: [] for session_id in session_ids}
    if out:
        for entry in db.execute(
            _ENTRIES.where(agenda_entries.c.session_id.in_(list(out))).order_by(
                agenda_entries.c.session_id, agenda_entries.c.position
            )
        ):
            out[entry.session_id].append(entry)
    return out


_ENTRIES = select(
    agenda_entries,
    lectures.c.label.label("lecture_label"),
    lectures.c.title.label("lecture_title"),
    lectures.c.kind.label("lecture_kind"),
    lectures.c.optional.label("lecture_optional"),
    lectures.c.skipped.label("lecture_skipped"),
    lectures.c.video_minutes.label("lecture_video_minutes"),
    lectures.c.url.label("lecture_url"),
    talks.c.title.label("talk_title"),
    talks.c.url.label("talk_url"),
    talks.c.status.label("talk_status"),
    talks.c.times_postponed.label("talk_postponed"),
    talks.c.postponed_from_id.label("talk_postponed_from_id"),
    members.c.name.label("presenter"),
).select_from(ENTRY_SUBJECTS)


def _entry_at(db: Connection, target: SessionRow, position: int) -> EntryRow:
    for entry in entries_of(db, target):
        if entry.position == position:
            return entry
    raise NotFound(f"session {target.number}'s agenda has no entry {position}")


def _part_text(part: int | None, parts: int | None) -> str:
    return f"part {part}/{parts} " if part is not None else ""


def pin_lecture(
    db: Connection, course: CourseRow, target: SessionRow, label: str, part: int | None
) -> list[Moved]:
    """Put a lecture (or one part of it) on a session's agenda, pinned; optional lectures too.
    The lectures it pushed out of that session, and where they went."""
    _require_planned(target)
    lecture = courses.get_lecture(db, course, label)
    units = split(lecture, course.pace_minutes)
    if part is None:
        unit = units[0]
    else:
        matches = [u for u in units if u.part == part]
        if not matches:
            raise Invalid(f"lecture {lecture.label} has {len(units)} part(s), not part {part}")
        unit = matches[0]
    if unit.key in lecture_history(db, course).done:
        raise Conflict(
            f"lecture {lecture.label} {_part_text(unit.part, unit.parts)}was covered "
            "already".replace("  ", " ")
        )
    # take it off any other planned session's agenda where it was pinned
    planned = select(sessions_table.c.id).where(
        sessions_table.c.course_id == course.id, sessions_table.c.status == SessionStatus.PLANNED
    )
    db.execute(
        delete(agenda_entries).where(
            agenda_entries.c.session_id.in_(planned),
            agenda_entries.c.lecture_id == lecture.id,
            agenda_entries.c.part == unit.part
            if unit.part is not None
            else agenda_entries.c.part.is_(None),
            agenda_entries.c.pinned.is_(True),
        )
    )
    lecture_positions = [e.position for e in entries_of(db, target) if e.kind is EntryKind.LECTURE]
    position = (max(lecture_positions) + 1) if lecture_positions else 2
    before = _placement(db, course)
    _pin_lecture_entry(db, course, target.id, lecture.id, unit.part, unit.parts, position)
    replan(db, course)  # now, to say what it pushed out (the commit's settle finds no change)
    after = _placement(db, course)
    moved = []
    for key, (name, number) in before.items():
        now = after[key][1] if key in after else None
        if number == target.number and key != unit.key and now != number:
            moved.append(Moved(name, now))
    return moved


class Moved(NamedTuple):
    """A lecture a manual change pushed out of its session, and where it went."""

    lecture: str  # '10' or '10 part 2/3'
    to: int | None  # the session it is on now; None if on no planned session yet


def planned_lecture_units(db: Connection, course: CourseRow) -> set[tuple[int, int | None]]:
    """The lecture units on the planned sessions' agendas."""
    return set(_placement(db, course))


def _placement(db: Connection, course: CourseRow) -> dict[tuple[int, int | None], tuple[str, int]]:
    """Each lecture unit on a planned agenda: (its name, the session number)."""
    rows = db.execute(
        select(
            agenda_entries.c.lecture_id,
            agenda_entries.c.part,
            agenda_entries.c.parts,
            lectures.c.label,
            sessions_table.c.number,
        )
        .join(sessions_table, agenda_entries.c.session_id == sessions_table.c.id)
        .join(lectures, agenda_entries.c.lecture_id == lectures.c.id)
        .where(
            sessions_table.c.course_id == course.id,
            sessions_table.c.status == SessionStatus.PLANNED,
            agenda_entries.c.kind == EntryKind.LECTURE,
        )
    )
    return {
        (lid, part): (label + (f" part {part}/{parts}" if part is not None else ""), number)
        for lid, part, parts, label, number in rows
    }


def _pin_lecture_entry(
    db: Connection,
    course: CourseRow,
    session_id: int,
    lecture_id: int,
    part: int | None,
    parts: int | None,
    position: int,
) -> None:
    """A lecture (or part) pinned at a position of a session's agenda."""
    db.execute(
        insert(agenda_entries).values(
            session_id=session_id,
            kind=EntryKind.LECTURE,
            minutes=course.discussion_minutes,
            lecture_id=lecture_id,
            part=part,
            parts=parts,
            pinned=True,
            position=position,
        )
    )


def remove_entry(db: Connection, course: CourseRow, target: SessionRow, position: int) -> str:
    """Take a lecture or talk off this session: it moves to the next session, pinned there."""
    _require_planned(target)
    entry = _entry_at(db, target, position)
    if entry.kind is EntryKind.LECTURE and entry.lecture_id is not None:
        following, _ = sessions.following(db, course, target)
        described = f"lecture {entry.lecture_label} {_part_text(entry.part, entry.parts)}"
        db.execute(delete(agenda_entries).where(agenda_entries.c.id == entry.id))
        _pin_lecture_entry(
            db, course, following.id, entry.lecture_id, entry.part, entry.parts, position=2
        )
        return f"{described.strip()} moved to session {following.number}"
    if entry.kind is EntryKind.TALK and entry.talk_id is not None:
        following, _ = sessions.following(db, course, target)
        db.execute(delete(agenda_entries).where(agenda_entries.c.id == entry.id))
        status = (
            TalkStatus.SCHEDULED if entry.talk_status is TalkStatus.QUEUED else entry.talk_status
        )
        db.execute(
            update(talks)
            .where(talks.c.id == entry.talk_id)
            .values(session_id=following.id, status=status)
        )
        return f"talk {entry.talk_id} moved to session {following.number}"
    raise Invalid(
        f"entry {position} is the {EntryKind(entry.kind).value}; change its minutes instead"
    )


def move_entry(
    db: Connection, course: CourseRow, target: SessionRow, position: int, to: int
) -> None:
    """Move an entry to another position in its agenda; it is pinned there."""
    _require_planned(target)
    existing = entries_of(db, target)
    entry = _entry_at(db, target, position)
    if not 1 <= to <= len(existing):
        raise Invalid(f"position must be between 1 and {len(existing)}, not {to}")
    order = [e.id for e in existing if e.id != entry.id]
    order.insert(to - 1, entry.id)
    db.execute(
        update(agenda_entries)
        .where(agenda_entries.c.id == bindparam("b_id"))
        .values(position=bindparam("b_position")),
        [{"b_id": entry_id, "b_position": index} for index, entry_id in enumerate(order, start=1)],
    )
    db.execute(update(agenda_entries).where(agenda_entries.c.id == entry.id).values(pinned=True))


def set_minutes(
    db: Connection, course: CourseRow, target: SessionRow, position: int, minutes: int
) -> None:
    _require_planned(target)
    entry = _entry_at(db, target, position)
    db.execute(
        update(agenda_entries)
        .where(agenda_entries.c.id == entry.id)
        .values(minutes=minutes, pinned=True)
    )
