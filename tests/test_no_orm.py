"""One data path: no module imports SQLAlchemy's ORM, and no command loads it, reads and writes
alike. Every command runs below in one interpreter, which then must not hold sqlalchemy.orm."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click

from studygroup.cli import cli
from tests.test_cli_docs import ALL_COMMANDS

PACKAGE = Path(__file__).resolve().parent.parent / "studygroup"


def _leaves() -> set[str]:
    out = set()
    for path in ALL_COMMANDS:
        command: click.Command = cli
        for name in path:
            assert isinstance(command, click.Group)
            found = command.get_command(click.Context(command), name)
            assert found is not None
            command = found
        if not isinstance(command, click.Group):
            out.add(" ".join(path))
    return out


def test_no_module_imports_the_orm() -> None:
    importing = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(from|import) sqlalchemy\.orm\b", p.read_text(), re.M)
    ]
    assert importing == []


DRIVER = r"""
import contextlib, io, json, sys
from studygroup.cli import main

ran = set()

def run(*args, answer=None):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    stdin = sys.stdin
    if answer is not None:
        sys.stdin = io.StringIO(answer)
    sys.argv = ["studygroup", *args]
    try:
        with contextlib.redirect_stdout(out):
            main()
    except SystemExit as exc:
        if exc.code:
            raise AssertionError(f"{args} exited {exc.code}") from None
    finally:
        sys.stdin = stdin
    return out.buffer.getvalue().decode()

for step in json.loads(sys.argv[1]):
    name, args, answer = step
    run(*args, answer=answer)
    ran.add(name)
    if name == "agenda add-lecture":
        entries = json.loads(run("agenda", "1", "--json"))["entries"]
        lecture = next(e["position"] for e in entries if e["lecture"] == "9")
        run("agenda", "remove", str(lecture), "--session", "1")
        ran.add("agenda remove")
