"""Reminders: what each active member with an email is told before a session, and the log
that makes sure nothing is sent twice."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from sqlalchemy import bindparam, delete, insert, select, update

from studygroup import clock, faults, groups
from studygroup.errors import Conflict, Invalid, StudygroupError
from studygroup.render.documents import (
    AgendaDocument,
    CalendarDocument,
    OwnItem,
    Recipient,
    RemindReport,
    Sent,
    Told,
)
from studygroup.render.reminder import (
    Draft,
    Line,
    cancellation_messages,
    kind_of,
    reminder_messages,
)
from studygroup.rules import weekly
from studygroup.rules.weekly import Phase
from studygroup.store.enums import Channel, ItemStatus, SessionStatus
from studygroup.store.rows import CourseRow, MemberRow, SessionRow, Values
from studygroup.store.schema import action_items, members, reminders

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from studygroup.store.db import Database


def told(db: Connection, session_id: int, channel: Channel) -> dict[int, Told]:
    """What each member was last sent about this session on this channel: the revision,
    the start time it gave and its kind (reminder, change, cancellation)."""
    told_now: dict[int, Told] = {}
    for row in db.execute(
        select(reminders.c.member_id, reminders.c.revision, reminders.c.starts_at, reminders.c.kind)
        .where(
            reminders.c.session_id == session_id,
            reminders.c.channel == channel,
            reminders.c.member_id.is_not(None),
            reminders.c.sent_at.is_not(None),
        )
        .order_by(reminders.c.revision)
    ):
        told_now[row.member_id] = {
            "revision": row.revision,
            "starts_at": row.starts_at,
            "kind": row.kind,
        }
    return told_now


def reminded(db: Connection, session_id: int) -> int:
    """How many members were sent something about this session, on any channel."""
    from sqlalchemy import distinct, func

    return int(
        db.execute(
            select(func.count(distinct(reminders.c.member_id))).where(
                reminders.c.session_id == session_id,
                reminders.c.member_id.is_not(None),
                reminders.c.sent_at.is_not(None),
            )
        ).scalar_one()
    )


class Addressee(NamedTuple):
    id: int
    name: str
    email: str | None
    timezone: str | None
    greeting: str | None


def _people(db: Connection, target: SessionRow, only: MemberRow | None) -> list[Addressee]:
    """Who a run addresses: every active member of the session's group (or just `only`), in
    name order."""
    who = select(
        members.c.id, members.c.name, members.c.email, members.c.timezone, members.c.greeting
    )
    query = who.where(groups.active_in_course_group(target.course_id, members.c.id)).order_by(
        members.c.name_key
    )
    if only is not None:
        query = who.where(members.c.id == only.id)
    # plain tuples: a Row's attributes cost several times more, read thousands of times here
    return [Addressee._make(row) for row in db.execute(query)]


def _told_earlier(db: Connection, target: SessionRow, channel: Channel) -> dict[int, Told]:
    """Each member whose last message about the session told of an earlier revision."""
    return {
        member_id: last
        for member_id, last in told(db, target.id, channel).items()
        if last["revision"] < target.revision
    }


def owed_sessions(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    channel: Channel,
    now: datetime,
    only: MemberRow | None = None,
) -> list[SessionRow]:
    """The course's other sessions still to come (planned or cancelled) about which someone
    was told an earlier revision: a change or cancellation notice is owed to them, whatever
    session the run is about. One query."""
    from studygroup.store.schema import sessions as sessions_table

    told_before = (
        select(reminders.c.id)
        .where(
            reminders.c.session_id == sessions_table.c.id,
            reminders.c.channel == channel,
            reminders.c.member_id.is_not(None),
            reminders.c.sent_at.is_not(None),
            reminders.c.revision < sessions_table.c.revision,
        )
        .exists()
    )
    candidates = list(
        db.execute(
            select(sessions_table)
            .where(
                sessions_table.c.course_id == course.id,
                sessions_table.c.id != target.id,
                sessions_table.c.status.in_([SessionStatus.PLANNED, SessionStatus.CANCELLED]),
                sessions_table.c.starts_at > now,
                told_before,
            )
            .order_by(sessions_table.c.starts_at)
        )
    )
    # someone's latest message is older than the session's revision (the query above also
    # finds those told again since)
    owed: list[SessionRow] = []
    for session in candidates:
        earlier = _told_earlier(db, session, channel)
        if earlier if only is None else only.id in earlier:
            owed.append(session)
    return owed


def _not_declined(
    db: Connection, target: SessionRow, people: list[Addressee], earlier: dict[int, Told]
) -> list[Addressee]:
    """A member who said no gets no "see you there" reminder; one told of an earlier version
    still gets the change notice (the new time may suit them)."""
    from studygroup import rsvps

    said_no = rsvps.declined(db, target)
    if not said_no:
        return people
    return [m for m in people if m.id not in said_no or m.id in earlier]


def lines(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    only: MemberRow | None,
    channel: Channel,
    owed_only: bool = False,
) -> tuple[list[Line], list[str]]:
    """A dry run's line per message, without making the messages: who would get what kind of
    message (the rule of `render.reminder.kind_of`), at what time in their zone. Two queries."""
    earlier = _told_earlier(db, target, channel)
    people = _not_declined(db, target, _people(db, target, only), earlier)
    cancelled = target.status is SessionStatus.CANCELLED
    zones: dict[str, datetime] = {}
    out: list[Line] = []
    for member in people:
        if not member.email or (owed_only and member.id not in earlier):
            continue
        zone = member.timezone or course.timezone
        local = zones.get(zone)
        if local is None:
            local = zones[zone] = weekly.local(target.starts_at, zone)
        out.append(
            Line(
                member.name,
                member.email,
                channel.value,
                target.number,
                local,
                zone,
                kind_of(cancelled, earlier.get(member.id)),
            )
        )
    missing = [] if owed_only else [member.name for member in people if not member.email]
    return out, missing


def drafts(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    doc: AgendaDocument,
    only: MemberRow | None,
    channel: Channel,
    owed_only: bool = False,
) -> tuple[Iterator[Draft], list[str]]:
    """One draft per active member with an email (or just `only`), made as they are taken;
    and who has no email. A member told of an earlier revision of the session on this channel
    gets a change notice; with `owed_only`, only they get anything. Three queries, whatever
    the group's size."""
    earlier = _told_earlier(db, target, channel)
    people = _not_declined(db, target, _people(db, target, only), earlier)
    if owed_only:
        people = [member for member in people if member.id in earlier]
    # (id, text, carried) per owner: each member's dicts are made only as their message is
    items: dict[int, list[tuple[int, str, int]]] = {}
    if people:
        owner_ids = [m.id for m in people] if only is not None else None
        for item_id, text, carried, owner_id in db.execute(
            select(
                action_items.c.id,
                action_items.c.text,
                action_items.c.times_carried,
                action_items.c.owner_id,
            )
            .where(
                action_items.c.course_id == course.id,
                action_items.c.status == ItemStatus.OPEN,
                action_items.c.owner_id.is_not(None)
                if owner_ids is None
                else action_items.c.owner_id.in_(owner_ids),
            )
            .order_by(action_items.c.id)
        ).all():
            items.setdefault(owner_id, []).append((item_id, text, carried))
    missing = [member.name for member in people if not member.email]
    reached = [member for member in people if member.email]
    make = cancellation_messages if doc["session"]["status"] == "cancelled" else reminder_messages
    messages = make(
        doc,
        (
            Recipient(
                name=m.name,
                greeting=m.greeting,
                timezone=m.timezone,
                told=earlier.get(m.id),
                items=[
                    OwnItem(id=i, text=text, carried=carried)
                    for i, text, carried in items.get(m.id, ())
                ],
            )
            for m in reached
        ),
    )
    out = (
        Draft(m.id, m.name, m.email or "", msg.subject, msg.text, msg.kind, msg.blocks)
        for m, msg in zip(reached, messages, strict=True)
    )
    return out, missing


