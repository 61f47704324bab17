"""Talks given by two or more people: the co-presenters beside a talk's presenter.

The journal's triggers are made again, so the new table is filed too.

Revision ID: 20261123_09
Revises: 20261123_08
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers

revision: str = "20261123_09"
down_revision: str | None = "20261123_08"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "talk_copresenters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("talk_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["talk_id"],
            ["talks.id"],
            name=op.f("fk_talk_copresenters_talk_id_talks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_talk_copresenters_member_id_members"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talk_copresenters")),
        sa.UniqueConstraint(
            "talk_id", "member_id", name=op.f("uq_talk_copresenters_talk_id_member_id")
        ),
    )
    op.create_index(
        op.f("ix_talk_copresenters_member_id"), "talk_copresenters", ["member_id"], unique=False
    )
    triggers.create(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    op.drop_index(op.f("ix_talk_copresenters_member_id"), table_name="talk_copresenters")
    op.drop_table("talk_copresenters")
    triggers.create(bind)
