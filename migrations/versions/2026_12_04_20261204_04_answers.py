"""Members' answers to invitations (`rsvp`), and the replies already read.

The journal's triggers are made again, so the new tables are filed too.

Revision ID: 20261204_04
Revises: 20261204_03
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers

revision: str = "20261204_04"
down_revision: str | None = "20261204_03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum("yes", "no", "maybe", name="rsvp_answer", native_enum=False,
                    create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum("mail", "hand", name="rsvp_source", native_enum=False,
                    create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_rsvps_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_rsvps_member_id_members"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvps")),
        sa.UniqueConstraint("session_id", "member_id", name=op.f("uq_rsvps_session_id_member_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_rsvps_member_id"), "rsvps", ["member_id"])
    op.create_table(
        "rsvp_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvp_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_rsvp_messages_message_id")),
    )
    triggers.create(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    op.drop_table("rsvp_messages")
    op.drop_index(op.f("ix_rsvps_member_id"), table_name="rsvps")
    op.drop_table("rsvps")
    triggers.create(bind)
