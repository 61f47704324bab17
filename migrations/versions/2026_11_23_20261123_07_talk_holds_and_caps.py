"""Talks on hold, and a cap on talks per session: a held talk keeps its place in the queue
but is not planned; a course's max_talks (none: no cap) bounds how many talks the planner
puts in one session. Existing talks are not on hold; existing courses have no cap.

The journal's triggers are made again, so they file the new columns too.

Revision ID: 20261123_07
Revises: 20261123_06
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers

revision: str = "20261123_07"
down_revision: str | None = "20261123_06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    with op.batch_alter_table("talks") as batch:
        batch.add_column(
            sa.Column("on_hold", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("max_talks", sa.Integer(), nullable=True))
    triggers.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("max_talks")
    with op.batch_alter_table("talks") as batch:
        batch.drop_column("on_hold")
    triggers.create(bind)
