"""Reminders: what each active member with an email is told before a session, and the log
that makes sure nothing is sent twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from studygroup.render.reminder import reminder_messages
from studygroup.sqltypes import utcnow
from studygroup.tables import (
    Channel,
    CourseRow,
    ItemStatus,
    MemberRow,
    SessionRow,
    action_items,
    members,
    reminders,
)

if TYPE_CHECKING:
    from studygroup.tables import Reader


@dataclass
class Draft:
    member_id: int
    name: str
    email: str
    subject: str
    body: str


def drafts(
    db: Reader, course: CourseRow, doc: dict[str, Any], only: MemberRow | None
) -> tuple[list[Draft], list[str]]:
    """One draft per active member with an email (or just `only`); and who has no email.
    One query for the members and one for their items, whatever the group's size."""
    who = select(members.c.id, members.c.name, members.c.email, members.c.timezone)
    query = who.where(members.c.active.is_(True)).order_by(members.c.name_key)
    if only is not None:
        query = who.where(members.c.id == only.id)
    people = db.execute(query).all()
    items: dict[int, list[dict[str, Any]]] = {}
    if people:
        owner_ids = [m.id for m in people] if only is not None else None
        for item_id, text, carried, owner_id in db.execute(
            select(action_items.c.id, action_items.c.text, action_items.c.times_carried,
                   action_items.c.owner_id)
            .where(action_items.c.course_id == course.id,
                   action_items.c.status == ItemStatus.OPEN,
                   action_items.c.owner_id.is_not(None)
                   if owner_ids is None else action_items.c.owner_id.in_(owner_ids))
            .order_by(action_items.c.id)
        ).all():
            items.setdefault(owner_id, []).append(
                {"id": item_id, "text": text, "carried": carried})
    missing = [member.name for member in people if not member.email]
    reached = [member for member in people if member.email]
    messages = reminder_messages(doc, [
        {"name": m.name, "timezone": m.timezone, "items": items.get(m.id, [])} for m in reached])
    out = [Draft(m.id, m.name, m.email, subject, body)
           for m, (subject, body) in zip(reached, messages, strict=True)]
    return out, missing


def sent_targets(db: Reader, target: SessionRow, channel: Channel) -> set[str]:
    return set(db.execute(
        select(reminders.c.target).where(reminders.c.session_id == target.id,
                                         reminders.c.channel == channel)
    ).scalars())


def log_sent(
    db: Reader, session_id: int, member_id: int | None, channel: Channel,
    where: str, subject: str | None, message_id: str | None,
) -> None:
    """Record a delivery (a forced resend updates the existing row)."""
    values = {"member_id": member_id, "subject": subject, "message_id": message_id,
              "sent_at": utcnow()}
    done = db.execute(
        update(reminders)
        .where(reminders.c.session_id == session_id, reminders.c.channel == channel,
               reminders.c.target == where)
        .values(values))
    if not done.rowcount:  # type: ignore[attr-defined]
        db.execute(insert(reminders).values(session_id=session_id, channel=channel,
                                            target=where, **values))


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


def _never(*_: object) -> Any:
    raise AssertionError("a dry run delivers nothing")


DRY_RUN = Delivery(channel=None, already=set(), force=False, target_of=_never,
                   transport=_never, record=_never, describe=_never)


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