class LogState(enum.Enum):
    SENT = "sent"
    UNCONFIRMED = "unconfirmed"  # claimed, and the run ended before it confirmed the send


def _state_of(sent_at: datetime | None) -> LogState:
    return LogState.SENT if sent_at is not None else LogState.UNCONFIRMED


class Claim(NamedTuple):
    """One delivery this run has claimed: sent at most once, by whoever claimed it."""

    target: str
    previous_sent_at: datetime | None  # a --force resend: when it was last confirmed


class Wanted(NamedTuple):
    """One delivery a run wants to make."""

    target: str
    member_id: int | None = None
    subject: str | None = None
    kind: str = "reminder"


class About(NamedTuple):
    """The session revision a run's messages tell of: the log keeps one row per target and
    revision, so a later revision (a move, a cancel) is a new delivery, never a duplicate."""

    session_id: int
    revision: int = 0
    starts_at: datetime | None = None


def claim(
    db: Connection,
    about: About,
    channel: Channel,
    wanted: list[Wanted],
    force: bool,
) -> tuple[list[Claim], dict[str, LogState]]:
    """Claim the deliveries in `wanted` that nobody has sent or claimed yet at this revision
    (all of them with `force`), in the caller's write transaction, which must commit before
    anything is sent. Runs are serialised by the write lock: a second run sees the first
    one's claims and leaves them alone. Also returns what the log held before."""
    here = (
        reminders.c.session_id == about.session_id,
        reminders.c.channel == channel,
        reminders.c.revision == about.revision,
    )
    # only the wanted targets' rows: a run claims one at a time, and must not read the whole
    # session's log for each
    existing = {
        row.target: row
        for row in db.execute(
            select(reminders.c.target, reminders.c.sent_at).where(
                *here, reminders.c.target.in_([want.target for want in wanted])
            )
        )
    }
    before = {target: _state_of(row.sent_at) for target, row in existing.items()}
    now = clock.now()
    claimed: list[Claim] = []
    fresh: list[Values] = []
    again: list[Values] = []
    for want in wanted:
        row = existing.get(want.target)
        if row is None:
            fresh.append(
                {
                    "session_id": about.session_id,
                    "channel": channel,
                    "target": want.target,
                    "member_id": want.member_id,
                    "subject": want.subject,
                    "claimed_at": now,
                    "sent_at": None,
                    "message_id": None,
                    "revision": about.revision,
                    "starts_at": about.starts_at,
                    "kind": want.kind,
                }
            )
        elif force:
            again.append(
                {
                    "b_target": want.target,
                    "b_member": want.member_id,
                    "b_subject": want.subject,
                    "b_kind": want.kind,
                }
            )
        else:
            continue
        claimed.append(Claim(want.target, row.sent_at if row else None))
    if fresh:
        db.execute(insert(reminders), fresh)
    if again:
        db.execute(
            update(reminders)
            .where(*here, reminders.c.target == bindparam("b_target"))
            .values(
                member_id=bindparam("b_member"),
                subject=bindparam("b_subject"),
                kind=bindparam("b_kind"),
                claimed_at=now,
                sent_at=None,
                message_id=None,
            ),
            again,
        )
    return claimed, before


