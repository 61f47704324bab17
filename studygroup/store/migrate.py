"""Alembic glue: create, upgrade, back up. Imported only when the schema must change.

Commands on a database already at head never import this module (see db.require_current).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from studygroup import clock, faults
from studygroup.errors import SchemaError, StudygroupError
from studygroup.store import security
from studygroup.store.db import (
    Database,
    SchemaState,
    foreign_error,
    schema_revision,
    schema_state,
    sqlite_uri,
    unknown_revision_error,
    writable,
)
from studygroup.store.location import prepare_sqlite_file


def script_location() -> Path:
    """migrations/ as shipped in the wheel (studygroup/_migrations), else the checkout's."""
    here = Path(__file__).resolve().parent.parent  # the studygroup package
    shipped = here / "_migrations"
    if (shipped / "env.py").exists():
        return shipped
    return here.parent / "migrations"


def alembic_config(connection: Connection | None = None, location: Path | None = None) -> Config:
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


def is_known_revision(revision: str | None, location: Path | None = None) -> bool:
    if revision is None:
        return False
    script = ScriptDirectory.from_config(alembic_config(location=location))
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
    return clock.now().strftime("%Y%m%dT%H%M%SZ")


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
    one) into `destination`, which must not exist, and verify the copy: the backup API's own
    result and `PRAGMA integrity_check` on the copy. (Comparing with a source that other
    commands keep changing would refuse good backups.) The copy is written under a temporary
    name and linked into place only when verified, so a killed backup never leaves a file
    with a backup's name; the result is one self-contained 0600 file (no -wal/-shm)."""
    import tempfile

    fd, tmp_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp"
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # read-only media are read as immutable (Database.check_file has refused one whose
        # -wal file still holds commits, which immutable would leave out)
        query = "mode=ro" if writable(source) else "mode=ro&immutable=1"
        try:
            src = sqlite3.connect(sqlite_uri(source, query), uri=True)
            try:
                dst = sqlite3.connect(tmp)
                try:
                    src.backup(dst)
                    # a backup is one self-contained file: no -wal/-shm beside it
                    dst.execute("PRAGMA journal_mode = DELETE")
                    verify_sqlite(dst, destination, source)
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.Error as exc:
            raise StudygroupError(_backup_failure(exc, source, destination)) from None
        os.chmod(tmp, 0o600)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        faults.point("backup-before-rename")
        os.link(tmp, destination)  # fails if the name was taken meanwhile: never overwrites
    finally:
        tmp.unlink(missing_ok=True)


def verify_sqlite(conn: sqlite3.Connection, path: Path, source: Path | None = None) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        where = f"the database {source} is damaged" if source else "the copy is damaged"
        raise StudygroupError(
            f"the backup {path} failed its integrity check ({result[0][0]}): {where}; no "
            "backup was written. Restore it from an earlier backup (or try sqlite3's .recover)"
        )


def _backup_failure(exc: sqlite3.Error, source: Path, destination: Path) -> str:
    """One line, with the right advice, for a backup that SQLite could not make."""
    text = str(exc)
    lowered = text.lower()
    if "full" in lowered or "no space" in lowered:
        return (
            f"disk full while writing the backup {destination}: no backup was written; free "
            "some space there, or back up to another disk"
        )
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return (
            f"the database {source} is damaged ({text}): no backup was written. Restore it "
            "from an earlier backup (or try sqlite3's .recover)"
        )
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return f"cannot write the backup {destination} ({text}): choose a writable folder"
    return f"the backup {destination} could not be made ({text}); no backup was written"


def upgrade_database(
    db: Database, target: str = "head", script_dir: Path | None = None
) -> UpgradeResult:
    """`studygroup db upgrade`: migrate in one transaction, under the write lock.

    The write lock (BEGIN IMMEDIATE; the advisory lock on PostgreSQL) is taken first and held
    to the end, so no other command commits in between. On SQLite, when there is something to
    upgrade, a verified backup is taken under that lock, beside the database. If anything
    fails, the transaction rolls back: the database is exactly as it was, and the backup,
    which is then not needed, is removed (nothing is ever copied back over the live file).

    On SQLite, foreign keys are switched off on the raw connection before the transaction
    (batch-rebuilding a parent table with them on would cascade-delete its children), checked
    with foreign_key_check before commit, and switched on again.
    """
    path = db.location.path
    db.check_file(write=True)
    if path is not None:
        prepare_sqlite_file(path)
    wanted = head(script_dir) if target == "head" else target
    backup: Path | None = None
    try:
        with db.engine.connect() as connection:
            raw = connection.connection.dbapi_connection if path is not None else None
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = OFF")
            try:
                connection.execution_options(studygroup_write=True)
                with connection.begin():
                    state, detail = schema_state(connection)
                    if state is SchemaState.FOREIGN and not db.adopt:
                        raise foreign_error(db.location, detail or "")
                    before = schema_revision(connection)
                    if before is not None and not is_known_revision(before, script_dir):
                        raise unknown_revision_error(db.location, before)
                    if before != wanted:
                        if path is not None and before is not None:
                            backup = _new_backup_path(path)
                            backup_sqlite(path, backup)
                        secured = path is None and security.is_secured(connection)
                        upgrade_connection(connection, target, script_dir)
                        if secured:  # new tables are secured like the others
                            security.secure(connection)
                        if raw is not None:
                            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                            if broken:
                                raise SchemaError(
                                    f"the upgrade would break {len(broken)} foreign key(s), "
                                    f"first in table {broken[0][0]}; nothing was changed"
                                )
                    after = schema_revision(connection)
                    faults.point("upgrade-before-commit")
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)
        raise
    return UpgradeResult(before=before, after=after, backup=backup)
