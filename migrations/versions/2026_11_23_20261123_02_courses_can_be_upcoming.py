"""Courses can be upcoming: chosen (say by a poll) but not started. An upcoming course is not
"the one active course" that commands use without --course.

Every existing row keeps its status. Downgrading keeps every row: an upcoming course becomes
active, the nearest status the older code knows.

Revision ID: 20261123_02
Revises: 20261123_01
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_02"
down_revision: str | None = "20261123_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ("active", "finished", "archived")
NEW = (*OLD, "upcoming")


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="course_status", native_enum=False, create_constraint=True, length=20
    )


def _allow(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # the table is rebuilt with the new CHECK (SQLite cannot alter a constraint)
        with op.batch_alter_table("courses") as batch:
            batch.alter_column(
                "status", existing_type=_status(before), type_=_status(after),
                existing_nullable=False,
            )  # fmt: skip
        return
    op.drop_constraint(op.f("ck_courses_course_status"), "courses", type_="check")
    listed = ", ".join(f"'{v}'" for v in after)
    op.create_check_constraint("course_status", "courses", f"status IN ({listed})")


def upgrade() -> None:
    _allow(OLD, NEW)


def downgrade() -> None:
    op.execute("UPDATE courses SET status = 'active' WHERE status = 'upcoming'")
    _allow(NEW, OLD)
