"""The whole schema, as typed SQLAlchemy 2 models.

Conventions: every constraint is named (see NAMING_CONVENTION); enums are stored by value as
VARCHAR with a named CHECK; every foreign key has a deliberate ondelete. Rows that record
history (sessions, attendance, talks, items, logs) are never removed by a cascade: courses and
members are archived, and a foreign key to them is RESTRICT.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import cast

from sqlalchemy import (
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from studygroup.db import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A model's Table, for set-based Core statements (bulk inserts and updates)."""
    return cast(Table, model.__table__)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class CourseStatus(enum.StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"
    ARCHIVED = "archived"


class LectureKind(enum.StrEnum):
    LECTURE = "lecture"
    LAB = "lab"
    GUEST = "guest"


class SessionStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class EntryKind(enum.StrEnum):
    INTRO = "intro"
    LECTURE = "lecture"
    TALK = "talk"
    ACTIONS = "actions"
    WRAP_UP = "wrap-up"


class TalkStatus(enum.StrEnum):
    QUEUED = "queued"
    SCHEDULED = "scheduled"
    DONE = "done"
    POSTPONED = "postponed"
    WITHDRAWN = "withdrawn"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class AttendanceSource(enum.StrEnum):
    MANUAL = "manual"
    IMPORT = "import"


class ItemStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class RolloverKind(enum.StrEnum):
    CLOSE = "close"
    CANCEL = "cancel"


class MoveKind(enum.StrEnum):
    LECTURE = "lecture"
    TALK = "talk"
    ITEM = "item"


class Channel(enum.StrEnum):
    EMAIL = "email"
    OUTBOX = "outbox"
    WEBHOOK = "webhook"


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("session_minutes > 0", name="session_minutes_positive"),
        CheckConstraint("pace_minutes > 0", name="pace_minutes_positive"),
        CheckConstraint("discussion_minutes >= 0", name="discussion_minutes_nonnegative"),
        CheckConstraint("intro_minutes >= 0", name="intro_minutes_nonnegative"),
        CheckConstraint("wrapup_minutes >= 0", name="wrapup_minutes_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[CourseStatus] = mapped_column(
        _enum(CourseStatus, "course_status"), default=CourseStatus.ACTIVE
    )
    timezone: Mapped[str] = mapped_column(String(64))
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday ... 6 = Sunday
    start_time: Mapped[time] = mapped_column(Time)  # local to `timezone`
    session_minutes: Mapped[int] = mapped_column(Integer, default=90)
    pace_minutes: Mapped[int] = mapped_column(Integer, default=120)
    discussion_minutes: Mapped[int] = mapped_column(Integer, default=15)
    intro_minutes: Mapped[int] = mapped_column(Integer, default=5)
    wrapup_minutes: Mapped[int] = mapped_column(Integer, default=5)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lectures: Mapped[list[Lecture]] = relationship(
        back_populates="course", order_by="Lecture.position"
    )


class Lecture(Base):
    __tablename__ = "lectures"
    __table_args__ = (
        UniqueConstraint("course_id", "label"),
        CheckConstraint(
            "video_minutes IS NULL OR video_minutes > 0", name="video_minutes_positive"
        ),
        Index(None, "course_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    label: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[LectureKind] = mapped_column(
        _enum(LectureKind, "lecture_kind"), default=LectureKind.LECTURE
    )
    optional: Mapped[bool] = mapped_column(default=False)
    skipped: Mapped[bool] = mapped_column(default=False)
    video_minutes: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    course: Mapped[Course] = relationship(back_populates="lectures")


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # name.casefold(): names are unique regardless of case, portably on SQLite and PostgreSQL.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    handle: Mapped[str | None] = mapped_column(String(40), unique=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    joined_on: Mapped[date] = mapped_column(Date)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StudySession(Base):
    """One meeting of a course (table `sessions`)."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("course_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        Index(None, "course_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[SessionStatus] = mapped_column(
        _enum(SessionStatus, "session_status"), default=SessionStatus.PLANNED
    )
    notes: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()


class AgendaEntry(Base):
    __tablename__ = "agenda_entries"
    __table_args__ = (
        CheckConstraint("minutes >= 0", name="minutes_nonnegative"),
        CheckConstraint(
            "(part IS NULL AND parts IS NULL) OR (part >= 1 AND parts >= part)",
            name="part_of_parts",
        ),
        Index(None, "session_id", "position"),
        Index(None, "lecture_id"),
        Index(None, "talk_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # An agenda belongs to its session; sessions with history are never deleted.
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    kind: Mapped[EntryKind] = mapped_column(_enum(EntryKind, "entry_kind"))
    position: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(200), default=None)
    lecture_id: Mapped[int | None] = mapped_column(
        ForeignKey("lectures.id", ondelete="RESTRICT"), default=None
    )
    part: Mapped[int | None] = mapped_column(Integer, default=None)
    parts: Mapped[int | None] = mapped_column(Integer, default=None)
    talk_id: Mapped[int | None] = mapped_column(
        ForeignKey("talks.id", ondelete="RESTRICT"), default=None
    )
    pinned: Mapped[bool] = mapped_column(default=False)
    done: Mapped[bool] = mapped_column(default=False)

    session: Mapped[StudySession] = relationship()
    lecture: Mapped[Lecture | None] = relationship()
    talk: Mapped[Talk | None] = relationship()


class Talk(Base):
    __tablename__ = "talks"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("times_postponed >= 0", name="times_postponed_nonnegative"),
        Index(None, "course_id", "status"),
        Index(None, "session_id"),
        Index(None, "presenter_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    presenter_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(Integer, default=25)
    status: Mapped[TalkStatus] = mapped_column(
        _enum(TalkStatus, "talk_status"), default=TalkStatus.QUEUED
    )
    # No session: the talk waits in the queue.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="RESTRICT"))
    # The session it was first due at, when it has been postponed since.
    postponed_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="RESTRICT")
    )
    times_postponed: Mapped[int] = mapped_column(Integer, default=0)
    requested_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    presenter: Mapped[Member] = relationship()
    session: Mapped[StudySession | None] = relationship(foreign_keys=[session_id])
    postponed_from: Mapped[StudySession | None] = relationship(foreign_keys=[postponed_from_id])


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "member_id"),
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_nonnegative"),
        Index(None, "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    status: Mapped[AttendanceStatus] = mapped_column(_enum(AttendanceStatus, "attendance_status"))
    source: Mapped[AttendanceSource] = mapped_column(
        _enum(AttendanceSource, "attendance_source"), default=AttendanceSource.MANUAL
    )
    minutes: Mapped[int | None] = mapped_column(Integer)  # time on the call, from an import
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship()
    session: Mapped[StudySession] = relationship()


class ActionItem(Base):
    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("times_carried >= 0", name="times_carried_nonnegative"),
        CheckConstraint(
            "(status = 'open' AND closed_at IS NULL)"
            " OR (status <> 'open' AND closed_at IS NOT NULL)",
            name="closed_when_not_open",
        ),
        Index(None, "course_id", "status"),
        Index(None, "due_session_id", "status"),
        Index(None, "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(String(500))
    # No owner: the whole group.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    created_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="RESTRICT")
    )
    due_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="RESTRICT")
    )
    status: Mapped[ItemStatus] = mapped_column(
        _enum(ItemStatus, "item_status"), default=ItemStatus.OPEN
    )
    times_carried: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[Member | None] = relationship()
    due_session: Mapped[StudySession | None] = relationship(foreign_keys=[due_session_id])


class Rollover(Base):
    """One close (or cancel) of a session: the group of moves that one undo reverses."""

    __tablename__ = "rollovers"
    __table_args__ = (Index(None, "from_session_id"), Index(None, "to_session_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    kind: Mapped[RolloverKind] = mapped_column(_enum(RolloverKind, "rollover_kind"))
    from_session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="RESTRICT"))
    # SET NULL: undoing a close may delete the session that the close created.
    to_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL")
    )
    from_status: Mapped[SessionStatus] = mapped_column(_enum(SessionStatus, "rollover_from_status"))
    created_to_session: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    moves: Mapped[list[RolloverMove]] = relationship(
        back_populates="rollover", order_by="RolloverMove.id"
    )


class RolloverMove(Base):
    """One thing that moved, with the state it had before, so that undo restores it exactly."""

    __tablename__ = "rollover_moves"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'lecture' AND lecture_id IS NOT NULL)"
            " OR (kind = 'talk' AND talk_id IS NOT NULL)"
            " OR (kind = 'item' AND item_id IS NOT NULL)",
            name="subject_matches_kind",
        ),
        Index(None, "rollover_id"),
        Index(None, "item_id"),
        Index(None, "talk_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Moves are part of their rollover and never outlive it.
    rollover_id: Mapped[int] = mapped_column(ForeignKey("rollovers.id", ondelete="CASCADE"))
    kind: Mapped[MoveKind] = mapped_column(_enum(MoveKind, "move_kind"))
    # The lecture entry of the closed session whose covered flag changed. SET NULL: once a
    # close is undone its session's agenda may be re-planned; lecture_id/part keep the record.
    agenda_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_entries.id", ondelete="SET NULL"), default=None
    )
    lecture_id: Mapped[int | None] = mapped_column(
        ForeignKey("lectures.id", ondelete="RESTRICT"), default=None
    )
    part: Mapped[int | None] = mapped_column(Integer, default=None)
    talk_id: Mapped[int | None] = mapped_column(
        ForeignKey("talks.id", ondelete="RESTRICT"), default=None
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_items.id", ondelete="RESTRICT"), default=None
    )
    before_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="RESTRICT"), default=None
    )
    before_status: Mapped[str | None] = mapped_column(String(20), default=None)
    before_count: Mapped[int | None] = mapped_column(Integer, default=None)
    before_done: Mapped[bool | None] = mapped_column(default=None)
    before_postponed_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="RESTRICT"), default=None
    )

    rollover: Mapped[Rollover] = relationship(back_populates="moves")


class Reminder(Base):
    """A reminder that was sent, so that it is never sent twice."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("session_id", "channel", "target"),
        Index(None, "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="RESTRICT"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "reminder_channel"))
    # The address (email), file name (outbox) or a masked URL (webhook).
    target: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(String(300))
    message_id: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Poll(Base):
    """Choosing the next course together: a ranked-choice poll."""

    __tablename__ = "polls"
    __table_args__ = (Index(None, "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # The group it belongs to (its agenda shows the poll), or None for everyone.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    status: Mapped[PollStatus] = mapped_column(
        _enum(PollStatus, "poll_status"), default=PollStatus.OPEN
    )
    closes_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The course made from the winner, if any.
    created_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT")
    )

    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by="PollOption.position", foreign_keys="PollOption.poll_id"
    )


class PollOption(Base):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, ... as shown and voted
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    won: Mapped[bool] = mapped_column(default=False)  # set when the poll closes

    poll: Mapped[Poll] = relationship(back_populates="options", foreign_keys=[poll_id])
    lectures: Mapped[list[PollOptionLecture]] = relationship(order_by="PollOptionLecture.position")


class PollOptionLecture(Base):
    """An option's syllabus, in the same shape as `course import`."""

    __tablename__ = "poll_option_lectures"
    __table_args__ = (
        UniqueConstraint("option_id", "label"),
        CheckConstraint(
            "video_minutes IS NULL OR video_minutes > 0", name="video_minutes_positive"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[LectureKind] = mapped_column(_enum(LectureKind, "poll_lecture_kind"))
    video_minutes: Mapped[int | None] = mapped_column(Integer)
    optional: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str | None] = mapped_column(Text)


class Ballot(Base):
    """One member's ranking in a poll; a second vote replaces the first."""

    __tablename__ = "poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rankings: Mapped[list[Ranking]] = relationship(
        order_by="Ranking.rank", cascade="all, delete-orphan"
    )


class Ranking(Base):
    __tablename__ = "poll_rankings"
    __table_args__ = (
        UniqueConstraint("ballot_id", "rank"),
        UniqueConstraint("ballot_id", "option_id"),
        CheckConstraint("rank >= 1", name="rank_positive"),
        Index(None, "option_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A ranking is part of its ballot: replacing a vote replaces its rankings.
    ballot_id: Mapped[int] = mapped_column(ForeignKey("poll_ballots.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_options.id", ondelete="RESTRICT"))
    rank: Mapped[int] = mapped_column(Integer)
