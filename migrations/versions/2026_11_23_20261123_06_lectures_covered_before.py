"""Lectures covered before studygroup: a group that joins a course at lecture 7 marks 1-6 as
covered (`course start-at`, `lecture covered`), and progress, the forecast and the planner
count them as done. Every existing lecture starts as not covered before.

The journal's triggers are made again, so they file the new column too.

Revision ID: 20261123_06
Revises: 20261123_05
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers

revision: str = "20261123_06"
down_revision: str | None = "20261123_05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    with op.batch_alter_table("lectures") as batch:
        batch.add_column(
            sa.Column("covered_before", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    triggers.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    with op.batch_alter_table("lectures") as batch:
        batch.drop_column("covered_before")
    triggers.create(bind)
