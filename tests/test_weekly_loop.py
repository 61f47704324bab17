"""The weekly loop end to end through the CLI: the scenario from the issue, on either database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, domain

SYLLABUS = """label,title,kind,minutes,optional,url
1,Course vision,lecture,40,no,https://example.org/1
9,Guest: ML teams,guest,60,yes,
10,Deployment,lecture,150,no,https://example.org/10
11,Missing video,lecture,30,no,
12,Ethics,lecture,,no,
"""


@pytest.fixture
def course(run: CLI, tmp_path: Path) -> CLI:
    """A course with a skipped lecture, an optional guest lecture and a lecture longer than
    the pace, back-filled from a past date, with three members."""
    syllabus = tmp_path / "syllabus.csv"
    syllabus.write_text(SYLLABUS)
    run(
        "course",
        "add",
        "fsdl",
        "Full Stack Deep Learning",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--pace",
        "120",
        "--minutes",
        "90",
    )
    run("course", "import", "fsdl", str(syllabus))
    run("lecture", "skip", "fsdl", "11")
    for name in ("Ada Lovelace", "Bob Kahn", "Cy Young"):
        run("member", "add", name)
    run("session", "plan", "--from", "2026-10-06", "--weeks", "4")
    return run


def agenda(run: CLI, ref: str = "next") -> dict[str, Any]:
    return run.json("agenda", ref)  # type: ignore[no-any-return]


def lectures(view: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["lecture"], e["part"]) for e in view["entries"] if e["kind"] == "lecture"]


def talks(view: dict[str, Any]) -> list[tuple[str, int]]:
    return [(e["presenter"], e["postponed"]) for e in view["entries"] if e["kind"] == "talk"]


def comparable(dump: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """The recorded state, minus the log itself, closing timestamps and derived entry ids."""
    out = {k: v for k, v in domain(dump).items() if k not in ("rollovers", "rollover_moves")}
    out["sessions"] = [row[:7] for row in dump["sessions"]]  # without closed_at
    out["agenda_entries"] = sorted(row[1:] for row in dump["agenda_entries"])
    return out


def test_the_weekly_scenario(course: CLI, snapshot: Callable[[], Any]) -> None:
    run = course
    sessions = run.json("session", "list", "--all")
    assert [s["number"] for s in sessions] == [1, 2, 3, 4]
    assert sessions[0]["local_start"] == "2026-10-06T18:00:00+01:00"

    first = agenda(run)
    assert first["session"]["number"] == 1
    assert lectures(first) == [("1", None), ("10", "1/2")]
    assert [x["label"] for x in first["optional_lectures"]] == ["9"]
    assert all(e["lecture"] != "11" for e in first["entries"])  # skipped: never planned

    run("talk", "add", "Ada", "Transformers from scratch", "--minutes", "25", "--session", "1")
    run("talk", "add", "bob", "Serving at scale", "--minutes", "20", "--session", "1")
    run("attend", "1", "Ada", "Bob", "--absent", "Cy")
    run("attend", "1", "Cy")  # recorded again: changes the status, no duplicate
    assert run.json("attendance", "1")["present"] == ["Ada Lovelace", "Bob Kahn", "Cy Young"]
    run("item", "add", "Finish labs 6-7", "--owner", "Ada", "--due", "1")
    run("item", "add", "Read the paper", "--due", "1")
    assert [i["text"] for i in agenda(run)["action_items"]] == ["Finish labs 6-7", "Read the paper"]
    run("item", "done", "2")
    run("talk", "done", "1")  # Bob's talk ran out of time

    before_close = snapshot()
    closed = run.json("session", "close")
    assert closed["covered"] == ["1", "10 part 1/2"]
    assert [t["id"] for t in closed["talks_postponed"]] == [2]
    assert [(i["id"], i["carried"]) for i in closed["items_carried"]] == [(1, 1)]
    after_close = snapshot()
    second = agenda(run)
    assert second["session"]["number"] == 2
    assert talks(second)[0] == ("Bob Kahn", 1)  # the postponed talk goes first
    assert ("10", "2/2") in lectures(second)
    assert [(i["text"], i["carried"]) for i in second["action_items"]] == [("Finish labs 6-7", 1)]

    refused = run("session", "close", "1", code=1)
    assert refused.stderr.startswith("Error: session 1 is already closed")
    assert comparable(snapshot()) == comparable(after_close)

    run("session", "reopen", "1")
    assert comparable(snapshot()) == comparable(before_close)
    assert run.json("session", "close") == closed
    assert comparable(snapshot()) == comparable(after_close)
    assert agenda(run) == second


def test_cancelling_a_week_moves_its_content_on(course: CLI) -> None:
    run = course
    run("talk", "add", "Ada", "A talk", "--session", "1")
    run("item", "add", "Homework", "--owner", "Bob", "--due", "1")
    run.json("session", "close", "1", "--done-talk", "1")
    run("talk", "add", "Cy", "Cy's talk", "--session", "2")
    planned_for_2 = lectures(agenda(run, "2"))
    assert planned_for_2 == [("10", "2/2")]
    cancelled = run.json("session", "cancel", "2")
    assert cancelled["next_session"] == 3
    assert run.json("session", "list", "--all")[1]["status"] == "cancelled"
    third = agenda(run)
    assert third["session"]["number"] == 3
    assert lectures(third)[0] == ("10", "2/2")
    assert talks(third) == [("Cy Young", 0)]
    assert [(i["text"], i["carried"]) for i in third["action_items"]] == [("Homework", 1)]
    # uncancel puts it all back
    run("session", "uncancel", "2")
    assert lectures(agenda(run, "2")) == planned_for_2
    assert talks(agenda(run, "2")) == [("Cy Young", 0)]
    assert [i["due_session"] for i in run.json("item", "list")] == [2]


def test_a_session_across_the_october_clock_change_keeps_local_time(course: CLI) -> None:
    sessions = {s["number"]: s for s in course.json("session", "list", "--all")}
    before, after = sessions[3], sessions[4]  # 20 Oct (BST) and 27 Oct (GMT)
    assert before["local_start"] == "2026-10-20T18:00:00+01:00"
    assert before["starts_at"] == "2026-10-20T17:00:00+00:00"
    assert after["local_start"] == "2026-10-27T18:00:00+00:00"
    assert after["starts_at"] == "2026-10-27T18:00:00+00:00"
    assert course.json("agenda", "4")["entries"][0]["start"] == "18:00"


def test_reopen_is_refused_once_the_next_session_is_closed(course: CLI) -> None:
    course("session", "close", "1")
    course("session", "close", "2")
    result = course("session", "reopen", "1", code=1)
    assert result.stderr == "Error: session 2 has been closed since; reopen it first\n"
    course("session", "reopen", "2")
    course("session", "reopen", "1")
    assert [s["status"] for s in course.json("session", "list", "--all")][:2] == [
        "planned",
        "planned",
    ]


def test_reopen_deletes_a_session_that_the_close_created(run: CLI) -> None:
    run("course", "add", "x", "X", "--weekday", "mon", "--time", "09:00", "--tz", "UTC")
    run("lecture", "add", "x", "1", "One", "--minutes", "30")
    run("session", "plan", "--from", "2026-11-02")
    closed = run.json("session", "close")
    assert closed["created_next"] is True and closed["next_session"] == 2
    assert len(run.json("session", "list", "--all")) == 2
    run("session", "reopen")
    assert [s["number"] for s in run.json("session", "list", "--all")] == [1]


def test_items_carried_three_times_are_flagged(course: CLI) -> None:
    course("item", "add", "Finish labs 6-7", "--owner", "Ada", "--due", "1")
    for number in ("1", "2", "3"):
        course("session", "close", number)
    assert course.json("item", "list")[0]["carried"] == 3
    assert "carried ×3 !" in course("item", "list").stdout
    assert "carried ×3 !" in course("agenda").stdout
