"""The change journal and `undo`: every write command of the CLI, run once and undone, leaves
the database exactly as before; undoing the undo puts it back exactly as after."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, domain
from tests.test_no_orm import POSTGRESQL_ONLY, _leaves, command_steps

# What undo cannot put back, on purpose: a session's calendar revision only rises (RFC 5545's
# SEQUENCE), so a calendar and a reminded member see the change back; it moves updated_at.
SESSION_REVISION = (10, 11)  # sessions.revision, sessions.updated_at: column positions

# Commands that change nothing the journal tracks, and why.
NOT_JOURNALLED = {
    "remind": "only the reminder log, and a reminder sent is a fact: never undone",
    "undo": "tested on its own: undoing an undo redoes (every step below)",
    "log prune": "removes journal detail only: the group's state is unchanged",
    "db backup": "copies the database; changes nothing in it",
    "db upgrade": "already at head: nothing to do",
    "init": "the database exists already: nothing to do",
    "demo": "writes its own separate demo database",
}


def comparable(dumped: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    state = domain(dumped)
    state["sessions"] = [
        tuple(v for i, v in enumerate(row) if i not in SESSION_REVISION)
        for row in state["sessions"]
    ]
    return state


def newest(run: CLI) -> int | None:
    rows = run.json("log", "--limit", "1")
    return rows[0]["id"] if rows else None


def test_every_write_command_is_undone_exactly_and_redone(
    run: CLI, db: str, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    from studygroup.store.schema import sessions

    names = [c.name for c in sessions.columns]
    assert (names.index("revision"), names.index("updated_at")) == SESSION_REVISION
    undone: set[str] = set()
    quiet: set[str] = set()
    steps = command_steps(tmp_path)
    for index, (name, args, answer) in enumerate(steps):
        if name == "agenda add-lecture":  # and then out again, as the ORM test does
            steps.insert(index + 1, ("agenda remove", ["agenda", "remove", "{guest}"], None))
        if name == "agenda remove":
            entries = run.json("agenda", "1")["entries"]
            position = next(e["position"] for e in entries if e["lecture"] == "9")
            args = ["agenda", "remove", str(position), "--session", "1"]
        if name == "db backup" and not db.endswith(".db"):  # SQLite only (pg_dump otherwise)
            quiet.add(name)
            continue
        if name in ("log prune", "member erase"):  # pruned on purpose: never undone
            run(*args, input=answer)
            quiet.add(name)
            continue
        if args[0] == "--db":  # the demo writes its own database
            run.raw(*args, input=answer)
            quiet.add(name)
            continue
        before = comparable(snapshot())
        last = newest(run) if name != "init" else None
        run(*args, input=answer)
        if name == "init" or newest(run) == last:
            quiet.add(name)
            continue
        after = comparable(snapshot())
        run("undo")
        assert comparable(snapshot()) == before, f"undo of {name}"
        run("undo", str(newest(run)))  # the undo, undone: a redo
        assert comparable(snapshot()) == after, f"redo of {name}"
        undone.add(name)
    # `rsvp fetch` needs an IMAP server; it writes what `rsvp import` writes, and
    # tests/test_rsvp.py undoes an import's answers
    # `group grant`, `group revoke` and `db secure` are PostgreSQL's: test_security.py
    writes = _leaves() - quiet - {"undo", "rsvp fetch", *POSTGRESQL_ONLY}
    assert writes <= undone, writes - undone
    assert set(NOT_JOURNALLED) <= quiet | {"undo", "log prune"}
    assert undone, "nothing was undone"


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
    run("member", "add", "Bob Kahn")
    run("session", "plan", "--from", "2027-01-05", "--weeks", "3")
    return run


def test_an_undo_is_refused_when_a_later_command_changed_the_same_rows(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    group("item", "add", "Read the paper", "--owner", "Ada")
    first = newest(group)
    group("item", "edit", "1", "Read both papers")
    second = newest(group)
    before = snapshot()
    refused = group("undo", str(first), code=1)
    assert refused.stderr == (
        f'Error: entry {second} (studygroup item edit 1 "Read both papers") changed the same '
        "rows since; undo it first, or pass --cascade to undo 1 later entry too, newest first\n"
    )
    assert snapshot() == before
    group("undo", str(first), "--cascade")
    assert group.json("item", "list", "--all") == []
    entries = {e["id"]: e for e in group.json("log")}
    assert entries[first]["undone_by"] == entries[second]["undone_by"] == newest(group)


def test_undo_errors_change_nothing(group: CLI, snapshot: Callable[[], Any]) -> None:
    group("item", "add", "Read the paper")
    entry = newest(group)
    group("undo")
    undo_entry = newest(group)
    before = snapshot()
    assert group("undo", "999", code=1).stderr == (
        "Error: no journal entry 999; see 'studygroup log'\n"
    )
    assert group("undo", str(entry), code=1).stderr == (
        f"Error: entry {entry} was already undone by entry {undo_entry} "
        f"('studygroup undo {undo_entry}' redoes it)\n"
    )
    assert snapshot() == before
    group("log", "prune", "--before", "2999-01-01", "--yes")
    pruned = group("undo", str(undo_entry), code=1)
    assert pruned.stderr == (
        f"Error: entry {undo_entry} was pruned: its rows are gone, so it cannot be undone\n"
    )
    assert all(e["pruned"] for e in group.json("log"))  # the one-line entries stay


def test_log_shows_who_did_what(group: CLI) -> None:
    group("member", "edit", "Ada", "--email", "", env={"STUDYGROUP_USER": "grace"})
    group("item", "add", "Homework", "--owner", "Bob", env={"STUDYGROUP_USER": "alan"})
    entries = group.json("log", "--limit", "2")
    assert [(e["who"], e["command"], e["summary"]) for e in entries] == [
        ("alan", "studygroup item add Homework --owner Bob", "added item 1, due session 4"),
        ("grace", 'studygroup member edit Ada --email ""', "updated member Ada Lovelace"),
    ]
    assert [e["id"] for e in group.json("log", "--member", "Bob")][:1] == [entries[0]["id"]]
    shown = group.json("log", "show", str(entries[1]["id"]))
    assert shown["changes"] == [
        {
            "table": "members",
            "op": "update",
            "row_id": 1,
            "before": shown["changes"][0]["before"],
            "after": shown["changes"][0]["after"],
            "changed": {"email": ["ada@example.org", None]},
        }
    ]
    text = group("log").stdout
    assert "grace" in text and "updated member Ada Lovelace" in text


def test_a_failed_command_and_a_read_leave_no_entry(group: CLI) -> None:
    last = newest(group)
    group("member", "add", "Ada Lovelace", code=1)
    group("agenda")
    group("member", "list")
    assert newest(group) == last


def test_webhook_urls_are_masked_in_the_journal() -> None:
    from studygroup.journal import masked

    assert (
        masked(["studygroup", "remind", "--webhook", "https://hooks.slack.com/services/T/B/secret"])
        == "studygroup remind --webhook ***"
    )
    assert masked(["studygroup", "x", "--webhook=https://discord.com/api/webhooks/1/t"]) == (
        "studygroup x --webhook=***"
    )
    assert masked(["studygroup", "course", "edit", "c", "--url", "https://u:pw@example.org"]) == (
        "studygroup course edit c --url https://u:***@example.org"
    )
    # issue 27, item 2: one masker for every secret a call link can hold
    for typed, stored in (
        ("--call-url=https://user:PASS@zoom.us/j/1", "--call-url=https://user:***@zoom.us/j/1"),
        ("--call-url=https://zoom.us/j/1?pwd=SECRET", "--call-url=https://zoom.us/j/1?pwd=***"),
        (
            "--call-url=https://hooks.slack.com/services/T0/B0/abcdefghijklmnop",
            "--call-url=https://hooks.slack.com/services/T0/B0/***",
        ),
        ("https://u:pa/ss@h.example/x", "https://u:***@h.example/x"),
        ("https://u:pa?ss@h.example/x", "https://u:***@h.example/x"),
        ("https://u:pa#ss@h.example/x", "https://u:***@h.example/x"),
        ("https://u:pa ss@h.example/x", "https://u:***@h.example/x"),
        ("https://x.example/?token=1&key=2&secret=3&sig=4&password=5",
         "https://x.example/?token=***&key=***&secret=***&sig=***&password=***"),
    ):  # fmt: skip
        line = masked(["studygroup", "course", "edit", "c", typed])
        assert line == f"studygroup course edit c {stored}", line
        secrets = ("PASS", "SECRET", "abcdefghijklmnop", "pa/ss", "pa?ss", "pa#ss", "pa ss")
        assert not any(secret in line for secret in secrets), line


def test_undo_restores_ids_and_a_moved_session_gets_a_new_revision(group: CLI) -> None:
    before = group.json("session", "show", "2")["session"]
    group("session", "move", "2", "--to", "2027-01-14 18:00", "--force")
    moved = group.json("session", "show", "2")["session"]
    group("undo")
    back = group.json("session", "show", "2")["session"]
    assert back["starts_at"] == before["starts_at"]
    assert back["revision"] == moved["revision"] + 1 > before["revision"]
    rows = json.loads(json.dumps(group.json("session", "list", "--all")))
    assert [s["number"] for s in rows] == [1, 2, 3]


def test_every_tracked_table_has_its_triggers(
    run: CLI, db: str, engine_for: Callable[[str], Any]
) -> None:
    from studygroup.store import triggers
    from studygroup.store.schema import metadata

    run("init")
    with engine_for(db).connect() as conn:
        tracked = set(triggers.tracked(conn))
        assert triggers.present(conn) == tracked
    assert tracked == set(metadata.tables) - triggers.UNTRACKED
    assert "reminders" not in tracked  # a reminder sent is a fact


def test_a_close_says_what_it_did_in_the_log(group: CLI) -> None:
    group("item", "add", "Homework", "--owner", "Ada", "--due", "1")
    group("session", "close", "1", "--not-covered", "1")
    assert group.json("log", "--limit", "1")[0]["summary"] == (
        "closed session 1: 1 lecture moved on, 1 item carried"
    )


def test_undo_never_deletes_reminders_already_sent(
    run: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    early = {"STUDYGROUP_TEST_NOW": "2027-01-04T09:00:00+00:00"}
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
    run("session", "plan", "--from", "2027-01-05", "--weeks", "1", env=early)
    planned = newest(run)
    run("remind", "--outbox", str(tmp_path / "outbox"), env=early)
    assert newest(run) == planned  # sending makes no entry
    before = snapshot()
    refused = run("undo", str(planned), code=1)
    assert refused.stderr.startswith(f"Error: entry {planned} (studygroup session plan")
    assert "a reminder already sent is a fact" in refused.stderr
    assert snapshot() == before
