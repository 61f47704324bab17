"""Closing a session and rolling everything unfinished forward; cancelling a week; exact undo.

Every move is written to the roll-forward log (rollovers + rollover_moves) with the state it
replaced, so `session reopen` / `session uncancel` can put back exactly what was there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    bindparam,
    delete,
    exists,
    insert,
    literal,
    or_,
    select,
    update,
)

from studygroup import agenda, clock, faults, sessions
from studygroup.errors import Conflict
from studygroup.render.documents import (
    CloseDocument,
    ClosedTalk,
    ItemCarried,
    MovedOn,
    PostponedTalk,
)
from studygroup.rules import close as close_rule
from studygroup.rules import weekly
from studygroup.rules.weekly import Phase
from studygroup.store.db import new_id
from studygroup.store.enums import (
    EntryKind,
    ItemStatus,
    MoveKind,
    RolloverKind,
    SessionStatus,
    TalkStatus,
)
from studygroup.store.rows import CourseRow, EntryRow, SessionRow, TalkRow, Values
from studygroup.store.schema import (
    action_items,
    agenda_entries,
    attendance,
    members,
    reminders,
    rollover_moves,
    rollovers,
    talks,
)
from studygroup.store.schema import sessions as sessions_table
from studygroup.talks import WITH_PRESENTER, co_presenters


@dataclass
class CloseSummary:
    session: int
    next_session: int
    created_next: bool
    covered: list[str] = field(default_factory=list)
    carried_lectures: list[str] = field(default_factory=list)
    talks_done: list[ClosedTalk] = field(default_factory=list)
    talks_postponed: list[PostponedTalk] = field(default_factory=list)
    items_carried: list[ItemCarried] = field(default_factory=list)
    # (session, role, member) the rota filled in the session the close created
    roles_filled: list[tuple[int, str, str]] = field(default_factory=list)

    def as_dict(self) -> CloseDocument:
        return CloseDocument(
            session=self.session,
            next_session=self.next_session,
            created_next=self.created_next,
            covered=self.covered,
            carried_lectures=self.carried_lectures,
            talks_done=self.talks_done,
            talks_postponed=self.talks_postponed,
            items_carried=self.items_carried,
            roles_filled=self.roles_filled,
        )


def _label(entry: EntryRow) -> str:
    label = entry.lecture_label or ""
    return label + (f" part {entry.part}/{entry.parts}" if entry.part else "")


def _talks_at(db: Connection, target: SessionRow) -> list[TalkRow]:
    """Talks expected at a session: scheduled/postponed to it, or placed on its agenda."""
    on_agenda = select(agenda_entries.c.talk_id).where(
        agenda_entries.c.session_id == target.id, agenda_entries.c.talk_id.is_not(None)
    )
    return list(
        db.execute(
            WITH_PRESENTER.where(
                or_(talks.c.session_id == target.id, talks.c.id.in_(on_agenda)),
                talks.c.status != TalkStatus.WITHDRAWN,
            ).order_by(talks.c.id)
        )
    )


def _talk_state(
    talk_id: int, status: TalkStatus, session_id: int | None, times: int, postponed_from: int | None
) -> Values:
    return {
        "b_id": talk_id,
        "b_status": status,
        "b_session": session_id,
        "b_times": times,
        "b_from": postponed_from,
    }


def _state(talk: TalkRow) -> close_rule.TalkState:
    return close_rule.TalkState(
        talk.status, talk.session_id, talk.times_postponed, talk.postponed_from_id
    )


def _set_talks(db: Connection, changes: list[Values]) -> None:
    """Set the talks' state (see _talk_state): one statement however many talks."""
    if changes:
        db.execute(
            update(talks)
            .where(talks.c.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                session_id=bindparam("b_session"),
                times_postponed=bindparam("b_times"),
                postponed_from_id=bindparam("b_from"),
            ),
            changes,
        )