def confirm(
    db: Connection, about: About, channel: Channel, sent: list[tuple[str, str | None]]
) -> None:
    """Mark claimed deliveries (target, message id) as sent."""
    if sent:
        db.execute(
            update(reminders)
            .where(
                reminders.c.session_id == about.session_id,
                reminders.c.channel == channel,
                reminders.c.revision == about.revision,
                reminders.c.target == bindparam("b_target"),
            )
            .values(sent_at=clock.now(), message_id=bindparam("b_message_id")),
            [{"b_target": target, "b_message_id": mid} for target, mid in sent],
        )


def release(db: Connection, about: About, channel: Channel, failed: list[Claim]) -> None:
    """Give back the claims of deliveries that certainly did not go out (the server refused
    them), so that a later run tries them again; a forced resend that failed keeps its
    earlier confirmation."""
    where = (
        reminders.c.session_id == about.session_id,
        reminders.c.channel == channel,
        reminders.c.revision == about.revision,
        reminders.c.target == bindparam("b_target"),
    )
    gone = [{"b_target": c.target} for c in failed if c.previous_sent_at is None]
    kept = [
        {"b_target": c.target, "b_sent": c.previous_sent_at}
        for c in failed
        if c.previous_sent_at is not None
    ]
    if gone:
        db.execute(delete(reminders).where(*where), gone)
    if kept:
        db.execute(update(reminders).where(*where).values(sent_at=bindparam("b_sent")), kept)


@dataclass
class Outcome:
    """What happened to one delivery in a run."""

    target: str
    # would send, sent, written, posted, already sent/posted, unconfirmed, failed
    status: str
    error: str | None = None


