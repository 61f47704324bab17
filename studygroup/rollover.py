"""Closing a session and rolling everything unfinished forward; cancelling a week; exact undo.

Every move is written to the roll-forward log (rollovers + rollover_moves) with the state it
replaced, so `session reopen` / `session uncancel` can put back exactly what was there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, exists, insert, literal, or_, select, update
from sqlalchemy.orm import Session, selectinload

from studygroup import agenda, faults, planning, schedule
from studygroup.errors import Conflict, Invalid
from studygroup.models import (
    ActionItem,
    AgendaEntry,
    Attendance,
    Course,
    EntryKind,
    ItemStatus,
    Member,
    MoveKind,
    Reminder,
    Rollover,
    RolloverKind,
    RolloverMove,
    SessionStatus,
    StudySession,
    Talk,
    TalkStatus,
)
from studygroup.store import schema
from studygroup.store.types import utcnow


@dataclass
class CloseSummary:
    session: int
    next_session: int
    created_next: bool
    covered: list[str] = field(default_factory=list)
    carried_lectures: list[str] = field(default_factory=list)
    talks_done: list[dict[str, Any]] = field(default_factory=list)
    talks_postponed: list[dict[str, Any]] = field(default_factory=list)
    items_carried: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _label(entry: AgendaEntry) -> str:
    assert entry.lecture is not None
    return entry.lecture.label + (f" part {entry.part}/{entry.parts}" if entry.part else "")


def _talks_at(session: Session, target: StudySession) -> list[Talk]:
    """Talks expected at a session: scheduled/postponed to it, or placed on its agenda."""
    on_agenda = select(AgendaEntry.talk_id).where(
        AgendaEntry.session_id == target.id, AgendaEntry.talk_id.is_not(None)
    )
    return list(
        session.scalars(
            select(Talk)
            .where(
                or_(Talk.session_id == target.id, Talk.id.in_(on_agenda)),
                Talk.status != TalkStatus.WITHDRAWN,
            )
            .options(selectinload(Talk.presenter))
            .order_by(Talk.id)
        )
    )


def close_session(
    session: Session,
    course: Course,
    target: StudySession,
    covered: list[str] | None,
    not_covered: list[str],
    done_talks: list[int],
) -> CloseSummary:
    """Mark the session held and roll everything unfinished forward, in the caller's
    transaction. `covered` None means every planned lecture entry was covered."""
    if target.status is SessionStatus.HELD:
        when = target.closed_at.strftime("%Y-%m-%d %H:%M UTC") if target.closed_at else ""
        raise Conflict(f"session {target.number} is already closed (held, {when}); "
                       "'studygroup session reopen' undoes a close".replace(", )", ")"))
    if target.status is SessionStatus.CANCELLED:
        raise Conflict(f"session {target.number} was cancelled; it cannot be closed")
    if covered is not None and not_covered:
        raise Invalid("give --covered or --not-covered, not both")

    entries = agenda.entries_of(session, target)
    lecture_entries = [e for e in entries if e.kind is EntryKind.LECTURE and e.lecture]
    labels = {e.lecture.label for e in lecture_entries if e.lecture}
    for label in [*(covered or []), *not_covered]:
        if label not in labels:
            shown = ", ".join(sorted(labels)) or "none"
            raise Invalid(f"lecture {label!r} is not on session {target.number}'s agenda "
                          f"(lectures on it: {shown})")
    talks = _talks_at(session, target)
    talk_ids = {t.id for t in talks}
    for talk_id in done_talks:
        if talk_id not in talk_ids:
            raise Invalid(f"talk {talk_id} is not on session {target.number}")

    following, rollover, summary = _begin(session, course, target, RolloverKind.CLOSE)

    moves: list[dict[str, Any]] = []
    for entry in lecture_entries:
        label = entry.lecture.label if entry.lecture else ""
        is_covered = (label in covered) if covered is not None else (label not in not_covered)
        moves.append(_move(rollover, MoveKind.LECTURE, agenda_entry_id=entry.id,
                           lecture_id=entry.lecture_id, part=entry.part,
                           before_done=entry.done))
        entry.done = is_covered
        (summary.covered if is_covered else summary.carried_lectures).append(_label(entry))

    done_now = set(done_talks)
    for talk in talks:
        entry_of = [e for e in entries if e.talk_id == talk.id]
        if talk.status is TalkStatus.DONE or talk.id in done_now:
            if talk.status is not TalkStatus.DONE:
                moves.append(_talk_move(rollover, talk))
                talk.status = TalkStatus.DONE
                talk.session_id = target.id
            for entry in entry_of:
                entry.done = True
            summary.talks_done.append({"id": talk.id, "title": talk.title,
                                       "presenter": talk.presenter.name})
            continue
        moves.append(_talk_move(rollover, talk))
        if talk.postponed_from_id is None:
            talk.postponed_from_id = target.id
        talk.session_id = following.id
        talk.status = TalkStatus.POSTPONED
        talk.times_postponed += 1
        summary.talks_postponed.append(_postponed(talk))

    _log_moves(session, moves)
    summary.items_carried = _carry_items(session, course, target, following, rollover,
                                         count=True)
    faults.point("close-after-moves")  # the items have moved; the session is not held yet

    target.status = SessionStatus.HELD
    target.closed_at = utcnow()
    session.flush()
    agenda.replan_course(session, course)
    return summary


def _begin(
    session: Session, course: Course, target: StudySession, kind: RolloverKind
) -> tuple[StudySession, Rollover, CloseSummary]:
    """The session things move to (created from the schedule if needed), and the log entry
    that groups this close or cancel's moves."""
    following, created = planning.ensure_after(session, course, target)
    rollover = Rollover(
        course_id=course.id, kind=kind, from_session_id=target.id,
        to_session_id=following.id, from_status=target.status, created_to_session=created,
    )
    session.add(rollover)
    session.flush()
    summary = CloseSummary(session=target.number, next_session=following.number,
                           created_next=created)
    return following, rollover, summary


