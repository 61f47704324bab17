"""Poll ids are never reused, again: 20261205_01 rebuilt `polls` on SQLite to give it its
group, and the rebuild kept the columns but not the table's AUTOINCREMENT, so after an undo
deleted the newest poll, the next poll could take its id, and `poll show 3` reach another
poll. Rebuild `polls` with AUTOINCREMENT where it lacks it (20261205_01 now keeps it, so a
database upgraded since has it already); SQLite's counter starts at the highest id there.
PostgreSQL's sequences never hand out an id twice: there this changes nothing.

Downgrade: nothing to undo (20261205_01 keeps AUTOINCREMENT too).

Revision ID: 20261205_02
Revises: 20261205_01
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

from studygroup.store import triggers

revision: str = "20261205_02"
down_revision: str | None = "20261205_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'polls'"
    ).scalar_one()
    if "AUTOINCREMENT" in sql.upper():
        return
    triggers.drop(bind)
    with op.batch_alter_table(
        "polls", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass
    triggers.create(bind)


def downgrade() -> None:
    pass