class Journal(Protocol):
    """The reminder log's transactions, owned by the caller (the command): each runs and
    commits on its own, because a send can never be rolled back."""

    def __call__(self, work: Callable[[Connection], None]) -> None: ...


Transport = Callable[[], AbstractContextManager[Callable[[str], str | None]]]


def logged(db: Connection, about: About, channel: Channel) -> dict[str, LogState]:
    """What the log holds for this session revision on this channel, by target."""
    return {
        row.target: _state_of(row.sent_at)
        for row in db.execute(
            select(reminders.c.target, reminders.c.sent_at).where(
                reminders.c.session_id == about.session_id,
                reminders.c.channel == channel,
                reminders.c.revision == about.revision,
            )
        )
    }


# How often a write to the reminder log is tried before a delivery is given up for this run
# (each try already waits the busy timeout for the lock), and the pause before each retry.
LOG_TRIES = 6
LOG_PAUSE = 0.25


def _logged_write(journal: Journal, work: Callable[[Connection], None]) -> None:
    """Write to the reminder log, trying again while the log is busy or briefly broken."""
    import time

    for attempt in range(LOG_TRIES):
        try:
            journal(work)
            return
        except Exception:
            if attempt == LOG_TRIES - 1:
                raise
            time.sleep(LOG_PAUSE * 2**attempt)


def deliver(
    journal: Journal,
    about: About,
    channel: Channel,
    wanted: list[Wanted],
    force: bool,
    transport: Transport,
    describe: Callable[[BaseException], str],
) -> dict[str, Outcome]:
    """Deliver each wanted target, at most once per session revision across runs. One
    recipient at a time:

    1. claim it in the log in a committed transaction of its own, right before its send (a
       claim that cannot be written, even after retries, means it is not sent this run);
    2. send it; a recipient whose send fails never stops the others, and its claim is given
       back so a later run tries again;
    3. confirm the send in a transaction of its own; a confirmation the busy log refused is
       tried again with the next one and at the end.

    A crash leaves at most the one recipient in flight claimed and unconfirmed (reported by
    the next run, never resent without --force); the ones not yet claimed are sent by the
    next run. The guarantee is at most once, or reported as unconfirmed."""
    outcomes: dict[str, Outcome] = {}
    already = "already posted" if channel is Channel.WEBHOOK else "already sent"
    state: dict[str, dict[str, LogState]] = {}

    def look(db: Connection) -> None:
        state["before"] = logged(db, about, channel)

    journal(look)
    todo: list[Wanted] = []
    for want in wanted:
        seen = state["before"].get(want.target)
        if seen is None or force:
            todo.append(want)
        else:
            outcomes[want.target] = Outcome(
                want.target, already if seen is LogState.SENT else "unconfirmed"
            )
    if not todo:
        return outcomes
    done = (
        "sent" if channel is Channel.EMAIL else "written" if channel is Channel.OUTBOX else "posted"
    )
    pending: list[tuple[str, str | None]] = []  # sent, not yet confirmed

    def confirm_pending(db: Connection) -> None:
        confirm(db, about, channel, pending)

    with ExitStack() as stack:
        send = stack.enter_context(transport())  # nothing is claimed until it is open
        for want in todo:
            taken: list[Claim] = []

            def take(db: Connection, want: Wanted = want, taken: list[Claim] = taken) -> None:
                if pending:  # a confirmation the log refused before rides along
                    confirm(db, about, channel, pending)
                taken[:], before = claim(db, about, channel, [want], force)
                seen = before.get(want.target)
                if not taken and seen is not None:
                    outcomes[want.target] = Outcome(
                        want.target, already if seen is LogState.SENT else "unconfirmed"
                    )

            try:
                _logged_write(journal, take)
            except Exception as exc:
                outcomes[want.target] = Outcome(
                    want.target, "failed", f"the log could not record the claim: {describe(exc)}"
                )
                continue
            pending.clear()  # any earlier confirmation went with the claim
            if not taken:
                continue
            faults.point("remind-after-claim")
            try:
                message_id = send(want.target)
            except Exception as exc:  # isolate one recipient's failure from the others
                outcomes[want.target] = Outcome(want.target, "failed", describe(exc))
                try:
                    _logged_write(journal, partial(release, about=about, channel=channel,
                                                   failed=taken))  # fmt: skip
                except Exception:  # stays claimed: reported unconfirmed, resent with --force
                    outcomes[want.target] = Outcome(want.target, "failed, unconfirmed",
                                                    describe(exc))  # fmt: skip
                continue
            faults.point("remind-after-send")
            outcomes[want.target] = Outcome(want.target, done)
            pending.append((want.target, message_id))
            try:
                journal(confirm_pending)
                pending.clear()
            except Exception:  # the log is busy: confirmed with the next claim, or at the end
                pass
    if pending:
        try:
            _logged_write(journal, confirm_pending)
        except Exception as exc:
            for target, _ in pending:
                outcomes[target] = Outcome(
                    target, done + ", unconfirmed", f"the log could not record it: {describe(exc)}"
                )
    return outcomes


