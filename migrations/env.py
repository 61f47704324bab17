"""Alembic environment for studygroup.

studygroup passes an open connection in config.attributes["connection"] (never a URL through
set_main_option, which chokes on '%' in URL-encoded passwords). Nothing is executed on the
connection before context.begin_transaction(): that would autobegin a transaction which is rolled
back at the end, and the migration would silently vanish.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from studygroup.store.schema import metadata

config = context.config
target_metadata = metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER by rebuilding the table
        compare_type=True,
    )


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _configure(given)
        with context.begin_transaction():
            context.run_migrations()
        return

    engine: Any
    if given is not None:  # an Engine, or something that connects like one (pytest-alembic)
        engine = given
    else:  # `alembic ...` by hand: the same database resolution as the studygroup command
        from studygroup.store.db import make_engine
        from studygroup.store.location import resolve

        engine = make_engine(resolve(None))
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("studygroup migrations run online only")
run_migrations_online()