def close_session(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    covered: list[str] | None,
    not_covered: list[str],
    done_talks: list[int],
    now: datetime,
    early: bool = False,
) -> CloseSummary:
    """Mark the session held and roll everything unfinished forward, in the caller's
    transaction. `covered` None means every planned lecture entry was covered. A session that
    has not started by `now`, or is still in progress, is refused unless `early` (the group
    really met earlier, or the call ended before its time)."""
    if target.status is SessionStatus.HELD:
        when = target.closed_at.strftime("%Y-%m-%d %H:%M UTC") if target.closed_at else ""
        raise Conflict(
            f"session {target.number} is already closed (held, {when}); "
            "'studygroup session reopen' undoes a close".replace(", )", ")")
        )
    if target.status is SessionStatus.CANCELLED:
        raise Conflict(f"session {target.number} was cancelled; it cannot be closed")
    if not early and weekly.phase(target.starts_at, target.minutes, now) is Phase.UPCOMING:
        raise Conflict(
            f"session {target.number} starts {weekly.describe(target.starts_at, course.timezone)}"
            "; it cannot be closed before it starts"
        )
    if not early and weekly.phase(target.starts_at, target.minutes, now) is Phase.IN_PROGRESS:
        ends = target.starts_at + timedelta(minutes=target.minutes)
        raise Conflict(
            f"session {target.number} is in progress until "
            f"{weekly.local(ends, course.timezone):%H:%M} {course.timezone}; close it after the "
            "call (--early if it has ended already)"
        )
    entries = agenda.entries_of(db, target)
    lecture_entries = [  # a lecture's label is there exactly when its lecture is
        (e, e.lecture_label)
        for e in entries
        if e.kind is EntryKind.LECTURE and e.lecture_label is not None
    ]
    is_covered = close_rule.covered_lectures(
        [label for _, label in lecture_entries], covered, not_covered, target.number
    )
    at_session = _talks_at(db, target)
    close_rule.check_done_talks([t.id for t in at_session], done_talks, target.number)

    following, rollover_id, summary = _begin(db, course, target, RolloverKind.CLOSE)

    moves: list[Values] = []
    entry_done: list[Values] = []
    for entry, label in lecture_entries:
        moves.append(
            _move(
                rollover_id,
                MoveKind.LECTURE,
                agenda_entry_id=entry.id,
                lecture_id=entry.lecture_id,
                part=entry.part,
                before_done=entry.done,
            )
        )
        done = is_covered[label]
        entry_done.append({"b_id": entry.id, "b_done": done})
        (summary.covered if done else summary.carried_lectures).append(_label(entry))

    talk_changes: list[Values] = []
    by_id = {talk.id: talk for talk in at_session}
    for outcome in close_rule.talk_outcomes(
        [(t.id, _state(t)) for t in at_session], done_talks, target.id, following.id
    ):
        talk = by_id[outcome.talk_id]
        if outcome.state is not None:
            moves.append(_talk_move(rollover_id, talk))
            talk_changes.append(_talk_state(talk.id, *outcome.state))
        if outcome.given:
            entry_done.extend(
                {"b_id": e.id, "b_done": True} for e in entries if e.talk_id == talk.id
            )
            summary.talks_done.append(
                ClosedTalk(id=talk.id, title=talk.title, presenter=talk.presenter)
            )
        elif outcome.state is not None:
            summary.talks_postponed.append(_postponed(talk, outcome.state.times_postponed))
    _set_talks(db, talk_changes)
    if entry_done:
        db.execute(
            update(agenda_entries)
            .where(agenda_entries.c.id == bindparam("b_id"))
            .values(done=bindparam("b_done")),
            entry_done,
        )

    _log_moves(db, moves)
    summary.items_carried = _carry_items(db, course, target, following, rollover_id, count=True)
    faults.point("close-after-moves")  # the items have moved; the session is not held yet

    db.execute(
        update(sessions_table)
        .where(sessions_table.c.id == target.id)
        .values(status=SessionStatus.HELD, closed_at=clock.now())
    )
    _finish(db, course, summary)
    return summary


def _begin(
    db: Connection, course: CourseRow, target: SessionRow, kind: RolloverKind
) -> tuple[SessionRow, int, CloseSummary]:
    """The session things move to (created from the schedule if needed), and the log entry
    that groups this close or cancel's moves."""
    following, created = sessions.following(db, course, target)
    rollover_id = new_id(
        db.execute(
            insert(rollovers).values(
                course_id=course.id,
                kind=kind,
                from_session_id=target.id,
                to_session_id=following.id,
                from_status=target.status,
                created_to_session=created,
            )
        )
    )
    summary = CloseSummary(
        session=target.number, next_session=following.number, created_next=created
    )
    return following, rollover_id, summary


