"""Talks and action items through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import CLI


@pytest.fixture
def group(run: CLI) -> CLI:
    run(
        "course",
        "add",
        "c",
        "Course",
        "--weekday",
        "thu",
        "--time",
        "18:00",
        "--tz",
        "Asia/Kolkata",
    )
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    for name in ("Ada", "Bob"):
        run("member", "add", name)
    run("session", "plan", "--from", "2026-12-03", "--weeks", "2")
    return run


def test_talk_lifecycle(group: CLI) -> None:
    group("talk", "add", "Ada", "Queued talk", "--url", "https://example.org/slides")
    assert group.json("talk", "list", "--queue") == [
        {
            "id": 1,
            "title": "Queued talk",
            "presenter": "Ada",
            "minutes": 25,
            "status": "queued",
            "session": None,
            "postponed": 0,
            "postponed_from": None,
            "url": "https://example.org/slides",
            "requested": group.json("talk", "list")[0]["requested"],
            "on_hold": False,
            "planned": 1,  # queued, and on session 1's agenda
        }
    ]
    group("talk", "schedule", "1", "--session", "2")
    assert group.json("talk", "list")[0]["status"] == "scheduled"
    assert group.json("talk", "list")[0]["session"] == 2
    group("talk", "postpone", "1")
    talk = group.json("talk", "list")[0]
    assert (talk["status"], talk["session"], talk["postponed"]) == ("postponed", 3, 1)
    group("talk", "withdraw", "1")
    assert group.json("talk", "list") == []
    everything = group.json("talk", "list", "--all")
    assert [t["status"] for t in everything] == ["withdrawn"]  # kept on record
    assert group("talk", "done", "1", code=1).stderr == "Error: talk 1 is withdrawn\n"
    assert group("talk", "done", "9", code=1).stderr == "Error: c has no talk 9\n"


def test_a_queued_talk_is_done_at_the_session_that_took_it(group: CLI) -> None:
    group("talk", "add", "Bob", "Short one", "--minutes", "10")
    group("talk", "done", "1")
    assert group.json("talk", "list", "--all")[0]["session"] == 1


def test_archived_member_cannot_get_new_talks(group: CLI) -> None:
    group("member", "archive", "Bob")
    assert group("talk", "add", "Bob", "X", code=1).stderr == (
        "Error: Bob is archived; restore them before adding a talk\n"
    )


def test_item_lifecycle(group: CLI) -> None:
    group("item", "add", "Finish labs 6-7", "--owner", "Ada", "--due", "1")
    group("item", "add", "Watch lecture 2", "--due", "2")
    group("item", "add", "Group thing", "--due", "1")
    items = group.json("item", "list")
    assert [(i["id"], i["owner"], i["due_session"], i["status"], i["carried"]) for i in items] == [
        (1, "Ada", 1, "open", 0),
        (2, None, 2, "open", 0),
        (3, None, 1, "open", 0),
    ]
    assert [i["id"] for i in group.json("item", "list", "--owner", "ada")] == [1]
    assert [i["id"] for i in group.json("item", "list", "--session", "2")] == [2]
    group("item", "done", "1")
    group("item", "drop", "3")
    assert [i["id"] for i in group.json("item", "list")] == [2]
    assert [i["status"] for i in group.json("item", "list", "--all")] == ["done", "open", "dropped"]
    assert group("item", "done", "1", code=1).stderr == "Error: item 1 is already done\n"
    group("item", "reopen", "3")
    group("item", "assign", "3", "bob")
    group("item", "edit", "3", "Group thing, now Bob's")
    third = group.json("item", "list")[1]
    assert (third["owner"], third["text"], third["status"]) == (
        "Bob",
        "Group thing, now Bob's",
        "open",
    )
    group("item", "assign", "3", "everyone")
    assert group.json("item", "list")[1]["owner"] is None


def test_item_errors_write_nothing(group: CLI, snapshot: object) -> None:
    before = snapshot()  # type: ignore[operator]
    assert group("item", "add", "Bad\ntext", code=1).stderr == (
        "Error: item text must not contain control characters or line breaks\n"
    )
    assert group("item", "add", "x", "--owner", "Zed", code=1).stderr.startswith(
        "Error: no member 'Zed'"
    )
    assert group("item", "done", "1", "77", code=1).stderr == ("Error: c has no action item 1\n")
    assert snapshot() == before  # type: ignore[operator]


def test_item_show_and_due(group: CLI, snapshot: Callable[[], Any]) -> None:
    group("item", "add", "Read the paper", "--owner", "Ada", "--due", "1")
    group("item", "due", "1", "2")
    shown = group.json("item", "show", "1")
    assert {k: shown[k] for k in ("text", "owner", "status", "carried", "due_session")} == {
        "text": "Read the paper",
        "owner": "Ada",
        "status": "open",
        "carried": 0,  # a new plan, not a carry
        "due_session": 2,
    }
    assert shown["due_date"] == "2026-12-10" and shown["closed_at"] is None
    text = group("item", "show", "1").stdout
    assert "Due:     session 2 (2026-12-10)" in text and "Owner:   Ada" in text
    group("session", "close", "1")
    before = snapshot()
    assert group("item", "due", "1", "1", code=1).stderr == (
        "Error: session 1 is held, and an item due there would never be shown or carried; "
        "the next planned session is 2 (Thu 10 Dec)\n"
    )
    group("item", "done", "1")
    done = snapshot()
    assert group("item", "due", "1", "2", code=1).stderr == (
        "Error: item 1 is done; reopen it first\n"
    )
    assert snapshot() == done != before
    assert group("item", "show", "9", code=1).stderr == "Error: c has no action item 9\n"


def test_talk_show_and_edit(group: CLI, snapshot: Callable[[], Any]) -> None:
    group("talk", "add", "Ada", "Transformers", "--minutes", "20")
    group("talk", "add", "Bob", "Diffusion", "--minutes", "25")
    group(
        "talk",
        "edit",
        "1",
        "--minutes",
        "30",
        "--url",
        "https://example.org/s",
        "--presenter",
        "Bob",
    )
    shown = group.json("talk", "show", "1")
    assert {k: shown[k] for k in ("title", "presenter", "minutes", "url", "status")} == {
        "title": "Transformers",
        "presenter": "Bob",
        "minutes": 30,
        "url": "https://example.org/s",
        "status": "queued",
    }
    assert [t["id"] for t in group.json("talk", "list", "--queue")] == [1, 2]  # its place stays
    assert "Presenter: Bob" in group("talk", "show", "1").stdout
    group("talk", "edit", "1", "--url", "")
    assert group.json("talk", "show", "1")["url"] is None
    before = snapshot()
    assert group("talk", "edit", "1", code=2).stderr.endswith(
        "Error: give --title, --minutes, --url or --presenter\n"
    )
    assert group("talk", "edit", "1", "--title", "", code=1).stderr == (
        "Error: talk title must not be empty\n"
    )
    assert group("talk", "edit", "9", "--title", "x", code=1).stderr == "Error: c has no talk 9\n"
    assert snapshot() == before
