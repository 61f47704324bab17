"""Alembic glue: create, upgrade, back up. Imported only when the schema must change.

Commands on a database already at head never import this module (see db.require_current).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from studygroup import crash
from studygroup.db import Database, schema_revision
from studygroup.errors import SchemaError, StudygroupError
from studygroup.location import prepare_sqlite_file


def script_location() -> Path:
    """migrations/ as shipped in the wheel (studygroup/_migrations), else the checkout's."""
    here = Path(__file__).resolve().parent
    shipped = here / "_migrations"
    if (shipped / "env.py").exists():
        return shipped
    return here.parent / "migrations"


def alembic_config(
    connection: Connection | None = None, location: Path | None = None
) -> Config:
    config = Config()
    config.set_main_option("script_location", str(location or script_location()))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head(location: Path | None = None) -> str:
    heads = ScriptDirectory.from_config(alembic_config(location=location)).get_heads()
    if len(heads) != 1:
        raise SchemaError(f"the migrations have {len(heads)} heads; expected one")
    return heads[0]


def is_known_revision(revision: str | None) -> bool:
    if revision is None:
        return False
    script = ScriptDirectory.from_config(alembic_config())
    return any(rev.revision == revision for rev in script.walk_revisions())


def upgrade_connection(
    connection: Connection, target: str = "head", location: Path | None = None
) -> None:
    """Run the migrations on a connection, inside the caller's transaction."""
    command.upgrade(alembic_config(connection, location), target)


def downgrade_connection(connection: Connection, target: str) -> None:
    command.downgrade(alembic_config(connection), target)


@dataclass
class UpgradeResult:
    before: str | None
    after: str | None
    backup: Path | None


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _new_backup_path(path: Path) -> Path:
    """studygroup.db.backup-20261122T080536Z, with -2, -3 ... if that second is taken."""
    stem = f"{path.name}.backup-{_timestamp()}"
    candidate = path.with_name(stem)
    suffix = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}-{suffix}")
        suffix += 1
    return candidate


def backup_sqlite(source: Path, destination: Path) -> None:
    """Copy a live SQLite database with the backup API (cp of a WAL database can copy an empty
    one), into a new 0600 file, and verify the copy."""
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(destination)
            try:
                src.backup(dst)
                # a backup is one self-contained file: no -wal/-shm beside it
                dst.execute("PRAGMA journal_mode = DELETE")
                verify_sqlite(dst, destination)
                _check_same_rows(src, dst)
            finally:
                dst.close()
        finally:
            src.close()
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    os.chmod(destination, 0o600)


def verify_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise StudygroupError(f"the backup {path} failed its integrity check: {result[0][0]}")


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _check_same_rows(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
    if _row_counts(src) != _row_counts(dst):
        raise StudygroupError("the backup does not hold the same rows as the database")


def restore_sqlite(backup: Path, destination: Path) -> None:
    src = sqlite3.connect(backup)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def upgrade_database(
    db: Database, target: str = "head", script_dir: Path | None = None
) -> UpgradeResult:
    """`studygroup db upgrade`: back up (SQLite), migrate in one transaction, verify.

    On SQLite, foreign keys are switched off on the raw connection before the transaction
    (batch-rebuilding a parent table with them on would cascade-delete its children), checked
    with foreign_key_check before commit, and switched on again. If anything fails the
    transaction rolls back, and the backup is restored on top for good measure.
    """
    path = db.location.path
    backup: Path | None = None
    if path is not None:
        existed = db.exists()
        prepare_sqlite_file(path)
        if existed:
            backup = _new_backup_path(path)
            backup_sqlite(path, backup)
    engine = db.engine
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection if path is not None else None
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = OFF")
            try:
                connection.execution_options(studygroup_write=True)
                with connection.begin():
                    before = schema_revision(connection)
                    upgrade_connection(connection, target, script_dir)
                    if raw is not None:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise SchemaError(
                                f"the upgrade would break {len(broken)} foreign key(s), "
                                f"first in table {broken[0][0]}; nothing was changed"
                            )
                    after = schema_revision(connection)
                    crash.point("upgrade-before-commit")
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = ON")
    except Exception:
        if backup is not None and path is not None:
            engine.dispose()
            restore_sqlite(backup, path)
        raise
    return UpgradeResult(before=before, after=after, backup=backup)

