"""Who does what in the call: hosts and note-takers, by hand and in turn from the rota."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from studygroup.rules.rota import Candidate, choose, parse_rota
from tests.conftest import CLI


def test_choose_the_least_recent_and_skip_the_unavailable() -> None:
    people = [
        Candidate(1, "Ada", datetime(2027, 1, 5)),
        Candidate(2, "Bob", None),
        Candidate(3, "Cy", datetime(2027, 1, 12)),
    ]
    assert choose(people, set()) == people[1]  # never hosted: first
    assert choose(people, {2}) == people[0]  # then the longest ago
    assert choose(people, {1, 2, 3}) is None
    assert parse_rota(" Notes , HOST ") == "host,notes"
    assert parse_rota("") is None


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    for name in ("Michael", "Priya", "Sanyam"):
        run("member", "add", name, "--email", f"{name.lower()}@example.org")
    return run


def on_rota(run: CLI) -> None:
    for name in ("Michael", "Priya", "Sanyam"):
        run("member", "edit", name, "--rota", "host,notes")


def roles_of(run: CLI, ref: str) -> tuple[str | None, str | None]:
    view = run.json("agenda", ref)
    return view["host"], view["notes_by"]


def test_a_four_week_rota_rotates_fairly_and_skips_the_excused(group: CLI) -> None:
    group("session", "plan", "--from", "2027-03-02", "--weeks", "1")
    group("attend", "1", "--excused", "Michael")  # says ahead he can't come to session 1
    on_rota(group)
    group("session", "plan", "--from", "2027-03-02", "--weeks", "4")
    hosts = [roles_of(group, str(n))[0] for n in range(1, 5)]
    assert hosts[0] != "Michael"
    # everyone hosts once before anyone hosts twice
    assert sorted(hosts[:3]) == ["Michael", "Priya", "Sanyam"]
    assert hosts[3] == hosts[0]
    notes = [roles_of(group, str(n))[1] for n in range(1, 5)]
    assert notes[0] != "Michael" and sorted(notes[:3]) == ["Michael", "Priya", "Sanyam"]


def test_hosts_by_hand_swaps_and_where_roles_are_shown(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    on_rota(group)
    group("member", "edit", "Sanyam", "--rota", "")
    group("session", "plan", "--from", "2027-03-02", "--weeks", "2")
    group("session", "host", "1", "Michael")
    group("session", "host", "2", "Priya")
    group("session", "notes-by", "1", "Sanyam")
    group("session", "swap-host", "1", "Priya")
    assert roles_of(group, "1") == ("Priya", "Sanyam") and roles_of(group, "2")[0] == "Michael"
    assert "Host: Priya · Notes: Sanyam" in group("agenda", "1").stdout
    assert "Host: Priya · Notes: Sanyam" in group("export", "agenda", "1").stdout
    outbox = tmp_path / "outbox"
    group(
        "remind",
        "--outbox",
        str(outbox),
        env={"STUDYGROUP_TEST_NOW": "2027-03-01T09:00:00+00:00"},
    )
    mails = {p.name: p.read_text() for p in outbox.iterdir()}
    priya = next(text for text in mails.values() if "priya@example.org" in text)
    assert "You are hosting this week." in priya
    michael = next(text for text in mails.values() if "michael@example.org" in text)
    assert "You are hosting" not in michael
    group("session", "close", "1", "--early")
    stats = {m["name"]: m for m in group.json("stats")["members"]}
    assert (stats["Priya"]["hosted"], stats["Sanyam"]["took_notes"]) == (1, 1)
    before = snapshot()
    assert group("session", "host", "2", "Zed", code=1).stderr.startswith("Error: no member 'Zed'")
    group("member", "archive", "Sanyam")
    archived = snapshot()
    assert group("session", "notes-by", "2", "Sanyam", code=1).stderr == (
        "Error: Sanyam is archived; restore them first\n"
    )
    assert group("session", "host", "1", "Michael", code=1).stderr == (
        "Error: session 1 is held; only a planned session's host can change\n"
    )
    assert snapshot() == archived != before
    assert (
        "unknown rota role 'chair'"
        in group("member", "edit", "Priya", "--rota", "chair", code=1).stderr
    )
