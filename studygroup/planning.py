"""Creating, numbering and moving sessions on the weekly schedule (ORM, for write commands),
and the ORM instances of what a command refers to (the rules themselves are in lookup.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studygroup import lookup, schedule
from studygroup.errors import Conflict, Invalid
from studygroup.models import Course, SessionStatus, StudySession, entity
from studygroup.rules import validate, weekly


def find_session(session: Session, course: Course, ref: str | None) -> StudySession:
    """REF (see lookup.find_session), as the ORM instance to change."""
    return entity(session, StudySession, lookup.find_session(session, course, ref))


def pick(session: Session, course_slug: str | None, ref: str | None) -> tuple[Course,
                                                                            StudySession]:
    """The course and its session REF (see lookup.pick), as ORM instances to change."""
    course_row, target_row = lookup.pick(session, course_slug, ref)
    return entity(session, Course, course_row), entity(session, StudySession, target_row)


def _slot_instant(course: Course, day: date) -> datetime:
    return weekly.instant(day, course.start_time, course.timezone)


def _renumber(session: Session, course: Course) -> None:
    """Number the course's sessions 1, 2, ... in time order; refuse to renumber held ones."""
    ordered = schedule.sessions_of(session, course)
    renumbered = {s.id: n for n, s in enumerate(ordered, start=1) if s.number != n}
    if not renumbered:
        return
    loaded = {s.id: s for s in session.scalars(
        select(StudySession).where(StudySession.id.in_(list(renumbered))))}
    changes = [(loaded[sid], n) for sid, n in renumbered.items()]
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
    validate.require_in_range(day, "session date")
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
    day = schedule.local_date(course, after) + timedelta(days=1)
    return weekly.next_weekday(day, course.weekday)


def ensure_after(session: Session, course: Course, current: StudySession) -> tuple[
    StudySession, bool
]:
    """The planned session after `current`, created from the schedule if there is none."""
    found = schedule.planned_after(session, current)
    if found is not None:
        return entity(session, StudySession, found), False
    last = schedule.latest(session, course)
    assert last is not None
    return new_session(session, course, following_slot(course, entity(session, StudySession,
                                                                       last))), True


def plan_sessions(
    session: Session, course: Course, weeks: int, start: date | None
) -> list[StudySession]:
    """Make sure the N weekly sessions from `start` (default: today, in the course's zone)
    exist. A slot counts as taken when a session is within three days of it (it was moved)."""
    if weeks < 1 or weeks > 520:
        raise Invalid(f"weeks must be between 1 and 520, not {weeks}")
    first = weekly.next_weekday(start or weekly.today(course.timezone), course.weekday)
    slots = [first + timedelta(weeks=i) for i in range(weeks)]
    validate.require_in_range(slots[-1], "session date")
    window_start = _slot_instant(course, slots[0] - timedelta(days=4))
    window_end = _slot_instant(course, slots[-1] + timedelta(days=4))
    existing = [
        schedule.local_date(course, s)
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
    schedule.require_planned(target, "only a planned session can be moved")
    target.starts_at = weekly.instant(when.date(), when.time(), course.timezone)
    session.flush()
    _renumber(session, course)
