"""The change journal: one entry per write command, and under it every row the command
inserted, updated or deleted (as it was before, as JSON; the row after is derived), filed by triggers on every tracked
table so no code path escapes it. Existing rows are untouched; history starts now.

The triggers are generated from the tables as they are at this revision
(`studygroup.store.triggers.create`); a later migration that rebuilds a table calls it again.

Revision ID: 20261123_05
Revises: 20261123_04
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers

revision: str = "20261123_05"
down_revision: str | None = "20261123_04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("db_user", sa.String(100), nullable=True),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("course", sa.String(40), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.Column("pruned", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal")),
    )
    op.create_index(op.f("ix_journal_at"), "journal", ["at"], unique=False)
    op.create_table(
        "journal_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("op", sa.String(1), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_changes")),
    )
    op.create_index(
        op.f("ix_journal_changes_entry_id"), "journal_changes", ["entry_id"], unique=False
    )
    op.create_table(
        "journal_open",
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_journal_open")),
    )
    triggers.create(op.get_bind())


def downgrade() -> None:
    triggers.drop(op.get_bind())
    op.drop_table("journal_open")
    op.drop_index(op.f("ix_journal_changes_entry_id"), table_name="journal_changes")
    op.drop_table("journal_changes")
    op.drop_index(op.f("ix_journal_at"), table_name="journal")
    op.drop_table("journal")