# -- a whole run ---------------------------------------------------------------------------------


def organizer_of(request_organizer: str | None) -> str | None:
    """The group's mailbox, where members' answers go: --organizer, else the address in
    STUDYGROUP_SMTP_FROM."""
    import os
    from email.utils import parseaddr

    given = request_organizer or parseaddr(os.environ.get("STUDYGROUP_SMTP_FROM", ""))[1]
    return given.strip() or None


def _invitations(
    doc: CalendarDocument, number: int, request: Request
) -> Callable[[Draft], tuple[str, bytes]]:
    """Each member's calendar file: an invitation addressed to them (iTIP REQUEST, or CANCEL
    for a cancelled session), or, with --method publish (or no mailbox to answer to), the
    same published event for everyone."""
    from studygroup.render.ics import Invitee, calendar_ics

    organizer = organizer_of(request.organizer)
    if request.method == "request" and organizer is None:
        raise Invalid(
            "an invitation needs the group's mailbox for the answers: set "
            "STUDYGROUP_SMTP_FROM or --organizer (or use --method publish)"
        )
    name = f"session-{number}.ics"
    if request.method == "publish" or organizer is None:
        shared = calendar_ics(doc, clock.now(), feed=False)
        return lambda draft: (name, shared)
    mailbox = organizer
    return lambda draft: (
        name,
        calendar_ics(
            doc, clock.now(), feed=False, invitee=Invitee(mailbox, draft.name, draft.email)
        ),
    )


@dataclass
class Request:
    """What `remind` was asked to do."""

    course_slug: str | None
    ref: str | None
    member_ref: str | None = None
    channel: Channel | None = None  # None: a dry run
    outbox: Path | None = None
    webhook: str | None = None  # as resolved: the URL
    webhook_only: bool = False
    chat: str | None = None  # slack, discord or markdown; default: from the webhook's host
    force: bool = False
    now: datetime | None = None  # default: the clock
    full: bool = False  # a dry run prints whole messages (also with member_ref)
    method: str | None = None  # request (invitations) or publish; None: request if organizer
    organizer: str | None = None  # the group's mailbox; None: STUDYGROUP_SMTP_FROM


