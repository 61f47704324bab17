"""Real processes at once against one database: nobody sees an error, no update is lost."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import CLI, SCRIPT


def _spawn(db: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "STUDYGROUP_DB": db}
    return subprocess.Popen(
        [SCRIPT, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "mon", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    for n in range(16):
        run("member", "add", f"Member {n:02d}")
    run("session", "plan", "--from", "2026-11-02", "--weeks", "2")
    run("item", "add", "Homework", "--owner", "Member 00", "--due", "1")
    return run


def test_two_simultaneous_closes_one_wins_items_carried_once(group: CLI, db: str) -> None:
    procs = [_spawn(db, "session", "close", "1") for _ in range(2)]
    results = [
        (p.wait(timeout=60), p.stdout.read(), p.stderr.read())  # type: ignore[union-attr]
        for p in procs
    ]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, _, err in results if code == 1)
    assert loser.startswith("Error: session 1 is already closed") and "Traceback" not in loser
    items = group.json("item", "list")
    assert [(i["carried"], i["due_session"]) for i in items] == [(1, 2)]


def test_sixteen_writers_at_once_lose_nothing(group: CLI, db: str) -> None:
    procs = []
    for n in range(7):  # 16 processes: 7 record attendance, 7 add items, 2 plan sessions
        procs.append(_spawn(db, "attend", "1", f"Member {n:02d}"))
        procs.append(_spawn(db, "item", "add", f"Item from {n}", "--due", "1"))
    for _ in range(2):
        procs.append(_spawn(db, "session", "plan", "--from", "2026-11-02", "--weeks", "4"))
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()  # type: ignore[union-attr]
    present = group.json("attendance", "1")["present"]
    assert present == [f"Member {n:02d}" for n in range(7)]
    texts = {i["text"] for i in group.json("item", "list")}
    assert texts == {"Homework"} | {f"Item from {n}" for n in range(7)}
    out = subprocess.run(
        [SCRIPT, "--db", db, "session", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert [s["number"] for s in json.loads(out.stdout)] == [1, 2, 3, 4]  # none twice


def test_racing_closes_with_no_ref_close_the_session_that_just_happened_once(
    group: CLI, db: str
) -> None:
    """Organisers who each run `session close` right after the call: the first closes it, and
    every other one is refused, because the next session has not started."""
    env = {**os.environ, "STUDYGROUP_DB": db, "STUDYGROUP_TEST_NOW": "2026-11-02T20:00:00+00:00"}
    procs = [
        subprocess.Popen(
            [SCRIPT, "session", "close"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert sorted(code for code, _ in results) == [0, 1, 1, 1], results
    refusals = {err for code, err in results if code == 1}
    assert refusals == {
        "Error: session 2 starts Mon 09 Nov 18:00 UTC; it cannot be closed before it starts\n"
    }
    statuses = [s["status"] for s in group.json("session", "list", "--all")]
    assert statuses == ["held", "planned"]


def test_two_undos_at_once_never_undo_one_entry_twice(group: CLI, db: str) -> None:
    group("item", "add", "First", "--due", "1")
    group("item", "add", "Second", "--due", "1")
    newest = group.json("log", "--limit", "1")[0]["id"]
    # the same entry named by both: one undoes it, the other is refused
    procs = [_spawn(db, "undo", str(newest)) for _ in range(2)]
    results = [(p.wait(timeout=60), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert sorted(code for code, _ in results) == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert loser.startswith(f"Error: entry {newest} was already undone by entry")
    # no entry named: each undoes the newest that is left, so two different entries
    procs = [_spawn(db, "undo") for _ in range(2)]
    assert all(p.wait(timeout=60) == 0 for p in procs), [p.stderr.read() for p in procs]  # type: ignore[union-attr]
    entries = group.json("log", "--limit", "50")
    undone = [e["undoes"] for e in entries if e["undoes"] is not None]
    assert len(undone) == len(set(undone)) == 3
    # Second, then First and the group's Homework: each undone once
    assert group.json("item", "list", "--all") == []
