"""Test fixtures: every test gets its own real database.

SQLite (default): a temp file copied from a template that `alembic upgrade head` built once.
PostgreSQL: set STUDYGROUP_TEST_DATABASE_URL (postgresql+psycopg://.../db); every test gets a
new database cloned from a template built the same way. If the variable is set and the server
cannot be used, the run fails rather than skipping its database tests.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from studygroup.cli import cli
from studygroup.clock import ENV as CLOCK_ENV
from studygroup.store.db import Database, make_engine
from studygroup.store.location import resolve
from studygroup.store.schema import metadata

# The suite runs at one fixed instant, in this process and every subprocess it starts, so
# that no test depends on the day it runs: the dates the tests plan (autumn 2026) are in the
# past at this moment, as they would be for an organiser closing last week. A test that needs
# another moment sets $STUDYGROUP_TEST_NOW itself.
NOW = "2027-03-01T12:00:00+00:00"
os.environ.setdefault(CLOCK_ENV, NOW)

PG_ENV = "STUDYGROUP_TEST_DATABASE_URL"
# the installed console script, beside the interpreter running the tests
SCRIPT = shutil.which("studygroup", path=str(Path(sys.executable).parent)) or "studygroup"

# CI explores the same examples on every run (a red CI must mean a regression, not a new draw);
# local runs keep exploring new ones.
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis.settings.load_profile("ci")


class Backend:
    name: str

    def fresh(self, tmp_path: Path) -> str:
        """An empty database at head."""
        raise NotImplementedError

    def empty(self, tmp_path: Path) -> str:
        """A database with no schema at all (for SQLite: a path that does not exist yet)."""
        raise NotImplementedError

    def cleanup(self, url: str) -> None:
        pass

    def close(self) -> None:
        pass


def _migrate(target: str) -> None:
    database = Database(resolve(target))
    with database.write():
        pass
    database.dispose()


class SQLiteBackend(Backend):
    name = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self.template = workdir / "template.db"
        _migrate(str(self.template))

    def fresh(self, tmp_path: Path) -> str:
        target = tmp_path / "studygroup.db"
        shutil.copyfile(self.template, target)
        os.chmod(target, 0o600)
        return str(target)

    def empty(self, tmp_path: Path) -> str:
        return str(tmp_path / "new" / "studygroup.db")


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.base = sa.make_url(url)
        self.prefix = f"sgtest_{os.getpid()}"
        self.counter = itertools.count()
        self.admin = sa.create_engine(
            self.base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
        )
        with self.admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        self.template = f"{self.prefix}_template"
        self._create(self.template)
        _migrate(self._url(self.template))
        self.created: list[str] = [self.template]

    def _url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str | None = None) -> None:
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')

    def _new(self, template: str | None) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        self._create(name, template)
        self.created.append(name)
        return self._url(name)

    def fresh(self, tmp_path: Path) -> str:
        return self._new(self.template)

    def empty(self, tmp_path: Path) -> str:
        return self._new(None)

    def cleanup(self, url: str) -> None:
        name = sa.make_url(url).database
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        for name in list(self.created):
            with self.admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    url = os.environ.get(PG_ENV)
    chosen: Backend
    if url:
        try:
            chosen = PostgresBackend(url)
        except Exception as exc:  # the PostgreSQL run must not silently skip
            pytest.exit(f"{PG_ENV} is set but PostgreSQL cannot be used: {exc}", returncode=3)
    else:
        chosen = SQLiteBackend(tmp_path_factory.mktemp("template"))
    yield chosen
    chosen.close()


@pytest.fixture
def db(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """A fresh database at head: a file path on SQLite, a URL on PostgreSQL."""
    target = backend.fresh(tmp_path)
    yield target
    backend.cleanup(target)


@pytest.fixture
def empty_db(backend: Backend, tmp_path: Path) -> Iterator[str]:
    target = backend.empty(tmp_path)
    yield target
    backend.cleanup(target)


@pytest.fixture
def sqlite_only(backend: Backend) -> None:
    if backend.name != "sqlite":
        pytest.skip("SQLite-specific behaviour")


class CLI:
    """Runs the real Click app in-process against one database and checks the outcome."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.runner = CliRunner()

    def __call__(
        self, *args: str, code: int = 0, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        return self.raw("--db", self.target, *args, code=code, input=input, env=env)

    def raw(
        self, *args: str, code: int = 0, input: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        result = self.runner.invoke(cli, list(args), input=input, env=env, prog_name="studygroup")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            tb = "".join(traceback.format_exception(result.exception))
            raise AssertionError(f"studygroup {' '.join(args)} raised:\n{tb}")
        assert "Traceback" not in result.output
        assert result.exit_code == code, (
            f"studygroup {' '.join(args)} exited {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str, env: dict[str, str] | None = None) -> Any:
        import json

        return json.loads(self(*args, "--json", env=env).stdout)


CLIFactory = Callable[[str], CLI]


@pytest.fixture
def run(db: str) -> CLI:
    return CLI(db)


@pytest.fixture
def cli_for() -> CLIFactory:
    return CLI


@pytest.fixture
def engine_for() -> Iterator[Callable[[str], sa.Engine]]:
    engines: list[sa.Engine] = []

    def make(target: str) -> sa.Engine:
        engine = make_engine(resolve(target))
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: to prove a failed command wrote nothing."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
        out["alembic_version"] = [
            tuple(r) for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")
        ]
    return out


def downgrade(
    engine: sa.Engine, revision: str, before: Callable[[sa.Connection], None] | None = None
) -> None:
    """Down to `revision` as `db upgrade` goes up: on SQLite with foreign keys off (dropping a
    column rebuilds a table, and dropping a parent table with them on deletes through it),
    checked before the commit. `before` runs first, in the same transaction."""
    from studygroup.store import migrate

    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                if before is not None:
                    before(conn)
                migrate.downgrade_connection(conn, revision)
                if sqlite:
                    assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def raw_dump(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the database has (whatever its revision), by its first
    column."""
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        return {
            t: sorted((tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{t}"')), key=repr)
            for t in sorted(tables)
        }


JOURNAL_TABLES = ("journal", "journal_changes", "journal_open")


def domain(dumped: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """A dump without the change journal: the state of the group, not its history."""
    return {k: v for k, v in dumped.items() if k not in JOURNAL_TABLES}


@pytest.fixture
def snapshot(db: str, engine_for: Callable[[str], sa.Engine]) -> Callable[[], dict[str, Any]]:
    engine = engine_for(db)
    return lambda: dump(engine)


def broken_migrations(tmp_path: Path, body: str) -> Path:
    """The shipped migrations plus one more revision whose upgrade() runs `body` (indented
    statements): to see what a failing upgrade leaves behind."""
    from studygroup.store import migrate
    from studygroup.store.schema import HEAD_REVISION

    broken = tmp_path / "migrations"
    shutil.copytree(migrate.script_location(), broken)
    (broken / "versions" / "2099_01_01_broken.py").write_text(
        "revision = 'broken'\n"
        f"down_revision = '{HEAD_REVISION}'\n"
        "branch_labels = None\n"
        "depends_on = None\n"
        "import time\n"
        "from alembic import op\n"
        "def upgrade():\n"
        f"{body}"
        "def downgrade():\n"
        "    pass\n"
    )
    return broken


def in_private_mount(
    script: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root of a private user and mount namespace (`unshare -rm`), where
    it may mount a small or read-only tmpfs: a full disk or read-only media, for real, without
    privileges. Skips where the machine allows no such namespace."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) for a private mount namespace")
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if result.returncode and (
        "unshare:" in result.stderr
        or ("mount" in result.stderr and "permission denied" in result.stderr.lower())
    ):
        pytest.skip(f"this machine allows no private mounts: {result.stderr.strip()}")
    return result


# -- pytest-alembic -----------------------------------------------------------------------------


@pytest.fixture
def alembic_config() -> dict[str, Any]:
    from studygroup.store.migrate import script_location

    return {"script_location": str(script_location()), "path_separator": "os"}


@pytest.fixture
def alembic_engine(empty_db: str, engine_for: Callable[[str], sa.Engine]) -> sa.Engine:
    from studygroup.store.location import prepare_sqlite_file

    location = resolve(empty_db)
    if location.path is not None:
        prepare_sqlite_file(location.path)
    return engine_for(empty_db)


def pytest_report_header(config: pytest.Config) -> str:
    return "studygroup test database: " + ("postgresql" if os.environ.get(PG_ENV) else "sqlite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs only the tests that touch a database (every one that uses
    the `backend` fixture, directly or through `db`, `run`, ...): the pure rules, renderers
    and readers were already run on the SQLite pass, and would only run again unchanged."""
    if not os.environ.get(PG_ENV):
        return
    kept, dropped = [], []
    for item in items:
        (kept if "backend" in getattr(item, "fixturenames", ()) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
