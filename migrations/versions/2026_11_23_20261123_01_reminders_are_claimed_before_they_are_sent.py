"""Reminders are claimed before they are sent: `claimed_at`, and `sent_at` NULL until the
send is confirmed (an interrupted send then shows as unconfirmed, never as a duplicate).

Every existing row was sent: its claimed_at is its sent_at. Downgrading keeps every row; an
unconfirmed claim is kept as sent (the conservative reading: never send it twice).

Revision ID: 20261123_01
Revises: 20261122_02
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_01"
down_revision: str | None = "20261122_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE reminders SET claimed_at = sent_at")
    with op.batch_alter_table("reminders") as batch:
        batch.alter_column("claimed_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("sent_at", existing_type=sa.DateTime(timezone=True), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE reminders SET sent_at = claimed_at WHERE sent_at IS NULL")
    with op.batch_alter_table("reminders") as batch:
        batch.alter_column("sent_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.drop_column("claimed_at")
