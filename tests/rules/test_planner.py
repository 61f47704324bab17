"""The agenda planner, directly: sessions, pinned entries, units and talks in; agendas out
(rules/planner.py). No database: every case is a table of plain values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from studygroup.rules import planner
from studygroup.rules.pace import History, course_units
from studygroup.store.enums import EntryKind, TalkStatus

TIMES = planner.Times(pace=120, intro=5, discussion=15, wrapup=5)
NO_HISTORY = History(done=set(), carried=set())


def lectures(*minutes: int | None) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(id=n, label=str(n), video_minutes=m, optional=False, skipped=False)
        for n, m in enumerate(minutes, start=1)
    ]


def talk(
    talk_id: int,
    minutes: int,
    status: TalkStatus = TalkStatus.QUEUED,
    *,
    postponed: int = 0,
    requested: int = 1,
) -> planner.Talk:
    return planner.Talk(
        talk_id,
        status,
        minutes,
        postponed,
        date(2026, 11, requested),
        datetime(2026, 11, requested, tzinfo=UTC),
    )


def run(
    slots: list[planner.Slot],
    found: list[SimpleNamespace],
    history: History = NO_HISTORY,
    queued: list[planner.Talk] | None = None,
) -> dict[int, list[str]]:
    """Each session's agenda as short words: I intro, L1 lecture 1 (L3.2 part 2), T7 talk 7,
    A action items, W wrap-up."""
    plan = planner.plan(
        TIMES,
        slots,
        course_units(found, TIMES.pace),  # type: ignore[arg-type]
        {lec.id: lec for lec in found},
        history,
        queued or [],
    )  # type: ignore[misc]
    words = {EntryKind.INTRO: "I", EntryKind.ACTIONS: "A", EntryKind.WRAP_UP: "W"}
    out: dict[int, list[str]] = {}
    for session_id, entries in plan.items():
        assert [e.position for e in entries] == list(range(1, len(entries) + 1))
        out[session_id] = [
            f"L{e.lecture_id}" + (f".{e.part}" if e.part else "")
            if e.kind is EntryKind.LECTURE
            else f"T{e.talk_id}"
            if e.kind is EntryKind.TALK
            else words[e.kind]
            for e in entries
        ]
    return out


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        # lectures fill the pace in course order; a session always takes one
        ((50, 60, 30), {1: ["I", "L1", "L2", "W"], 2: ["I", "L3", "W"]}),
        # a lecture longer than the pace runs over consecutive sessions, part by part
        ((200, 30), {1: ["I", "L1.1", "W"], 2: ["I", "L1.2", "W"]}),
        # a lecture with no video length counts as the whole pace
        ((None, 10), {1: ["I", "L1", "W"], 2: ["I", "L2", "W"]}),
    ],
)
def test_lectures_are_packed_by_the_pace(
    minutes: tuple[int | None, ...], expected: dict[int, list[str]]
) -> None:
    assert run([planner.Slot(1, 90), planner.Slot(2, 90)], lectures(*minutes)) == expected


def test_carried_and_covered_units() -> None:
    found = lectures(60, 60, 60)
    history = History(done={(1, None)}, carried={(2, None)})
    # lecture 1 was covered; lecture 2 was planned and not covered: it comes first, then the
    # pace is already full
    assert run([planner.Slot(1, 90)], found, history) == {1: ["I", "L2", "L3", "W"]}


def test_talks_postponed_first_then_scheduled_then_the_queue_while_it_fits() -> None:
    slot = planner.Slot(
        1,
        90,
        talks=[
            talk(1, 20, TalkStatus.SCHEDULED, requested=1),
            talk(2, 20, TalkStatus.POSTPONED, postponed=1, requested=3),
            talk(3, 10, TalkStatus.POSTPONED, postponed=2, requested=5),
        ],
    )
    queued = [talk(5, 40, requested=2), talk(4, 5, requested=1), talk(6, 5, requested=9)]
    # 5 + 15 + 10 + 20 + 20 + 5 = 75 planned: talk 4 (5 min) fits, talk 5 (40) does not, and
    # talk 6 does not jump the queue although it would fit
    assert run([slot], lectures(60), queued=queued) == {1: ["I", "L1", "T3", "T2", "T1", "T4", "W"]}


def test_open_items_add_a_review_and_pinned_entries_keep_their_place() -> None:
    pinned = [planner.Entry(EntryKind.LECTURE, 15, position=2, lecture_id=2, pinned=True, id=50)]
    slots = [planner.Slot(1, 90, pinned=pinned, open_items=2), planner.Slot(2, 90)]
    plan = run(slots, lectures(100, 100, 100))
    # lecture 2 is pinned to session 1 and already fills its pace; lecture 1 goes next
    assert plan == {1: ["I", "L2", "A", "W"], 2: ["I", "L1", "W"]}


def test_a_pinned_entry_is_returned_with_its_id() -> None:
    pinned = [planner.Entry(EntryKind.WRAP_UP, 10, position=1, pinned=True, id=7)]
    plan = planner.plan(TIMES, [planner.Slot(1, 90, pinned=pinned)], [], {}, NO_HISTORY, [])
    assert [(e.kind, e.id, e.position) for e in plan[1]] == [
        (EntryKind.WRAP_UP, 7, 1),
        (EntryKind.INTRO, None, 2),
    ]


def test_a_talk_whose_presenter_is_excused_waits_for_the_week_after() -> None:
    # talk 1 postponed to session 10, talk 2 queued; the presenter of both (member 7) is
    # excused from session 10, so the week takes neither and the next takes both, the
    # postponed one first; a talk by someone else (talk 3) is not held back
    away = talk(1, 10, TalkStatus.POSTPONED, postponed=1)._replace(presenters=frozenset({7}))
    queued = [
        talk(2, 10, requested=2)._replace(presenters=frozenset({7, 8})),
        talk(3, 10, requested=3)._replace(presenters=frozenset({9})),
    ]
    slots = [
        planner.Slot(10, 90, talks=[away], excused=frozenset({7})),
        planner.Slot(11, 90),
    ]
    assert run(slots, lectures(), queued=queued) == {
        10: ["I", "T3", "W"],
        11: ["I", "T1", "T2", "W"],
    }


def test_a_pinned_lecture_stays_before_the_talks() -> None:
    # lecture 2 pinned at position 4 when lectures ran to 3; now it fills the pace itself, so
    # the planner gives the session no other lecture and position 4 would fall after the
    # talk and the wrap-up: it goes before the talk instead
    pinned = planner.Entry(EntryKind.LECTURE, 15, position=4, lecture_id=2, pinned=True, id=99)
    slot = planner.Slot(1, 90, pinned=[pinned], talks=[talk(7, 10, TalkStatus.SCHEDULED)])
    assert run([slot], lectures(100, 100)) == {1: ["I", "L2", "T7", "W"]}
