"""Names that match: member aliases, and every member's name stored in NFC with an NFC,
casefolded key, so a name typed in decomposed form (as macOS can produce) is the same name.

Every row is kept, and nothing is merged: where two members' names become identical, the
first keeps the normalised key, the other keeps its old one, and the upgrade names both so
the organiser can rename or archive one.

Revision ID: 20261123_04
Revises: 20261123_03
Create Date: 2026-11-23
"""

import sys
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_04"
down_revision: str | None = "20261123_03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str) -> str:
    # rules.names.name_key as of this revision (a migration never imports the code it outlives)
    nfc = unicodedata.normalize("NFC", name)
    return unicodedata.normalize("NFC", nfc.casefold()).strip()


def upgrade() -> None:
    op.create_table(
        "member_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("alias_key", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_aliases_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_aliases")),
        sa.UniqueConstraint("alias_key", name=op.f("uq_member_aliases_alias_key")),
    )
    op.create_index(
        op.f("ix_member_aliases_member_id"), "member_aliases", ["member_id"], unique=False
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name, name_key FROM members ORDER BY id")).all()
    wanted: dict[int, tuple[str, str]] = {}
    owner: dict[str, int] = {}
    # a member whose key is already normalised keeps it; the others take theirs in id order
    for member_id, name, key in sorted(rows, key=lambda r: (_key(r.name) != r.name_key, r.id)):
        new_key = _key(name)
        if new_key in owner:
            first = next(r for r in rows if r.id == owner[new_key])
            print(
                f"warning: members {first.id} ({first.name}) and {member_id} ({name}) now have "
                "the same name; both are kept: rename or archive one with "
                "'studygroup member edit' or 'studygroup member archive'",
                file=sys.stderr,
            )
            new_key = key
        owner[new_key] = member_id
        wanted[member_id] = (unicodedata.normalize("NFC", name), new_key)
    changed = [
        {"b_id": r.id, "b_name": wanted[r.id][0], "b_key": wanted[r.id][1]}
        for r in rows
        if (r.name, r.name_key) != wanted[r.id]
    ]
    if changed:
        # two steps, so no key is ever held twice in between (the unique constraint)
        bind.execute(
            sa.text("UPDATE members SET name_key = :b_tmp WHERE id = :b_id"),
            [{"b_id": c["b_id"], "b_tmp": f"\x01{c['b_id']}"} for c in changed],
        )
        bind.execute(
            sa.text("UPDATE members SET name = :b_name, name_key = :b_key WHERE id = :b_id"),
            changed,
        )


def downgrade() -> None:
    # the normalised names stay (they are the same names); the aliases go with their table
    op.drop_index(op.f("ix_member_aliases_member_id"), table_name="member_aliases")
    op.drop_table("member_aliases")
