"""The database layer: engine factory, transactions, schema state.

SQLite connection settings live here and nowhere else.
"""

from __future__ import annotations

import enum
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, CursorResult, Engine, Executable, create_engine, event, text

from studygroup import faults
from studygroup.errors import Invalid, SchemaError
from studygroup.rules import validate
from studygroup.store.location import Location, mask, prepare_sqlite_file, remove_if_unused
from studygroup.store.schema import HEAD_REVISION

BUSY_TIMEOUT_MS = 60_000
BUSY_TIMEOUT_ENV = "STUDYGROUP_BUSY_TIMEOUT_MS"  # how long a SQLite command waits for the lock


def busy_timeout_ms() -> int:
    """How long a command waits for another's write lock before giving up (SQLite), from
    $STUDYGROUP_BUSY_TIMEOUT_MS (0 to 3,600,000), default 60 s; anything else is ignored."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "")
    try:
        return validate.integer(raw, BUSY_TIMEOUT_ENV, 0, 3_600_000)
    except Invalid:
        return BUSY_TIMEOUT_MS


# One advisory lock key serialises writers on PostgreSQL the way BEGIN IMMEDIATE does on SQLite.
PG_WRITE_LOCK = 0x5747_0001
# Reminder runs of one session wait for each other (two-key advisory locks: this, session id).
PG_REMIND_LOCK = 0x5747_0002


def make_engine(location: Location, read_only: bool = False) -> Engine:
    """The engine for a location. SQLite's driver is imported here, on SQLite only: a
    PostgreSQL command never loads it (nor SQLAlchemy's SQLite dialect)."""
    if location.is_sqlite:
        import sqlite3

        if read_only:
            # read-only media: SQLite cannot create the -wal/-shm files a WAL database needs,
            # and nobody can write there, so the file is opened as immutable
            assert location.path is not None
            uri = sqlite_uri(location.path, "mode=ro&immutable=1")
            engine = create_engine(
                "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
            )
        else:
            engine = create_engine(location.url)
        _configure_sqlite(engine, read_only)
    else:
        # no hstore: studygroup has no such column, and looking for the type costs every
        # command four more round trips when it connects
        engine = create_engine(location.url, pool_pre_ping=False, use_native_hstore=False)
        _configure_postgresql(engine)
    return engine


def sqlite_uri(path: Path, query: str) -> str:
    return f"file:{quote(str(path))}?{query}"


def _configure_sqlite(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Turn the driver's own transaction handling off (it would BEGIN lazily and
        # deferred, which loses updates or fails with "database is locked" under
        # concurrency); we emit BEGIN ourselves below. `autocommit` is 3.12+ only.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("studygroup_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("studygroup_write", False):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")


Settle = Callable[[Connection], None]

# How far a write transaction has re-planned what it changed: the last journal row settled
# (kept on the connection for the length of the transaction).
SETTLED = "studygroup_settled_upto"  # store/changes.py: the journal rows already settled


COURSE_NOTE = "studygroup_journal_course"


GROUP_CHOSEN = "studygroup_group_slug"  # connection.info: the group the command was given
GROUP_CURRENT = "studygroup_group"  # connection.info: that group's row, once groups.current read it
GROUP_WRITING = "studygroup_group_writing"  # connection.info: the transaction writes


def note_course(connection: Connection, slug: str) -> None:
    """The course a command works on (the first it picks), for its journal entry and
    `log --course`. Here, not in journal.py, so that reading a course loads no journal."""
    connection.info.setdefault(COURSE_NOTE, slug)


def count(connection: Connection, table: Any, *where: Any) -> int:
    """How many rows of a table match."""
    from sqlalchemy import func, select

    return connection.scalar(select(func.count()).select_from(table).where(*where)) or 0


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT of one row gave it."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction on a Core connection (BEGIN IMMEDIATE on SQLite, the writers' lock
    on PostgreSQL): committed when the block ends, rolled back on any exception."""
    with (
        engine.execution_options(studygroup_write=True).connect() as connection,
        connection.begin(),
    ):
        yield connection
        faults.point("before-commit")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction on a Core connection."""
    with engine.connect() as connection, connection.begin():
        yield connection


class SchemaState(enum.Enum):
    MISSING = "missing"
    CURRENT = "current"
    OTHER = "other"
    FOREIGN = "foreign"  # tables, but none of them studygroup's revision stamp


class FileState(enum.Enum):
    ABSENT = "absent"
    EMPTY = "empty"  # no tables yet: studygroup may create its schema here
    STUDYGROUP = "studygroup"
    FOREIGN = "foreign"
    NOT_SQLITE = "not sqlite"
    DAMAGED = "damaged"


SQLITE_MAGIC = b"SQLite format 3\x00"


def inspect_sqlite_file(path: Path, read_only: bool = False) -> tuple[FileState, str]:
    """What a SQLite path holds, read without changing it (no WAL switch, no lock taken for
    long): checked before studygroup's own connection settings touch a file that may be
    another application's, not a database at all, or damaged. Returns the state and a detail
    (the tables found, or the error)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return FileState.ABSENT, ""
    except OSError as exc:
        return FileState.DAMAGED, exc.strerror or str(exc)
    if not stat.S_ISREG(info.st_mode):
        return FileState.NOT_SQLITE, "not a regular file"
    if info.st_size == 0:
        return FileState.EMPTY, ""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return FileState.DAMAGED, exc.strerror or str(exc)
    if magic != SQLITE_MAGIC:
        return FileState.NOT_SQLITE, "no SQLite header"
    import sqlite3

    query = "mode=ro&immutable=1" if read_only else "mode=ro"
    try:
        conn = sqlite3.connect(sqlite_uri(path, query), uri=True)
        try:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return FileState.DAMAGED, str(exc)
    if "alembic_version" in names:
        return FileState.STUDYGROUP, ""
    if names:
        return FileState.FOREIGN, _listed(names)
    return FileState.EMPTY, ""


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")


def writable(path: Path) -> bool:
    """Whether SQLite can write the file and create its -wal/-shm files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _other_tables(connection: Connection) -> list[str]:
    """Up to six tables that are not studygroup's revision stamp."""
    if connection.dialect.name == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' "
            "ORDER BY name LIMIT 6"
        )
    else:
        sql = (
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename != 'alembic_version' ORDER BY tablename LIMIT 6"
        )
    return list(connection.exec_driver_sql(sql).scalars())


