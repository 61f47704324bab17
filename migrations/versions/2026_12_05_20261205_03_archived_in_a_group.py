"""A member is archived in a group, not everywhere: `group_members.archived_at`.

People are shared by groups since 20261205_01, but `member archive` still archived the
person, so archiving someone who left one book club stopped their reminders, rotas and
counts in every other club they belong to. From here `member archive` archives the
membership; a member is active in a group when neither the person (erased, or archived
before this revision: in every group, as before) nor their membership of it is archived.
Nothing is moved: every archive made before stays what it was.

Downgrade: a person archived in every group they belong to becomes an archived person again
(the latest of those dates); one archived in some groups and active in others cannot be said
before this revision, so the downgrade refuses in one line and changes nothing.

Revision ID: 20261205_03
Revises: 20261205_02
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers
from studygroup.store.types import UTCDateTime

revision: str = "20261205_03"
down_revision: str | None = "20261205_02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)  # the journal's triggers name every column: made again with it
    op.add_column("group_members", sa.Column("archived_at", UTCDateTime(), nullable=True))
    triggers.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    split = bind.exec_driver_sql(
        "SELECT count(DISTINCT a.member_id) FROM group_members a JOIN group_members b "
        "ON b.member_id = a.member_id WHERE a.archived_at IS NOT NULL AND b.archived_at IS NULL"
    ).scalar_one()
    if split:
        raise RuntimeError(
            f"{split} {'person is' if split == 1 else 'people are'} archived in some groups "
            "and active in others, which a database before this revision cannot say: archive "
            "or restore them in every group first; nothing was changed"
        )
    bind.exec_driver_sql(
        "UPDATE members SET active = false, archived_at = ("
        "SELECT max(g.archived_at) FROM group_members g WHERE g.member_id = members.id) "
        "WHERE active AND EXISTS (SELECT 1 FROM group_members g WHERE g.member_id = members.id "
        "AND g.archived_at IS NOT NULL)"
    )
    triggers.drop(bind)
    with op.batch_alter_table("group_members") as batch:
        batch.drop_column("archived_at")
    triggers.create(bind)
