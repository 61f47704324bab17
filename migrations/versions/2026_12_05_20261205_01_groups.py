"""Groups: one database for many study groups.

A group owns its courses (and through them their sessions, lectures, talks, items, answers
and logs), its polls and its memberships; members are people, and a person may belong to
several groups. `group_organisers` says which PostgreSQL login role organises which group
(the row-level security policies read it; `store/security.py`).

An existing database becomes one group, `main`, that owns every course and poll and has every
member: nothing a command does changes, and no row is lost. A new database starts with that
one group too, so a single-group database never needs `--group`.

Downgrade: back to one database for one group, which is only possible while the database
holds one group (it would otherwise merge groups whose course slugs may clash): it refuses
in one line otherwise.

Revision ID: 20261205_01
Revises: 20261204_04
Create Date: 2026-12-05
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from studygroup.store import triggers
from studygroup.store.types import UTCDateTime

revision: str = "20261205_01"
down_revision: str | None = "20261204_04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# a rebuild of `polls` (SQLite) copies its columns, not its options: keep its ids unreused
POLLS_KWARGS = {"sqlite_autoincrement": True}

DEFAULT_SLUG = "main"
DEFAULT_NAME = "Study group"


def upgrade() -> None:
    bind = op.get_bind()
    triggers.drop(bind)
    groups = op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("slug", name=op.f("uq_groups_slug")),
    )
    op.create_table(
        "group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_members_group_id_groups"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_group_members_member_id_members"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
        sa.UniqueConstraint(
            "group_id", "member_id", name=op.f("uq_group_members_group_id_member_id")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_group_members_member_id"), "group_members", ["member_id"])
    op.create_table(
        "group_organisers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("role_name", sa.String(length=63), nullable=False),
        sa.Column("read_only", sa.Boolean(), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_organisers_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_organisers")),
        sa.UniqueConstraint(
            "group_id", "role_name", name=op.f("uq_group_organisers_group_id_role_name")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_group_organisers_role_name_group_id"),
        "group_organisers",
        ["role_name", "group_id"],
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        groups, [{"id": 1, "slug": DEFAULT_SLUG, "name": DEFAULT_NAME, "created_at": now}]
    )
    if bind.dialect.name == "postgresql":  # the id was given: move the sequence past it
        bind.exec_driver_sql("SELECT setval(pg_get_serial_sequence('groups', 'id'), 1)")
    bind.execute(
        sa.text(
            "INSERT INTO group_members (group_id, member_id, joined_at) "
            "SELECT 1, id, :now FROM members ORDER BY id"
        ).bindparams(sa.bindparam("now", now, type_=UTCDateTime()))
    )

    for table in ("courses", "polls"):
        op.add_column(table, sa.Column("group_id", sa.Integer(), nullable=True))
        bind.exec_driver_sql(f"UPDATE {table} SET group_id = 1")
    with op.batch_alter_table("courses") as batch:
        batch.alter_column("group_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_courses_group_id_groups"),
            "groups",
            ["group_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.drop_constraint("uq_courses_slug", type_="unique")
        batch.create_unique_constraint(op.f("uq_courses_group_id_slug"), ["group_id", "slug"])
    with op.batch_alter_table("polls", table_kwargs=POLLS_KWARGS) as batch:
        batch.alter_column("group_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_polls_group_id_groups"),
            "groups",
            ["group_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.drop_index("ix_polls_status")
        batch.create_index(op.f("ix_polls_group_id_status"), ["group_id", "status"])
    op.add_column("journal", sa.Column("group_id", sa.Integer(), nullable=True))
    bind.exec_driver_sql("UPDATE journal SET group_id = 1")
    triggers.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    groups = bind.exec_driver_sql("SELECT count(*) FROM groups").scalar_one()
    if groups > 1:
        raise RuntimeError(
            f"this database holds {groups} groups: a database before groups holds one; "
            "nothing was changed"
        )
    triggers.drop(bind)
    with op.batch_alter_table("journal") as batch:
        batch.drop_column("group_id")
    with op.batch_alter_table("polls", table_kwargs=POLLS_KWARGS) as batch:
        batch.drop_index("ix_polls_group_id_status")
        batch.create_index("ix_polls_status", ["status"])
        batch.drop_constraint("fk_polls_group_id_groups", type_="foreignkey")
        batch.drop_column("group_id")
    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint("uq_courses_group_id_slug", type_="unique")
        batch.create_unique_constraint("uq_courses_slug", ["slug"])
        batch.drop_constraint("fk_courses_group_id_groups", type_="foreignkey")
        batch.drop_column("group_id")
    op.drop_index("ix_group_organisers_role_name_group_id", table_name="group_organisers")
    op.drop_table("group_organisers")
    op.drop_index("ix_group_members_member_id", table_name="group_members")
    op.drop_table("group_members")
    op.drop_table("groups")
    triggers.create(bind)