def foreign_error(location: Location, tables: str) -> SchemaError:
    return SchemaError(
        f"{location.display()} belongs to another application (tables: {tables}), not to "
        "studygroup: choose another database, or run 'studygroup init --adopt' to add "
        "studygroup's tables to it"
    )


def newer_studygroup(revision: str | None) -> bool:
    """Whether a revision this code does not know is a newer studygroup's (they are dated,
    YYYYMMDD_NN, and sort after this code's head) rather than another application's. The one
    rule `db current` and every other command use."""
    return (
        revision is not None
        and re.fullmatch(r"\d{8}_\d{2}", revision) is not None
        and revision > HEAD_REVISION
    )


def unknown_revision_error(location: Location, revision: str | None) -> SchemaError:
    """A revision this code does not know: a newer studygroup's (they are dated, YYYYMMDD_NN),
    or another application's Alembic revision."""
    if newer_studygroup(revision):
        return SchemaError(
            f"the database at {location.display()} was written by a newer studygroup "
            f"(revision {revision}); upgrade studygroup"
        )
    return foreign_error(location, f"alembic_version at {revision}")


def schema_revision(connection: Connection) -> str | None:
    """The revision stamped in the database, or None when it has no studygroup schema."""
    if connection.dialect.name == "sqlite":
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
    else:
        exists = connection.execute(
            text("SELECT to_regclass('alembic_version')")
        ).scalar_one_or_none()
    if not exists:
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def schema_state(connection: Connection) -> tuple[SchemaState, str | None]:
    """The schema's state and its revision (for FOREIGN: the tables found instead)."""
    revision = schema_revision(connection)
    if revision is None:
        tables = _other_tables(connection)
        if tables:
            return SchemaState.FOREIGN, _listed(tables)
        return SchemaState.MISSING, None
    if revision == HEAD_REVISION:
        return SchemaState.CURRENT, revision
    return SchemaState.OTHER, revision