MOVE_COLUMNS = ("agenda_entry_id", "lecture_id", "part", "talk_id", "item_id",
                "before_session_id", "before_status", "before_count", "before_done",
                "before_postponed_from_id")


def _move(rollover: Rollover, kind: MoveKind, **values: Any) -> dict[str, Any]:
    """A roll-forward log row, every column given so that a batch is one statement."""
    return {"rollover_id": rollover.id, "kind": kind} | {
        column: values.get(column) for column in MOVE_COLUMNS}


def _postponed(talk: Talk) -> dict[str, Any]:
    """A talk as the close/cancel summary lists it."""
    return {"id": talk.id, "title": talk.title, "presenter": talk.presenter.name,
            "postponed": talk.times_postponed}


def _log_moves(session: Session, moves: list[dict[str, Any]]) -> None:
    if moves:
        session.execute(insert(schema.rollover_moves), moves)


def _talk_move(rollover: Rollover, talk: Talk) -> dict[str, Any]:
    return _move(rollover, MoveKind.TALK, talk_id=talk.id, before_session_id=talk.session_id,
                 before_status=talk.status.value, before_count=talk.times_postponed,
                 before_postponed_from_id=talk.postponed_from_id)


def _carry_items(
    session: Session, course: Course, target: StudySession, following: StudySession,
    rollover: Rollover, *, count: bool,
) -> list[dict[str, Any]]:
    """Move the open items due at `target` to `following` (counting a carry on a close), and
    log each move. Set-based: a fixed number of statements however many items move."""
    due = (
        ActionItem.course_id == course.id,
        ActionItem.status == ItemStatus.OPEN,
        ActionItem.due_session_id == target.id,
    )
    rows = session.execute(
        select(ActionItem.id, ActionItem.text, ActionItem.times_carried, Member.name)
        .outerjoin(Member, ActionItem.owner_id == Member.id)
        .where(*due)
        .order_by(ActionItem.id)
    ).all()
    if not rows:
        return []
    # the log rows are copied inside the database: INSERT ... SELECT, no per-item parameters
    moves = schema.rollover_moves
    session.execute(insert(moves).from_select(
        ["rollover_id", "kind", "item_id", "before_session_id", "before_count"],
        select(literal(rollover.id), literal(MoveKind.ITEM.value), ActionItem.id,
               ActionItem.due_session_id, ActionItem.times_carried).where(*due),
    ))
    session.execute(
        update(ActionItem).where(*due).values(
            due_session_id=following.id,
            times_carried=ActionItem.times_carried + (1 if count else 0),
        ).execution_options(synchronize_session=False)
    )
    step = 1 if count else 0
    return [{"id": item_id, "text": text, "owner": owner, "carried": carried + step}
            for item_id, text, carried, owner in rows]


def _latest_rollover(
    session: Session, target: StudySession, kind: RolloverKind
) -> Rollover | None:
    return session.scalar(
        select(Rollover)
        .where(
            Rollover.from_session_id == target.id,
            Rollover.kind == kind,
            Rollover.undone_at.is_(None),
        )
        .order_by(Rollover.id.desc())
        .limit(1)
    )


