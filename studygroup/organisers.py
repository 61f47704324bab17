"""Organisers: which PostgreSQL login role organises which group.

The rows live in `group_organisers`; the database enforces them (`store/security.py`): with
row-level security on every group-owned table, a role reads and changes only the rows of the
groups it organises (read-only organisers only read). On SQLite there are no rights: whoever
holds the file has everything, so granting is refused there rather than pretending.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from studygroup import groups
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.store import security


def grant(db: Connection, slug: str, role: str, read_only: bool) -> str:
    """`group grant`: what was done, as one line."""
    from studygroup.store.schema import group_organisers

    if db.dialect.name != "postgresql":
        raise Invalid(
            "SQLite has no rights: whoever holds the file has everything. Organisers are "
            "PostgreSQL login roles: use a postgresql+psycopg:// database"
        )
    role = security.role_name(role)
    group = groups.get(db, slug)
    security.require_secured(db)
    security.admit(db, role)
    existing = db.execute(
        select(group_organisers.c.id, group_organisers.c.read_only).where(
            group_organisers.c.group_id == group.id, group_organisers.c.role_name == role
        )
    ).first()
    how = "read-only organiser" if read_only else "organiser"
    article = "a" if read_only else "an"
    if existing is None:
        db.execute(
            insert(group_organisers).values(group_id=group.id, role_name=role, read_only=read_only)
        )
        return f"{role} is now {article} {how} of group {group.slug}"
    if existing.read_only == read_only:
        raise Conflict(f"{role} is already {article} {how} of group {group.slug}")
    db.execute(
        update(group_organisers)
        .where(group_organisers.c.id == existing.id)
        .values(read_only=read_only)
    )
    return f"{role} is now {article} {how} of group {group.slug}"


def revoke(db: Connection, slug: str, role: str) -> str:
    from studygroup.store.schema import group_organisers

    group = groups.get(db, slug)
    gone = db.execute(
        delete(group_organisers).where(
            group_organisers.c.group_id == group.id, group_organisers.c.role_name == role
        )
    ).rowcount
    if not gone:
        raise NotFound(f"{role} does not organise group {group.slug}")
    left = db.execute(
        select(group_organisers.c.id).where(group_organisers.c.role_name == role).limit(1)
    ).first()
    if left is None and db.dialect.name == "postgresql":
        security.dismiss(db, role)
    return f"{role} no longer organises group {group.slug}"