@dataclass
class Report:
    """What a run did (or, in a dry run, would do), for the JSON contract and the summary."""

    session: int
    mode: str
    reminders: list[Sent] = field(default_factory=list)
    no_email: list[str] = field(default_factory=list)
    # a dry run's messages, made as they are taken (see recording)
    previews: Iterator[Draft | Line] = field(default_factory=lambda: iter(()))
    later: list[tuple[Sent, str]] = field(default_factory=list)  # after previews
    # a dry run's webhook post: (where, chat, parts, characters)
    webhook_preview: tuple[str, str, int, int] | None = None
    warning: str | None = None  # why a real run would be refused (a dry run goes on)
    failed: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)

    def as_dict(self) -> RemindReport:
        return RemindReport(
            session=self.session, mode=self.mode, reminders=self.reminders, no_email=self.no_email
        )

    def add(self, subject: Sent, outcome: Outcome | None, default: str) -> None:
        entry: Sent = {**subject, "status": outcome.status if outcome else default}
        if outcome is not None and outcome.error:
            entry["error"] = outcome.error
        self.reminders.append(entry)
        who = subject.get("member") or "webhook"
        if entry["status"] == "failed":
            self.failed.append(f"{who} ({entry['error']})")
        elif entry["status"].endswith("unconfirmed"):
            self.unconfirmed.append(who)

    def recording(self, drafts: Iterable[Draft | Line]) -> Iterator[Draft | Line]:
        """A dry run's drafts or lines, each noted as 'would send' as it is taken: take them
        all (printing each, or not) before reading the report."""
        for draft in drafts:
            entry: Sent = {"member": draft.name, "email": draft.email}
            if isinstance(draft, Line):
                entry["local_start"] = draft.local_start.isoformat()
            else:
                entry["subject"] = draft.subject
            entry["kind"] = draft.kind
            self.add(entry, None, "would send")
            yield draft
        for subject, status in self.later:
            self.add(subject, None, status)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for outcome in self.reminders:
            counts[outcome["status"]] = counts.get(outcome["status"], 0) + 1
        missing = self.no_email
        return (
            f"session {self.session}: "
            + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
            + (
                f"; no email for {', '.join(missing[:10])}"
                + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
                if missing
                else ""
            )
        )

    def problems(self) -> str | None:
        """Why the run must exit non-zero (failed or unconfirmed deliveries), if it must."""
        problems = []
        if self.failed:
            problems.append("reminders failed for " + "; ".join(self.failed))
        if self.unconfirmed:
            shown = ", ".join(self.unconfirmed[:5]) + (" ..." if len(self.unconfirmed) > 5 else "")
            problems.append(
                f"{len(self.unconfirmed)} unconfirmed ({shown}): claimed by a run that was "
                "cut off or could not record the send, so they may have gone out; check the "
                "mail log, and resend one with --force --member NAME"
            )
        return "; ".join(problems) or None


def _refusal(db: Connection, course: CourseRow, target: SessionRow, now: datetime) -> str | None:
    """Why no reminder may go out about this session, if none may: it was held, or it has
    started and is not closed (the reminder would be about the wrong week). A cancelled
    session gets a cancellation notice instead of an invitation."""
    from studygroup import sessions

    day = f"{weekly.local(target.starts_at, course.timezone):%a %d %b}"
    if target.status is SessionStatus.HELD:
        return f"session {target.number} was held on {day}; reminders are for sessions to come"
    if target.status is SessionStatus.CANCELLED:
        return None
    if weekly.phase(target.starts_at, target.minutes, now) is not Phase.UPCOMING:
        following = sessions.planned_after(db, target)
        about = (
            f"{weekly.local(following.starts_at, course.timezone):%a %d %b}"
            if following is not None
            else "the next session"
        )
        return (
            f"session {target.number} was on {day} and is not closed: close it "
            f"('studygroup session close {target.number}') and the reminder will be about "
            f"{about}"
        )
    return None


def send(database: Database, request: Request) -> list[Report]:
    """`remind`: first the change and cancellation notices still owed for any of the course's
    sessions to come (to those told of an earlier revision), then the reminders for the
    session asked about (default: next). Each is delivered (email, .eml files) and the chat
    post made at most once per session revision, through the log; a dry run delivers
    nothing. One report per session, the owed notices first."""
    from studygroup import courses

    with database.read() as db:
        course, target = courses.with_session(db, request.course_slug, request.ref)
        only = None
        if request.member_ref:
            from studygroup import members  # and its name matching, only when it is used

            only = members.find(db, request.member_ref)
        if only is not None and not only.active:
            raise StudygroupError(
                f"{only.name} is archived and gets no reminders "
                f"(restore them with 'studygroup member restore')"
            )
        now = request.now or clock.now()
        refusal = _refusal(db, course, target, now)
        if refusal is not None and request.channel is not None:
            raise Conflict(refusal)
        owed = (
            []
            if request.webhook_only
            else owed_sessions(db, course, target, request.channel or Channel.EMAIL, now, only)
        )
    reports = [
        _run(database, request, course, session, only, None, owed_only=True) for session in owed
    ]
    return [*reports, _run(database, request, course, target, only, refusal, owed_only=False)]