def require_current(connection: Connection, location: Location) -> None:
    """Refuse to work on a database that is not at this code's schema revision."""
    state, revision = schema_state(connection)
    if state is SchemaState.CURRENT:
        return
    if state is SchemaState.MISSING:
        raise SchemaError(
            f"no studygroup database at {location.display()} yet: run 'studygroup init'"
        )
    if state is SchemaState.FOREIGN:
        raise foreign_error(location, revision or "")
    from studygroup.store import migrate  # imports Alembic only on this rare path

    if migrate.is_known_revision(revision):
        raise SchemaError(
            f"the database at {location.display()} is at schema {revision}, behind this "
            f"version of studygroup ({HEAD_REVISION}): run 'studygroup db upgrade'"
        )
    raise unknown_revision_error(location, revision)


class Database:
    """A located database with its engine, opened lazily.

    Before studygroup's connection settings touch a SQLite file (they switch it to WAL), the
    file is inspected read-only: another application's database, a file that is not SQLite,
    or a damaged one is refused with one line, and read-only media are read as immutable.
    `adopt` lets `init --adopt` add studygroup's tables to another application's file."""

    def __init__(self, location: Location, adopt: bool = False, group: str | None = None) -> None:
        self.location = location
        self.adopt = adopt
        self.group = group  # --group / $STUDYGROUP_GROUP: the group its commands work on
        self.last_info: dict[Any, Any] = {}
        self._engine: Engine | None = None

    def _for_group(self, connection: Connection, writing: bool) -> None:
        """Tell the connection which group was asked for (groups.current picks it), and
        whether the transaction writes (a read-only organiser is refused then)."""
        connection.info[GROUP_CHOSEN] = self.group
        connection.info[GROUP_WRITING] = writing
        connection.info.pop(GROUP_CURRENT, None)
        self.last_info = connection.info  # for an error's message: the group it was about

    @property
    def read_only(self) -> bool:
        path = self.location.path
        return path is not None and path.exists() and not writable(path)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.location, read_only=self.read_only)
        return self._engine

    def exists(self) -> bool:
        path = self.location.path
        return path is None or (path.exists() and path.stat().st_size > 0)

    def check_file(self, write: bool) -> FileState | None:
        """Refuse a SQLite file studygroup must not use (see the class); None on PostgreSQL."""
        path = self.location.path
        if path is None:
            return None
        shown = self.location.display()
        wal = Path(f"{path}-wal")
        if self.read_only and wal.exists() and wal.stat().st_size > 0:
            # read-only media can only be read as immutable, which ignores the -wal file: the
            # commits still in it would silently be missing. Refuse, and say what to do.
            raise SchemaError(
                f"the database at {shown} is on read-only media with commits still in its "
                f"write-ahead log ({wal.name}), which cannot be read there: copy {path.name} "
                f"and {wal.name} together to a writable folder and use the copy"
            )
        state, detail = inspect_sqlite_file(path, read_only=self.read_only)
        if state is FileState.NOT_SQLITE:
            raise SchemaError(
                f"{shown} is not a studygroup database ({detail}): check --db or STUDYGROUP_DB"
            )
        if state is FileState.DAMAGED:
            raise SchemaError(
                f"the database at {shown} is damaged or unreadable ({detail}): "
                "restore it from a backup"
            )
        if state is FileState.FOREIGN and not self.adopt:
            raise foreign_error(self.location, detail)
        if state in (FileState.ABSENT, FileState.EMPTY) and not write:
            raise SchemaError(f"no studygroup database at {shown} yet: run 'studygroup init'")
        if write and state not in (FileState.ABSENT,) and self.read_only:
            raise SchemaError(
                f"the database at {shown} is read-only: copy it somewhere "
                "writable to change it (reading it works)"
            )
        return state

    def _require_file(self) -> None:
        self.check_file(write=False)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction on a Core connection (the fast path for read commands)."""
        self._require_file()
        with reading(self.engine) as connection:
            require_current(connection, self.location)
            self._for_group(connection, writing=False)
            yield connection

    def _ensure_schema(self, connection: Connection) -> None:
        """A missing database is created at head inside the write transaction."""
        state, detail = schema_state(connection)
        if state is SchemaState.MISSING or (state is SchemaState.FOREIGN and self.adopt):
            from studygroup.store import migrate

            migrate.upgrade_connection(connection)
        elif state is SchemaState.FOREIGN:
            raise foreign_error(self.location, detail or "")
        else:
            require_current(connection, self.location)

    def _prepare_write(self) -> list[Path]:
        self.check_file(write=True)
        if self.location.path is not None:
            return prepare_sqlite_file(self.location.path)
        return []

    @contextmanager
    def write(self, settle: Settle | None = None) -> Iterator[Connection]:
        """The one write transaction of a command: committed when the block ends, rolled back
        on any exception. `settle` runs once, last, before the commit: it brings what is
        derived (the planned agendas of the courses the command changed) up to date."""
        created = self._prepare_write()
        try:
            with writing(self.engine) as connection:
                try:
                    self._ensure_schema(connection)
                    self._for_group(connection, writing=True)
                    yield connection
                    if settle is not None:
                        settle(connection)
                finally:
                    connection.info.pop(SETTLED, None)
        except BaseException:
            if created and self.location.path is not None:  # a failed first command: no file
                self.engine.dispose()
                remove_if_unused(self.location.path, created)
            raise

    @contextmanager
    def run_lock(self, session_id: int) -> Iterator[None]:
        """Serialise runs that deliver reminders for a session, for as long as they send:
        a second run waits, then finds everything the first one sent in the log. Released
        by the operating system or the server if the process dies. SQLite: an exclusive
        flock() on the database file (independent of SQLite's own POSIX locks, which it
        never touches); PostgreSQL: a session-level advisory lock keyed by the session."""
        path = self.location.path
        if path is not None:
            import fcntl

            fd = os.open(path, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing releases the lock
            return
        with self.engine.connect() as connection:
            connection.exec_driver_sql(
                f"SELECT pg_advisory_lock({PG_REMIND_LOCK}, {int(session_id)})"
            )
            connection.commit()
            try:
                yield
            finally:
                connection.exec_driver_sql(
                    f"SELECT pg_advisory_unlock({PG_REMIND_LOCK}, {int(session_id)})"
                )
                connection.commit()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def describe_operational_error(exc: Exception, location: Location) -> str:
    """One line for a database that cannot be reached, with any password masked."""
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    first = detail[0] if detail else exc.__class__.__name__
    return f"cannot use the database at {location.display()}: {mask(first)}"


def insert_ignoring(db: Connection, table: Any, values: Mapping[str, object], key: str) -> bool:
    """Insert a row unless one with the same `key` is there (or goes in at the same time, from
    another transaction): True if this one went in. INSERT ... ON CONFLICT DO NOTHING, which
    SQLite and PostgreSQL both have, so two processes never both claim it."""
    statement: Executable
    if db.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement = (
            postgresql.insert(table)
            .values(values)
            .on_conflict_do_nothing(index_elements=[key])
            .returning(table.c[key])
        )
    else:
        from sqlalchemy.dialects import sqlite

        statement = (
            sqlite.insert(table)
            .values(values)
            .on_conflict_do_nothing(index_elements=[key])
            .returning(table.c[key])
        )
    # the row it returns, not rowcount: drivers count a RETURNING statement differently
    return db.execute(statement).first() is not None
