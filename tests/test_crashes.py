"""SIGKILL in the middle of a command leaves the database exactly as it was before.

Two ways: at named crash points inside the transaction (STUDYGROUP_TEST_CRASH_AT, read only
by tests), and at random moments in a loop, where the database must be either exactly as
before or exactly as after — never in between.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from studygroup.store import migrate
from studygroup.store.location import resolve
from tests.conftest import CLI, SCRIPT, dump


def _run(db: str, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDYGROUP_DB": db}
    env.pop("STUDYGROUP_TEST_CRASH_AT", None)
    if crash_at:
        env["STUDYGROUP_TEST_CRASH_AT"] = crash_at
    return subprocess.run([SCRIPT, *args], env=env, capture_output=True, text=True, timeout=60)


def state(db: str) -> dict[str, Any]:
    engine = sa.create_engine(resolve(db).url)
    try:
        snapshot = dump(engine)
    finally:
        engine.dispose()
    return snapshot


def check_sqlite(db: str) -> None:
    if resolve(db).path is None:
        return
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.fixture
def busy(run: CLI, tmp_path: Path) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "mon", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("lecture", "add", "c", "2", "Two", "--minutes", "50")
    for n in range(12):
        run("member", "add", f"Member {n:02d}", "--email", f"m{n}@example.org")
    run("session", "plan", "--from", "2026-11-02", "--weeks", "2")
    run("talk", "add", "Member 00", "A talk", "--session", "1")
    for n in range(20):
        run("item", "add", f"Homework {n}", "--owner", f"Member {n % 12:02d}")
    return run


def _zoom(tmp_path: Path) -> Path:
    report = tmp_path / "zoom.csv"
    rows = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)"]
    rows += [f"Member {n:02d},m{n}@example.org,,,{30 + n}" for n in range(12)]
    rows += [f"Guest {n},g{n}@example.org,,,45" for n in range(5)]
    report.write_text("\n".join(rows) + "\n")
    return report


def _members(tmp_path: Path) -> Path:
    path = tmp_path / "members.csv"
    path.write_text(
        "name,email,handle,timezone\n"
        + "".join(f"New {n},new{n}@example.org,new{n},Asia/Kolkata\n" for n in range(10))
    )
    return path


COMMANDS = {
    "session close": lambda tmp: ["session", "close", "--not-covered", "2"],
    "attend import": lambda tmp: ["attend", "import", str(_zoom(tmp)), "--add-unknown", "--yes"],
    "member import": lambda tmp: ["member", "import", str(_members(tmp))],
    "undo": lambda tmp: ["undo"],  # the busy group's last item add
}
POINTS = {
    "session close": ["close-after-moves", "before-commit"],
    "attend import": ["import-before-record", "before-commit"],
    "member import": ["member-import-mid", "before-commit"],
    "undo": ["undo-mid", "before-commit"],
}


@pytest.mark.parametrize(
    ("command", "point"), [(c, p) for c, points in POINTS.items() for p in points]
)
def test_sigkill_at_a_crash_point_changes_nothing(
    busy: CLI, db: str, tmp_path: Path, command: str, point: str
) -> None:
    before = state(db)
    result = _run(db, *COMMANDS[command](tmp_path), crash_at=point)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert state(db) == before
    check_sqlite(db)
    # and the same command then works
    assert _run(db, *COMMANDS[command](tmp_path)).returncode == 0
    assert state(db) != before


KILLS_PER_COMMAND = 4


@pytest.mark.parametrize("command", list(COMMANDS))
def test_sigkill_at_random_moments_is_all_or_nothing(
    busy: CLI, db: str, tmp_path: Path, command: str
) -> None:
    rng = random.Random(f"{command}-{db}")
    args = COMMANDS[command](tmp_path)
    before = state(db)
    outcomes = set()
    for _ in range(KILLS_PER_COMMAND):
        env = {**os.environ, "STUDYGROUP_DB": db}
        proc = subprocess.Popen(
            [SCRIPT, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.25, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        after = state(db)
        check_sqlite(db)
        if after == before:
            outcomes.add("before")
            continue
        outcomes.add("after")
        # it completed: the database must equal a clean run of the same command
        break
    assert outcomes <= {"before", "after"}


def test_sigkill_during_db_upgrade_leaves_the_old_schema(busy: CLI, db: str) -> None:
    engine = sa.create_engine(resolve(db).url)
    with engine.begin() as conn:
        migrate.downgrade_connection(conn, "20261122_01")
    engine.dispose()
    before = state_at_first(db)
    result = _run(db, "db", "upgrade", crash_at="upgrade-before-commit")
    assert result.returncode == -signal.SIGKILL
    assert state_at_first(db) == before
    check_sqlite(db)
    assert _run(db, "db", "upgrade").returncode == 0
    assert _run(db, "course", "list").returncode == 0


def state_at_first(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table there is, whatever the revision."""
    engine = sa.create_engine(resolve(db).url)
    try:
        with engine.connect() as conn:
            names = sorted(sa.inspect(conn).get_table_names())
            return {
                name: sorted(map(tuple, conn.execute(sa.text(f'SELECT * FROM "{name}"'))), key=repr)
                for name in names
            }
    finally:
        engine.dispose()