def _run(
    database: Database,
    request: Request,
    course: CourseRow,
    target: SessionRow,
    only: MemberRow | None,
    refusal: str | None,
    owed_only: bool,
) -> Report:
    """One session's messages: drafted (or, for a dry run's summary, listed), then delivered."""
    from studygroup.views import agenda as agenda_view
    from studygroup.views import calendar

    channel = request.channel
    webhook = None if owed_only else request.webhook
    whole = channel is not None or request.full or request.member_ref is not None
    doc: AgendaDocument | None = None
    planned: Iterable[Draft | Line]
    with database.read() as db:
        if whole or webhook is not None:
            # a chat post shows every open item; each email only the group's (and the
            # member's own, read for their message): the long list of everyone's items is
            # not read for those
            doc = agenda_view.agenda_document(db, course, target, group_items_only=webhook is None)
        if whole:
            assert doc is not None
            planned, no_email = drafts(
                db, course, target, doc, only, channel or Channel.EMAIL, owed_only
            )
        else:
            planned, no_email = lines(db, course, target, only, Channel.EMAIL, owed_only)
        invite: Callable[[Draft], tuple[str, bytes]] | None = None
        if channel is not None and not request.webhook_only:
            invite = _invitations(
                calendar.calendar_document(db, course, only=target), target.number, request
            )
    about = About(target.id, target.revision, target.starts_at)
    report = Report(target.number, channel.value if channel else "dry-run", no_email=no_email)
    report.warning = refusal
    if request.webhook_only:
        planned = ()

    def journal(work: Callable[[Connection], None]) -> None:
        with database.write() as db:
            work(db)

    if channel is None:
        report.previews = report.recording(planned)
    else:  # every message is built before any goes out
        planned_all = [draft for draft in planned if isinstance(draft, Draft)]
    if channel is not None and planned_all:
        from studygroup.io import delivery

        settings = delivery.SmtpSettings.from_env() if channel is Channel.EMAIL else None
        files: dict[str, Path] = {}
        if request.outbox is not None:
            from studygroup.io.files import private_dir

            folder = private_dir(request.outbox.absolute())
            for draft in planned_all:
                name = f"session-{target.number}-{draft.member_id}"
                if target.revision:
                    name += f"-r{target.revision}"
                path = folder / f"{name}.eml"
                files[delivery.outbox_target(path)] = path
            by_target = dict(zip(files, planned_all, strict=True))
        else:
            by_target = {draft.email: draft for draft in planned_all}
        outbox = request.outbox
        attachment = invite
        with database.run_lock(target.id):
            outcomes = deliver(
                journal,
                about,
                channel,
                [Wanted(t, d.member_id, d.subject, d.kind) for t, d in by_target.items()],
                request.force,
                lambda: delivery.email_transport(settings, outbox, by_target, files, attachment),
                lambda exc: delivery.describe_error(exc, settings.password if settings else None),
            )
        for where, draft in by_target.items():
            report.add(
                {"member": draft.name, "email": draft.email, "subject": draft.subject},
                outcomes.get(where),
                "not sent",
            )

    if webhook is not None:
        from studygroup.io import delivery
        from studygroup.render.chat import PAYLOADS

        assert doc is not None
        hook_url = webhook
        chat = request.chat or delivery.chat_for(hook_url)
        where = delivery.webhook_target(hook_url)
        payloads = PAYLOADS[chat](doc)
        # one log entry per post, so a rerun after a part failed posts only what is missing
        targets = [where if n == 0 else f"{where} part {n + 1}" for n in range(len(payloads))]
        if channel is not Channel.EMAIL:
            for part in targets:
                if channel is None:  # noted after the drafts, as they are taken
                    report.later.append(({"webhook": part, "chat": chat}, "would post"))
                else:
                    report.add({"webhook": part, "chat": chat}, None, "would post")
            size = sum(len(json.dumps(p, ensure_ascii=False)) for p in payloads)
            report.webhook_preview = (where, chat, len(payloads), size)
        else:
            by_part = dict(zip(targets, payloads, strict=True))

            def post(part: str) -> None:
                delivery.post_webhook(hook_url, by_part[part], chat)

            with database.run_lock(target.id):
                posted = deliver(
                    journal,
                    about,
                    Channel.WEBHOOK,
                    [Wanted(part, None, None, "agenda") for part in targets],
                    request.force,
                    lambda: nullcontext(post),
                    lambda exc: str(exc),
                )
            for part in targets:
                report.add({"webhook": part, "chat": chat}, posted.get(part), "not posted")
    return report
