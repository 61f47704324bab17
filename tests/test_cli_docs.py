"""Every command documents itself with an example; the installed script starts light."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from studygroup.cli import cli
from tests.conftest import CLI, SCRIPT


def _walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from _walk(sub, (*path, name))


ALL_COMMANDS = list(_walk(cli))


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "studygroup")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.stdout
    assert "studygroup " in result.stdout.split("Example:", 1)[1]


LISTS_AND_SHOWS = [p for p in ALL_COMMANDS if p and p[-1] in ("list", "show", "path", "current")]


@pytest.mark.parametrize("path", LISTS_AND_SHOWS, ids=" ".join)
def test_every_list_and_show_command_has_json(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert "--json" in result.stdout


def test_help_in_a_subprocess_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys\n"
        "from studygroup.cli import main\n"
        "sys.argv = ['studygroup', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic'))\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "LOADED []" in result.stderr


def _modules_after(
    argv: list[str], env: dict[str, str], watch: tuple[str, ...] = ("sqlalchemy", "alembic")
) -> tuple[str, list[str]]:
    """Run the CLI in a fresh interpreter; its stdout, and which of `watch` it imported."""
    code = (
        "import sys\n"
        "from studygroup.cli import main\n"
        f"sys.argv = {argv!r}\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print('LOADED', sorted(set(sys.modules) & {set(watch)!r}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    return result.stdout, [line for line in result.stderr.splitlines() if "LOADED" in line]


def test_member_completion_reads_the_database_without_sqlalchemy(
    run: CLI, db: str, sqlite_only: None
) -> None:
    for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper"):
        run("member", "add", name)
    run("member", "archive", "Alan")
    out, loaded = _modules_after(
        ["studygroup", "member", "show", "a"],
        {
            "_STUDYGROUP_COMPLETE": "bash_complete",
            "COMP_WORDS": "studygroup member show a",
            "COMP_CWORD": "3",
            "STUDYGROUP_DB": db,
        },
    )
    assert out.splitlines() == ["plain,'Ada Lovelace'"]  # one word, quoted
    assert loaded == ["LOADED []"]


def test_a_command_at_head_does_not_import_alembic(run: CLI, db: str, sqlite_only: None) -> None:
    run("member", "add", "Ada")
    out, loaded = _modules_after(["studygroup", "--db", db, "member", "list"], {})
    assert "Ada" in out
    assert loaded == ["LOADED ['sqlalchemy']"]


READ_COMMANDS = [
    ["agenda"],
    ["agenda", "--json"],
    ["item", "list", "--open"],
    ["stats"],
    ["export", "agenda"],
    ["export", "ics"],
    ["remind"],
    ["talk", "list"],
    ["session", "list", "--all"],
    ["attendance", "last"],
    ["poll", "list", "--json"],
    ["course", "show", "fsdl"],
    ["member", "list"],
    ["lecture", "list", "fsdl"],
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    target = str(tmp_path_factory.mktemp("demo") / "demo.db")
    subprocess.run([SCRIPT, "--db", target, "demo"], check=True, capture_output=True)
    return target


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_read_commands_never_load_the_orm(args: list[str], demo_db: str) -> None:
    """The hot read commands query Core tables only: importing sqlalchemy.orm and setting up
    the mappers would cost more than their queries (see bench/ and the README). Nor do they
    load what only writes and `attend import` use: the journal, the call-report readers."""
    out, loaded = _modules_after(
        ["studygroup", "--db", demo_db, *args],
        {},
        (
            "sqlalchemy.orm",
            "alembic",
            "studygroup.journal",
            "studygroup.io.reports",
            "studygroup.attendance_import",
        ),
    )
    assert out.strip(), "the command printed nothing"
    assert loaded == ["LOADED []"]


def test_recording_attendance_never_loads_the_orm(demo_db: str, tmp_path: Path) -> None:
    """Attendance is recorded with Core statements only (bulk insert and update)."""
    report = tmp_path / "zoom.csv"
    report.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Ada Lovelace,ada@example.org,,,50\nAlan T (Alan Turing),,,,40\n"
    )
    for args in (
        ["attend", "3", "Ada", "--absent", "Alan"],
        ["attend", "import", "3", str(report)],
    ):
        _, loaded = _modules_after(
            ["studygroup", "--db", demo_db, *args], {}, ("sqlalchemy.orm", "alembic")
        )
        assert loaded == ["LOADED []"], args
    out, _ = _modules_after(["studygroup", "--db", demo_db, "attendance", "3", "--json"], {})
    present = json.loads(out)["present"]
    assert "Ada Lovelace" in present and "Alan Turing" in present  # Alan: absent, then imported


def test_installed_console_script_runs(tmp_path: Path) -> None:
    target = tmp_path / "sg.db"
    env = {**os.environ, "STUDYGROUP_DB": str(target)}
    script = SCRIPT
    assert shutil.which(script), "the studygroup console script is not installed"
    subprocess.run(
        [
            script,
            "course",
            "add",
            "fsdl",
            "FSDL",
            "--weekday",
            "tue",
            "--time",
            "18:00",
            "--tz",
            "Europe/London",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    listed = subprocess.run(
        [script, "course", "list", "--json"], env=env, check=True, capture_output=True, text=True
    )
    assert [c["slug"] for c in json.loads(listed.stdout)] == ["fsdl"]
    bad = subprocess.run(
        [script, "member", "add", "X", "--tz", "Nowhere"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    module = subprocess.run(
        [sys.executable, "-m", "studygroup", "db", "path"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert module.stdout.strip() == str(target)


@pytest.mark.parametrize(
    "name", sorted(__import__("studygroup.cli", fromlist=["COMMANDS"]).COMMANDS)
)
def test_top_level_summaries_match_their_commands(name: str) -> None:
    from studygroup.cli import COMMANDS

    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help is not None
    summary = COMMANDS[name][1]
    first = " ".join(command.help.split("\n\n")[0].split())
    assert first.startswith(summary.rstrip(".")), (summary, first)
