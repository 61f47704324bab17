"""The record of a call: `session notes` from an argument, a file or $EDITOR."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("session", "plan", "--from", "2027-02-16", "--weeks", "2")  # both before now (1 Mar)
    return run


def editor(tmp_path: Path, body: str) -> dict[str, str]:
    """An $EDITOR that writes `body` into the file it is given, as a person would."""
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{body}' > \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {"EDITOR": str(script), "VISUAL": str(script)}


def test_notes_from_an_argument_a_file_and_the_editor(group: CLI, tmp_path: Path) -> None:
    group("session", "notes", "1", "Covered lecture 1.\nSlides: https://example.org/s")
    assert group.json("session", "show", "1")["session"]["notes"] == (
        "Covered lecture 1.\nSlides: https://example.org/s"
    )
    shown = group("session", "show", "1").stdout
    assert shown.endswith("Notes:\n  Covered lecture 1.\n  Slides: https://example.org/s\n")
    minutes = tmp_path / "minutes.md"
    minutes.write_text("# Week 2\r\n\r\n- Akash presented\r\n")
    group("session", "notes", "2", "--file", str(minutes))
    assert group.json("session", "show", "2")["session"]["notes"] == (
        "# Week 2\n\n- Akash presented"
    )
    group("session", "notes", env=editor(tmp_path, "Written in the editor"))
    # no REF: the latest session that has started, session 2
    assert group.json("session", "show", "2")["session"]["notes"] == "Written in the editor"
    group("session", "notes", "2", "--clear")
    assert group.json("session", "show", "2")["session"]["notes"] is None


def test_bad_notes_write_nothing(group: CLI, tmp_path: Path, snapshot: Callable[[], Any]) -> None:
    before = snapshot()
    empty = group("session", "notes", "1", env=editor(tmp_path, "   "), code=1)
    assert empty.stderr == "Error: no notes written: the editor's buffer was empty\n"
    control = group("session", "notes", "1", "bell\x07here", code=1)
    assert control.stderr == (
        "Error: session notes must not contain control characters other than newlines and tabs\n"
    )
    both = group("session", "notes", "1", "x", "--clear", code=2)
    assert "give TEXT, --file or --clear, not more than one" in both.stderr
    assert snapshot() == before