def _undo(session: Session, course: Course, rollover: Rollover) -> StudySession | None:
    """Put back every field the rollover changed; delete the session it created if nothing
    else has come to depend on it. Returns the session that was rolled into, if kept."""
    moves = list(session.scalars(
        select(RolloverMove).where(RolloverMove.rollover_id == rollover.id)
        .order_by(RolloverMove.id.desc())
    ))
    entry_ids = [m.agenda_entry_id for m in moves if m.agenda_entry_id is not None]
    talk_ids = [m.talk_id for m in moves if m.talk_id is not None]
    item_ids = [m.item_id for m in moves if m.item_id is not None]
    entries = {e.id: e for e in session.scalars(
        select(AgendaEntry).where(AgendaEntry.id.in_(entry_ids)))} if entry_ids else {}
    talks = {t.id: t for t in session.scalars(
        select(Talk).where(Talk.id.in_(talk_ids)))} if talk_ids else {}
    for move in moves:
        if move.kind is MoveKind.LECTURE and move.agenda_entry_id in entries:
            entries[move.agenda_entry_id].done = bool(move.before_done)
        elif move.kind is MoveKind.TALK and move.talk_id in talks:
            talk = talks[move.talk_id]
            talk.session_id = move.before_session_id
            talk.status = TalkStatus(move.before_status or TalkStatus.SCHEDULED.value)
            talk.times_postponed = move.before_count or 0
            talk.postponed_from_id = move.before_postponed_from_id
            for entry in session.scalars(select(AgendaEntry).where(
                    AgendaEntry.talk_id == talk.id,
                    AgendaEntry.session_id == rollover.from_session_id)):
                entry.done = talk.status is TalkStatus.DONE
    if item_ids:
        table = schema.action_items
        session.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(
                due_session_id=bindparam("b_due"), times_carried=bindparam("b_count")),
            [{"b_id": m.item_id, "b_due": m.before_session_id, "b_count": m.before_count or 0}
             for m in moves if m.kind is MoveKind.ITEM],
        )
    source = session.get(StudySession, rollover.from_session_id)
    assert source is not None
    source.status = rollover.from_status
    if rollover.kind is RolloverKind.CLOSE:
        source.closed_at = None
    rollover.undone_at = utcnow()
    session.flush()
    rolled_into = (
        session.get(StudySession, rollover.to_session_id) if rollover.to_session_id else None
    )
    if rollover.created_to_session and rolled_into is not None and not _depended_on(
        session, rolled_into
    ):
        session.delete(rolled_into)
        session.flush()
        rolled_into = None
    agenda.replan_course(session, course)
    return rolled_into


def _depended_on(session: Session, target: StudySession) -> bool:
    """Whether anything but its derived agenda refers to a session."""
    checks = [
        exists().where(Attendance.session_id == target.id),
        exists().where(ActionItem.due_session_id == target.id),
        exists().where(ActionItem.created_session_id == target.id),
        exists().where(Talk.session_id == target.id),
        exists().where(Talk.postponed_from_id == target.id),
        exists().where(Reminder.session_id == target.id),
        exists().where(Rollover.from_session_id == target.id),
        exists().where(AgendaEntry.session_id == target.id, AgendaEntry.pinned.is_(True)),
        exists().where(RolloverMove.before_session_id == target.id),
    ]
    return any(session.scalar(select(check)) for check in checks)


def reopen_session(session: Session, course: Course, target: StudySession) -> Rollover:
    """Undo a session's close exactly, while the session it rolled into is still planned."""
    if target.status is not SessionStatus.HELD:
        raise Conflict(f"session {target.number} is {target.status.value}, not closed")
    rollover = _latest_rollover(session, target, RolloverKind.CLOSE)
    if rollover is None:
        raise Conflict(f"session {target.number} has no close to undo")
    _require_untouched_since(session, rollover)
    _undo(session, course, rollover)
    return rollover


def _require_untouched_since(session: Session, rollover: Rollover) -> None:
    _require_moves_as_left(session, rollover)
    if rollover.to_session_id is None:
        return
    into = session.get(StudySession, rollover.to_session_id)
    if into is not None and into.status is SessionStatus.HELD:
        raise Conflict(f"session {into.number} has been closed since; reopen it first")
    later = session.scalar(
        select(Rollover).where(
            Rollover.course_id == rollover.course_id,
            Rollover.id > rollover.id,
            Rollover.undone_at.is_(None),
            Rollover.from_session_id == rollover.to_session_id,
        ).limit(1)
    )
    if later is not None and into is not None:
        done = "closed" if later.kind is RolloverKind.CLOSE else "cancelled"
        raise Conflict(f"session {into.number} has been {done} since; undo that first")