def _finish(db: Connection, course: CourseRow, summary: CloseSummary) -> None:
    """The summary names every presenter of a talk ("Sanyam Bhutani & Akash Nain"); and,
    like `session plan`, a week a close or cancel made gets its roles from the rota, once the
    closed or cancelled week has its new status (a cancelled week used up no turn)."""
    talked = [*summary.talks_done, *summary.talks_postponed]
    others = co_presenters(db, [t["id"] for t in talked])
    for talk in talked:
        talk["presenter"] = " & ".join([talk["presenter"], *others.get(talk["id"], [])])
    if summary.created_next:
        from studygroup import roles

        summary.roles_filled = roles.fill(db, course)


MOVE_COLUMNS = (
    "agenda_entry_id",
    "lecture_id",
    "part",
    "talk_id",
    "item_id",
    "before_session_id",
    "before_status",
    "before_count",
    "before_done",
    "before_postponed_from_id",
)


def _move(rollover_id: int, kind: MoveKind, **values: Any) -> Values:
    """A roll-forward log row, every column given so that a batch is one statement."""
    return {"rollover_id": rollover_id, "kind": kind} | {
        column: values.get(column) for column in MOVE_COLUMNS
    }


def _postponed(talk: TalkRow, times: int) -> PostponedTalk:
    """A talk as the close/cancel summary lists it."""
    return PostponedTalk(id=talk.id, title=talk.title, presenter=talk.presenter, postponed=times)


def _log_moves(db: Connection, moves: list[Values]) -> None:
    if moves:
        db.execute(insert(rollover_moves), moves)


def _talk_move(rollover_id: int, talk: TalkRow) -> Values:
    return _move(
        rollover_id,
        MoveKind.TALK,
        talk_id=talk.id,
        before_session_id=talk.session_id,
        before_status=talk.status.value,
        before_count=talk.times_postponed,
        before_postponed_from_id=talk.postponed_from_id,
    )


def _carry_items(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    following: SessionRow,
    rollover_id: int,
    *,
    count: bool,
) -> list[ItemCarried]:
    """Move the open items due at `target` to `following` (counting a carry on a close), and
    log each move. Set-based: a fixed number of statements however many items move."""
    due = (
        action_items.c.course_id == course.id,
        action_items.c.status == ItemStatus.OPEN,
        action_items.c.due_session_id == target.id,
    )
    rows = db.execute(
        select(action_items.c.id, action_items.c.text, action_items.c.times_carried, members.c.name)
        .outerjoin(members, action_items.c.owner_id == members.c.id)
        .where(*due)
        .order_by(action_items.c.id)
    ).all()
    if not rows:
        return []
    # the log rows are copied inside the database: INSERT ... SELECT, no per-item parameters
    db.execute(
        insert(rollover_moves).from_select(
            ["rollover_id", "kind", "item_id", "before_session_id", "before_count"],
            select(
                literal(rollover_id),
                literal(MoveKind.ITEM.value),
                action_items.c.id,
                action_items.c.due_session_id,
                action_items.c.times_carried,
            ).where(*due),
        )
    )
    step = 1 if count else 0
    db.execute(
        update(action_items)
        .where(*due)
        .values(due_session_id=following.id, times_carried=action_items.c.times_carried + step)
    )
    return [
        ItemCarried(id=item_id, text=text, owner=owner, carried=carried + step)
        for item_id, text, carried, owner in rows
    ]


def moved_on(db: Connection, target: SessionRow) -> MovedOn:
    """What the session's close (or cancel) moved on, from its log: the talks postponed and
    the items carried (each with its presenters or owner)."""
    return moved_on_many(db, [target])[target.id]


