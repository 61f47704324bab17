"""Mask the secrets already stored in the journal's command lines with the one masker.

Command lines recorded before it (a call link's password or ?pwd=, a webhook path typed as an
ordinary option's value) kept them; this runs the masker over every stored line. Masking
cannot be undone, so the downgrade leaves the lines as they are.

Revision ID: 20261204_02
Revises: 20261204_01
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store.location import mask

revision: str = "20261204_02"
down_revision: str | None = "20261204_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    journal = sa.table("journal", sa.column("id", sa.Integer), sa.column("command", sa.Text))
    changed = []
    for entry_id, command in bind.execute(sa.select(journal.c.id, journal.c.command)):
        hidden = mask(command)
        if hidden != command:
            changed.append({"b_id": entry_id, "b_command": hidden})
    if changed:
        bind.execute(
            journal.update()
            .where(journal.c.id == sa.bindparam("b_id"))
            .values(command=sa.bindparam("b_command")),
            changed,
        )


def downgrade() -> None:
    pass
