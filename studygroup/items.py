"""Action items: homework and to-dos, carried forward until done or dropped."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from studygroup import agenda
from studygroup.errors import Conflict, NotFound
from studygroup.models import ActionItem, Course, ItemStatus, Member
from studygroup.rules import validate
from studygroup.store.schema import SessionRow
from studygroup.store.types import utcnow


def get_item(session: Session, course: Course, item_id: int) -> ActionItem:
    item = session.scalar(
        select(ActionItem)
        .where(ActionItem.id == item_id, ActionItem.course_id == course.id)
        .options(selectinload(ActionItem.owner))
    )
    if item is None:
        raise NotFound(f"{course.slug} has no action item {item_id}")
    return item


def add_item(
    session: Session,
    course: Course,
    text: str,
    owner: Member | None,
    due: SessionRow | None,
    created_in: SessionRow | None,
) -> ActionItem:
    if owner is not None and not owner.active:
        raise Conflict(f"{owner.name} is archived; restore them before assigning items")
    item = ActionItem(
        course_id=course.id,
        text=validate.text(text, "item text", max_len=500),
        owner_id=owner.id if owner else None,
        due_session_id=due.id if due else None,
        created_session_id=created_in.id if created_in else None,
        status=ItemStatus.OPEN,
        times_carried=0,
    )
    session.add(item)
    session.flush()
    agenda.replan_course(session, course)
    return item


def close_items(
    session: Session, course: Course, ids: list[int], status: ItemStatus
) -> list[ActionItem]:
    items = [get_item(session, course, i) for i in ids]
    for item in items:
        if item.status is not ItemStatus.OPEN:
            raise Conflict(f"item {item.id} is already {item.status.value}")
    now = utcnow()
    for item in items:
        item.status = status
        item.closed_at = now
    session.flush()
    agenda.replan_course(session, course)
    return items


def reopen_items(session: Session, course: Course, ids: list[int]) -> list[ActionItem]:
    items = [get_item(session, course, i) for i in ids]
    for item in items:
        if item.status is ItemStatus.OPEN:
            raise Conflict(f"item {item.id} is already open")
        item.status = ItemStatus.OPEN
        item.closed_at = None
    session.flush()
    agenda.replan_course(session, course)
    return items


def assign(session: Session, course: Course, item_id: int, owner: Member | None) -> ActionItem:
    item = get_item(session, course, item_id)
    if owner is not None and not owner.active:
        raise Conflict(f"{owner.name} is archived")
    item.owner_id = owner.id if owner else None
    session.flush()
    return item


def edit(session: Session, course: Course, item_id: int, text: str) -> ActionItem:
    item = get_item(session, course, item_id)
    item.text = validate.text(text, "item text", max_len=500)
    session.flush()
    return item