def moved_on_many(db: Connection, targets: Sequence[SessionRow]) -> dict[int, MovedOn]:
    """`moved_on` for several sessions (each a key): four statements however many."""
    out: dict[int, MovedOn] = {t.id: {"talks": [], "items": []} for t in targets}
    if not targets:
        return out
    wanted = {
        t.id: RolloverKind.CANCEL if t.status is SessionStatus.CANCELLED else RolloverKind.CLOSE
        for t in targets
    }
    latest: dict[int, int] = {}  # session -> its latest rollover of the kind, not undone
    for rollover_id, session_id, kind in db.execute(
        select(rollovers.c.id, rollovers.c.from_session_id, rollovers.c.kind)
        .where(rollovers.c.from_session_id.in_(list(wanted)), rollovers.c.undone_at.is_(None))
        .order_by(rollovers.c.id)
    ):
        if kind is wanted[session_id]:
            latest[session_id] = rollover_id
    if not latest:
        return out
    session_of = {rollover_id: session_id for session_id, rollover_id in latest.items()}
    talk_rows = db.execute(
        WITH_PRESENTER.add_columns(rollover_moves.c.rollover_id)
        .join(rollover_moves, rollover_moves.c.talk_id == talks.c.id)
        .where(rollover_moves.c.rollover_id.in_(list(session_of)))
        .order_by(rollover_moves.c.rollover_id, talks.c.id)
    ).all()
    others = co_presenters(db, [t.id for t in talk_rows])
    for t in talk_rows:
        out[session_of[t.rollover_id]]["talks"].append(
            {
                "id": t.id,
                "title": t.title,
                "presenter": " & ".join([t.presenter, *others.get(t.id, [])]),
                "url": t.url,
            }
        )
    for rollover_id, item_id, text, owner in db.execute(
        select(rollover_moves.c.rollover_id, action_items.c.id, action_items.c.text, members.c.name)
        .join(action_items, action_items.c.id == rollover_moves.c.item_id)
        .outerjoin(members, members.c.id == action_items.c.owner_id)
        .where(rollover_moves.c.rollover_id.in_(list(session_of)))
        .order_by(rollover_moves.c.rollover_id, action_items.c.id)
    ):
        out[session_of[rollover_id]]["items"].append({"id": item_id, "text": text, "owner": owner})
    return out


def _latest_rollover(db: Connection, target: SessionRow, kind: RolloverKind) -> Row[Any] | None:
    return db.execute(
        select(rollovers)
        .where(
            rollovers.c.from_session_id == target.id,
            rollovers.c.kind == kind,
            rollovers.c.undone_at.is_(None),
        )
        .order_by(rollovers.c.id.desc())
        .limit(1)
    ).first()


def _undo(db: Connection, course: CourseRow, rollover: Row[Any]) -> None:
    """Put back every field the rollover changed; delete the session it created if nothing
    else has come to depend on it."""
    moves = db.execute(
        select(rollover_moves)
        .where(rollover_moves.c.rollover_id == rollover.id)
        .order_by(rollover_moves.c.id.desc())
    ).all()
    existing_entries = {
        e
        for e in db.execute(
            select(agenda_entries.c.id).where(
                agenda_entries.c.id.in_(
                    [m.agenda_entry_id for m in moves if m.agenda_entry_id is not None]
                )
            )
        ).scalars()
    }
    entry_done: dict[int, bool] = {}
    talk_changes: list[Values] = []
    for move in moves:
        if move.kind is MoveKind.LECTURE and move.agenda_entry_id in existing_entries:
            entry_done[move.agenda_entry_id] = bool(move.before_done)
        elif move.kind is MoveKind.TALK and move.talk_id is not None:
            status = TalkStatus(move.before_status or TalkStatus.SCHEDULED.value)
            talk_changes.append(
                _talk_state(
                    move.talk_id,
                    status,
                    move.before_session_id,
                    move.before_count or 0,
                    move.before_postponed_from_id,
                )
            )
    _set_talks(db, talk_changes)
    # a talk's entries at the closed session are done exactly when the talk is again
    moved_talks = [c["b_id"] for c in talk_changes]
    if moved_talks:
        db.execute(
            update(agenda_entries)
            .where(
                agenda_entries.c.talk_id.in_(moved_talks),
                agenda_entries.c.session_id == rollover.from_session_id,
            )
            .values(
                done=agenda_entries.c.talk_id.in_(
                    [c["b_id"] for c in talk_changes if c["b_status"] is TalkStatus.DONE]
                )
            )
        )
    if entry_done:
        db.execute(
            update(agenda_entries)
            .where(agenda_entries.c.id == bindparam("b_id"))
            .values(done=bindparam("b_done")),
            [{"b_id": k, "b_done": v} for k, v in entry_done.items()],
        )
    item_moves = [m for m in moves if m.kind is MoveKind.ITEM]
    if item_moves:
        db.execute(
            update(action_items)
            .where(action_items.c.id == bindparam("b_id"))
            .values(due_session_id=bindparam("b_due"), times_carried=bindparam("b_count")),
            [
                {"b_id": m.item_id, "b_due": m.before_session_id, "b_count": m.before_count or 0}
                for m in item_moves
            ],
        )
    source: Values = {"status": rollover.from_status}
    if rollover.kind is RolloverKind.CLOSE:
        source["closed_at"] = None
    db.execute(
        update(sessions_table).where(sessions_table.c.id == rollover.from_session_id).values(source)
    )
    if rollover.kind is RolloverKind.CANCEL:  # back on: calendars must see it
        sessions.revise(db, sessions_table.c.id == rollover.from_session_id)
    db.execute(update(rollovers).where(rollovers.c.id == rollover.id).values(undone_at=clock.now()))
    if (
        rollover.created_to_session
        and rollover.to_session_id is not None
        and not _depended_on(db, rollover.to_session_id)
    ):
        db.execute(
            delete(agenda_entries).where(agenda_entries.c.session_id == rollover.to_session_id)
        )
        db.execute(delete(sessions_table).where(sessions_table.c.id == rollover.to_session_id))


