"""The schema's enumerations, stored by value; plain Python, so that the pure rules can use
them without loading SQLAlchemy."""

from __future__ import annotations

import enum


class CourseStatus(enum.StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"
    ARCHIVED = "archived"
    UPCOMING = "upcoming"  # chosen, not started: never "the one active course"


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


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


# talks still to be given
OPEN_TALK_STATUSES = (TalkStatus.QUEUED, TalkStatus.SCHEDULED, TalkStatus.POSTPONED)


class Answer(enum.StrEnum):
    """A member's answer to a session's invitation ("I'll be there")."""

    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class AnswerSource(enum.StrEnum):
    MAIL = "mail"  # their calendar's reply (iMIP), read by `rsvp fetch` or `rsvp import`
    HAND = "hand"  # `rsvp set`: an answer given in chat
