"""History is never destroyed: archiving keeps it, and hard deletes refuse while it exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import CLI


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("member", "add", "Ada")
    run("member", "add", "Bob")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "2")
    run("talk", "add", "Ada", "Talk", "--session", "1")
    run("talk", "done", "1")
    run("item", "add", "Homework", "--owner", "Ada", "--due", "1")
    run("attend", "1", "Ada", "Bob")
    run("session", "close")
    return run


def test_an_archived_member_keeps_their_history(group: CLI) -> None:
    group("member", "archive", "Ada")
    assert group.json("attendance", "1")["present"] == ["Ada", "Bob"]
    assert group.json("talk", "list", "--all")[0]["presenter"] == "Ada"
    assert group.json("item", "list")[0]["owner"] == "Ada"
    assert "Ada" not in [m["name"] for m in group.json("stats")["members"]]


def test_cancelling_dropping_and_withdrawing_keep_the_record(group: CLI) -> None:
    group("talk", "add", "Bob", "Later", "--session", "2")
    group("talk", "withdraw", "2")
    group("item", "drop", "1")
    group("session", "cancel", "2")
    assert [t["status"] for t in group.json("talk", "list", "--all")] == ["done", "withdrawn"]
    assert [i["status"] for i in group.json("item", "list", "--all")] == ["dropped"]
    assert [s["status"] for s in group.json("session", "list", "--all")][:2] == [
        "held",
        "cancelled",
    ]


def test_hard_delete_needs_force_and_a_confirmation(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    group("member", "add", "Typo")
    before = snapshot()
    assert group("member", "delete", "Typo", code=1).stderr == (
        "Error: deleting member Typo is permanent: add --force to confirm\n"
    )
    declined = group("member", "delete", "Typo", "--force", input="n\n", code=1)
    assert declined.stderr.endswith("Error: not deleted\n")
    assert snapshot() == before
    group("member", "delete", "Typo", "--force", input="y\n")
    assert [m["name"] for m in group.json("member", "list")] == ["Ada", "Bob"]


def test_hard_delete_refuses_while_history_depends_on_the_row(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    assert group("member", "delete", "Ada", "--force", input="y\n", code=1).stderr.endswith(
        "Error: Ada has history (1 attendance record, 1 talk, 1 action item); archive "
        "them instead with 'studygroup member archive'\n"
    )
    assert group("lecture", "delete", "c", "1", "--force", input="y\n", code=1).stderr.endswith(
        "Error: lecture 1 is part of 1 past agenda entry; skip it instead with "
        "'studygroup lecture skip'\n"
    )
    assert group("course", "delete", "c", "--force", input="y\n", code=1).stderr.endswith(
        "Error: course c has history (2 sessions, 1 talk, 1 action item); archive it "
        "instead with 'studygroup course edit c --status archived'\n"
    )
    assert snapshot() == before


def test_deleting_a_fresh_course_and_lecture(run: CLI) -> None:
    run("course", "add", "typo", "Typo", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "typo", "1", "One")
    run("lecture", "add", "typo", "2", "Two")
    run("lecture", "delete", "typo", "2", "--force", input="y\n")
    assert [x["label"] for x in run.json("lecture", "list", "typo")] == ["1"]
    run("course", "delete", "typo", "--force", input="y\n")
    assert run.json("course", "list", "--all") == []
