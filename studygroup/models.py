"""The ORM models, mapped onto the Core tables of schema.py (the schema is defined there once).

The write commands work through these models and a unit of work; the annotations give typed
attributes, the relationships give navigation. Enums are re-exported so that write code can
import everything it needs from here.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, TypeVar

from sqlalchemy.orm import DeclarativeBase, Mapped, Session, relationship

from studygroup.store import schema
from studygroup.store.schema import (
    AttendanceSource,
    AttendanceStatus,
    Channel,
    CourseStatus,
    EntryKind,
    ItemStatus,
    LectureKind,
    MoveKind,
    PollStatus,
    RolloverKind,
    SessionStatus,
    TalkStatus,
)

__all__ = [
    "AttendanceSource", "AttendanceStatus", "Channel", "CourseStatus", "EntryKind", "ItemStatus",
    "LectureKind", "MoveKind", "PollStatus", "RolloverKind", "SessionStatus", "TalkStatus",
    "Base", "entity", "Course", "Lecture", "Member", "StudySession", "AgendaEntry",
    "Talk",
    "Attendance", "ActionItem", "Rollover", "RolloverMove", "Reminder", "Poll", "PollOption",
    "PollOptionLecture", "Ballot", "Ranking",
]


class Base(DeclarativeBase):
    metadata = schema.metadata


class Course(Base):
    __table__ = schema.courses

    id: Mapped[int]
    slug: Mapped[str]
    title: Mapped[str]
    url: Mapped[str | None]
    status: Mapped[CourseStatus]
    timezone: Mapped[str]
    weekday: Mapped[int]
    start_time: Mapped[time]
    session_minutes: Mapped[int]
    pace_minutes: Mapped[int]
    discussion_minutes: Mapped[int]
    intro_minutes: Mapped[int]
    wrapup_minutes: Mapped[int]
    created_at: Mapped[datetime]

    lectures: Mapped[list[Lecture]] = relationship(
        back_populates="course", order_by=schema.lectures.c.position
    )


class Lecture(Base):
    __table__ = schema.lectures

    id: Mapped[int]
    course_id: Mapped[int]
    label: Mapped[str]
    title: Mapped[str]
    kind: Mapped[LectureKind]
    optional: Mapped[bool]
    skipped: Mapped[bool]
    video_minutes: Mapped[int | None]
    url: Mapped[str | None]
    position: Mapped[int]

    course: Mapped[Course] = relationship(back_populates="lectures")


class Member(Base):
    __table__ = schema.members

    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    email: Mapped[str | None]
    handle: Mapped[str | None]
    timezone: Mapped[str | None]
    active: Mapped[bool]
    joined_on: Mapped[date]
    archived_at: Mapped[datetime | None]


class StudySession(Base):
    """One meeting of a course (table `sessions`)."""

    __table__ = schema.sessions

    id: Mapped[int]
    course_id: Mapped[int]
    number: Mapped[int]
    starts_at: Mapped[datetime]
    minutes: Mapped[int]
    status: Mapped[SessionStatus]
    notes: Mapped[str | None]
    closed_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()


class AgendaEntry(Base):
    __table__ = schema.agenda_entries

    id: Mapped[int]
    session_id: Mapped[int]
    kind: Mapped[EntryKind]
    position: Mapped[int]
    minutes: Mapped[int]
    title: Mapped[str | None]
    lecture_id: Mapped[int | None]
    part: Mapped[int | None]
    parts: Mapped[int | None]
    talk_id: Mapped[int | None]
    pinned: Mapped[bool]
    done: Mapped[bool]

    session: Mapped[StudySession] = relationship()
    lecture: Mapped[Lecture | None] = relationship()
    talk: Mapped[Talk | None] = relationship()


class Talk(Base):
    __table__ = schema.talks

    id: Mapped[int]
    course_id: Mapped[int]
    presenter_id: Mapped[int]
    title: Mapped[str]
    url: Mapped[str | None]
    minutes: Mapped[int]
    status: Mapped[TalkStatus]
    session_id: Mapped[int | None]
    postponed_from_id: Mapped[int | None]
    times_postponed: Mapped[int]
    requested_on: Mapped[date]
    created_at: Mapped[datetime]

    presenter: Mapped[Member] = relationship()
    session: Mapped[StudySession | None] = relationship(
        foreign_keys=[schema.talks.c.session_id])
    postponed_from: Mapped[StudySession | None] = relationship(
        foreign_keys=[schema.talks.c.postponed_from_id])


class Attendance(Base):
    __table__ = schema.attendance

    id: Mapped[int]
    session_id: Mapped[int]
    member_id: Mapped[int]
    status: Mapped[AttendanceStatus]
    source: Mapped[AttendanceSource]
    minutes: Mapped[int | None]
    recorded_at: Mapped[datetime]

    member: Mapped[Member] = relationship()
    session: Mapped[StudySession] = relationship()


class ActionItem(Base):
    __table__ = schema.action_items

    id: Mapped[int]
    course_id: Mapped[int]
    text: Mapped[str]
    owner_id: Mapped[int | None]
    created_session_id: Mapped[int | None]
    due_session_id: Mapped[int | None]
    status: Mapped[ItemStatus]
    times_carried: Mapped[int]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    owner: Mapped[Member | None] = relationship()
    due_session: Mapped[StudySession | None] = relationship(
        foreign_keys=[schema.action_items.c.due_session_id])


class Rollover(Base):
    """One close (or cancel) of a session: the group of moves that one undo reverses."""

    __table__ = schema.rollovers

    id: Mapped[int]
    course_id: Mapped[int]
    kind: Mapped[RolloverKind]
    from_session_id: Mapped[int]
    to_session_id: Mapped[int | None]
    from_status: Mapped[SessionStatus]
    created_to_session: Mapped[bool]
    created_at: Mapped[datetime]
    undone_at: Mapped[datetime | None]

    moves: Mapped[list[RolloverMove]] = relationship(
        back_populates="rollover", order_by=schema.rollover_moves.c.id
    )


class RolloverMove(Base):
    """One thing that moved, with the state it had before, so that undo restores it exactly."""

    __table__ = schema.rollover_moves

    id: Mapped[int]
    rollover_id: Mapped[int]
    kind: Mapped[MoveKind]
    agenda_entry_id: Mapped[int | None]
    lecture_id: Mapped[int | None]
    part: Mapped[int | None]
    talk_id: Mapped[int | None]
    item_id: Mapped[int | None]
    before_session_id: Mapped[int | None]
    before_status: Mapped[str | None]
    before_count: Mapped[int | None]
    before_done: Mapped[bool | None]
    before_postponed_from_id: Mapped[int | None]

    rollover: Mapped[Rollover] = relationship(back_populates="moves")


class Reminder(Base):
    """A reminder that was sent, so that it is never sent twice."""

    __table__ = schema.reminders

    id: Mapped[int]
    session_id: Mapped[int]
    member_id: Mapped[int | None]
    channel: Mapped[Channel]
    target: Mapped[str]
    subject: Mapped[str | None]
    message_id: Mapped[str | None]
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Poll(Base):
    """Choosing the next course together: a ranked-choice poll."""

    __table__ = schema.polls

    id: Mapped[int]
    title: Mapped[str]
    course_id: Mapped[int | None]
    status: Mapped[PollStatus]
    closes_on: Mapped[date | None]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_course_id: Mapped[int | None]

    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by=schema.poll_options.c.position,
        foreign_keys=[schema.poll_options.c.poll_id],
    )


class PollOption(Base):
    __table__ = schema.poll_options

    id: Mapped[int]
    poll_id: Mapped[int]
    position: Mapped[int]
    title: Mapped[str]
    url: Mapped[str | None]
    won: Mapped[bool]

    poll: Mapped[Poll] = relationship(back_populates="options",
                                      foreign_keys=[schema.poll_options.c.poll_id])
    lectures: Mapped[list[PollOptionLecture]] = relationship(
        order_by=schema.poll_option_lectures.c.position)


class PollOptionLecture(Base):
    """An option's syllabus, in the same shape as `course import`."""

    __table__ = schema.poll_option_lectures

    id: Mapped[int]
    option_id: Mapped[int]
    position: Mapped[int]
    label: Mapped[str]
    title: Mapped[str]
    kind: Mapped[LectureKind]
    video_minutes: Mapped[int | None]
    optional: Mapped[bool]
    url: Mapped[str | None]


class Ballot(Base):
    """One member's ranking in a poll; a second vote replaces the first."""

    __table__ = schema.poll_ballots

    id: Mapped[int]
    poll_id: Mapped[int]
    member_id: Mapped[int]
    cast_at: Mapped[datetime]

    rankings: Mapped[list[Ranking]] = relationship(
        order_by=schema.poll_rankings.c.rank, cascade="all, delete-orphan"
    )


class Ranking(Base):
    __table__ = schema.poll_rankings

    id: Mapped[int]
    ballot_id: Mapped[int]
    option_id: Mapped[int]
    rank: Mapped[int]


M = TypeVar("M", bound=Base)


def entity(session: Session, model: type[M], row: Any) -> M:
    """The ORM instance behind a row found by a Core lookup (lookup.py), for write code: the
    identity map answers when it is loaded already, else one select by primary key."""
    found = session.get(model, row.id)
    assert found is not None, f"{model.__name__} {row.id} vanished inside its transaction"
    return found
