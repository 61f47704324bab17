"""Sessions in time: which comes next, which was last held, and their local dates.

Core only (rows come back), so the read commands can use it without loading the ORM; the
functions take a Core connection or an ORM session. Creating and moving sessions is in
planning.py.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select

from studygroup.errors import Conflict
from studygroup.rules import weekly
from studygroup.store.schema import CourseRow, SessionRow, SessionStatus, sessions

if TYPE_CHECKING:
    from studygroup.store.schema import Reader

_in_time = (sessions.c.starts_at, sessions.c.number)


def local_date(course: CourseRow, session: SessionRow) -> date:
    return weekly.local(session.starts_at, course.timezone).date()


def require_planned(target: SessionRow, what: str) -> None:
    """Refuse to change a held or cancelled session's plan; `what` says what was asked."""
    if target.status is not SessionStatus.PLANNED:
        raise Conflict(f"session {target.number} is {target.status.value}; {what}")


def sessions_of(db: Reader, course: CourseRow) -> list[Row[Any]]:
    return list(db.execute(
        select(sessions).where(sessions.c.course_id == course.id).order_by(*_in_time)))


def planned_sessions(db: Reader, course: CourseRow) -> list[Row[Any]]:
    return list(db.execute(
        select(sessions)
        .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.PLANNED)
        .order_by(*_in_time)))


def next_session(db: Reader, course: CourseRow) -> Row[Any] | None:
    """The earliest session still planned; it does not depend on today's date."""
    return db.execute(
        select(sessions)
        .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.PLANNED)
        .order_by(*_in_time)
        .limit(1)
    ).first()


def last_held(db: Reader, course: CourseRow) -> Row[Any] | None:
    return db.execute(
        select(sessions)
        .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.HELD)
        .order_by(sessions.c.starts_at.desc(), sessions.c.number.desc())
        .limit(1)
    ).first()


def planned_after(db: Reader, current: SessionRow) -> Row[Any] | None:
    return db.execute(
        select(sessions)
        .where(sessions.c.course_id == current.course_id,
               sessions.c.status == SessionStatus.PLANNED,
               sessions.c.starts_at > current.starts_at)
        .order_by(*_in_time)
        .limit(1)
    ).first()


def previous_held(db: Reader, current: SessionRow) -> Row[Any] | None:
    return db.execute(
        select(sessions)
        .where(sessions.c.course_id == current.course_id,
               sessions.c.status == SessionStatus.HELD,
               sessions.c.starts_at < current.starts_at)
        .order_by(sessions.c.starts_at.desc())
        .limit(1)
    ).first()


def latest(db: Reader, course: CourseRow) -> Row[Any] | None:
    """The course's last session in time, whatever its status."""
    return db.execute(
        select(sessions).where(sessions.c.course_id == course.id)
        .order_by(sessions.c.starts_at.desc()).limit(1)
    ).first()
