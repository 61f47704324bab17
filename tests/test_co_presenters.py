"""A talk given by two people: both on the agenda, in their reminders and in stats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Sanyam Bhutani", "--email", "sanyam@example.in")
    run("member", "add", "Akash", "--email", "akash@example.in")
    run("member", "add", "Okafor, Daniel", "--email", "daniel@example.org")
    run("session", "plan", "--from", "2027-03-02", "--weeks", "2")
    return run


def test_a_co_presented_talk_reaches_both_presenters(group: CLI, tmp_path: Path) -> None:
    added = group("talk", "add", "Sanyam, Akash", "Fine-tuning", "--session", "1")
    assert added.stderr == "added talk 1 by Sanyam Bhutani & Akash to session 1\n"
    talk = next(e for e in group.json("agenda", "1")["entries"] if e["kind"] == "talk")
    assert (talk["presenter"], talk["presenters"]) == (
        "Sanyam Bhutani & Akash",
        ["Sanyam Bhutani", "Akash"],
    )
    group("talk", "add", "Okafor, Daniel", "Solo", "--with", "Akash")
    assert group.json("talk", "show", "2")["presenter"] == "Okafor, Daniel & Akash"
    outbox = tmp_path / "outbox"
    group(
        "remind", "--outbox", str(outbox), env={"STUDYGROUP_TEST_NOW": "2027-03-01T09:00:00+00:00"}
    )
    mails = [p.read_text() for p in outbox.iterdir()]
    for address in ("sanyam@example.in", "akash@example.in"):
        mail = next(m for m in mails if address in m)
        assert 'You present "Fine-tuning"' in mail
    group("talk", "done", "1", env={"STUDYGROUP_TEST_NOW": "2027-03-02T19:00:00+00:00"})
    stats = {m["name"]: m["talks_given"] for m in group.json("stats")["members"]}
    assert (stats["Sanyam Bhutani"], stats["Akash"]) == (1, 1)


def test_a_presenter_listed_twice_is_refused(group: CLI, snapshot: Callable[[], Any]) -> None:
    before = snapshot()
    refused = group("talk", "add", "Akash", "Twice", "--with", "akash", code=1)
    assert refused.stderr == "Error: Akash is listed twice as a presenter\n"
    assert snapshot() == before