print("RAN", json.dumps(sorted(ran)), file=sys.stderr)
print("ORM", "sqlalchemy.orm" in sys.modules, file=sys.stderr)
"""


Step = tuple[str, list[str], "str | None"]


POSTGRESQL_ONLY = ("group grant", "group revoke", "db secure")


def command_steps(tmp_path: Path) -> list[Step]:
    """Every command once, in an order in which each can succeed (with the files they read):
    the ORM test runs them all in one process, the undo test undoes each write."""
    syllabus = tmp_path / "syllabus.csv"
    syllabus.write_text("label,title,minutes\n1,One,60\n2,Two,150\n3,Three,45\n")
    people = tmp_path / "members.csv"
    people.write_text("name,email\nCy,cy@example.org\n")
    report = tmp_path / "report.csv"
    reply = tmp_path / "reply.eml"
    reply.write_text("From: ada@example.org\nMessage-ID: <r1@example.org>\n\nSee you!\n")
    report.write_text("name,email\nAda,ada@example.org\n")
    moved = "2027-01-21"  # session 3, planned for 2027-01-19, moves two days on
    steps: list[tuple[str, list[str], str | None]] = [
        ("init", ["init"], None),
        (
            "course add",
            [
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
            ],
            None,
        ),
        (
            "course add",
            [
                "course",
                "add",
                "x",
                "Mistake",
                "--weekday",
                "tue",
                "--time",
                "18:00",
                "--tz",
                "Europe/London",
            ],
            None,
        ),
        ("course delete", ["course", "delete", "x", "--force"], "y\n"),
        ("course list", ["course", "list"], None),
        ("course edit", ["course", "edit", "c", "--pace", "100"], None),
        ("course import", ["course", "import", "c", str(syllabus)], None),
        (
            "lecture add",
            ["lecture", "add", "c", "9", "Guest", "--optional", "--minutes", "30"],
            None,
        ),
        ("lecture add", ["lecture", "add", "c", "99", "Oops"], None),
        ("lecture delete", ["lecture", "delete", "c", "99", "--force"], "y\n"),
        ("lecture edit", ["lecture", "edit", "c", "9", "--title", "Guest talk"], None),
        ("lecture skip", ["lecture", "skip", "c", "3"], None),
        ("lecture unskip", ["lecture", "unskip", "c", "3"], None),
        ("lecture move", ["lecture", "move", "c", "3", "--before", "1"], None),
        ("lecture list", ["lecture", "list", "c"], None),
        ("lecture covered", ["lecture", "covered", "c", "3"], None),
        ("course start-at", ["course", "start-at", "c", "2", "--undo"], None),
        ("course show", ["course", "show", "c"], None),
        ("member add", ["member", "add", "Ada", "--email", "ada@example.org"], None),
        ("member add", ["member", "add", "Bob"], None),
        ("member add", ["member", "add", "Zed"], None),
        ("member delete", ["member", "delete", "Zed", "--force"], "y\n"),
        ("member edit", ["member", "edit", "Bob", "--handle", "bob"], None),
        ("member archive", ["member", "archive", "Bob"], None),
        ("member restore", ["member", "restore", "Bob"], None),
        ("member import", ["member", "import", str(people)], None),
        ("member list", ["member", "list"], None),
        ("member show", ["member", "show", "Ada"], None),
        ("session plan", ["session", "plan", "--weeks", "3", "--from", "2027-01-05"], None),
        ("session host", ["session", "host", "2", "Ada"], None),
        ("session notes-by", ["session", "notes-by", "2", "Cy"], None),
        ("session host", ["session", "host", "3", "Bob"], None),
        ("session swap-host", ["session", "swap-host", "2", "Bob"], None),
        ("session list", ["session", "list"], None),
        ("session show", ["session", "show", "1"], None),
        ("session move", ["session", "move", "3", "--to", f"{moved} 19:00", "--force"], None),
        ("session edit", ["session", "edit", "3", "--call-url", "https://meet.jit.si/x"], None),
        ("session notes", ["session", "notes", "1", "Covered lecture 1"], None),
        ("agenda show", ["agenda", "show"], None),
        ("agenda plan", ["agenda", "plan"], None),
        ("agenda minutes", ["agenda", "minutes", "1", "10"], None),
        ("agenda move", ["agenda", "move", "2", "--to", "3"], None),
        ("agenda add-lecture", ["agenda", "add-lecture", "9", "--session", "1"], None),
        ("talk add", ["talk", "add", "Ada", "Transformers", "--minutes", "20"], None),
        ("talk add", ["talk", "add", "Bob", "Withdrawn", "--minutes", "10"], None),
        ("talk list", ["talk", "list"], None),
        ("talk show", ["talk", "show", "1"], None),
        ("talk edit", ["talk", "edit", "1", "--minutes", "25"], None),
        ("talk hold", ["talk", "hold", "1"], None),
        ("talk resume", ["talk", "resume", "1"], None),
        ("talk schedule", ["talk", "schedule", "1", "--session", "2"], None),
        ("talk postpone", ["talk", "postpone", "1"], None),
        ("talk done", ["talk", "done", "1"], None),
        ("talk withdraw", ["talk", "withdraw", "2"], None),
        ("member alias add", ["member", "alias", "add", "Ada", "Ada's iPhone"], None),
        ("member alias list", ["member", "alias", "list"], None),
        ("member alias remove", ["member", "alias", "remove", "Ada's iPhone"], None),
        ("member ignore", ["member", "ignore", "Otter Bot"], None),
        ("item add", ["item", "add", "Read the paper", "--owner", "Ada"], None),
        ("item list", ["item", "list"], None),
        ("item assign", ["item", "assign", "1", "Bob"], None),
        ("item edit", ["item", "edit", "1", "Read both papers"], None),
        ("item show", ["item", "show", "1"], None),
        ("item due", ["item", "due", "1", "next"], None),
        ("item done", ["item", "done", "1"], None),
        ("item reopen", ["item", "reopen", "1"], None),
        ("item drop", ["item", "drop", "1"], None),
        ("attend record", ["attend", "record", "1", "Ada", "--absent", "Bob"], None),
        ("attend import", ["attend", "import", "1", str(report), "--yes"], None),
        ("attendance", ["attendance", "1"], None),
        ("session close", ["session", "close", "1"], None),
        ("session reopen", ["session", "reopen", "1"], None),
        ("session cancel", ["session", "cancel", "2"], None),
        ("session uncancel", ["session", "uncancel", "2"], None),
        ("stats", ["stats"], None),
        ("export agenda", ["export", "agenda"], None),
        ("export ics", ["export", "ics"], None),
        ("export recap", ["export", "recap", "1"], None),
        ("remind", ["remind"], None),
        ("site build", ["site", "build", str(tmp_path / "site"), "--private"], None),
        ("session plan", ["session", "plan", "--weeks", "1", "--from", "2027-03-09"], None),
        ("rsvp set", ["rsvp", "set", "2027-03-09", "Ada", "yes"], None),
        ("rsvp list", ["rsvp", "list"], None),
        ("rsvp import", ["rsvp", "import", str(reply)], None),
        ("poll create", ["poll", "create", "Next course"], None),
        ("poll add-option", ["poll", "add-option", "1", "fast.ai"], None),
        ("poll add-option", ["poll", "add-option", "1", "FSDL"], None),
        ("poll vote", ["poll", "vote", "1", "Ada", "fast.ai", "FSDL"], None),
        ("poll list", ["poll", "list"], None),
        ("poll show", ["poll", "show", "1"], None),
        ("poll result", ["poll", "result", "1"], None),
        ("poll close", ["poll", "close", "1"], None),
        (
            "course add",
            [
                "course",
                "add",
                "u",
                "Upcoming",
                "--weekday",
                "thu",
                "--time",
                "18:00",
                "--tz",
                "UTC",
            ],
            None,
        ),
        ("course edit", ["course", "edit", "u", "--status", "upcoming"], None),
        ("course start", ["course", "start", "u"], None),
        ("log list", ["log"], None),
        ("log show", ["log", "show"], None),
        ("undo", ["undo"], None),
        ("log prune", ["log", "prune", "--before", "2000-01-01", "--yes"], None),
        ("member add", ["member", "add", "Forget Me", "--email", "forget@example.org"], None),
        ("member erase", ["member", "erase", "Forget Me", "--force"], "y\n"),
        ("group list", ["group", "list"], None),
        ("group show", ["group", "show"], None),
        ("group add", ["group", "add", "g2", "Second group"], None),
        ("group edit", ["group", "edit", "g2", "--name", "Group two"], None),
        ("group archive", ["group", "archive", "g2"], None),
        ("db path", ["db", "path"], None),
        ("db current", ["db", "current"], None),
        ("db backup", ["db", "backup", str(tmp_path / "copy.db")], None),
        ("db upgrade", ["db", "upgrade"], None),
        ("demo", ["--db", str(tmp_path / "demo.db"), "demo"], None),
    ]
    return steps


def test_no_command_loads_the_orm(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    steps = command_steps(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(steps)],
        capture_output=True,
        text=True,
        env={**os.environ, "STUDYGROUP_DB": str(db)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ran = json.loads(
        next(line for line in result.stderr.splitlines() if line.startswith("RAN "))[4:]
    )
    # `rsvp fetch` needs an IMAP server: tests/test_rsvp.py runs it against one, and checks
    # it loads no ORM either
    # `group grant`, `group revoke` and `db secure` are PostgreSQL's (refused on SQLite):
    # tests/test_security.py runs them, as the installed command
    assert set(ran) == _leaves() - {"rsvp fetch", *POSTGRESQL_ONLY}, (
        "a command is missing from this test"
    )
    assert "ORM False" in result.stderr
