"""Reminders: what each active member with an email is told before a session, and the log
that makes sure nothing is sent twice."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from sqlalchemy import bindparam, delete, insert, select, update

from studygroup import clock, faults
from studygroup.errors import Conflict
from studygroup.render.reminder import (
    Draft,
    cancellation_messages,
    reminder_messages,
)
from studygroup.rules import weekly
from studygroup.rules.weekly import Phase
from studygroup.store.enums import Channel, ItemStatus, SessionStatus
from studygroup.store.rows import CourseRow, MemberRow, SessionRow
from studygroup.store.schema import action_items, members, reminders

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from studygroup.store.db import Database


def told(db: Connection, session_id: int, channel: Channel) -> dict[int, dict[str, Any]]:
    """What each member was last sent about this session on this channel: the revision,
    the start time it gave and its kind (reminder, change, cancellation)."""
    told_now: dict[int, dict[str, Any]] = {}
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


class Addressee(NamedTuple):
    id: int
    name: str
    email: str | None
    timezone: str | None
    greeting: str | None


def drafts(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    doc: dict[str, Any],
    only: MemberRow | None,
    channel: Channel,
) -> tuple[Iterator[Draft], list[str]]:
    """One draft per active member with an email (or just `only`), made as they are taken;
    and who has no email. A member told of an earlier revision of the session on this channel
    gets a change notice. Three queries, whatever the group's size."""
    who = select(
        members.c.id, members.c.name, members.c.email, members.c.timezone, members.c.greeting
    )
    query = who.where(members.c.active.is_(True)).order_by(members.c.name_key)
    if only is not None:
        query = who.where(members.c.id == only.id)
    # plain tuples: a Row's attributes cost several times more, read thousands of times here
    people = [Addressee._make(row) for row in db.execute(query)]
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
    earlier = {
        member_id: last
        for member_id, last in told(db, target.id, channel).items()
        if last["revision"] < target.revision
    }
    missing = [member.name for member in people if not member.email]
    reached = [member for member in people if member.email]
    make = cancellation_messages if doc["session"]["status"] == "cancelled" else reminder_messages
    messages = make(
        doc,
        (
            {
                "name": m.name,
                "greeting": m.greeting,
                "timezone": m.timezone,
                "told": earlier.get(m.id),
                "items": [
                    {"id": i, "text": text, "carried": carried}
                    for i, text, carried in items.get(m.id, ())
                ],
            }
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
    existing = {
        row.target: row
        for row in db.execute(select(reminders.c.target, reminders.c.sent_at).where(*here))
    }
    before = {
        target: LogState.SENT if row.sent_at is not None else LogState.UNCONFIRMED
        for target, row in existing.items()
    }
    now = clock.now()
    claimed: list[Claim] = []
    fresh: list[dict[str, Any]] = []
    again: list[dict[str, Any]] = []
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


def deliver(
    journal: Journal,
    about: About,
    channel: Channel,
    wanted: list[Wanted],
    force: bool,
    transport: Transport,
    describe: Callable[[BaseException], str],
) -> dict[str, Outcome]:
    """Deliver each wanted target, at most once per session revision across runs:

    1. claim them all in one committed transaction (nothing is sent if that fails), and only
       then open the transport (an SMTP connection; if that fails, the claims are given back);
    2. send each claimed one; a recipient whose send fails never stops the others, and its
       claim is given back so a later run tries again;
    3. confirm each send in its own transaction as it happens; if the log cannot be written
       (say another process holds the lock too long), sending goes on, the confirmations are
       tried once more at the end, and whatever still cannot be confirmed stays claimed:
       reported as unconfirmed, never sent again without --force.

    A crash between a send and its confirmation leaves the claim: reported as unconfirmed
    by the next run, never a silent duplicate. The guarantee is at most once, or reported as
    unconfirmed."""
    outcomes: dict[str, Outcome] = {}
    state: dict[str, list[Claim]] = {"claims": []}
    already = "already posted" if channel is Channel.WEBHOOK else "already sent"

    def take(db: Connection) -> None:
        state["claims"], before = claim(db, about, channel, wanted, force)
        for want in wanted:
            seen = before.get(want.target)
            if seen is not None:
                outcomes[want.target] = Outcome(
                    want.target, already if seen is LogState.SENT else "unconfirmed"
                )

    journal(take)
    claims = state["claims"]
    if not claims:
        return outcomes
    pending: list[tuple[str, str | None]] = []
    refused: list[Claim] = []
    log_works = True
    done = (
        "sent" if channel is Channel.EMAIL else "written" if channel is Channel.OUTBOX else "posted"
    )
    with ExitStack() as stack:
        try:
            send = stack.enter_context(transport())
        except BaseException:
            journal(partial(release, about=about, channel=channel, failed=claims))
            raise
        for item in claims:
            try:
                message_id = send(item.target)
            except Exception as exc:  # isolate one recipient's failure from the others
                outcomes[item.target] = Outcome(item.target, "failed", describe(exc))
                refused.append(item)
                continue
            faults.point("remind-after-send")
            outcomes[item.target] = Outcome(item.target, done)
            pending.append((item.target, message_id))
            if log_works:
                try:
                    journal(partial(confirm, about=about, channel=channel, sent=list(pending)))
                    pending = []
                except Exception:  # the log is busy or broken: keep sending, confirm later
                    log_works = False

    def settle(db: Connection) -> None:
        confirm(db, about, channel, pending)
        release(db, about, channel, refused)

    try:
        journal(settle)
    except Exception as exc:
        for target, _ in pending:
            outcomes[target] = Outcome(
                target, done + ", unconfirmed", f"the log could not record it: {describe(exc)}"
            )
    return outcomes


# -- a whole run ---------------------------------------------------------------------------------


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


@dataclass
class Report:
    """What a run did (or, in a dry run, would do), for the JSON contract and the summary."""

    session: int
    mode: str
    reminders: list[dict[str, Any]] = field(default_factory=list)
    no_email: list[str] = field(default_factory=list)
    # a dry run's messages, made as they are taken (see recording)
    previews: Iterator[Draft] = field(default_factory=lambda: iter(()))
    later: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # after previews
    # a dry run's webhook post: (where, chat, parts, characters)
    webhook_preview: tuple[str, str, int, int] | None = None
    warning: str | None = None  # why a real run would be refused (a dry run goes on)
    failed: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "mode": self.mode,
            "reminders": self.reminders,
            "no_email": self.no_email,
        }

    def add(self, subject: dict[str, Any], outcome: Outcome | None, default: str) -> None:
        entry = {**subject, "status": outcome.status if outcome else default}
        if outcome is not None and outcome.error:
            entry["error"] = outcome.error
        self.reminders.append(entry)
        who = subject.get("member") or "webhook"
        if entry["status"] == "failed":
            self.failed.append(f"{who} ({entry['error']})")
        elif entry["status"].endswith("unconfirmed"):
            self.unconfirmed.append(who)

    def recording(self, drafts: Iterator[Draft]) -> Iterator[Draft]:
        """A dry run's drafts, each noted as 'would send' as it is taken: take them all
        (printing each, or not) before reading the report."""
        for draft in drafts:
            self.add(
                {"member": draft.name, "email": draft.email, "subject": draft.subject},
                None,
                "would send",
            )
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


def send(database: Database, request: Request) -> Report:
    """`remind`: draft each member's reminder, then deliver them (email, .eml files) and the
    chat post at most once per session revision each, through the log; a dry run delivers
    nothing. A member already told of an earlier revision gets a change notice."""
    from studygroup import exports, sessions
    from studygroup.errors import StudygroupError

    channel = request.channel
    with database.read() as db:
        course, target = sessions.with_course(db, request.course_slug, request.ref)
        only = None
        if request.member_ref:
            from studygroup import members  # and its name matching, only when it is used

            only = members.find(db, request.member_ref)
        if only is not None and not only.active:
            raise StudygroupError(
                f"{only.name} is archived and gets no reminders "
                f"(restore them with 'studygroup member restore')"
            )
        refusal = _refusal(db, course, target, request.now or clock.now())
        if refusal is not None and channel is not None:
            raise Conflict(refusal)
        # a chat post shows every open item; each email only the group's (and the member's own,
        # read for their message): the long list of everyone's items is not read for those
        doc = exports.agenda_document(db, course, target, group_items_only=request.webhook is None)
        planned, no_email = drafts(db, course, target, doc, only, channel or Channel.EMAIL)
        invite = None
        if channel is not None and not request.webhook_only:
            from studygroup.render.ics import calendar_ics

            invite = calendar_ics(
                exports.calendar_document(db, course, only=target), clock.now(), feed=False
            )
    about = About(target.id, target.revision, target.starts_at)
    report = Report(target.number, channel.value if channel else "dry-run", no_email=no_email)
    report.warning = refusal
    if request.webhook_only:
        planned = iter(())

    def journal(work: Callable[[Connection], None]) -> None:
        with database.write() as db:
            work(db)

    if channel is None:
        report.previews = report.recording(planned)
    else:
        planned_all = list(planned)  # every message is built before any goes out
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
        attachment = (f"session-{target.number}.ics", invite) if invite is not None else None
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

    if request.webhook is not None:
        from studygroup.io import delivery
        from studygroup.render.chat import PAYLOADS

        hook_url = request.webhook
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
