"""Sessions: the weekly meetings of a course. Which one a command means (REF), the schedule in
time order, and creating, numbering and moving sessions.

REF is next (the earliest planned session, whatever today's date), last (the latest held
one), a session number, or a local date YYYY-MM-DD.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from studygroup import clock
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.rules import validate, weekly
from studygroup.store.db import new_id
from studygroup.store.enums import SessionStatus
from studygroup.store.rows import CourseRow, SessionRow, Values
from studygroup.store.schema import sessions

REF_HELP = "next, last, a session number, or a local date YYYY-MM-DD"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_in_time = (sessions.c.starts_at, sessions.c.number)


def is_ref(text: str) -> bool:
    """Whether a command-line word is a session reference (and not, say, a member's name)."""
    value = text.strip().lower()
    return value in ("next", "last") or validate.is_integer(value) or bool(_DATE.fullmatch(value))


def local_date(course: CourseRow, session: SessionRow) -> date:
    return weekly.local(session.starts_at, course.timezone).date()


def require_planned(target: SessionRow, what: str) -> None:
    """Refuse to change a held or cancelled session's plan; `what` says what was asked."""
    if target.status is not SessionStatus.PLANNED:
        raise Conflict(f"session {target.number} is {target.status.value}; {what}")


def require_open_for_items(db: Connection, course: CourseRow, target: SessionRow) -> None:
    """An item is due only at a planned session: one due at a held or cancelled session would
    never be shown or carried. The refusal names the next planned session."""
    if target.status is SessionStatus.PLANNED:
        return
    following = next_planned(db, course)
    then = (
        f"the next planned session is {following.number} ({local_date(course, following):%a %d %b})"
        if following is not None
        else "plan one with 'studygroup session plan'"
    )
    raise Conflict(
        f"session {target.number} is {target.status.value}, and an item due there would never "
        f"be shown or carried; {then}"
    )


# -- which session ------------------------------------------------------------------------------


def find(db: Connection, course: CourseRow, ref: str | None) -> SessionRow:
    """Resolve REF: next (default), last, a number, or a local date."""
    text = (ref or "next").strip().lower()
    if text == "next":
        found = next_planned(db, course)
        if found is None:
            raise NotFound(
                f"{course.slug} has no planned session; plan one with 'studygroup session plan'"
            )
        return found
    if text == "last":
        found = last_held(db, course)
        if found is None:
            raise NotFound(f"{course.slug} has no held session yet")
        return found
    if validate.is_integer(text):
        number = validate.integer(text, "session number", 1)
        found = db.execute(
            select(sessions).where(sessions.c.course_id == course.id, sessions.c.number == number)
        ).first()
        if found is None:
            raise NotFound(f"{course.slug} has no session {number}")
        return found
    if _DATE.fullmatch(text):
        day = validate.parse_date(text)
        # the local day, as an instant range, so that the index on starts_at is used
        start = weekly.instant(day, datetime.min.time(), course.timezone)
        end = weekly.instant(day + timedelta(days=1), datetime.min.time(), course.timezone)
        found = db.execute(
            select(sessions)
            .where(
                sessions.c.course_id == course.id,
                sessions.c.starts_at >= start,
                sessions.c.starts_at < end,
            )
            .order_by(sessions.c.starts_at)
            .limit(1)
        ).first()
        if found is None:
            raise NotFound(f"{course.slug} has no session on {day.isoformat()}")
        return found
    raise Invalid(f"invalid session {ref!r}: use {REF_HELP}")


def get(db: Connection, session_id: int) -> SessionRow:
    """A session by id, as it is now in this transaction."""
    return db.execute(select(sessions).where(sessions.c.id == session_id)).one()


# -- the schedule in time order -----------------------------------------------------------------


def of_course(db: Connection, course: CourseRow) -> list[SessionRow]:
    return list(
        db.execute(select(sessions).where(sessions.c.course_id == course.id).order_by(*_in_time))
    )


def planned(db: Connection, course: CourseRow) -> list[SessionRow]:
    return list(
        db.execute(
            select(sessions)
            .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.PLANNED)
            .order_by(*_in_time)
        )
    )


