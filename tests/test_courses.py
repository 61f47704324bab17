"""Courses and lectures through the CLI and --json."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI

FSDL = [
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
]


def test_course_round_trip(run: CLI) -> None:
    run(*FSDL, "--pace", "100", "--url", "https://fullstackdeeplearning.com")
    assert run.json("course", "list") == [
        {
            "slug": "fsdl",
            "title": "Full Stack Deep Learning",
            "timezone": "Europe/London",
            "weekday": "Tuesday",
            "time": "18:00",
            "minutes": 90,
            "pace": 100,
            "status": "active",
        }
    ]
    shown = run.json("course", "show", "fsdl")
    assert shown["discussion"] == 15 and shown["intro"] == 5 and shown["wrapup"] == 5
    assert shown["url"] == "https://fullstackdeeplearning.com"
    assert shown["lectures"] == []
    run(
        "course",
        "edit",
        "fsdl",
        "--weekday",
        "Saturday",
        "--time",
        "9:30",
        "--minutes",
        "120",
        "--status",
        "finished",
    )
    edited = run.json("course", "list")[0]
    assert (edited["weekday"], edited["time"], edited["minutes"], edited["status"]) == (
        "Saturday",
        "09:30",
        120,
        "finished",
    )
    table = run("course", "list").stdout
    assert "fsdl" in table and "Saturday" in table


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--tz", "Mars/Olympus"], "Invalid value for '--tz': unknown timezone 'Mars/Olympus'"),
        (["--weekday", "tux"], "Invalid value for '--weekday': invalid weekday 'tux'"),
        (["--time", "25:00"], "Invalid value for '--time': invalid time '25:00'"),
        (["--time", "6pm"], "Invalid value for '--time': invalid time '6pm'"),
        (["--minutes", "0"], "Invalid value for '--minutes': 0 is not in the range"),
        (["--url", "javascript:alert(1)"], "Invalid value for '--url': invalid URL"),
    ],
)
def test_bad_course_settings_are_usage_errors(
    run: CLI, snapshot: Callable[[], Any], change: list[str], message: str
) -> None:
    before = snapshot()
    args = FSDL + change
    result = run(*args, code=2)
    assert message in result.stderr
    assert snapshot() == before


def test_control_characters_in_a_title_are_refused(run: CLI, snapshot: Callable[[], Any]) -> None:
    before = snapshot()
    result = run(
        "course",
        "add",
        "x",
        "Bad\r\nTitle",
        "--weekday",
        "mon",
        "--time",
        "18:00",
        "--tz",
        "UTC",
        code=1,
    )
    assert result.stderr == (
        "Error: course title must not contain control characters or line breaks\n"
    )
    assert snapshot() == before


def test_duplicate_slug_is_refused(run: CLI) -> None:
    run(*FSDL)
    assert run(*FSDL, code=1).stderr == "Error: a course with slug 'fsdl' already exists\n"


def test_unknown_course_names_the_known_ones(run: CLI) -> None:
    run(*FSDL)
    assert run("course", "show", "nope", code=1).stderr == (
        "Error: no course 'nope'; courses: fsdl\n"
    )


SYLLABUS = """label,title,kind,minutes,optional,url
1,Course vision and when to use ML,lecture,52,no,https://example.org/1
lab-1,Setup,lab,,yes,
9,Guest: building ML teams,guest,60,true,
10,Deployment,lecture,150,0,
"""


def _write(tmp_path: Path, text: str, name: str = "syllabus.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_lectures_round_trip(run: CLI, tmp_path: Path) -> None:
    run(*FSDL)
    result = run("course", "import", "fsdl", str(_write(tmp_path, SYLLABUS)))
    assert "imported 4 new and 0 updated lecture(s)" in result.stderr
    lectures = run.json("lecture", "list", "fsdl")
    assert lectures[1] == {
        "label": "lab-1",
        "title": "Setup",
        "kind": "lab",
        "minutes": None,
        "optional": True,
        "skipped": False,
        "covered_before": False,
        "url": None,
    }
    assert [(x["label"], x["kind"], x["minutes"], x["optional"]) for x in lectures] == [
        ("1", "lecture", 52, False),
        ("lab-1", "lab", None, True),
        ("9", "guest", 60, True),
        ("10", "lecture", 150, False),
    ]
    # re-importing updates in place and never duplicates
    updated = SYLLABUS.replace("Deployment,lecture,150", "Deployment & monitoring,lecture,155")
    result = run("course", "import", "fsdl", str(_write(tmp_path, updated)))
    assert "imported 0 new and 1 updated lecture(s)" in result.stderr  # only the one that changed
    lectures = run.json("lecture", "list", "fsdl")
    assert len(lectures) == 4
    assert lectures[3]["title"] == "Deployment & monitoring" and lectures[3]["minutes"] == 155


def test_import_accepts_a_bom_and_windows_line_ends(run: CLI, tmp_path: Path) -> None:
    run(*FSDL)
    path = tmp_path / "s.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SYLLABUS.replace("\n", "\r\n").encode())
    run("course", "import", "fsdl", str(path))
    assert len(run.json("lecture", "list", "fsdl")) == 4


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("11,Monitoring,lecture,-5,no,", "invalid minutes '-5': use a whole number"),
        ("11,Monitoring,lecture,abc,no,", "invalid minutes 'abc'"),
        ("11,Monitoring,talk,10,no,", "invalid kind 'talk': use lecture, lab or guest"),
        ("11,Monitoring,lecture,10,maybe,", "invalid optional 'maybe'"),
        ("11,Moni\x0btoring,lecture,10,no,", "must not contain control characters"),
        ("1,Again,lecture,10,no,", "lecture '1' appears twice (also line 2)"),
        ("11 12,Bad label,lecture,10,no,", "invalid lecture label '11 12'"),
        ("11,Monitoring,lecture,10,no,ftp://x", "it must start with http:// or https://"),
        ("11,Monitoring,lecture,10,no,,extra", "7 fields, but the header has 6"),
    ],
)
def test_a_bad_row_fails_the_whole_import(
    run: CLI, tmp_path: Path, snapshot: Callable[[], Any], bad_row: str, reason: str
) -> None:
    run(*FSDL)
    before = snapshot()
    path = _write(tmp_path, SYLLABUS + bad_row + "\n")
    result = run("course", "import", "fsdl", str(path), code=1)
    assert result.stderr.startswith(f"Error: {path} line 6: ")
    assert reason in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty: expected a header row"),
        (b"title\nx\n", "line 1: missing column(s) label"),
        (b"label,title,colour\n1,x,red\n", "line 1: unknown column(s) colour"),
        (b"label,title\n1,caf\xe9\n", "line 2: not valid UTF-8"),
        (b"label,title\n1,a\x00b\n", "is not a text CSV file"),
    ],
)
def test_malformed_files_are_refused(
    run: CLI, tmp_path: Path, snapshot: Callable[[], Any], content: bytes, message: str
) -> None:
    run(*FSDL)
    before = snapshot()
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    result = run("course", "import", "fsdl", str(path), code=1)
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert snapshot() == before


def test_missing_file_is_one_line(run: CLI, tmp_path: Path) -> None:
    run(*FSDL)
    result = run("course", "import", "fsdl", str(tmp_path / "nope.csv"), code=1)
    assert result.stderr == f"Error: no such file: {tmp_path / 'nope.csv'}\n"


def test_lecture_commands(run: CLI) -> None:
    run(*FSDL)
    run("lecture", "add", "fsdl", "1", "Intro", "--minutes", "52")
    run(
        "lecture",
        "add",
        "fsdl",
        "9",
        "Guest talk",
        "--kind",
        "guest",
        "--optional",
        "--url",
        "https://example.org/9",
    )
    run("lecture", "edit", "fsdl", "1", "--title", "Introduction", "--no-minutes")
    run("lecture", "skip", "fsdl", "9")
    lectures = {x["label"]: x for x in run.json("lecture", "list", "fsdl")}
    assert lectures["1"]["title"] == "Introduction" and lectures["1"]["minutes"] is None
    assert lectures["9"]["skipped"] is True and lectures["9"]["kind"] == "guest"
    run("lecture", "unskip", "fsdl", "9")
    assert run.json("lecture", "list", "fsdl")[1]["skipped"] is False
    assert run("lecture", "add", "fsdl", "1", "Dup", code=1).stderr == (
        "Error: course 'fsdl' already has a lecture '1'\n"
    )
    assert run("lecture", "skip", "fsdl", "77", code=1).stderr == (
        "Error: course 'fsdl' has no lecture '77'\n"
    )
    assert run("lecture", "edit", "fsdl", "1", code=2).stderr.endswith(
        "Error: nothing to change: give at least one option\n"
    )
