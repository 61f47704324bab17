"""The agenda planner: which lectures and talks each planned session of a course takes.

Pure: the planned sessions, their pinned (manually edited) entries, the lecture units, the
talks and the open items come in; each session's ordered entries come out. The rule, as the
README gives it, session by session in time order:

1. an intro (unless one is pinned);
2. lecture units carried over from held sessions, all of them;
3. the next uncovered units in course order while they fit the pace (see rules.pace), at
   least one per session;
4. talks postponed to the session, most-postponed first; then talks scheduled to it; both in
   queue order (first come, first served). With a cap (`max_talks`), the talks over it wait,
   first in line at the next session;
5. an action-item review when items are open, and a wrap-up;
6. queued talks, in queue order, while they fit the session's minutes and the cap; the first
   that does not fit stops the queue (a later, shorter talk does not jump it), except a talk
   longer than any session can give (`talk_limit`), which is passed over, never blocking;
7. pinned entries keep their positions; everything is numbered 1, 2, ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from studygroup.rules.pace import History, Unit, UnitKey, fits, split
from studygroup.rules.queue import queue_order, talk_limit
from studygroup.store.enums import EntryKind, TalkStatus
from studygroup.store.rows import LectureRow

ACTIONS_MINUTES = 5


class Times(NamedTuple):
    """A course's agenda settings, in minutes; and how many talks a session takes at most."""

    pace: int
    intro: int
    discussion: int
    wrapup: int
    max_talks: int | None = None


class Entry(NamedTuple):
    """One agenda entry: planned (id None) or an existing pinned one (with its id)."""

    kind: EntryKind
    minutes: int
    position: int = 0
    lecture_id: int | None = None
    part: int | None = None
    parts: int | None = None
    talk_id: int | None = None
    done: bool = False
    pinned: bool = False
    id: int | None = None


class Talk(NamedTuple):
    id: int
    status: TalkStatus
    minutes: int
    times_postponed: int
    requested_on: date
    created_at: datetime
    presenters: frozenset[int] = frozenset()  # member ids: the presenter and co-presenters


class Slot(NamedTuple):
    """A planned session: its id, its minutes, and what is already fixed in it."""

    id: int
    minutes: int
    pinned: Sequence[Entry] = ()
    talks: Sequence[Talk] = ()  # scheduled, postponed or done at this session
    open_items: int = 0
    excused: frozenset[int] = frozenset()  # members excused from this session ahead


@dataclass
class _Course:
    times: Times
    units: Sequence[Unit]
    lectures: Mapping[int, LectureRow]
    history: History
    pinned_units: set[UnitKey]
    assigned: set[UnitKey] = field(default_factory=set)
    placed: set[int] = field(default_factory=set)
    # talks due at an earlier session that its cap left out: first in line at the next one
    waiting: list[Talk] = field(default_factory=list)


def plan(
    times: Times,
    slots: Sequence[Slot],
    units: Sequence[Unit],
    lectures: Mapping[int, LectureRow],
    history: History,
    queued: Sequence[Talk],
) -> dict[int, list[Entry]]:
    """Every planned session's agenda, in order; `slots` in time order, `queued` the talks
    waiting with no session."""
    state = _Course(
        times,
        units,
        lectures,
        history,
        pinned_units={
            (e.lecture_id, e.part)
            for s in slots
            for e in s.pinned
            if e.kind is EntryKind.LECTURE and e.lecture_id is not None
        },
    )
    waiting = sorted(queued, key=queue_order)
    return {slot.id: _plan_one(state, slot, waiting) for slot in slots}


