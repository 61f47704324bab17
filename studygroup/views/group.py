"""`group show`: a group, its courses, its members and its organisers."""

from __future__ import annotations

from sqlalchemy import Connection, select

from studygroup import groups
from studygroup.render.contracts import GroupDetailJSON
from studygroup.store.schema import courses


def show(db: Connection, slug: str | None) -> GroupDetailJSON:
    """The group `slug`, else the one this command works on."""
    from studygroup.store.schema import group_organisers

    group = groups.get(db, slug) if slug else groups.current(db)
    summary = groups.summary(db, group.slug)
    slugs = db.execute(
        select(courses.c.slug).where(courses.c.group_id == group.id).order_by(courses.c.slug)
    ).scalars()
    organisers = db.execute(
        select(group_organisers.c.role_name, group_organisers.c.read_only)
        .where(group_organisers.c.group_id == group.id)
        .order_by(group_organisers.c.role_name)
    ).all()
    return {
        "slug": group.slug,
        "name": group.name,
        "status": "archived" if group.archived_at is not None else "active",
        "courses": list(slugs),
        "members": summary.members,
        "organisers": [{"role": role, "read_only": ro} for role, ro in organisers],
    }