def _depended_on(db: Connection, session_id: int) -> bool:
    """Whether anything but its derived agenda refers to a session."""
    checks = [
        exists().where(attendance.c.session_id == session_id),
        exists().where(action_items.c.due_session_id == session_id),
        exists().where(action_items.c.created_session_id == session_id),
        exists().where(talks.c.session_id == session_id),
        exists().where(talks.c.postponed_from_id == session_id),
        exists().where(reminders.c.session_id == session_id),
        exists().where(rollovers.c.from_session_id == session_id),
        exists().where(
            agenda_entries.c.session_id == session_id, agenda_entries.c.pinned.is_(True)
        ),
        exists().where(rollover_moves.c.before_session_id == session_id),
    ]
    return any(db.scalar(select(check)) for check in checks)


def reopen_session(db: Connection, course: CourseRow, target: SessionRow) -> None:
    """Undo a session's close exactly, while the session it rolled into is still planned."""
    if target.status is not SessionStatus.HELD:
        raise Conflict(f"session {target.number} is {target.status.value}, not closed")
    rollover = _latest_rollover(db, target, RolloverKind.CLOSE)
    if rollover is None:
        raise Conflict(f"session {target.number} has no close to undo")
    _require_untouched_since(db, rollover)
    _undo(db, course, rollover)


def _require_untouched_since(db: Connection, rollover: Row[Any]) -> None:
    _require_moves_as_left(db, rollover)
    if rollover.to_session_id is None:
        return
    into = db.execute(
        select(sessions_table).where(sessions_table.c.id == rollover.to_session_id)
    ).first()
    if into is not None and into.status is SessionStatus.HELD:
        raise Conflict(f"session {into.number} has been closed since; reopen it first")
    later = db.execute(
        select(rollovers)
        .where(
            rollovers.c.course_id == rollover.course_id,
            rollovers.c.id > rollover.id,
            rollovers.c.undone_at.is_(None),
            rollovers.c.from_session_id == rollover.to_session_id,
        )
        .limit(1)
    ).first()
    if later is not None and into is not None:
        done = "closed" if later.kind is RolloverKind.CLOSE else "cancelled"
        raise Conflict(f"session {into.number} has been {done} since; undo that first")