def _require_moves_as_left(session: Session, rollover: Rollover) -> None:
    """Refuse to undo a close or cancel when a later command changed a talk or an item it
    moved (a talk withdrawn or marked done, an item done, dropped or moved again): putting
    the logged 'before' state back would silently undo that later change. Names the changes.
    What the close left is derived from the log: a talk it marked done is done at the closed
    session; a postponed one sits at the next session, counted once more; a carried item is
    open at the next session (counted once more on a close, not on a cancel)."""
    closing = rollover.kind is RolloverKind.CLOSE
    moves = schema.rollover_moves
    talk, item = schema.talks, schema.action_items
    changed: list[str] = []
    for move in session.execute(
        select(moves.c.before_status, moves.c.before_count, moves.c.before_postponed_from_id,
               talk.c.id, talk.c.status, talk.c.session_id, talk.c.times_postponed,
               talk.c.postponed_from_id)
        .join(talk, talk.c.id == moves.c.talk_id)
        .where(moves.c.rollover_id == rollover.id, moves.c.kind == MoveKind.TALK)
        .order_by(talk.c.id)
    ).all():
        if closing and move.status is TalkStatus.DONE and move.session_id == \
                rollover.from_session_id and move.before_status != TalkStatus.DONE.value:
            continue  # marked done by this close, and still so
        if closing:
            expected = (TalkStatus.POSTPONED, rollover.to_session_id,
                        (move.before_count or 0) + 1,
                        move.before_postponed_from_id or rollover.from_session_id)
        else:
            expected = (TalkStatus(move.before_status), rollover.to_session_id,
                        move.before_count or 0, move.before_postponed_from_id)
        actual = (move.status, move.session_id, move.times_postponed, move.postponed_from_id)
        if actual != expected:
            what = (f"is {move.status.value}" if move.status != expected[0]
                    else "was moved since")
            changed.append(f"talk {move.id} {what}")
    step = 1 if closing else 0
    for row in session.execute(
        select(moves.c.before_count, item.c.id, item.c.status, item.c.due_session_id,
               item.c.times_carried)
        .join(item, item.c.id == moves.c.item_id)
        .where(moves.c.rollover_id == rollover.id, moves.c.kind == MoveKind.ITEM,
               (item.c.status != ItemStatus.OPEN)
               | (item.c.due_session_id != rollover.to_session_id)
               | (item.c.times_carried != moves.c.before_count + step))
        .order_by(item.c.id).limit(6)
    ).all():
        what = (f"is {row.status.value}" if row.status is not ItemStatus.OPEN
                else "was moved since")
        changed.append(f"item {row.id} {what}")
    if changed:
        shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        source = session.get(StudySession, rollover.from_session_id)
        number = source.number if source is not None else rollover.from_session_id
        undo = "reopening" if closing else "uncancelling"
        raise Conflict(
            f"{undo} session {number} would undo later changes ({shown}); "
            "change those back first"
        )


def cancel_session(session: Session, course: Course, target: StudySession) -> CloseSummary:
    """Keep the session, marked cancelled; its lectures, talks and due items move to the next
    planned session (no postponement or carry is counted: the week did not happen)."""
    schedule.require_planned(target, "only a planned session can be cancelled")
    following, rollover, summary = _begin(session, course, target, RolloverKind.CANCEL)
    for entry in agenda.entries_of(session, target):
        if entry.kind is EntryKind.LECTURE and entry.lecture is not None:
            summary.carried_lectures.append(_label(entry))
    moves: list[dict[str, Any]] = []
    for talk in session.scalars(select(Talk).where(
            Talk.session_id == target.id,
            Talk.status.in_([TalkStatus.SCHEDULED, TalkStatus.POSTPONED])).options(
                selectinload(Talk.presenter))):
        moves.append(_talk_move(rollover, talk))
        talk.session_id = following.id
        summary.talks_postponed.append(_postponed(talk))
    _log_moves(session, moves)
    summary.items_carried = _carry_items(session, course, target, following, rollover,
                                         count=False)
    # the cancelled week's planned agenda is derived: drop it, keep pinned lectures by moving
    # them on, and let the planner give its lectures to the next session
    for entry in agenda.entries_of(session, target):
        if entry.pinned and entry.kind is EntryKind.LECTURE:
            entry.session_id = following.id
        else:
            session.delete(entry)
    target.status = SessionStatus.CANCELLED
    session.flush()
    agenda.replan_course(session, course)
    return summary


def uncancel_session(session: Session, course: Course, target: StudySession) -> None:
    if target.status is not SessionStatus.CANCELLED:
        raise Conflict(f"session {target.number} is {target.status.value}, not cancelled")
    rollover = _latest_rollover(session, target, RolloverKind.CANCEL)
    if rollover is None:
        target.status = SessionStatus.PLANNED
        session.flush()
        agenda.replan_course(session, course)
        return
    _require_untouched_since(session, rollover)
    _undo(session, course, rollover)
