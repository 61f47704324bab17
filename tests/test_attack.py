"""The defects an outside attack found (issue #11), each guarded by a test named after what
it guards. The item numbers are the issue's; RELIABILITY.md lists each guarantee beside its
test. Reminder delivery is in test_remind_once.py, files and secrets in test_files.py."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from studygroup.store import migrate
from studygroup.store.db import Database
from studygroup.store.location import resolve
from tests.conftest import CLI, SCRIPT, CLIFactory, broken_migrations, domain, in_private_mount


def sh(
    db: str, *args: str | bytes, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it."""
    full = {**os.environ, "STUDYGROUP_DB": db, **(env or {})}
    full.pop("STUDYGROUP_TEST_CRASH_AT", None)
    if env and "STUDYGROUP_TEST_CRASH_AT" in env:
        full["STUDYGROUP_TEST_CRASH_AT"] = env["STUDYGROUP_TEST_CRASH_AT"]
    return subprocess.run(
        [SCRIPT, *args], env=full, capture_output=True, text=True, timeout=timeout, errors="replace"
    )


def one_error_line(result: Any) -> str:
    """The single `Error:` line of a failed command (and nothing like a traceback)."""
    stderr = result.stderr
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "mon", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("member", "add", "Ada", "--email", "ada@example.org")
    run("member", "add", "Bob", "--email", "bob@example.org")
    run("session", "plan", "--from", "2026-11-02", "--weeks", "2")
    return run


# -- 1. a failed upgrade never restores a backup over later commits ------------------------


def test_a_failed_upgrade_keeps_commits_made_while_it_ran(
    group: CLI, db: str, tmp_path: Path, sqlite_only: None
) -> None:
    broken = broken_migrations(
        tmp_path,
        "    op.execute('DELETE FROM action_items')\n"
        "    time.sleep(1.5)\n"
        "    raise RuntimeError('migration exploded')\n",
    )
    group("item", "add", "Before the upgrade", "--due", "1")
    database = Database(resolve(db))
    failures: list[BaseException] = []

    def upgrade() -> None:
        try:
            migrate.upgrade_database(database, script_dir=broken)
        except BaseException as exc:  # noqa: BLE001 - the failure is what we wait for
            failures.append(exc)

    worker = threading.Thread(target=upgrade)
    worker.start()
    time.sleep(0.5)  # the upgrade holds the write lock now
    added = sh(db, "item", "add", "Added while the upgrade ran", "--due", "1")  # waits for the lock
    worker.join()
    database.dispose()
    assert added.returncode == 0, added.stderr
    assert [str(f) for f in failures] == ["migration exploded"]
    texts = [i["text"] for i in group.json("item", "list", "--all")]
    assert texts == ["Before the upgrade", "Added while the upgrade ran"]
    assert list(Path(db).parent.glob("studygroup.db.backup-*")) == []


# -- 2. reopen never silently undoes a later change ---------------------------------------


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (("talk", "withdraw", "1"), "talk 1 is withdrawn"),
        (("talk", "done", "1"), "talk 1 is done"),
        (("item", "done", "1"), "item 1 is done"),
    ],
)
def test_reopen_refuses_when_a_later_command_changed_what_the_close_moved(
    group: CLI, snapshot: Callable[[], Any], change: tuple[str, ...], named: str
) -> None:
    group("talk", "add", "Ada", "A talk", "--session", "1")
    group("item", "add", "Homework", "--owner", "Bob", "--due", "1")
    group("session", "close", "1")
    group(*change)
    before = snapshot()
    result = group("session", "reopen", "1", code=1)
    assert result.stderr == (
        f"Error: reopening session 1 would undo later changes ({named}); change those back first\n"
    )
    assert snapshot() == before


