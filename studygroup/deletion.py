"""Hard deletes: only with --force and a confirmation, and never while history depends on the
row. Archiving (members, courses) is the everyday way to retire something."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from studygroup.errors import Conflict
from studygroup.models import (
    ActionItem,
    AgendaEntry,
    Attendance,
    Ballot,
    Base,
    Course,
    Lecture,
    Member,
    Poll,
    Reminder,
    SessionStatus,
    StudySession,
    Talk,
)


def _count(session: Session, model: type[Base], *where: ColumnElement[bool]) -> int:
    count: int | None = session.scalar(select(func.count()).select_from(model).where(*where))
    return count or 0


def _describe(counts: dict[tuple[str, str], int]) -> str:
    """'1 talk, 3 action items': keys are (singular, plural)."""
    return ", ".join(f"{n} {one if n == 1 else many}" for (one, many), n in counts.items() if n)


def delete_member(session: Session, member: Member) -> None:
    history = {
        ("attendance record", "attendance records"):
            _count(session, Attendance, Attendance.member_id == member.id),
        ("talk", "talks"): _count(session, Talk, Talk.presenter_id == member.id),
        ("action item", "action items"):
            _count(session, ActionItem, ActionItem.owner_id == member.id),
        ("poll ballot", "poll ballots"): _count(session, Ballot, Ballot.member_id == member.id),
        ("reminder sent", "reminders sent"):
            _count(session, Reminder, Reminder.member_id == member.id),
    }
    if any(history.values()):
        raise Conflict(f"{member.name} has history ({_describe(history)}); "
                       "archive them instead with 'studygroup member archive'")
    session.delete(member)
    session.flush()


def delete_lecture(session: Session, course: Course, lecture: Lecture) -> None:
    held = _count(
        session, AgendaEntry,
        AgendaEntry.lecture_id == lecture.id,
        AgendaEntry.session_id.in_(select(StudySession.id).where(
            StudySession.status != SessionStatus.PLANNED)),
    )
    if held:
        raise Conflict(f"lecture {lecture.label} is part of {held} past agenda entr"
                       f"{'y' if held == 1 else 'ies'}; skip it instead with "
                       "'studygroup lecture skip'")
    session.execute(delete(AgendaEntry).where(AgendaEntry.lecture_id == lecture.id))
    session.delete(lecture)
    session.flush()
    from studygroup.agenda import replan_course

    replan_course(session, course)


def delete_course(session: Session, course: Course) -> None:
    history = {
        ("session", "sessions"):
            _count(session, StudySession, StudySession.course_id == course.id),
        ("talk", "talks"): _count(session, Talk, Talk.course_id == course.id),
        ("action item", "action items"):
            _count(session, ActionItem, ActionItem.course_id == course.id),
        ("poll", "polls"): _count(session, Poll, (Poll.course_id == course.id)
                                  | (Poll.created_course_id == course.id)),
    }
    if any(history.values()):
        raise Conflict(f"course {course.slug} has history ({_describe(history)}); "
                       "archive it instead with 'studygroup course edit "
                       f"{course.slug} --status archived'")
    session.execute(delete(Lecture).where(Lecture.course_id == course.id))
    session.delete(course)
    session.flush()