def next_planned(db: Connection, course: CourseRow) -> SessionRow | None:
    """The earliest session still planned; it does not depend on today's date."""
    return db.execute(
        select(sessions)
        .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.PLANNED)
        .order_by(*_in_time)
        .limit(1)
    ).first()


def last_held(db: Connection, course: CourseRow) -> SessionRow | None:
    return db.execute(
        select(sessions)
        .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.HELD)
        .order_by(sessions.c.starts_at.desc(), sessions.c.number.desc())
        .limit(1)
    ).first()


def planned_after(db: Connection, current: SessionRow) -> SessionRow | None:
    return db.execute(
        select(sessions)
        .where(
            sessions.c.course_id == current.course_id,
            sessions.c.status == SessionStatus.PLANNED,
            sessions.c.starts_at > current.starts_at,
        )
        .order_by(*_in_time)
        .limit(1)
    ).first()


def latest_started(
    db: Connection, course: CourseRow, now: datetime, before: datetime | None = None
) -> SessionRow | None:
    """The latest session that has started by `now` and was not cancelled, planned or held:
    the call that is on, or that just happened (and, with `before`, started before that)."""
    where = [
        sessions.c.course_id == course.id,
        sessions.c.status != SessionStatus.CANCELLED,
        sessions.c.starts_at <= now,
    ]
    if before is not None:
        where.append(sessions.c.starts_at < before)
    return db.execute(
        select(sessions)
        .where(*where)
        .order_by(sessions.c.starts_at.desc(), sessions.c.number.desc())
        .limit(1)
    ).first()


def unclosed_warning(db: Connection, course: CourseRow, now: datetime) -> str | None:
    """A warning when a planned session has ended without being closed (everything planned
    after it still waits for that close); None when there is none."""
    for found in db.execute(
        select(sessions)
        .where(
            sessions.c.course_id == course.id,
            sessions.c.status == SessionStatus.PLANNED,
            sessions.c.starts_at <= now,
        )
        .order_by(*_in_time)
    ):
        if weekly.phase(found.starts_at, found.minutes, now) is weekly.Phase.ENDED:
            day = f"{weekly.local(found.starts_at, course.timezone):%a %d %b}"
            return (
                f"warning: session {found.number} ({day}) ended and is not closed: "
                f"close it with 'studygroup session close {found.number}'"
            )
    return None


def next_upcoming(db: Connection, course: CourseRow, now: datetime) -> SessionRow | None:
    """The earliest planned session that has not started by `now`."""
    return db.execute(
        select(sessions)
        .where(
            sessions.c.course_id == course.id,
            sessions.c.status == SessionStatus.PLANNED,
            sessions.c.starts_at > now,
        )
        .order_by(*_in_time)
        .limit(1)
    ).first()


def previous_held(db: Connection, current: SessionRow) -> SessionRow | None:
    return db.execute(
        select(sessions)
        .where(
            sessions.c.course_id == current.course_id,
            sessions.c.status == SessionStatus.HELD,
            sessions.c.starts_at < current.starts_at,
        )
        .order_by(sessions.c.starts_at.desc())
        .limit(1)
    ).first()


def latest(db: Connection, course: CourseRow) -> SessionRow | None:
    """The course's last session in time, whatever its status."""
    return db.execute(
        select(sessions)
        .where(sessions.c.course_id == course.id)
        .order_by(sessions.c.starts_at.desc())
        .limit(1)
    ).first()


def numbers(db: Connection, course: CourseRow) -> dict[int, int]:
    """Session id -> session number, for a course."""
    rows = db.execute(
        select(sessions.c.id, sessions.c.number).where(sessions.c.course_id == course.id)
    )
    return {session_id: number for session_id, number in rows}


# -- creating and moving ------------------------------------------------------------------------