def _require_moves_as_left(db: Connection, rollover: Row[Any]) -> None:
    """Refuse to undo a close or cancel when a later command changed a talk or an item it
    moved (a talk withdrawn or marked done, an item done, dropped or moved again): putting
    the logged 'before' state back would silently undo that later change. Names the changes.
    What the close left is derived from the log: a talk it marked done is done at the closed
    session; a postponed one sits at the next session, counted once more; a carried item is
    open at the next session (counted once more on a close, not on a cancel)."""
    closing = rollover.kind is RolloverKind.CLOSE
    moves = rollover_moves
    talk, item = talks, action_items
    changed: list[str] = []
    for move in db.execute(
        select(
            moves.c.before_status,
            moves.c.before_count,
            moves.c.before_postponed_from_id,
            talk.c.id,
            talk.c.status,
            talk.c.session_id,
            talk.c.times_postponed,
            talk.c.postponed_from_id,
        )
        .join(talk, talk.c.id == moves.c.talk_id)
        .where(moves.c.rollover_id == rollover.id, moves.c.kind == MoveKind.TALK)
        .order_by(talk.c.id)
    ).all():
        if (
            closing
            and move.status is TalkStatus.DONE
            and move.session_id == rollover.from_session_id
            and move.before_status != TalkStatus.DONE.value
        ):
            continue  # marked done by this close, and still so
        if closing:
            expected = (
                TalkStatus.POSTPONED,
                rollover.to_session_id,
                (move.before_count or 0) + 1,
                move.before_postponed_from_id or rollover.from_session_id,
            )
        else:
            expected = (
                TalkStatus(move.before_status),
                rollover.to_session_id,
                move.before_count or 0,
                move.before_postponed_from_id,
            )
        actual = (move.status, move.session_id, move.times_postponed, move.postponed_from_id)
        if actual != expected:
            what = f"is {move.status.value}" if move.status != expected[0] else "was moved since"
            changed.append(f"talk {move.id} {what}")
    step = 1 if closing else 0
    for row in db.execute(
        select(
            moves.c.before_count,
            item.c.id,
            item.c.status,
            item.c.due_session_id,
            item.c.times_carried,
        )
        .join(item, item.c.id == moves.c.item_id)
        .where(
            moves.c.rollover_id == rollover.id,
            moves.c.kind == MoveKind.ITEM,
            (item.c.status != ItemStatus.OPEN)
            | (item.c.due_session_id != rollover.to_session_id)
            | (item.c.times_carried != moves.c.before_count + step),
        )
        .order_by(item.c.id)
        .limit(6)
    ).all():
        what = f"is {row.status.value}" if row.status is not ItemStatus.OPEN else "was moved since"
        changed.append(f"item {row.id} {what}")
    if changed:
        shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        number = sessions.get(db, rollover.from_session_id).number
        undo = "reopening" if closing else "uncancelling"
        raise Conflict(
            f"{undo} session {number} would undo later changes ({shown}); change those back first"
        )


def cancel_session(db: Connection, course: CourseRow, target: SessionRow) -> CloseSummary:
    """Keep the session, marked cancelled; its lectures, talks and due items move to the next
    planned session (no postponement or carry is counted: the week did not happen)."""
    sessions.require_planned(target, "only a planned session can be cancelled")
    following, rollover_id, summary = _begin(db, course, target, RolloverKind.CANCEL)
    entries = agenda.entries_of(db, target)
    summary.carried_lectures.extend(
        _label(e) for e in entries if e.kind is EntryKind.LECTURE and e.lecture_id is not None
    )
    moves: list[Values] = []
    for talk in db.execute(
        WITH_PRESENTER.where(
            talks.c.session_id == target.id,
            talks.c.status.in_([TalkStatus.SCHEDULED, TalkStatus.POSTPONED]),
        )
    ):
        moves.append(_talk_move(rollover_id, talk))
        summary.talks_postponed.append(_postponed(talk, talk.times_postponed))
    moved = [m["talk_id"] for m in moves]
    if moved:
        db.execute(update(talks).where(talks.c.id.in_(moved)).values(session_id=following.id))
    _log_moves(db, moves)
    summary.items_carried = _carry_items(db, course, target, following, rollover_id, count=False)
    # the cancelled week's planned agenda is derived: drop it, keep pinned lectures by moving
    # them on, and let the planner give its lectures to the next session
    pinned_lectures = [e.id for e in entries if e.pinned and e.kind is EntryKind.LECTURE]
    if pinned_lectures:
        db.execute(
            update(agenda_entries)
            .where(agenda_entries.c.id.in_(pinned_lectures))
            .values(session_id=following.id)
        )
    db.execute(delete(agenda_entries).where(agenda_entries.c.session_id == target.id))
    db.execute(
        update(sessions_table)
        .where(sessions_table.c.id == target.id)
        .values(status=SessionStatus.CANCELLED)
    )
    sessions.revise(db, sessions_table.c.id == target.id)
    _finish(db, course, summary)
    return summary


def uncancel_session(db: Connection, course: CourseRow, target: SessionRow) -> None:
    if target.status is not SessionStatus.CANCELLED:
        raise Conflict(f"session {target.number} is {target.status.value}, not cancelled")
    rollover = _latest_rollover(db, target, RolloverKind.CANCEL)
    if rollover is None:
        db.execute(
            update(sessions_table)
            .where(sessions_table.c.id == target.id)
            .values(status=SessionStatus.PLANNED)
        )
        sessions.revise(db, sessions_table.c.id == target.id)
        return
    _require_untouched_since(db, rollover)
    _undo(db, course, rollover)
