"""Reminders: what each active member with an email is told before a session, and the log
that makes sure nothing is sent twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studygroup.models import (
    ActionItem,
    Channel,
    Course,
    ItemStatus,
    Member,
    Reminder,
    StudySession,
)
from studygroup.render.reminder import reminder_message
from studygroup.sqltypes import utcnow


@dataclass
class Draft:
    member_id: int
    name: str
    email: str
    subject: str
    body: str


def drafts(
    session: Session, course: Course, doc: dict[str, Any], only: Member | None
) -> tuple[list[Draft], list[str]]:
    # (one query for the members and one for their items, whatever the group's size)
    """One draft per active member with an email (or just `only`); and who has no email."""
    query = select(Member).where(Member.active.is_(True)).order_by(Member.name_key)
    if only is not None:
        query = select(Member).where(Member.id == only.id)
    people = list(session.scalars(query))
    ids = [m.id for m in people]
    items: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for item in session.scalars(
            select(ActionItem)
            .where(ActionItem.course_id == course.id, ActionItem.status == ItemStatus.OPEN,
                   ActionItem.owner_id.in_(ids))
            .order_by(ActionItem.id)
        ):
            assert item.owner_id is not None
            items.setdefault(item.owner_id, []).append(
                {"id": item.id, "text": item.text, "carried": item.times_carried})
    doc = doc | {"group_items": [i for i in doc["action_items"] if i["owner"] is None]}
    out: list[Draft] = []
    missing: list[str] = []
    for member in people:
        if not member.email:
            missing.append(member.name)
            continue
        subject, body = reminder_message(doc, {
            "name": member.name, "timezone": member.timezone,
            "items": items.get(member.id, []),
        })
        out.append(Draft(member.id, member.name, member.email, subject, body))
    return out, missing


def sent_targets(session: Session, target: StudySession, channel: Channel) -> set[str]:
    return set(session.scalars(
        select(Reminder.target).where(Reminder.session_id == target.id,
                                      Reminder.channel == channel)
    ))


def log_sent(
    session: Session, target: StudySession, member_id: int | None, channel: Channel,
    where: str, subject: str | None, message_id: str | None,
) -> None:
    """Record a delivery (a forced resend updates the existing row)."""
    row = session.scalar(select(Reminder).where(
        Reminder.session_id == target.id, Reminder.channel == channel, Reminder.target == where))
    if row is None:
        row = Reminder(session_id=target.id, channel=channel, target=where)
        session.add(row)
    row.member_id = member_id
    row.subject = subject
    row.message_id = message_id
    row.sent_at = utcnow()
    session.flush()


@dataclass
class Delivery:
    """How one batch is delivered. `transport(draft)` sends or writes one reminder and returns
    the log target and message id; `record(draft, target, message_id)` logs it (in its own
    transaction, owned by the caller, so a crash never forgets what was already sent)."""

    channel: Channel | None  # None: a dry run
    already: set[str]
    force: bool
    target_of: Callable[[Draft], str]
    transport: Callable[[Draft], str | None]
    record: Callable[[Draft, str, str | None], None]
    describe: Callable[[BaseException], str]


def deliver(batch: list[Draft], how: Delivery) -> tuple[list[dict[str, Any]], list[str]]:
    """Send each draft; one recipient's failure never stops the others. Returns an outcome
    per draft and the list of failures ('Name (reason)')."""
    results: list[dict[str, Any]] = []
    failed: list[str] = []
    for draft in batch:
        outcome: dict[str, Any] = {"member": draft.name, "email": draft.email,
                                   "subject": draft.subject}
        results.append(outcome)
        if how.channel is None:
            outcome["status"] = "would send"
            continue
        where = how.target_of(draft)
        if where in how.already and not how.force:
            outcome["status"] = "already sent"
            continue
        try:
            message_id = how.transport(draft)
        except Exception as exc:  # isolate one recipient's failure from the others
            outcome["status"] = "failed"
            outcome["error"] = how.describe(exc)
            failed.append(f"{draft.name} ({outcome['error']})")
            continue
        how.record(draft, where, message_id)
        outcome["status"] = "sent" if how.channel is Channel.EMAIL else "written"
    return results, failed
