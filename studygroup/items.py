"""Action items: homework and to-dos, carried forward until done or dropped."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, String, insert, or_, select, type_coerce, update

from studygroup import clock, sessions
from studygroup.errors import Conflict, NotFound
from studygroup.render.contracts import ItemDetailJSON, ItemJSON
from studygroup.rules import validate
from studygroup.store.db import new_id
from studygroup.store.enums import ItemStatus
from studygroup.store.rows import CourseRow, ItemRow, MemberRow, SessionRow
from studygroup.store.schema import action_items, members
from studygroup.store.schema import sessions as sessions_table


def item_rows(db: Connection, *where: Any) -> list[ItemJSON]:
    """Action items as the JSON contract (`id, text, owner, status, carried, due_session`),
    read with one plain query: lists of thousands of open items stay cheap."""
    due = sessions_table.alias("due")
    result = db.execute(
        # the status as its stored value (the CHECK constraint vouches for it), not an enum
        select(
            action_items.c.id,
            action_items.c.text,
            members.c.name,
            type_coerce(action_items.c.status, String),
            action_items.c.times_carried,
            due.c.number,
        )
        .outerjoin(members, action_items.c.owner_id == members.c.id)
        .outerjoin(due, action_items.c.due_session_id == due.c.id)
        .where(*where)
        .order_by(action_items.c.id)
    )
    # fetched in large batches (row by row is slow), each turned into dicts and let go, so
    # that the rows and the dicts of a very long list are never all in memory at once
    return [
        {
            "id": item_id,
            "text": text,
            "owner": owner,
            "status": status,
            "carried": carried,
            "due_session": number,
        }
        for batch in result.partitions(5000)
        for item_id, text, owner, status, carried, number in batch
    ]


def listed(
    db: Connection,
    course: CourseRow,
    status: ItemStatus | None,
    owner: MemberRow | None,
    due: SessionRow | None,
) -> list[ItemJSON]:
    """`item list`: a course's items, optionally by status, owner, and session due (or made)."""
    where: list[Any] = [action_items.c.course_id == course.id]
    if status is not None:
        where.append(action_items.c.status == status)
    if owner is not None:
        where.append(action_items.c.owner_id == owner.id)
    if due is not None:
        where.append(
            or_(
                action_items.c.due_session_id == due.id, action_items.c.created_session_id == due.id
            )
        )
    return item_rows(db, *where)


def open_at(
    db: Connection, course: CourseRow, target: SessionRow, *, group_only: bool = False
) -> list[ItemJSON]:
    """Open items due at the session (and, for the next session, those due at none); with
    `group_only`, only the group's (those with no owner)."""
    upcoming = sessions.next_planned(db, course)
    due = action_items.c.due_session_id == target.id
    if upcoming is not None and upcoming.id == target.id:
        due = or_(due, action_items.c.due_session_id.is_(None))
    where = [action_items.c.course_id == course.id, action_items.c.status == ItemStatus.OPEN, due]
    if group_only:
        where.append(action_items.c.owner_id.is_(None))
    return item_rows(db, *where)


def get(db: Connection, course: CourseRow, item_id: int) -> ItemRow:
    item = db.execute(
        select(action_items, members.c.name.label("owner_name"))
        .outerjoin(members, action_items.c.owner_id == members.c.id)
        .where(action_items.c.id == item_id, action_items.c.course_id == course.id)
    ).first()
    if item is None:
        raise NotFound(f"{course.slug} has no action item {item_id}")
    return item


def add(
    db: Connection,
    course: CourseRow,
    text: str,
    owner: MemberRow | None,
    due: SessionRow | None,
    created_in: SessionRow | None,
) -> ItemRow:
    if owner is not None and not owner.active:
        raise Conflict(f"{owner.name} is archived; restore them before assigning items")
    if due is not None:
        sessions.require_open_for_items(db, course, due)
    item_id = new_id(
        db.execute(
            insert(action_items).values(
                course_id=course.id,
                text=validate.text(text, "item text", max_len=500),
                owner_id=owner.id if owner else None,
                due_session_id=due.id if due else None,
                created_session_id=created_in.id if created_in else None,
                status=ItemStatus.OPEN,
                times_carried=0,
            )
        )
    )
    return get(db, course, item_id)


def close(db: Connection, course: CourseRow, ids: list[int], status: ItemStatus) -> list[ItemRow]:
    """Mark items done or dropped; all of them or none."""
    items = [get(db, course, i) for i in ids]
    for item in items:
        if item.status is not ItemStatus.OPEN:
            raise Conflict(f"item {item.id} is already {item.status.value}")
    db.execute(
        update(action_items)
        .where(action_items.c.id.in_(ids))
        .values(status=status, closed_at=clock.now())
    )
    return items


def reopen(db: Connection, course: CourseRow, ids: list[int]) -> list[ItemRow]:
    items = [get(db, course, i) for i in ids]
    for item in items:
        if item.status is ItemStatus.OPEN:
            raise Conflict(f"item {item.id} is already open")
    db.execute(
        update(action_items)
        .where(action_items.c.id.in_(ids))
        .values(status=ItemStatus.OPEN, closed_at=None)
    )
    return items


def assign(db: Connection, course: CourseRow, item_id: int, owner: MemberRow | None) -> ItemRow:
    item = get(db, course, item_id)
    if owner is not None and not owner.active:
        raise Conflict(f"{owner.name} is archived")
    db.execute(
        update(action_items)
        .where(action_items.c.id == item.id)
        .values(owner_id=owner.id if owner else None)
    )
    return get(db, course, item_id)


def edit(db: Connection, course: CourseRow, item_id: int, text: str) -> ItemRow:
    item = get(db, course, item_id)
    db.execute(
        update(action_items)
        .where(action_items.c.id == item.id)
        .values(text=validate.text(text, "item text", max_len=500))
    )
    return get(db, course, item_id)


def detail(db: Connection, course: CourseRow, item_id: int) -> ItemDetailJSON:
    """One item, with when and where it was made and when it is due."""
    item = get(db, course, item_id)
    numbers = sessions.numbers(db, course)
    due = sessions.get(db, item.due_session_id) if item.due_session_id else None
    return {
        "id": item.id,
        "text": item.text,
        "owner": item.owner_name,
        "status": item.status.value,
        "carried": item.times_carried,
        "due_session": numbers.get(item.due_session_id) if item.due_session_id else None,
        "due_date": sessions.local_date(course, due).isoformat() if due else None,
        "created_session": (
            numbers.get(item.created_session_id) if item.created_session_id else None
        ),
        "created_at": item.created_at.isoformat(),
        "closed_at": item.closed_at.isoformat() if item.closed_at else None,
    }


def set_due(db: Connection, course: CourseRow, item_id: int, target: SessionRow) -> ItemRow:
    """Move an open item's due session by hand: a new plan, not a carry (its count stays)."""
    item = get(db, course, item_id)
    if item.status is not ItemStatus.OPEN:
        raise Conflict(f"item {item.id} is {item.status.value}; reopen it first")
    sessions.require_open_for_items(db, course, target)
    db.execute(
        update(action_items).where(action_items.c.id == item.id).values(due_session_id=target.id)
    )
    return get(db, course, item_id)
