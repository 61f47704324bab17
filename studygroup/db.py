"""The database layer: engine factory, transactions, schema state.

SQLite connection settings live here and nowhere else.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text

from studygroup import crash
from studygroup.errors import SchemaError
from studygroup.location import Location, mask, prepare_sqlite_file
from studygroup.schema import HEAD_REVISION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


BUSY_TIMEOUT_MS = 60_000
# One advisory lock key serialises writers on PostgreSQL the way BEGIN IMMEDIATE does on SQLite.
PG_WRITE_LOCK = 0x5747_0001


def make_engine(location: Location) -> Engine:
    if location.is_sqlite:
        engine = create_engine(location.url)
        _configure_sqlite(engine)
    else:
        engine = create_engine(location.url, pool_pre_ping=False)
        _configure_postgresql(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Turn the driver's own transaction handling off (it would BEGIN lazily and
        # deferred, which loses updates or fails with "database is locked" under
        # concurrency); we emit BEGIN ourselves below. `autocommit` is 3.12+ only.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
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


@contextmanager
def writing_session(engine: Engine) -> Iterator[Session]:
    """A write transaction through the ORM unit of work (the same lock as writing()):
    flushed and committed when the block ends, rolled back on any exception."""
    from sqlalchemy.orm import Session  # only the ORM path pays for importing the ORM

    bind = engine.execution_options(studygroup_write=True)
    with Session(bind, expire_on_commit=False, autoflush=True) as session, session.begin():
        yield session
        session.flush()
        crash.point("before-commit")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction on a Core connection (BEGIN IMMEDIATE on SQLite, the writers' lock
    on PostgreSQL): committed when the block ends, rolled back on any exception."""
    with engine.execution_options(studygroup_write=True).connect() as connection, \
            connection.begin():
        yield connection
        crash.point("before-commit")


def session_on(connection: Connection) -> Session:
    """An ORM session inside a Core write transaction, for the odd step that needs the ORM:
    it flushes into the connection's transaction and never commits it (the command does, or
    rolls everything back)."""
    from sqlalchemy.orm import Session

    return Session(bind=connection, expire_on_commit=False, autoflush=True,
                   join_transaction_mode="rollback_only")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction on a Core connection: what the read commands use, so that they
    never import or set up the ORM."""
    with engine.connect() as connection, connection.begin():
        yield connection


class SchemaState(enum.Enum):
    MISSING = "missing"
    CURRENT = "current"
    OTHER = "other"


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
    revision = schema_revision(connection)
    if revision is None:
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
    from studygroup import migrate  # imports Alembic only on this rare path

    if migrate.is_known_revision(revision):
        raise SchemaError(
            f"the database at {location.display()} is at schema {revision}, behind this "
            f"version of studygroup ({HEAD_REVISION}): run 'studygroup db upgrade'"
        )
    raise SchemaError(
        f"the database at {location.display()} is at schema {revision}, newer than this "
        f"version of studygroup knows: upgrade studygroup"
    )


class Database:
    """A located database with its engine, opened lazily."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.location)
        return self._engine

    def exists(self) -> bool:
        path = self.location.path
        return path is None or (path.exists() and path.stat().st_size > 0)

    def _require_file(self) -> None:
        if not self.exists():
            raise SchemaError(
                f"no studygroup database at {self.location.display()} yet: "
                "run 'studygroup init'"
            )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction on a Core connection (the fast path for read commands)."""
        self._require_file()
        with reading(self.engine) as connection:
            require_current(connection, self.location)
            yield connection

    def _ensure_schema(self, connection: Connection) -> None:
        """A missing database is created at head inside the write transaction."""
        state, _ = schema_state(connection)
        if state is SchemaState.MISSING:
            from studygroup import migrate

            migrate.upgrade_connection(connection)
        else:
            require_current(connection, self.location)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction on a Core connection (bulk writes that need no ORM)."""
        if self.location.path is not None:
            prepare_sqlite_file(self.location.path)
        with writing(self.engine) as connection:
            self._ensure_schema(connection)
            yield connection

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A write transaction through the ORM unit of work."""
        if self.location.path is not None:
            prepare_sqlite_file(self.location.path)
        with writing_session(self.engine) as session:
            self._ensure_schema(session.connection())
            yield session

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def describe_operational_error(exc: Exception, location: Location) -> str:
    """One line for a database that cannot be reached, with any password masked."""
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    first = detail[0] if detail else exc.__class__.__name__
    return f"cannot use the database at {location.display()}: {mask(first)}"