def _plan_one(state: _Course, slot: Slot, queued: Sequence[Talk]) -> list[Entry]:
    times = state.times
    keep = list(slot.pinned)
    pinned_kinds = {e.kind for e in keep}
    pinned_talks = {e.talk_id for e in keep if e.talk_id is not None}

    head: list[Entry] = []
    if EntryKind.INTRO not in pinned_kinds:
        head.append(Entry(EntryKind.INTRO, times.intro))

    def lecture_entry(unit: Unit) -> Entry:
        state.assigned.add(unit.key)
        return Entry(
            EntryKind.LECTURE,
            times.discussion,
            lecture_id=unit.lecture.id,
            part=unit.part,
            parts=unit.parts,
        )

    used, have_lecture = 0, False
    for entry in keep:
        if (
            entry.kind is EntryKind.LECTURE
            and entry.lecture_id is not None
            and entry.lecture_id in state.lectures
        ):
            parts = split(state.lectures[entry.lecture_id], times.pace)
            match = [u for u in parts if u.part == entry.part] or parts[:1]
            used += match[0].minutes
            have_lecture = True
    free = [
        u
        for u in state.units
        if u.key not in state.history.done
        and u.key not in state.assigned
        and u.key not in state.pinned_units
    ]
    for unit in free:
        if unit.key in state.history.carried:
            head.append(lecture_entry(unit))
            used += unit.minutes
            have_lecture = True
    for unit in free:
        if unit.key in state.assigned:
            continue
        if not fits(used, unit.minutes, times.pace, have_lecture):
            break
        head.append(lecture_entry(unit))
        used += unit.minutes
        have_lecture = True

    left_over, state.waiting = state.waiting, []
    postponed = left_over + sorted(
        (t for t in slot.talks if t.status is TalkStatus.POSTPONED and t.id not in pinned_talks),
        key=lambda t: (-t.times_postponed, *queue_order(t)),
    )
    # a talk already marked done at this session keeps its slot among the scheduled ones
    scheduled = sorted(
        (
            t
            for t in slot.talks
            if t.status in (TalkStatus.SCHEDULED, TalkStatus.DONE) and t.id not in pinned_talks
        ),
        key=queue_order,
    )
    cap = times.max_talks
    count = sum(1 for e in keep if e.kind is EntryKind.TALK)
    for talk in (*postponed, *scheduled):
        if talk.status is TalkStatus.POSTPONED and talk.presenters & slot.excused:
            state.waiting.append(talk)  # its presenter is away: first in line the week after
            continue
        if cap is not None and count >= cap and talk.status is not TalkStatus.DONE:
            state.waiting.append(talk)  # over the cap: first in line next time
            continue
        count += 1
        head.append(
            Entry(
                EntryKind.TALK, talk.minutes, talk_id=talk.id, done=talk.status is TalkStatus.DONE
            )
        )
        state.placed.add(talk.id)

    tail: list[Entry] = []
    if slot.open_items and EntryKind.ACTIONS not in pinned_kinds:
        tail.append(Entry(EntryKind.ACTIONS, ACTIONS_MINUTES))
    if EntryKind.WRAP_UP not in pinned_kinds:
        tail.append(Entry(EntryKind.WRAP_UP, times.wrapup))

    total = sum(e.minutes for e in (*head, *tail, *keep))
    longest = talk_limit(slot.minutes, times.intro, times.wrapup, times.discussion)
    for talk in queued:
        if talk.id in state.placed or talk.id in pinned_talks:
            continue
        if cap is not None and count >= cap:
            break
        if talk.minutes > longest:
            continue  # it could never fit: it does not block the queue (the agenda says so)
        if talk.presenters & slot.excused:
            continue  # its presenter is away that week: it keeps its place for the next
        if total + talk.minutes > slot.minutes:
            break  # first come, first served: a later, shorter talk does not jump the queue
        head.append(Entry(EntryKind.TALK, talk.minutes, talk_id=talk.id))
        state.placed.add(talk.id)
        total += talk.minutes
        count += 1

    ordered = head + tail
    for entry in sorted(keep, key=lambda e: e.position):
        at = min(max(entry.position - 1, 0), len(ordered))
        if entry.kind is EntryKind.LECTURE:
            # a pinned lecture stays before the talks (and after the intro), however many
            # lectures the planner gave the session around it
            first_talk = next(
                (i for i, e in enumerate(ordered) if e.kind is EntryKind.TALK), len(ordered)
            )
            intro = next((i + 1 for i, e in enumerate(ordered) if e.kind is EntryKind.INTRO), 0)
            at = max(min(at, first_talk), intro)
        ordered.insert(at, entry)
    return [entry._replace(position=position) for position, entry in enumerate(ordered, 1)]
