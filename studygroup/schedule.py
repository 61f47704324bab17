"""Sessions on a weekly schedule, and how commands refer to them (REF)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studygroup import timeutil, validate
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.models import Course, SessionStatus, StudySession

REF_HELP = "next, last, a session number, or a local date YYYY-MM-DD"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_ref(text: str) -> bool:
    """Whether a command-line word is a session reference (and not, say, a member's name)."""
    value = text.strip().lower()
    return value in ("next", "last") or value.isdigit() or bool(_DATE.fullmatch(value))


def local_date(course: Course, session: StudySession) -> date:
    return timeutil.local(session.starts_at, course.timezone).date()


def sessions_of(session: Session, course: Course) -> list[StudySession]:
    return list(
        session.scalars(
            select(StudySession)
            .where(StudySession.course_id == course.id)
            .order_by(StudySession.starts_at, StudySession.number)
        )
    )


def planned_sessions(session: Session, course: Course) -> list[StudySession]:
    return list(
        session.scalars(
            select(StudySession)
            .where(
                StudySession.course_id == course.id,
                StudySession.status == SessionStatus.PLANNED,
            )
            .order_by(StudySession.starts_at, StudySession.number)
        )
    )


def next_session(session: Session, course: Course) -> StudySession | None:
    """The earliest session still planned; it does not depend on today's date."""
    return session.scalar(
        select(StudySession)
        .where(
            StudySession.course_id == course.id, StudySession.status == SessionStatus.PLANNED
        )
        .order_by(StudySession.starts_at, StudySession.number)
        .limit(1)
    )


def last_held(session: Session, course: Course) -> StudySession | None:
    return session.scalar(
        select(StudySession)
        .where(StudySession.course_id == course.id, StudySession.status == SessionStatus.HELD)
        .order_by(StudySession.starts_at.desc(), StudySession.number.desc())
        .limit(1)
    )


def planned_after(session: Session, current: StudySession) -> StudySession | None:
    return session.scalar(
        select(StudySession)
        .where(
            StudySession.course_id == current.course_id,
            StudySession.status == SessionStatus.PLANNED,
            StudySession.starts_at > current.starts_at,
        )
        .order_by(StudySession.starts_at, StudySession.number)
        .limit(1)
    )


def previous_held(session: Session, current: StudySession) -> StudySession | None:
    return session.scalar(
        select(StudySession)
        .where(
            StudySession.course_id == current.course_id,
            StudySession.status == SessionStatus.HELD,
            StudySession.starts_at < current.starts_at,
        )
        .order_by(StudySession.starts_at.desc())
        .limit(1)
    )


def find_session(session: Session, course: Course, ref: str | None) -> StudySession:
    """Resolve REF: next (default), last, a number, or a local date."""
    text = (ref or "next").strip().lower()
    found: StudySession | None
    if text == "next":
        found = next_session(session, course)
        if found is None:
            raise NotFound(
                f"{course.slug} has no planned session; plan one with 'studygroup session plan'"
            )
        return found
    if text == "last":
        found = last_held(session, course)
        if found is None:
            raise NotFound(f"{course.slug} has no held session yet")
        return found
    if text.isdigit():
        found = session.scalar(
            select(StudySession).where(
                StudySession.course_id == course.id, StudySession.number == int(text)
            )
        )
        if found is None:
            raise NotFound(f"{course.slug} has no session {int(text)}")
        return found
    if _DATE.fullmatch(text):
        day = validate.local_date(text)
        # the local day, as an instant range, so that the index on starts_at is used
        start = timeutil.instant(day, datetime.min.time(), course.timezone)
        end = timeutil.instant(day + timedelta(days=1), datetime.min.time(), course.timezone)
        found = session.scalar(
            select(StudySession)
            .where(
                StudySession.course_id == course.id,
                StudySession.starts_at >= start,
                StudySession.starts_at < end,
            )
            .order_by(StudySession.starts_at)
            .limit(1)
        )
        if found is None:
            raise NotFound(f"{course.slug} has no session on {day.isoformat()}")
        return found
    raise Invalid(f"invalid session {ref!r}: use {REF_HELP}")


def require_planned(target: StudySession, what: str) -> None:
    """Refuse to change a held or cancelled session's plan; `what` says what was asked."""
    if target.status is not SessionStatus.PLANNED:
        raise Conflict(f"session {target.number} is {target.status.value}; {what}")


def _slot_instant(course: Course, day: date) -> datetime:
    return timeutil.instant(day, course.start_time, course.timezone)


def _renumber(session: Session, course: Course) -> None:
    """Number the course's sessions 1, 2, ... in time order; refuse to renumber held ones."""
    ordered = sessions_of(session, course)
    changes = [(s, n) for n, s in enumerate(ordered, start=1) if s.number != n]
    if not changes:
        return
    for current, _number in changes:
        if current.status is not SessionStatus.PLANNED:
            raise Conflict(
                f"planning before session {current.number} ({current.status.value}) would "
                f"renumber it; back-fill only before the first held session"
            )
    offset = len(ordered) + 1000
    for current, _ in changes:
        current.number += offset
    session.flush()
    for current, number in changes:
        current.number = number
    session.flush()


def new_session(session: Session, course: Course, day: date) -> StudySession:
    """A planned session on a local date at the course's time (numbered in time order)."""
    number = (
        session.scalar(
            select(func.max(StudySession.number)).where(StudySession.course_id == course.id)
        )
        or 0
    ) + 1
    created = StudySession(
        course_id=course.id,
        number=number,
        starts_at=_slot_instant(course, day),
        minutes=course.session_minutes,
        status=SessionStatus.PLANNED,
    )
    session.add(created)
    session.flush()
    _renumber(session, course)
    return created


def following_slot(course: Course, after: StudySession) -> date:
    """The next weekly slot after a session's local date."""
    day = local_date(course, after) + timedelta(days=1)
    return timeutil.next_weekday(day, course.weekday)


def ensure_after(session: Session, course: Course, current: StudySession) -> tuple[
    StudySession, bool
]:
    """The planned session after `current`, created from the schedule if there is none."""
    found = planned_after(session, current)
    if found is not None:
        return found, False
    latest = session.scalar(
        select(StudySession)
        .where(StudySession.course_id == course.id)
        .order_by(StudySession.starts_at.desc())
        .limit(1)
    )
    assert latest is not None
    return new_session(session, course, following_slot(course, latest)), True


def plan_sessions(
    session: Session, course: Course, weeks: int, start: date | None
) -> list[StudySession]:
    """Make sure the N weekly sessions from `start` (default: today, in the course's zone)
    exist. A slot counts as taken when a session is within three days of it (it was moved)."""
    if weeks < 1 or weeks > 520:
        raise Invalid(f"weeks must be between 1 and 520, not {weeks}")
    first = timeutil.next_weekday(start or timeutil.today(course.timezone), course.weekday)
    slots = [first + timedelta(weeks=i) for i in range(weeks)]
    window_start = _slot_instant(course, slots[0] - timedelta(days=4))
    window_end = _slot_instant(course, slots[-1] + timedelta(days=4))
    existing = [
        local_date(course, s)
        for s in session.scalars(
            select(StudySession).where(
                StudySession.course_id == course.id,
                StudySession.starts_at >= window_start,
                StudySession.starts_at <= window_end,
            )
        )
    ]
    created: list[StudySession] = []
    for day in slots:
        if any(abs((day - other).days) <= 3 for other in existing):
            continue
        created.append(new_session(session, course, day))
        existing.append(day)
    return created


def move_session(session: Session, course: Course, target: StudySession, when: datetime) -> None:
    """Move a planned session to a local date and time."""
    require_planned(target, "only a planned session can be moved")
    target.starts_at = timeutil.instant(when.date(), when.time(), course.timezone)
    session.flush()
    _renumber(session, course)


def pick(session: Session, course_slug: str | None, ref: str | None) -> tuple[Course,
                                                                            StudySession]:
    """The course (--course, $STUDYGROUP_COURSE or the one active course) and its session REF."""
    from studygroup.courses import pick_course

    course = pick_course(session, course_slug)
    return course, find_session(session, course, ref)
