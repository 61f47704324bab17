"""Lists for a spreadsheet: --format csv|tsv on every list command, the attendance matrix,
and cells a spreadsheet would run as formulas written as text."""

from __future__ import annotations

import csv
import io

import pytest

from studygroup.render.sheet import safe_cell, sheet
from tests.conftest import CLI


@pytest.fixture(autouse=True)
def after_session_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-07T19:00:00+00:00")


def read(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ada", "Ada"),
        (-5, "-5"),
        (0.5, "0.5"),
        (True, "yes"),
        (None, ""),
    ],
)
def test_formulas_are_neutralised_and_numbers_kept(value: object, written: str) -> None:
    assert safe_cell(value) == written


def test_sheet_quotes_and_uses_crlf() -> None:
    text = sheet([{"a": 'say "hi", Ada', "b": 1}], [("a", "A"), ("b", "B")])
    assert text == 'A,B\r\n"say ""hi"", Ada",1\r\n'


def test_every_list_command_writes_csv_and_tsv(run: CLI) -> None:
    run("course", "add", "c", "Course", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "=cmd|' /C calc'!A0", "--email", "eve@example.org")
    run("member", "add", "Ada Lovelace")
    run("session", "plan", "--from", "2026-10-31", "--weeks", "2")
    run("talk", "add", "Ada", "Transformers", "--minutes", "20")
    run("item", "add", "Read the paper", "--owner", "Ada")
    run("poll", "create", "Next course")
    for args in (
        ["member", "list"],
        ["member", "alias", "list"],
        ["course", "list"],
        ["lecture", "list", "c"],
        ["session", "list"],
        ["talk", "list"],
        ["item", "list"],
        ["poll", "list"],
        ["stats"],
        ["attendance", "1"],
        ["attendance", "--matrix"],
    ):
        comma = read(run(*args, "--format", "csv").stdout)
        tabbed = read(run(*args, "--format", "tsv").stdout, "\t")
        assert comma == tabbed and comma, args
        assert all(len(r) == len(comma[0]) for r in comma), args
    members = read(run("member", "list", "--format", "csv").stdout)
    assert members[1][0] == "'=cmd|' /C calc'!A0"
    combined = run("member", "list", "--json", "--format", "csv", code=2)
    assert "--json and --format csv can't be combined" in combined.stderr


def test_the_attendance_matrix(run: CLI) -> None:
    run("course", "add", "c", "Course", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Ada Lovelace", "--joined", "2026-10-01")
    run("member", "add", "Bob Kahn", "--joined", "2026-10-01")
    run("member", "add", "Cy Young", "--joined", "2026-10-01")
    run("session", "plan", "--from", "2026-10-31", "--weeks", "2")
    run("attend", "1", "Ada", "Bob", "--excused", "Cy")
    run("session", "close", "1")
    run("attend", "2", "Ada", "--absent", "Bob")
    run("session", "close", "2")
    assert read(run("attendance", "--matrix", "--format", "csv").stdout) == [
        ["member", "1 10-31", "2 11-07", "rate"],
        ["Ada Lovelace", "P", "P", "1.0"],
        ["Bob Kahn", "P", "A", "0.5"],
        ["Cy Young", "E", "A", "0.0"],  # no record at a session held since joining: absent
    ]
    grid = run.json("attendance", "--matrix")
    assert grid["members"][1] == {"name": "Bob Kahn", "marks": {"1": "P", "2": "A"}, "rate": 0.5}
    table = run("attendance", "--matrix").stdout.splitlines()
    assert table[0].split() == ["member", "1", "10-31", "2", "11-07", "rate"]
    assert table[2].split() == ["Ada", "Lovelace", "P", "P", "100%"]
    assert "leave out REF" in run("attendance", "1", "--matrix", code=2).stderr