def test_uncancel_refuses_when_a_moved_item_was_finished_since(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    group("item", "add", "Homework", "--owner", "Bob", "--due", "1")
    group("session", "cancel", "1")
    group("item", "drop", "1")
    before = snapshot()
    result = group("session", "uncancel", "1", code=1)
    assert "uncancelling session 1 would undo later changes (item 1 is dropped)" in (result.stderr)
    assert snapshot() == before


# -- 10. invalid UTF-8 arguments -----------------------------------------------------------


def test_invalid_utf8_arguments_are_one_usage_error(
    group: CLI, db: str, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    for args in (
        [b"member", b"add", b"Jos\xe9"],
        [b"item", b"add", b"caf\xe9 \xff"],
        [b"course", b"add", b"\xc3", b"T"],
    ):
        result = subprocess.run([SCRIPT, "--db", db, *args], capture_output=True, timeout=30)
        err = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 2, err
        assert "Traceback" not in err
        assert "is not valid UTF-8 (byte 0x" in err
    assert snapshot() == before


# -- 11 and 12. numbers: one bounded parser ------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("item", "done", str(2**63)),
        ("talk", "done", str(2**31)),
        ("poll", "show", "9" * 5000),
        ("session", "show", str(2**63)),
        ("session", "show", "9" * 5000),
        ("session", "show", "²"),
        ("session", "close", "--done-talk", str(2**40)),
        ("agenda", str(2**31)),
    ],
)
def test_huge_or_unicode_numbers_are_one_error_line(
    group: CLI, snapshot: Callable[[], Any], args: tuple[str, ...]
) -> None:
    before = snapshot()
    result = group.runner.invoke(
        __import__("studygroup.cli", fromlist=["cli"]).cli, ["--db", group.target, *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        result.exception,
    )
    assert result.exit_code in (1, 2), (args, result.output)
    assert len([ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]) == 1
    assert snapshot() == before


def test_numbers_in_files_and_settings_use_ascii_digits(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    syllabus = tmp_path / "s.csv"
    syllabus.write_text("label,title,minutes\n2,Two,²\n")
    assert (
        "invalid minutes '²': use a whole number"
        in group("course", "import", "c", str(syllabus), code=1).stderr
    )
    syllabus.write_text("label,title,minutes\n2,Two," + "9" * 5000 + "\n")
    assert (
        "minutes must be between 0 and 2147483647"
        in group("course", "import", "c", str(syllabus), code=1).stderr
    )
    zoom = tmp_path / "zoom.csv"
    zoom.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Ada,ada@example.org,,,²\n"
    )
    assert (
        "invalid duration '²': use whole minutes"
        in group("attend", "import", "1", str(zoom), code=1).stderr
    )
    group("poll", "create", "Next course")
    group("poll", "add-option", "1", "fast.ai")
    assert group("poll", "vote", "1", "Ada", "²", code=1).stderr.startswith("Error: ")
    result = group(
        "remind",
        "--send",
        env={
            "STUDYGROUP_SMTP_HOST": "127.0.0.1",
            "STUDYGROUP_SMTP_FROM": "g@example.org",
            "STUDYGROUP_SMTP_PORT": "²",
            "STUDYGROUP_TEST_NOW": "2026-11-01T09:00:00+00:00",  # before the first session
        },
        code=1,
    )
    assert result.stderr == "Error: STUDYGROUP_SMTP_PORT must be a port number, not '²'\n"
    after = snapshot()
    assert {k: v for k, v in domain(after).items() if not k.startswith("poll")} == {
        k: v for k, v in domain(before).items() if not k.startswith("poll")
    }


# -- 13 and 17. database files that are not studygroup's, damaged or read-only -----------


def test_a_foreign_sqlite_file_is_refused_unless_adopted(
    tmp_path: Path, cli_for: CLIFactory
) -> None:
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
        conn.commit()
    original = other.read_bytes()
    run = cli_for(str(other))
    for args in (("member", "add", "Ada"), ("course", "list"), ("db", "upgrade")):
        result = run(*args, code=1)
        assert result.stderr == (
            f"Error: {other} belongs to another application (tables: notes), not to "
            "studygroup: choose another database, or run 'studygroup init --adopt' to add "
            "studygroup's tables to it\n"
        )
    assert other.read_bytes() == original  # not even switched to WAL
    assert not Path(f"{other}-wal").exists()
    run("init", "--adopt")
    run("member", "add", "Ada")
    with closing(sqlite3.connect(other)) as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]


