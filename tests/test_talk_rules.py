"""Talks that fit the call: a cap per session, talks on hold, and talks too long for any
session, on the planner directly and through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from studygroup.rules import planner
from studygroup.rules.queue import talk_limit
from studygroup.store.enums import EntryKind, TalkStatus
from tests.conftest import CLI


def test_talk_limit() -> None:
    assert talk_limit(90, 5, 5, 15) == 65
    assert talk_limit(60, 5, 5, 15) == 35


def _talk(n: int, status: TalkStatus = TalkStatus.QUEUED, minutes: int = 25) -> planner.Talk:
    return planner.Talk(n, status, minutes, 0, date(2027, 1, n), datetime(2027, 1, n))


def _talks(plan: dict[int, list[planner.Entry]], slot: int) -> list[int | None]:
    return [e.talk_id for e in plan[slot] if e.kind is EntryKind.TALK]


def test_the_cap_holds_across_postponements_and_the_rest_go_first_next_time() -> None:
    times = planner.Times(pace=120, intro=5, discussion=15, wrapup=5, max_talks=2)
    postponed = [_talk(n, TalkStatus.POSTPONED) for n in (1, 2, 3)]
    slots = [planner.Slot(10, 180, talks=postponed), planner.Slot(11, 180)]
    plan = planner.plan(times, slots, [], {}, planner.History(set(), set()), [_talk(4)])
    assert _talks(plan, 10) == [1, 2]
    assert _talks(plan, 11) == [3, 4]  # the one over the cap first, then the queue


def test_an_over_long_talk_never_blocks_the_queue() -> None:
    times = planner.Times(pace=120, intro=5, discussion=15, wrapup=5)
    queued = [_talk(1, minutes=70), _talk(2, minutes=20)]
    plan = planner.plan(
        times, [planner.Slot(10, 90)], [], {}, planner.History(set(), set()), queued
    )
    assert _talks(plan, 10) == [2]


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Sanyam")
    run("member", "add", "Akash")
    run("session", "plan", "--from", "2027-03-02", "--weeks", "3")
    return run


def talks_at(run: CLI, ref: str) -> list[int]:
    return [e["talk_id"] for e in run.json("agenda", ref)["entries"] if e["kind"] == "talk"]


def test_max_talks_holds_through_the_cli(group: CLI) -> None:
    group("course", "edit", "c", "--max-talks", "2")
    for n in range(4):
        group("talk", "add", "Sanyam", f"Talk {n}", "--minutes", "10")
    assert talks_at(group, "1") == [1, 2] and talks_at(group, "2") == [3, 4]
    assert group.json("course", "show", "c")["max_talks"] == 2
    group("course", "edit", "c", "--max-talks", "none")
    assert talks_at(group, "1") == [1, 2, 3, 4]
    assert (
        "--max-talks must be between 1 and 100, not 0"
        in group("course", "edit", "c", "--max-talks", "0", code=2).stderr
    )


def test_a_talk_on_hold_keeps_its_place(group: CLI) -> None:
    for n in range(3):
        group("talk", "add", "Akash", f"Talk {n}", "--minutes", "10")
    group("talk", "hold", "1")
    assert talks_at(group, "1") == [2, 3]
    assert group.json("talk", "show", "1")["on_hold"] is True
    assert group("talk", "hold", "1", code=1).stderr == "Error: talk 1 is already on hold\n"
    group("talk", "resume", "1")
    assert talks_at(group, "1") == [1, 2, 3]  # back in its place, first come first served


def test_an_over_long_talk_is_refused(group: CLI, snapshot: Callable[[], Any]) -> None:
    before = snapshot()
    refused = group("talk", "add", "Sanyam", "Epic", "--minutes", "70", code=1)
    assert refused.stderr == (
        "Error: a 70-minute talk can never fit: a session of c gives a talk at most 65 minutes "
        "(90 less the intro, the wrap-up and one lecture's discussion); split it, or lengthen "
        "the sessions with 'course edit'\n"
    )
    assert snapshot() == before
    group("talk", "add", "Sanyam", "Fine", "--minutes", "60")
    assert group("talk", "edit", "1", "--minutes", "66", code=1).stderr.startswith(
        "Error: a 66-minute talk can never fit"
    )


def test_a_stored_over_long_talk_is_passed_over_with_a_note(group: CLI) -> None:
    group("talk", "add", "Sanyam", "Epic", "--minutes", "60")
    group("talk", "add", "Akash", "Short", "--minutes", "10")
    group("session", "edit", "1", "--minutes", "60")  # now a talk gets at most 35 minutes
    assert talks_at(group, "1") == [2]
    assert (
        "Queued talks that do not fit: #1 Epic (Sanyam, 60 min, longer than any session can "
        "give: at most 35 min)" in group("agenda", "1").stdout
    )


def test_max_talks_holds_across_postponements(group: CLI) -> None:
    group("course", "edit", "c", "--max-talks", "2")
    for n in range(3):
        group("talk", "add", "Sanyam", f"Talk {n}", "--minutes", "10", "--session", "1")
    assert talks_at(group, "1") == [1, 2] and talks_at(group, "2")[:1] == [3]
    group("talk", "done", "1", env={"STUDYGROUP_TEST_NOW": "2027-03-02T19:00:00+00:00"})
    # talk 2 is not given: it is postponed, and with talk 3 waiting the cap still holds
    group("session", "close", "1", env={"STUDYGROUP_TEST_NOW": "2027-03-02T20:00:00+00:00"})
    second = talks_at(group, "2")
    assert len(second) == 2 and set(second) <= {2, 3}
    assert len(talks_at(group, "3")) <= 2
