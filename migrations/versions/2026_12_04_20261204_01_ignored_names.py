"""Names that are nobody: note-taking bots on call reports (`member ignore`).

The journal's triggers are made again, so the new table is filed too.

Revision ID: 20261204_01
Revises: 20261124_01
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers

revision: str = "20261204_01"
down_revision: str | None = "20261124_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ignored_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ignored_names")),
        sa.UniqueConstraint("name_key", name=op.f("uq_ignored_names_name_key")),
    )
    triggers.create(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    op.drop_table("ignored_names")
    triggers.create(bind)
