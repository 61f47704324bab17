"""Statistics and the course forecast on a known history; the demo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from studygroup.views.stats import sparkline
from tests.conftest import CLI, CLIFactory


@pytest.fixture
def history(run: CLI) -> CLI:
    run(
        "course",
        "add",
        "c",
        "Course",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--pace",
        "100",
    )
    for label, minutes in (("1", 60), ("2", 60), ("3", 150), ("4", 40)):
        run("lecture", "add", "c", label, f"L{label}", "--minutes", str(minutes))
    run("lecture", "add", "c", "g", "Guest", "--minutes", "90", "--optional")
    for name in ("Ada", "Bob", "Cy"):
        run("member", "add", name)
    run("member", "add", "Dee", "--joined", "2026-08-15")  # joined, never came
    run("session", "plan", "--from", "2026-09-01", "--weeks", "8")
    run("talk", "add", "Ada", "T", "--session", "1")
    run("talk", "done", "1")
    run("item", "add", "homework", "--owner", "Bob")
    present = {
        "1": ["Ada", "Bob", "Cy"],
        "2": ["Ada", "Bob"],
        "3": ["Ada", "Cy"],
        "4": ["Ada"],
        "5": ["Ada", "Cy"],
    }
    for number, names in present.items():
        run("attend", number, *names)
        run("session", "close", number)
    run("session", "cancel", "6")
    return run


def test_stats_on_a_known_history(history: CLI) -> None:
    data = history.json("stats")
    assert set(data) >= {"members", "sessions"}
    members = {m["name"]: m for m in data["members"]}
    assert (members["Ada"]["attended"], members["Ada"]["held"], members["Ada"]["rate"]) == (
        5,
        5,
        1.0,
    )
    assert members["Ada"]["streak"] == 5 and members["Ada"]["talks_given"] == 1
    assert (members["Bob"]["attended"], members["Bob"]["streak"]) == (2, 0)
    assert members["Bob"]["lapsing"] is True and members["Bob"]["open_items"] == 1
    assert members["Bob"]["last_seen"] == "2026-09-08"
    assert (members["Cy"]["attended"], members["Cy"]["streak"], members["Cy"]["lapsing"]) == (
        3,
        1,
        False,
    )
    assert members["Dee"]["last_seen"] is None and members["Dee"]["lapsing"] is True
    assert [s["turnout"] for s in data["sessions"]] == [3, 2, 2, 1, 2]
    assert data["sparkline"] == "█▆▆▃▆"
    assert data["lapsing"] == ["Bob", "Dee"]
    text = history("stats").stdout
    assert "█▆▆▃▆" in text and "lapsing (missed the last 3): Bob, Dee" in text


def test_members_are_counted_from_when_they_joined(history: CLI) -> None:
    history("member", "add", "Newbie")  # joined today: no held session since
    newbie = next(m for m in history.json("stats")["members"] if m["name"] == "Newbie")
    assert (newbie["held"], newbie["rate"], newbie["lapsing"]) == (0, None, False)


def test_sparkline() -> None:
    assert sparkline([]) == "" and sparkline([0, 0]) == "▁▁"
    assert sparkline([1, 8]) == "▂█" and sparkline([0, 4]) == "▁█"


def test_progress_and_forecast(history: CLI) -> None:
    shown = history.json("course", "show", "c")
    progress = shown["progress"]
    # covered so far: 1+2... (60) (60) (3 part 1/2: 75) (3 part 2/2: 75) (4: 40) in 5 sessions
    assert progress["lectures"] == {
        "required": {"covered": 4, "remaining": 0},
        "optional": {"covered": 0, "remaining": 1},
    }
    assert progress["sessions_needed"] == 0 and shown["forecast_end"] is None
    what_if = history.json("course", "show", "c", "--with-optional")
    assert what_if["progress"]["remaining_video_minutes"] == 90
    assert what_if["progress"]["sessions_needed"] == 1
    # session 6 was cancelled: the next one is session 7 on 13 Oct
    assert what_if["forecast_end"] == "2026-10-13"


def test_forecast_runs_past_the_planned_sessions(run: CLI) -> None:
    run(
        "course",
        "add",
        "c",
        "Course",
        "--weekday",
        "mon",
        "--time",
        "18:00",
        "--tz",
        "UTC",
        "--pace",
        "60",
    )
    for label in "12345":
        run("lecture", "add", "c", label, f"L{label}", "--minutes", "60")
    run("session", "plan", "--from", "2026-11-02", "--weeks", "2")
    run("session", "cancel", "2")  # creates session 3 on 16 Nov
    shown = run.json("course", "show", "c")
    assert shown["progress"]["sessions_needed"] == 5
    assert shown["progress"]["remaining_video_minutes"] == 300
    # 2 Nov, (9 Nov cancelled), 16 Nov, then 23, 30 Nov and 7 Dec
    assert shown["forecast_end"] == "2026-12-07"
    assert "Final session expected on 2026-12-07" in run("course", "show", "c").stdout


def test_demo_builds_a_group_and_prints_its_agenda(
    tmp_path: Path, cli_for: CLIFactory, sqlite_only: None
) -> None:
    target = tmp_path / "demo.db"
    run = cli_for(str(target))
    result = run("demo")
    assert result.stdout.startswith("# Full Stack Deep Learning — session 4")
    MarkdownIt("gfm-like").parse(result.stdout)
    assert "postponed from session 3" in result.stdout and "carried ×1" in result.stdout
    assert len(run.json("member", "list")) == 6
    assert len({m["timezone"] for m in run.json("member", "list")}) == 4
    lectures = run.json("lecture", "list", "fsdl")
    assert 12 <= len(lectures) <= 15
    assert any(x["skipped"] for x in lectures) and any(x["optional"] for x in lectures)
    assert any(85 <= (x["minutes"] or 0) <= 95 for x in lectures)
    assert [s["status"] for s in run.json("session", "list", "--all")][:4] == [
        "held",
        "held",
        "held",
        "planned",
    ]
    assert run("demo", code=1).stderr == (
        f"Error: {target} exists; use --force to replace it with a new demo\n"
    )
    run("demo", "--force")
    assert len(run.json("member", "list")) == 6


def test_demo_default_file_is_in_the_current_directory(
    tmp_path: Path, cli_for: CLIFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = cli_for("unused")
    runner.raw("demo", env={"STUDYGROUP_DB": str(tmp_path / "real.db")})
    assert (tmp_path / "studygroup-demo.db").exists()
    assert not (tmp_path / "real.db").exists()  # the demo never touches real data
    assert oct(os.stat(tmp_path / "studygroup-demo.db").st_mode & 0o777) == "0o600"


def test_an_excused_absence_is_not_a_miss(run: CLI) -> None:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Ada", "--joined", "2027-01-01")
    run("member", "add", "Bob", "--joined", "2027-01-01")
    run("session", "plan", "--from", "2027-01-05", "--weeks", "3")
    for number in ("1", "2", "3"):
        run("attend", number, "Ada", *(["--excused", "Bob"] if number != "3" else ["Bob"]))
        run("session", "close", number)
    members = {m["name"]: m for m in run.json("stats")["members"]}
    # twice excused, once there: 1 of 1, not 1 of 3
    assert {k: members["Bob"][k] for k in ("attended", "held", "excused", "rate", "lapsing")} == {
        "attended": 1,
        "held": 1,
        "excused": 2,
        "rate": 1.0,
        "lapsing": False,
    }
    table = run("stats").stdout.splitlines()
    assert table[0].split()[-1] == "lapsing"  # the flag column is labelled
