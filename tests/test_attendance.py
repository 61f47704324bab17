"""Attendance by hand and from Zoom participant reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI


@pytest.fixture(autouse=True)
def during_session_1(monkeypatch: pytest.MonkeyPatch) -> None:
    """Attendance is recorded during or just after the call: session 1, Sat 7 Nov 17:00."""
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-07T18:00:00+00:00")


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
    run("member", "add", "Bob Kahn")
    run("member", "add", "Cy Young", "--email", "cy@example.org")
    run("session", "plan", "--from", "2026-11-07", "--weeks", "2")
    return run


def test_attend_is_idempotent(group: CLI) -> None:
    group("attend", "Ada", "Bob", "--absent", "Cy")
    group("attend", "1", "--excused", "Cy")
    group("attend", "ada lovelace")
    view = group.json("attendance", "1")
    assert view == {
        "session": 1,
        "status": "planned",
        "present": ["Ada Lovelace", "Bob Kahn"],
        "absent": [],
        "excused": ["Cy Young"],
        "counts": {"present": 2, "absent": 0, "excused": 1},
    }
    assert "2 present, 0 absent, 1 excused" in group("attendance", "1").stdout


def test_unknown_or_contradictory_names_write_nothing(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    assert group("attend", "Ada", "Zed", code=1).stderr == (
        "Error: no member 'Zed'; see 'studygroup member list'\n"
    )
    assert group("attend", "Ada", "--absent", "Ada", code=1).stderr == (
        "Error: Ada Lovelace is listed as both present and absent\n"
    )
    assert group("attend", code=2).stderr.endswith("Error: name at least one member\n")
    assert snapshot() == before


ZOOM = """Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Study group,11/07/2026 05:00:00 PM,11/07/2026 06:30:00 PM,host@example.org,90,5

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Ada L (Ada Lovelace),ADA@example.org,11/07/2026 05:00:10 PM,11/07/2026 05:40:00 PM,40,No
Ada L (Ada Lovelace),ada@example.org,11/07/2026 05:45:00 PM,11/07/2026 06:30:00 PM,45,No
Bob Kahn,,11/07/2026 05:02:00 PM,11/07/2026 05:10:00 PM,8,Yes
iPhone (Cy Young),,11/07/2026 05:00:00 PM,11/07/2026 06:30:00 PM,90,Yes
Newcomer Nia,nia@example.org,11/07/2026 05:05:00 PM,11/07/2026 06:30:00 PM,85,Yes
"""


def test_zoom_report_merges_joins_and_matches_by_email_then_name(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    report = tmp_path / "participants.csv"
    report.write_text(ZOOM)
    before = snapshot()
    dry = group.json("attend", "import", "1", str(report), "--min-minutes", "15", "--dry-run")
    assert snapshot() == before  # a dry run writes nothing
    assert [(m["member"], m["by"], m["minutes"]) for m in dry["matched"]] == [
        ("Ada Lovelace", "email", 85),
        ("Cy Young", "name", 90),
    ]
    assert dry["too_short"] == [{"name": "Bob Kahn", "member": "Bob Kahn", "minutes": 8}]
    assert [u["name"] for u in dry["unknown"]] == ["Newcomer Nia"]

    result = group.json("attend", "import", "1", str(report), "--min-minutes", "15")
    assert result["recorded"] == 2
    assert group.json("attendance", "1")["present"] == ["Ada Lovelace", "Cy Young"]
    group("attend", "import", "1", str(report), "--min-minutes", "15", "--add-unknown", "--yes")
    assert group.json("attendance", "1")["present"] == ["Ada Lovelace", "Cy Young", "Newcomer Nia"]
    assert group.json("member", "show", "nia@example.org")["name"] == "Newcomer Nia"


def test_plain_csv_of_names_and_emails(group: CLI, tmp_path: Path) -> None:
    plain = tmp_path / "names.csv"
    plain.write_text("name,email\nbob kahn,\nSomeone,cy@example.org\n")
    group("attend", "import", str(plain))
    assert group.json("attendance")["present"] == ["Bob Kahn", "Cy Young"]
    headerless = tmp_path / "bare.csv"
    headerless.write_text("Ada Lovelace\n")
    group("attend", "import", "next", str(headerless), "--yes")
    assert group.json("attendance")["counts"]["present"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Name (Original Name),User Email,Duration (Minutes)\nAda,,ten\n",
            "line 2: invalid duration 'ten'",
        ),
        ("Name (Original Name),User Email\nAda,\n", "missing column 'duration (minutes)'"),
        ("name,email\nAda,a@b.c,extra\n", "line 2: 3 fields; expected name[,email]"),
    ],
)
def test_bad_reports_write_nothing(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any], content: str, message: str
) -> None:
    report = tmp_path / "r.csv"
    report.write_text(content)
    before = snapshot()
    result = group("attend", "import", "--add-unknown", str(report), code=1)
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert snapshot() == before


def test_a_row_that_is_nobody_is_skipped_and_reported_the_others_recorded(
    group: CLI, tmp_path: Path
) -> None:
    """Issue 27, item 14: one bad participant never blocks an import."""
    report = tmp_path / "r.csv"
    report.write_text(
        "Name (Original Name),User Email,Duration (Minutes)\n"
        "Ada,not-an-email,50\n"
        '"Eve\nMallory",,50\n'
        f"{'x' * 250},,50\n"
        "Bob Kahn,,50\n"
    )
    result = group("attend", "import", "1", str(report))
    assert "recorded 1 present for session 1; skipped line(s) 2, 3, 5" in result.stderr
    assert "skipped  line 2: 'Ada' (invalid email address 'not-an-email')" in result.stdout
    assert group.json("attendance", "1")["present"] == ["Bob Kahn"]


def test_cancelled_session_takes_no_attendance(group: CLI) -> None:
    group("session", "cancel", "1")
    assert group("attend", "1", "Ada", code=1).stderr == (
        "Error: session 1 was cancelled; uncancel it to record attendance\n"
    )
