"""Ids are never reused: the tables whose rows users name by id (talks, action items, polls
and their options) get SQLite's AUTOINCREMENT, so after an undo deletes item 5, the next item
is 6, and `item done 5` can never reach a different item. PostgreSQL's sequences never hand
out an id twice already: there this changes nothing.

SQLite can only set AUTOINCREMENT by rebuilding a table (batch mode, foreign keys off during
the upgrade, checked after); the journal's triggers are made again on the rebuilt tables.
sqlite_sequence starts at each table's highest id, so no id used before is handed out again.

Revision ID: 20261204_03
Revises: 20261204_02
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

from studygroup.store import triggers

revision: str = "20261204_03"
down_revision: str | None = "20261204_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("talks", "action_items", "polls", "poll_options")


def _rebuild(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    triggers.drop(bind)
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
    triggers.create(bind)


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