def renumber(db: Connection, course: CourseRow) -> None:
    """Number the course's sessions 1, 2, ... in time order; refuse to renumber held ones."""
    ordered = of_course(db, course)
    changes = [(s, n) for n, s in enumerate(ordered, start=1) if s.number != n]
    if not changes:
        return
    for current, _number in changes:
        if current.status is not SessionStatus.PLANNED:
            raise Conflict(
                f"planning before session {current.number} ({current.status.value}) would "
                f"renumber it; back-fill only before the first held session"
            )
    # through numbers no session has, so the unique (course, number) holds at every step
    offset = len(ordered) + 1000
    renumber = (
        update(sessions)
        .where(sessions.c.id == bindparam("b_id"))
        .values(number=bindparam("b_number"))
    )
    db.execute(renumber, [{"b_id": s.id, "b_number": s.number + offset} for s, _ in changes])
    db.execute(renumber, [{"b_id": s.id, "b_number": n} for s, n in changes])
    revise(db, sessions.c.id.in_([s.id for s, _ in changes]))  # the calendar's title changed


# -- what calendars and reminded members must see ---------------------------------------------


def revise(db: Connection, *where: Any) -> None:
    """The sessions matching `where` changed in a way a calendar or a reminded member must
    see (a move, a length, a cancel or uncancel, a call link, a title): their revision (the
    calendar's SEQUENCE) rises by one and LAST-MODIFIED is now. The one place it rises."""
    db.execute(
        update(sessions)
        .where(*where)
        .values(revision=sessions.c.revision + 1, updated_at=clock.now())
    )


def edit(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    *,
    call_url: str | None = None,
    call_note: str | None = None,
    minutes: int | None = None,
) -> SessionRow:
    """`session edit`: this session's own call link or note (an empty string goes back to
    the course's), or its length. A session that was held or cancelled keeps its record."""
    require_planned(target, "only a planned session can be edited")
    values: Values = {}
    if call_url is not None:
        values["call_url"] = validate.call_url(call_url)
    if call_note is not None:
        values["call_note"] = validate.call_note(call_note)
    if minutes is not None:
        values["minutes"] = validate.minutes(minutes, "session minutes")
    changed = {k: v for k, v in values.items() if getattr(target, k) != v}
    if changed:
        db.execute(update(sessions).where(sessions.c.id == target.id).values(changed))
        revise(db, sessions.c.id == target.id)
    return get(db, target.id)


def set_notes(db: Connection, target: SessionRow, text: str | None) -> SessionRow:
    """`session notes`: the record of a call (None clears it). Any session may have notes:
    they are most often written after the call, held or not yet closed."""
    value = validate.notes(text, "session notes") if text is not None else None
    db.execute(update(sessions).where(sessions.c.id == target.id).values(notes=value))
    return get(db, target.id)


def create(db: Connection, course: CourseRow, day: date) -> SessionRow:
    """A planned session on a local date at the course's time (numbered in time order)."""
    validate.require_in_range(day, "session date")
    number = (
        db.scalar(select(func.max(sessions.c.number)).where(sessions.c.course_id == course.id)) or 0
    ) + 1
    session_id = new_id(
        db.execute(
            insert(sessions).values(
                course_id=course.id,
                number=number,
                starts_at=weekly.instant(day, course.start_time, course.timezone),
                minutes=course.session_minutes,
                status=SessionStatus.PLANNED,
            )
        )
    )
    renumber(db, course)
    return get(db, session_id)


def following(db: Connection, course: CourseRow, current: SessionRow) -> tuple[SessionRow, bool]:
    """The planned session after `current`, created on the next weekly slot if there is none;
    and whether it was created."""
    found = planned_after(db, current)
    if found is not None:
        return found, False
    last = latest(db, course)
    assert last is not None
    day = weekly.following_slot(local_date(course, last), course.weekday)
    return create(db, course, day), True


def upcoming(db: Connection, course: CourseRow, now: datetime) -> SessionRow | None:
    """The earliest planned session still to come; when none is, the next weekly slot after
    the latest session (and after `now`) is planned, as closing a session does. None for a
    course with no sessions at all."""
    found = next_upcoming(db, course, now)
    if found is not None:
        return found
    last = latest(db, course)
    if last is None:
        return None
    day = weekly.following_slot(local_date(course, last), course.weekday)
    while weekly.instant(day, course.start_time, course.timezone) <= now:
        day += timedelta(weeks=1)
    return create(db, course, day)


