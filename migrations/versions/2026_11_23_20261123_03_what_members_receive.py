"""What members receive: the call link (on the course, and per session), a revision on every
session that calendars see as SEQUENCE, how reminders greet each member, and a reminder log
that knows which revision each member was told of (so a move or a cancel gets a notice).

Every existing row is kept. A cancelled session starts at revision 1 (its calendar event
already said SEQUENCE:1, and SEQUENCE never goes down); every reminder already logged counts
as telling its session's current revision and start, so nothing is announced twice.

Downgrading keeps every row of the older schema's shape, and is refused while a member has
been told of more than one revision of a session (the older log holds one row per member).

Revision ID: 20261123_03
Revises: 20261123_02
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_03"
down_revision: str | None = "20261123_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("call_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("call_note", sa.String(500), nullable=True))
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("call_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("call_note", sa.String(500), nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("updated_at", STAMP, nullable=True))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("greeting", sa.String(60), nullable=True))
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("starts_at", STAMP, nullable=True))
        batch.add_column(sa.Column("kind", sa.String(20), nullable=True))
        batch.drop_constraint("uq_reminders_session_id_channel_target", type_="unique")
        batch.create_unique_constraint(
            "uq_reminders_session_id_channel_target_revision",
            ["session_id", "channel", "target", "revision"],
        )
    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC, like every instant there
    bind.execute(sa.text("UPDATE sessions SET updated_at = :now"), {"now": now})
    op.execute("UPDATE sessions SET revision = 1 WHERE status = 'cancelled'")
    op.execute(
        "UPDATE reminders SET "
        "revision = (SELECT s.revision FROM sessions s WHERE s.id = reminders.session_id), "
        "starts_at = (SELECT s.starts_at FROM sessions s WHERE s.id = reminders.session_id)"
    )


def downgrade() -> None:
    bind = op.get_bind()
    several = bind.execute(
        sa.text(
            "SELECT count(*) FROM (SELECT 1 FROM reminders "
            "GROUP BY session_id, channel, target HAVING count(*) > 1) AS t"
        )
    ).scalar()
    if several:
        raise RuntimeError(
            f"{several} reminder log entries hold more than one revision (change notices); "
            "the older schema cannot keep them, so the downgrade is refused"
        )
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint("uq_reminders_session_id_channel_target_revision", type_="unique")
        batch.create_unique_constraint(
            "uq_reminders_session_id_channel_target", ["session_id", "channel", "target"]
        )
        batch.drop_column("kind")
        batch.drop_column("starts_at")
        batch.drop_column("revision")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("greeting")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("revision")
        batch.drop_column("call_note")
        batch.drop_column("call_url")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("call_note")
        batch.drop_column("call_url")
