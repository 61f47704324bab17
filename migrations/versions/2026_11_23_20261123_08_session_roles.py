"""Who does what in the call: each session's host and note-taker, and the roles a member
takes in turn (the rota). Existing sessions have no host or note-taker yet; no member is on
the rota until they opt in.

The journal's triggers are made again, so they file the new columns too.

Revision ID: 20261123_08
Revises: 20261123_07
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers

revision: str = "20261123_08"
down_revision: str | None = "20261123_07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("host_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("notes_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_sessions_host_id_members"), "members", ["host_id"], ["id"], ondelete="RESTRICT"
        )
        batch.create_foreign_key(
            op.f("fk_sessions_notes_by_id_members"),
            "members",
            ["notes_by_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("rota", sa.String(40), nullable=True))
    triggers.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    with op.batch_alter_table("members") as batch:
        batch.drop_column("rota")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_constraint(op.f("fk_sessions_notes_by_id_members"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_sessions_host_id_members"), type_="foreignkey")
        batch.drop_column("notes_by_id")
        batch.drop_column("host_id")
    triggers.create(bind)