@pytest.mark.parametrize("damage", ["not sqlite", "truncated", "corrupt"])
def test_a_file_that_is_not_a_sound_database_is_one_error_line(
    run: CLI, db: str, tmp_path: Path, damage: str, sqlite_only: None
) -> None:
    run("member", "add", "Ada")
    path = Path(db)
    for suffix in ("-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    data = path.read_bytes()
    if damage == "not sqlite":
        path.write_text("name,email\nAda,ada@example.org\n")
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    else:
        path.write_bytes(data[:100] + b"\xff" * 4096 + data[4196:])
    for args in (
        ("member", "list"),
        ("member", "add", "Bob"),
        ("db", "upgrade"),
        ("db", "backup", str(tmp_path / "b.db")),
        ("db", "current"),
    ):
        result = sh(db, *args)
        assert result.returncode == 1, (args, result.stderr)
        line = one_error_line(result)
        assert "is not a studygroup database" in line or "damaged" in line, line
    assert not (tmp_path / "b.db").exists()


def _in_read_only_mount(tmp_path: Path, db: str, script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script with the database copied onto a read-only file system (a tmpfs
    remounted read-only in a private mount namespace), as on a read-only USB stick."""
    mount = tmp_path / "media"
    mount.mkdir()
    return in_private_mount(
        f"""set -e
mount -t tmpfs -o size=8m tmpfs {mount}
cp {db} {mount}/studygroup.db
mount -o remount,ro {mount}
{script}""",
        env={"STUDYGROUP_DB": str(mount / "studygroup.db")},
    )


def test_a_database_on_read_only_media_can_be_read_not_written(
    group: CLI, db: str, tmp_path: Path, sqlite_only: None
) -> None:
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    result = _in_read_only_mount(
        tmp_path,
        db,
        f"""
{SCRIPT} member list --json
{SCRIPT} member add Carol && echo WROTE || echo "exit $?"
""",
    )
    assert '"name": "Ada"' in result.stdout, result.stderr
    assert "WROTE" not in result.stdout
    assert "exit 1" in result.stdout
    assert result.stderr.strip().endswith(
        "is read-only: copy it somewhere writable to change it (reading it works)"
    ), result.stderr
    assert "Traceback" not in result.stderr


def test_a_new_database_in_a_read_only_place_is_one_error_line(
    db: str, tmp_path: Path, sqlite_only: None
) -> None:
    result = _in_read_only_mount(
        tmp_path,
        db,
        f"""
{SCRIPT} --db {tmp_path}/media/sub/new.db member add Ada || echo "exit $?"
""",
    )
    assert "exit 1" in result.stdout, result.stderr
    assert result.stderr.strip() == (
        f"Error: {tmp_path}/media/sub is on a read-only file system: copy it somewhere writable"
    )


# -- 15. backups of a busy database --------------------------------------------------------


def test_backups_of_a_busy_database_are_all_taken(
    group: CLI, db: str, tmp_path: Path, sqlite_only: None
) -> None:
    # No clock here: a writer adds items until told to stop, and three backups are taken
    # while it runs, however slow the machine. Each backup must be whole and consistent.
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [
            "sh",
            "-c",
            f'while [ ! -e "{stop}" ]; do {SCRIPT} item add busy --due 1 >/dev/null 2>&1; done',
        ],
        env={**os.environ, "STUDYGROUP_DB": db},
    )
    engine = sa.create_engine(f"sqlite:///{db}", poolclass=sa.pool.NullPool)

    def busy_items() -> int:
        with engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM action_items WHERE text = 'busy'"
                ).scalar_one()
            )

    try:
        while busy_items() == 0:  # the writer is writing before the first backup
            time.sleep(0.05)
        counts = []
        for taken in range(3):
            target = tmp_path / f"backup-{taken}.db"
            result = sh(db, "db", "backup", str(target))
            assert result.returncode == 0, result.stderr
            with closing(sqlite3.connect(target)) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
                row = conn.execute("SELECT count(*) FROM action_items WHERE text='busy'")
                counts.append(row.fetchone()[0])
    finally:
        stop.touch()
        writer.wait(timeout=120)
        engine.dispose()
    assert counts[0] >= 1 and counts == sorted(counts)  # each backup holds all that came before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_killed_backup_leaves_no_file_with_the_backups_name(
    group: CLI, db: str, tmp_path: Path, sqlite_only: None
) -> None:
    target = tmp_path / "backup.db"
    result = sh(
        db, "db", "backup", str(target), env={"STUDYGROUP_TEST_CRASH_AT": "backup-before-rename"}
    )
    assert result.returncode == -signal.SIGKILL
    assert not target.exists()
    assert sh(db, "db", "backup", str(target)).returncode == 0
    assert target.exists()


# -- 16. success is reported only after the commit ----------------------------------------


def test_nothing_is_reported_done_before_it_is_committed(
    group: CLI, db: str, engine_for: Any
) -> None:
    for args in (
        ("item", "add", "Homework", "--due", "1"),
        ("member", "add", "Carol"),
        ("session", "close", "1"),
    ):
        result = sh(db, *args, env={"STUDYGROUP_TEST_CRASH_AT": "before-commit"})
        assert result.returncode == -signal.SIGKILL
        assert result.stdout == "" and result.stderr == "", (args, result)
    done = sh(
        db, "item", "add", "Homework", "--due", "1"
    )  # PostgreSQL's sequences skip the lost id
    assert re.fullmatch(r"added item \d+, due session 1\n", done.stderr), done.stderr
    assert [i["text"] for i in CLI(db).json("item", "list")] == ["Homework"]


# -- 18. imports are bounded ---------------------------------------------------------------


def test_imports_refuse_more_rows_than_the_bound(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    members = tmp_path / "members.csv"
    members.write_text("name,email\n" + "".join(f"M{n},m{n}@example.org\n" for n in range(11)))
    before = snapshot()
    result = group("member", "import", str(members), "--max-rows", "10", code=1)
    assert result.stderr == (
        f"Error: {members} has more than 10 rows; split it, or pass "
        "--max-rows N if that many are meant\n"
    )
    syllabus = tmp_path / "s.csv"
    syllabus.write_text("label,title\n" + "".join(f"L{n},T{n}\n" for n in range(11)))
    assert (
        "has more than 10 rows"
        in group("course", "import", "c", str(syllabus), "--max-rows", "10", code=1).stderr
    )
    assert (
        "has more than 10 rows"
        in group("attend", "import", "1", str(members), "--max-rows", "10", code=1).stderr
    )
    assert snapshot() == before
    group("member", "import", str(members), "--max-rows", "11")
    assert len(group.json("member", "list")) == 13


def test_member_import_is_batched_and_sees_earlier_rows(group: CLI, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    # Ada's email moves to her new address; the freed address goes to a new member
    path.write_text(
        "name,email,handle\nAda,ada@new.example.org,ada\n"
        "Newcomer,ada@example.org,new\n"
        + "".join(f"Member {n},m{n}@example.org,\n" for n in range(2000))
    )
    result = group("member", "import", str(path))
    assert result.stderr == "imported 2001 new and 1 updated member(s)\n"
    assert group.json("member", "show", "Ada")["email"] == "ada@new.example.org"
    assert group.json("member", "show", "Newcomer")["email"] == "ada@example.org"
    clash = tmp_path / "clash.csv"
    clash.write_text("name,handle\nBob,ada\n")
    assert (
        "line 2: the handle @ada already belongs to Ada"
        in group("member", "import", str(clash), code=1).stderr
    )


# -- 19. dates stay in the documented range -----------------------------------------------


def test_planning_never_goes_past_the_documented_range(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    result = group("session", "plan", "--from", "2999-12-01", "--weeks", "520", code=1)
    assert result.stderr == (
        "Error: session date 3009-11-13 is out of range (1970-01-01 to 2999-12-31)\n"
    )
    assert snapshot() == before


# -- 20. addresses are validated as the send parses them ----------------------------------


@pytest.mark.parametrize("address", ["a;b@x.com", "a>@x.com", "a(c)@x.com", "ä@x.com", "a@x..com"])
def test_an_address_the_send_would_refuse_is_refused_at_input(
    run: CLI, snapshot: Callable[[], Any], address: str
) -> None:
    before = snapshot()
    result = run("member", "add", "Ada", "--email", address, code=1)
    assert result.stderr == f"Error: invalid email address {address!r}\n"
    assert snapshot() == before


# -- PostgreSQL: integers beyond its INTEGER ----------------------------------------------


def test_ids_beyond_a_32_bit_integer_never_reach_the_database(
    group: CLI, engine_for: Callable[[str], sa.Engine], db: str
) -> None:
    result = group("item", "done", str(2**31), code=2)
    assert "is not in the range 1<=x<=2147483647" in result.stderr
    result = group("session", "show", str(2**31), code=1)
    assert (
        result.stderr == "Error: session number must be between 1 and 2147483647, not 2147483648\n"
    )
