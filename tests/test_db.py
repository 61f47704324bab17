"""The database layer: creation, schema checks, upgrades, backups, time."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from studygroup.store import migrate
from studygroup.store.db import Database
from studygroup.store.location import resolve
from studygroup.store.schema import HEAD_REVISION, IDS_NEVER_REUSED
from studygroup.store.types import UTCDateTime
from tests.conftest import CLI, CLIFactory, broken_migrations, downgrade


def test_head_constant_matches_the_migrations() -> None:
    assert migrate.head() == HEAD_REVISION


def autoincremented(path: str) -> set[str]:
    """The tables whose ids SQLite never hands out again (AUTOINCREMENT)."""
    with closing(sqlite3.connect(path)) as conn:
        return {
            name
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            )
            if "AUTOINCREMENT" in sql.upper()
        }


def test_ids_users_name_are_never_reused_at_head(db: str, sqlite_only: None) -> None:
    assert autoincremented(db) == set(IDS_NEVER_REUSED)


def test_polls_that_lost_autoincrement_get_it_back_and_keep_every_row(
    run: CLI, db: str, sqlite_only: None
) -> None:
    """20261205_01 once rebuilt `polls` without AUTOINCREMENT: 20261205_02 mends a database
    upgraded then, and keeps every row."""
    run("poll", "create", "Next?", "--closes", "2099-12-31")
    run("poll", "add-option", "1", "fast.ai")
    run("poll", "create", "After that?", "--closes", "2099-12-31")
    downgrade(sa.create_engine(resolve(db).url), "20261205_01")
    with closing(sqlite3.connect(db)) as conn:  # polls as the old 20261205_01 left them
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = replace(sql, ' AUTOINCREMENT', '') "
            "WHERE type = 'table' AND name = 'polls'"
        )
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'polls'")
        conn.commit()
    assert "polls" not in autoincremented(db)
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT * FROM polls ORDER BY id").fetchall()
    assert f"upgraded 20261205_01 -> {HEAD_REVISION}" in run("db", "upgrade").stderr
    assert autoincremented(db) == set(IDS_NEVER_REUSED)
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT * FROM polls ORDER BY id").fetchall() == rows
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert [o["title"] for o in run.json("poll", "show", "1")["options"]] == ["fast.ai"]
    run("undo")  # the upgrade is not a command: this undoes poll 2's creation
    run("poll", "create", "And then?", "--closes", "2099-12-31")
    assert [p["id"] for p in run.json("poll", "list")] == [1, 3]


def test_init_creates_a_database_at_head(empty_db: str, cli_for: CLIFactory) -> None:
    run = cli_for(empty_db)
    result = run("init")
    assert f"schema {HEAD_REVISION}" in result.stderr
    assert run.json("db", "current") == {
        "revision": HEAD_REVISION,
        "head": HEAD_REVISION,
        "status": "current",
    }
    run("init")  # idempotent


def test_reading_a_missing_database_is_an_error_and_creates_nothing(
    empty_db: str, cli_for: CLIFactory, sqlite_only: None
) -> None:
    result = cli_for(empty_db)("course", "list", code=1)
    assert result.stderr.strip() == (
        f"Error: no studygroup database at {empty_db} yet: run 'studygroup init'"
    )
    assert not Path(empty_db).exists()


def test_first_write_creates_the_database(empty_db: str, cli_for: CLIFactory) -> None:
    run = cli_for(empty_db)
    result = run("member", "add", "Ada")
    if resolve(empty_db).is_sqlite:  # a new file is announced (a mistyped --db shows)
        assert f"created a new studygroup database at {empty_db}" in result.stderr
    assert "created a new" not in run("member", "add", "Bob").stderr
    assert [m["name"] for m in run.json("member", "list")] == ["Ada", "Bob"]


def _set_revision(engine: sa.Engine, revision: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_database_ahead_of_the_code_is_refused(
    run: CLI, db: str, engine_for: Callable[[str], sa.Engine]
) -> None:
    _set_revision(engine_for(db), "29991231_99")
    shown = resolve(db).display()
    for args in (("course", "list"), ("member", "add", "Ada"), ("db", "upgrade")):
        result = run(*args, code=1)
        assert result.stderr == (
            f"Error: the database at {shown} was written by a newer studygroup "
            "(revision 29991231_99); upgrade studygroup\n"
        )
    # db current says the same instead of advising an upgrade of the database
    assert run.json("db", "current")["status"] == "newer"
    assert "upgrade studygroup" in run("db", "current").stdout
    assert "db upgrade" not in run("db", "current").stdout


def test_database_downgraded_to_base_counts_as_missing(
    run: CLI, db: str, engine_for: Callable[[str], sa.Engine]
) -> None:
    with engine_for(db).begin() as conn:
        migrate.downgrade_connection(conn, "base")
    result = run("course", "list", code=1)
    assert result.stderr.strip() == (
        f"Error: no studygroup database at {resolve(db).display()} yet: run 'studygroup init'"
    )
    run("init")
    assert run.json("db", "current")["status"] == "current"


def test_database_behind_head_asks_for_an_upgrade(
    run: CLI, db: str, engine_for: Callable[[str], sa.Engine]
) -> None:
    with engine_for(db).begin() as conn:
        migrate.downgrade_connection(conn, "20261122_01")
    for args in (("course", "list"), ("member", "add", "Ada")):
        result = run(*args, code=1)
        assert result.stderr == (
            f"Error: the database at {resolve(db).display()} is at schema 20261122_01, behind "
            f"this version of studygroup ({HEAD_REVISION}): run 'studygroup db upgrade'\n"
        )
    run("db", "upgrade")
    assert run.json("db", "current")["status"] == "current"
    run("member", "add", "Ada")


def test_upgrade_backs_up_first_and_keeps_every_row(run: CLI, db: str, sqlite_only: None) -> None:
    run("member", "add", "Ada", "--email", "ada@example.org")
    result = run("db", "upgrade")
    assert f"already at {HEAD_REVISION}; nothing to do" in result.stderr
    assert not list(Path(db).parent.glob("studygroup.db.backup-*"))  # nothing to back up
    engine = sa.create_engine(resolve(db).url)
    with engine.begin() as conn:
        migrate.downgrade_connection(conn, "20261122_01")
    engine.dispose()
    result = run("db", "upgrade")
    assert f"upgraded 20261122_01 -> {HEAD_REVISION}" in result.stderr
    backups = sorted(Path(db).parent.glob("studygroup.db.backup-*"))
    assert len(backups) == 1
    assert f"backup: {backups[0]}" in result.stderr
    assert stat.S_IMODE(os.stat(backups[0]).st_mode) == 0o600
    with closing(sqlite3.connect(backups[0])) as conn:
        assert conn.execute("SELECT name FROM members").fetchall() == [("Ada",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("20261122_01",)
        ]
    assert [m["name"] for m in run.json("member", "list")] == ["Ada"]
    assert not [
        b
        for b in Path(db).parent.iterdir()
        if b.name.endswith(".tmp")
        or b.name.startswith("studygroup.db.backup")
        and b.name.endswith(("-wal", "-shm"))
    ]


def test_failed_upgrade_leaves_the_database_as_it_was_and_no_backup(
    run: CLI, db: str, tmp_path: Path, sqlite_only: None
) -> None:
    run("member", "add", "Ada")
    before = Path(db).read_bytes()
    broken = broken_migrations(
        tmp_path,
        "    op.execute('DELETE FROM members')\n"
        "    op.execute('CREATE TABLE half_done (x INTEGER)')\n"
        "    raise RuntimeError('migration exploded')\n",
    )
    database = Database(resolve(db))
    with pytest.raises(RuntimeError, match="migration exploded"):
        migrate.upgrade_database(database, script_dir=broken)
    database.dispose()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT name FROM members").fetchall() == [("Ada",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
    assert len(before) > 0
    # the transaction rolled back under the write lock: the backup is not needed and is gone
    assert list(Path(db).parent.glob("studygroup.db.backup-*")) == []


def test_backup_is_a_verified_private_copy(run: CLI, tmp_path: Path, sqlite_only: None) -> None:
    run("member", "add", "Ada")
    target = tmp_path / "copy.db"
    run("db", "backup", str(target))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT name FROM members").fetchall() == [("Ada",)]
    result = run("db", "backup", str(target), code=1)
    assert result.stderr.strip() == f"Error: {target} already exists; choose a new file name"


def test_backup_on_postgresql_points_to_pg_dump(cli_for: CLIFactory) -> None:
    result = cli_for("postgresql://ann:pw@localhost/none")("db", "backup", "x.db", code=1)
    assert result.stderr.strip() == (
        "Error: db backup works on SQLite only; for PostgreSQL use pg_dump"
    )


def test_unreachable_server_is_one_line_without_password(cli_for: CLIFactory) -> None:
    run = cli_for("postgresql://ann:hunter2@127.0.0.1:1/sg")
    result = run("course", "list", code=1)
    assert result.stderr.startswith(
        "Error: cannot use the database at postgresql+psycopg://ann:***@127.0.0.1:1/sg: "
    )
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.output


def test_utc_datetime_round_trips_as_aware_utc(
    db: str, engine_for: Callable[[str], sa.Engine]
) -> None:
    engine = engine_for(db)
    table = sa.Table("t_instants", sa.MetaData(), sa.Column("at", UTCDateTime))
    table.create(engine)
    kolkata = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=kolkata)
    with engine.begin() as conn:
        conn.execute(table.insert(), {"at": moment})
        stored = conn.execute(sa.select(table.c.at)).scalar_one()
    assert stored == moment
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 3, 28, 19, 0, tzinfo=UTC)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), engine.begin() as conn:
        conn.execute(table.insert(), {"at": datetime(2026, 1, 1)})
    table.drop(engine)


def test_sqlite_connections_are_configured(
    db: str, engine_for: Callable[[str], sa.Engine], sqlite_only: None
) -> None:
    with engine_for(db).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
