"""Index the rollover log by agenda entry.

Re-planning deletes a course's planned agenda entries on every write that changes what they
derive from, and each deleted entry sets NULL in the rollover moves that name it: without
this index each of those is a scan of the whole rollover log, which grows with every close
(measured: 14 ms of a 50 ms `session close` carrying 5,000 items, and more every week).

Revision ID: 20261124_01
Revises: 20261123_09
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261124_01"
down_revision: str | None = "20261123_09"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_rollover_moves_agenda_entry_id"),
        "rollover_moves",
        ["agenda_entry_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rollover_moves_agenda_entry_id"), table_name="rollover_moves")