def plan(
    db: Connection, course: CourseRow, weeks: int, start: date | None, today: date
) -> list[SessionRow]:
    """Make sure the N weekly sessions from `start` (default: `today`) exist. A slot counts as
    taken when a session is within three days of it (it was moved)."""
    if weeks < 1 or weeks > 520:
        raise Invalid(f"weeks must be between 1 and 520, not {weeks}")
    slots = weekly.slots(start or today, course.weekday, weeks)
    validate.require_in_range(slots[-1], "session date")
    window_start = weekly.instant(slots[0] - timedelta(days=4), course.start_time, course.timezone)
    window_end = weekly.instant(slots[-1] + timedelta(days=4), course.start_time, course.timezone)
    existing = [
        local_date(course, s)
        for s in db.execute(
            select(sessions).where(
                sessions.c.course_id == course.id,
                sessions.c.starts_at >= window_start,
                sessions.c.starts_at <= window_end,
            )
        )
    ]
    new_days: list[date] = []
    for day in slots:
        if not weekly.slot_taken(day, existing):
            new_days.append(day)
            existing.append(day)
    if not new_days:
        return []
    # set-based: one insert for them all, numbered after the last, then one renumbering in
    # time order (a back-filled session renumbers the ones after it)
    top = db.scalar(select(func.max(sessions.c.number)).where(sessions.c.course_id == course.id))
    starts = [weekly.instant(day, course.start_time, course.timezone) for day in new_days]
    db.execute(
        insert(sessions),
        [
            {
                "course_id": course.id,
                "number": (top or 0) + n,
                "starts_at": starts_at,
                "minutes": course.session_minutes,
                "status": SessionStatus.PLANNED,
            }
            for n, starts_at in enumerate(starts, start=1)
        ],
    )
    renumber(db, course)
    # the numbers as they ended up; no other session shares a new one's start (its slot
    # was free by three days)
    return list(
        db.execute(
            select(sessions)
            .where(sessions.c.course_id == course.id, sessions.c.starts_at.in_(starts))
            .order_by(sessions.c.starts_at)
        )
    )


def move(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    when: datetime,
    *,
    now: datetime,
    force: bool = False,
) -> int:
    """Move a planned session to a local date and time; returns its number after the move
    (sessions are numbered in time order). Refused onto or overlapping another session of
    the course, or into the past, unless `force`; never onto another's very start."""
    require_planned(target, "only a planned session can be moved")
    moment = weekly.instant(when.date(), when.time(), course.timezone)
    where = weekly.describe(moment, course.timezone)
    if moment == target.starts_at:
        return target.number
    others = db.execute(
        select(sessions.c.number, sessions.c.starts_at, sessions.c.minutes, sessions.c.status)
        .where(
            sessions.c.course_id == course.id,
            sessions.c.id != target.id,
            sessions.c.status != SessionStatus.CANCELLED,
        )
        .order_by(sessions.c.starts_at)
    ).all()
    ends = moment + timedelta(minutes=target.minutes)
    for other in others:
        if other.starts_at == moment and other.status is SessionStatus.PLANNED:
            raise Conflict(f"session {other.number} is already at {where}; move or cancel it first")
    if not force:
        for other in others:
            other_ends = other.starts_at + timedelta(minutes=other.minutes)
            if other.starts_at < ends and moment < other_ends:
                raise Conflict(
                    f"at {where} session {target.number} would overlap session {other.number} "
                    f"({weekly.describe(other.starts_at, course.timezone)}, {other.minutes} min); "
                    "--force to move it all the same"
                )
        if moment < now:
            raise Conflict(
                f"{where} is in the past: a session is moved to a time still to come "
                "(--force to record that the group met then)"
            )
    db.execute(update(sessions).where(sessions.c.id == target.id).values(starts_at=moment))
    revise(db, sessions.c.id == target.id)
    renumber(db, course)
    return int(db.execute(select(sessions.c.number).where(sessions.c.id == target.id)).scalar_one())
