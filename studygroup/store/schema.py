"""The whole schema, as SQLAlchemy Core tables: the single source of truth. Every read and
write runs on these tables (there is no ORM), and Alembic targets this `metadata`.

Conventions: every constraint is named (see NAMING_CONVENTION); enums are stored by value as
VARCHAR with a named CHECK; every foreign key has a deliberate ondelete. Rows that record
history (sessions, attendance, talks, items, logs) are never removed by a cascade: courses and
members are archived, and a foreign key to them is RESTRICT.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
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
    false,
)

from studygroup.clock import now
from studygroup.store.enums import (
    Answer,
    AnswerSource,
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
from studygroup.store.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_metadata = MetaData(naming_convention=NAMING_CONVENTION)

# The schema revision this code expects; a test keeps it equal to Alembic's head. Kept here
# (not read from migrations/) so that commands on a current database never import Alembic.
HEAD_REVISION = "20261205_03"

# The tables whose rows users name by id (`item done 5`, `poll show 3`): an id is never handed
# out again, even after an undo deleted its row. PostgreSQL's sequences never reuse one;
# SQLite needs AUTOINCREMENT, which the migrations set (20261204_03, 20261205_02) and a test
# checks at head. Not a `sqlite_autoincrement` table option here: naming it would load
# SQLite's dialect into every PostgreSQL command.
IDS_NEVER_REUSED = ("talks", "action_items", "polls", "poll_options")


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


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _fk(name: str, target: str, ondelete: str, *, nullable: bool = False) -> Column[int]:
    return Column(name, ForeignKey(target, ondelete=ondelete), nullable=nullable)


def _flag(name: str, default: bool) -> Column[bool]:
    return Column(name, Boolean, nullable=False, default=default)


groups = Table(
    # a study group: it owns its courses (and through them their sessions, talks, items and
    # answers), its polls and its memberships. A database holds one or many.
    "groups",
    _metadata,
    _id(),
    Column("slug", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=now),
    Column("archived_at", UTCDateTime),
)

group_members = Table(
    # who belongs to a group: members are people, and a person may belong to several groups
    "group_members",
    _metadata,
    _id(),
    _fk("group_id", "groups.id", "RESTRICT"),
    _fk("member_id", "members.id", "RESTRICT"),
    Column("joined_at", UTCDateTime, nullable=False, default=now),
    # archived in this group (`member archive`): the person may still be active in another
    Column("archived_at", UTCDateTime),
    UniqueConstraint("group_id", "member_id"),
    Index(None, "member_id"),
)

courses = Table(
    "courses",
    _metadata,
    _id(),
    _fk("group_id", "groups.id", "RESTRICT"),
    Column("slug", String(40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("url", Text),
    # the video call: a Zoom/Meet/Jitsi link (http or https) and a note such as a passcode
    Column("call_url", Text),
    Column("call_note", String(500)),
    Column(
        "status", _enum(CourseStatus, "course_status"), nullable=False, default=CourseStatus.ACTIVE
    ),
    Column("timezone", String(64), nullable=False),
    Column("weekday", Integer, nullable=False),  # 0 = Monday ... 6 = Sunday
    Column("start_time", Time, nullable=False),  # local to `timezone`
    Column("session_minutes", Integer, nullable=False, default=90),
    Column("pace_minutes", Integer, nullable=False, default=120),
    Column("discussion_minutes", Integer, nullable=False, default=15),
    Column("intro_minutes", Integer, nullable=False, default=5),
    Column("wrapup_minutes", Integer, nullable=False, default=5),
    Column("max_talks", Integer),  # talks per session at most; None: no cap
    Column("created_at", UTCDateTime, nullable=False, default=now),
    CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    CheckConstraint("session_minutes > 0", name="session_minutes_positive"),
    CheckConstraint("pace_minutes > 0", name="pace_minutes_positive"),
    CheckConstraint("discussion_minutes >= 0", name="discussion_minutes_nonnegative"),
    CheckConstraint("intro_minutes >= 0", name="intro_minutes_nonnegative"),
    CheckConstraint("wrapup_minutes >= 0", name="wrapup_minutes_nonnegative"),
    UniqueConstraint("group_id", "slug"),  # a slug names a course within its group
)

lectures = Table(
    "lectures",
    _metadata,
    _id(),
    _fk("course_id", "courses.id", "RESTRICT"),
    Column("label", String(32), nullable=False),
    Column("title", String(200), nullable=False),
    Column("kind", _enum(LectureKind, "lecture_kind"), nullable=False, default=LectureKind.LECTURE),
    _flag("optional", False),
    _flag("skipped", False),
    # covered before the group used studygroup (`course start-at`, `lecture covered`)
    Column("covered_before", Boolean, nullable=False, default=False, server_default=false()),
    Column("video_minutes", Integer),
    Column("url", Text),
    Column("position", Integer, nullable=False),
    UniqueConstraint("course_id", "label"),
    CheckConstraint("video_minutes IS NULL OR video_minutes > 0", name="video_minutes_positive"),
    Index(None, "course_id", "position"),
)

members = Table(
    "members",
    _metadata,
    _id(),
    Column("name", String(200), nullable=False),
    # rules.names.name_key (NFC, casefolded): names are unique regardless of case and of how
    # their accents were typed, portably on SQLite and PostgreSQL.
    Column("name_key", String(200), nullable=False, unique=True),
    Column("email", String(254), unique=True),
    Column("handle", String(40), unique=True),
    Column("timezone", String(64)),
    Column("greeting", String(60)),  # how reminders greet them; default: their first name
    Column("rota", String(40)),  # the roles they take in turn: 'host', 'notes' or both
    _flag("active", True),
    Column("joined_on", Date, nullable=False),
    Column("archived_at", UTCDateTime),
)


sessions = Table(
    "sessions",
    _metadata,  # one meeting of a course
    _id(),
    _fk("course_id", "courses.id", "RESTRICT"),
    Column("number", Integer, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column(
        "status",
        _enum(SessionStatus, "session_status"),
        nullable=False,
        default=SessionStatus.PLANNED,
    ),
    Column("notes", Text),
    Column("closed_at", UTCDateTime),
    # this session's own call link and note, overriding the course's
    Column("call_url", Text),
    Column("call_note", String(500)),
    # Rises on every change a calendar or a reminded member must see (a move, a length, a
    # cancel or uncancel, a call link, a title): the calendar's SEQUENCE. Never goes down.
    Column("revision", Integer, nullable=False, default=0, server_default="0"),
    Column("updated_at", UTCDateTime, default=now),  # the calendar's LAST-MODIFIED
    # who does what in the call: the host and the note-taker (rules/rota.py fills them)
    _fk("host_id", "members.id", "RESTRICT", nullable=True),
    _fk("notes_by_id", "members.id", "RESTRICT", nullable=True),
    UniqueConstraint("course_id", "number"),
    CheckConstraint("number > 0", name="number_positive"),
    CheckConstraint("minutes > 0", name="minutes_positive"),
    Index(None, "course_id", "status", "starts_at"),
)

agenda_entries = Table(
    "agenda_entries",
    _metadata,
    _id(),
    # An agenda belongs to its session; sessions with history are never deleted.
    _fk("session_id", "sessions.id", "CASCADE"),
    Column("kind", _enum(EntryKind, "entry_kind"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("title", String(200)),
    _fk("lecture_id", "lectures.id", "RESTRICT", nullable=True),
    Column("part", Integer),
    Column("parts", Integer),
    _fk("talk_id", "talks.id", "RESTRICT", nullable=True),
    _flag("pinned", False),
    _flag("done", False),
    CheckConstraint("minutes >= 0", name="minutes_nonnegative"),
    CheckConstraint(
        "(part IS NULL AND parts IS NULL) OR (part >= 1 AND parts >= part)", name="part_of_parts"
    ),
    Index(None, "session_id", "position"),
    Index(None, "lecture_id"),
    Index(None, "talk_id"),
)

talks = Table(
    "talks",
    _metadata,
    _id(),
    _fk("course_id", "courses.id", "RESTRICT"),
    _fk("presenter_id", "members.id", "RESTRICT"),
    Column("title", String(200), nullable=False),
    Column("url", Text),
    Column("minutes", Integer, nullable=False, default=25),
    Column("status", _enum(TalkStatus, "talk_status"), nullable=False, default=TalkStatus.QUEUED),
    # No session: the talk waits in the queue.
    _fk("session_id", "sessions.id", "RESTRICT", nullable=True),
    # The session it was first due at, when it has been postponed since.
    _fk("postponed_from_id", "sessions.id", "RESTRICT", nullable=True),
    Column("times_postponed", Integer, nullable=False, default=0),
    # on hold: it keeps its place in the queue but is not planned (`talk hold`, `talk resume`)
    Column("on_hold", Boolean, nullable=False, default=False, server_default=false()),
    Column("requested_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=now),
    CheckConstraint("minutes > 0", name="minutes_positive"),
    CheckConstraint("times_postponed >= 0", name="times_postponed_nonnegative"),
    Index(None, "course_id", "status"),
    Index(None, "session_id"),
    Index(None, "presenter_id"),
)

talk_copresenters = Table(
    # a talk given by two or more: the others beside its presenter
    "talk_copresenters",
    _metadata,
    _id(),
    _fk("talk_id", "talks.id", "CASCADE"),
    _fk("member_id", "members.id", "RESTRICT"),
    UniqueConstraint("talk_id", "member_id"),
    Index(None, "member_id"),
)

attendance = Table(
    "attendance",
    _metadata,
    _id(),
    _fk("session_id", "sessions.id", "RESTRICT"),
    _fk("member_id", "members.id", "RESTRICT"),
    Column("status", _enum(AttendanceStatus, "attendance_status"), nullable=False),
    Column(
        "source",
        _enum(AttendanceSource, "attendance_source"),
        nullable=False,
        default=AttendanceSource.MANUAL,
    ),
    Column("minutes", Integer),  # time on the call, from an import
    Column("recorded_at", UTCDateTime, nullable=False, default=now),
    UniqueConstraint("session_id", "member_id"),
    CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_nonnegative"),
    Index(None, "member_id"),
)

action_items = Table(
    "action_items",
    _metadata,
    _id(),
    _fk("course_id", "courses.id", "RESTRICT"),
    Column("text", String(500), nullable=False),
    # No owner: the whole group.
    _fk("owner_id", "members.id", "RESTRICT", nullable=True),
    _fk("created_session_id", "sessions.id", "RESTRICT", nullable=True),
    _fk("due_session_id", "sessions.id", "RESTRICT", nullable=True),
    Column("status", _enum(ItemStatus, "item_status"), nullable=False, default=ItemStatus.OPEN),
    Column("times_carried", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False, default=now),
    Column("closed_at", UTCDateTime),
    CheckConstraint("times_carried >= 0", name="times_carried_nonnegative"),
    CheckConstraint(
        "(status = 'open' AND closed_at IS NULL) OR (status <> 'open' AND closed_at IS NOT NULL)",
        name="closed_when_not_open",
    ),
    Index(None, "course_id", "status"),
    Index(None, "due_session_id", "status"),
    Index(None, "owner_id", "status"),
)


polls = Table(
    "polls",
    _metadata,  # choosing the next course together: a ranked-choice poll
    _id(),
    _fk("group_id", "groups.id", "RESTRICT"),
    Column("title", String(200), nullable=False),
    # The group it belongs to (its agenda shows the poll), or None for everyone.
    _fk("course_id", "courses.id", "RESTRICT", nullable=True),
    Column("status", _enum(PollStatus, "poll_status"), nullable=False, default=PollStatus.OPEN),
    Column("closes_on", Date),
    Column("created_at", UTCDateTime, nullable=False, default=now),
    Column("closed_at", UTCDateTime),
    # The course made from the winner, if any.
    _fk("created_course_id", "courses.id", "RESTRICT", nullable=True),
    Index(None, "group_id", "status"),
)

poll_options = Table(
    "poll_options",
    _metadata,
    _id(),
    _fk("poll_id", "polls.id", "RESTRICT"),
    Column("position", Integer, nullable=False),  # 1, 2, ... as shown and voted
    Column("title", String(200), nullable=False),
    Column("url", Text),
    _flag("won", False),  # set when the poll closes
    UniqueConstraint("poll_id", "position"),
)

# -- built on first use ---------------------------------------------------------------------------
# Building a table is most of what importing this module costs (SQLAlchemy's Column and
# constraint machinery, tens of microseconds a column), and every command imports it. So the
# tables only some commands touch are built the first time one of them is named (a module
# __getattr__, PEP 562), and a read of the agenda never builds the journal. `metadata` holds
# all of them: naming it builds the rest first, so Alembic, `create_all` and the journal's
# undo always see the whole schema.

member_aliases: Table
ignored_names: Table
rollovers: Table
rollover_moves: Table
reminders: Table
poll_option_lectures: Table
poll_ballots: Table
poll_rankings: Table
rsvps: Table
rsvp_messages: Table
journal: Table
journal_changes: Table
journal_open: Table
group_organisers: Table
metadata: MetaData


def _aliases() -> None:
    """Another name a member goes by, and names that are nobody (bots): only name matching
    reads them."""
    global member_aliases, ignored_names
    ignored_names = Table(
        # a name on call reports that is no member and never will be (a note-taking bot):
        # never reported as unknown, never added by --add-unknown
        "ignored_names",
        _metadata,
        _id(),
        Column("name", String(200), nullable=False),
        Column("name_key", String(200), nullable=False, unique=True),  # rules.names.name_key
        Column("created_at", UTCDateTime, nullable=False, default=now),
    )
    member_aliases = Table(
        # another name a member goes by on calls ("Rohan's iPhone", "अर्जुन शर्मा"), matched
        # right after their email (rules/matching.py)
        "member_aliases",
        _metadata,
        _id(),
        _fk("member_id", "members.id", "CASCADE"),
        Column("alias", String(200), nullable=False),
        Column("alias_key", String(200), nullable=False, unique=True),  # rules.names.name_key
        Column("created_at", UTCDateTime, nullable=False, default=now),
        Index(None, "member_id"),
    )


def _rollover_log() -> None:
    """Closing, cancelling and reopening: what a rollover moved."""
    global rollovers, rollover_moves
    rollovers = Table(
        "rollovers",
        _metadata,  # one close (or cancel): the group of moves that one undo reverses
        _id(),
        _fk("course_id", "courses.id", "RESTRICT"),
        Column("kind", _enum(RolloverKind, "rollover_kind"), nullable=False),
        _fk("from_session_id", "sessions.id", "RESTRICT"),
        # SET NULL: undoing a close may delete the session that the close created.
        _fk("to_session_id", "sessions.id", "SET NULL", nullable=True),
        Column("from_status", _enum(SessionStatus, "rollover_from_status"), nullable=False),
        _flag("created_to_session", False),
        Column("created_at", UTCDateTime, nullable=False, default=now),
        Column("undone_at", UTCDateTime),
        Index(None, "from_session_id"),
        Index(None, "to_session_id"),
    )

    rollover_moves = Table(
        "rollover_moves",
        _metadata,  # one thing that moved, with its state before, for undo
        _id(),
        # Moves are part of their rollover and never outlive it.
        _fk("rollover_id", "rollovers.id", "CASCADE"),
        Column("kind", _enum(MoveKind, "move_kind"), nullable=False),
        # The lecture entry of the closed session whose covered flag changed. SET NULL: once a
        # close is undone its session's agenda may be re-planned; lecture_id/part keep the record.
        _fk("agenda_entry_id", "agenda_entries.id", "SET NULL", nullable=True),
        _fk("lecture_id", "lectures.id", "RESTRICT", nullable=True),
        Column("part", Integer),
        _fk("talk_id", "talks.id", "RESTRICT", nullable=True),
        _fk("item_id", "action_items.id", "RESTRICT", nullable=True),
        _fk("before_session_id", "sessions.id", "RESTRICT", nullable=True),
        Column("before_status", String(20)),
        Column("before_count", Integer),
        Column("before_done", Boolean),
        _fk("before_postponed_from_id", "sessions.id", "RESTRICT", nullable=True),
        CheckConstraint(
            "(kind = 'lecture' AND lecture_id IS NOT NULL)"
            " OR (kind = 'talk' AND talk_id IS NOT NULL)"
            " OR (kind = 'item' AND item_id IS NOT NULL)",
            name="subject_matches_kind",
        ),
        Index(None, "rollover_id"),
        # re-planning deletes agenda entries, and each sets NULL here: indexed, not scanned
        Index(None, "agenda_entry_id"),
        Index(None, "item_id"),
        Index(None, "talk_id"),
    )


def _reminder_log() -> None:
    """The reminder log: only `remind` reads it."""
    global reminders
    reminders = Table(
        # a reminder claimed before it is sent and confirmed after, so it is never sent twice
        "reminders",
        _metadata,
        _id(),
        _fk("session_id", "sessions.id", "RESTRICT"),
        _fk("member_id", "members.id", "RESTRICT", nullable=True),
        Column("channel", _enum(Channel, "reminder_channel"), nullable=False),
        # The address (email), the .eml file's path (outbox) or a masked URL (webhook).
        Column("target", String(300), nullable=False),
        Column("subject", String(300)),
        Column("message_id", String(300)),
        Column("claimed_at", UTCDateTime, nullable=False, default=now),
        # NULL: claimed but not confirmed sent (the run was interrupted, or is still going)
        Column("sent_at", UTCDateTime),
        # the session's revision and start time as this message told them: a later revision is
        # a change the member has not been told of yet (a change notice)
        Column("revision", Integer, nullable=False, default=0, server_default="0"),
        Column("starts_at", UTCDateTime),
        # what was sent: reminder, change (a notice of a move or other change), cancellation
        Column("kind", String(20)),
        UniqueConstraint("session_id", "channel", "target", "revision"),
        Index(None, "member_id"),
    )


def _answers() -> None:
    """Members' answers to invitations, and the replies already read: only answers' readers
    (the agenda's turnout, `rsvp`, `remind`, `attend`, `stats`) touch them."""
    global rsvps, rsvp_messages
    rsvps = Table(
        # one member's answer about one session: the latest one they gave
        "rsvps",
        _metadata,
        _id(),
        _fk("session_id", "sessions.id", "RESTRICT"),
        _fk("member_id", "members.id", "RESTRICT"),
        Column("answer", _enum(Answer, "rsvp_answer"), nullable=False),
        Column("source", _enum(AnswerSource, "rsvp_source"), nullable=False),
        # the invitation's SEQUENCE it answered (a reply from mail): lower than the session's
        # revision means it answered an earlier time
        Column("sequence", Integer),
        Column("answered_at", UTCDateTime, nullable=False),  # when they answered
        Column("message_id", String(300)),  # the reply's Message-ID
        Column("recorded_at", UTCDateTime, nullable=False, default=now),
        UniqueConstraint("session_id", "member_id"),
        Index(None, "member_id"),
    )
    rsvp_messages = Table(
        # every reply read, by Message-ID, recorded or not: each is processed once, however
        # many fetches run at once
        "rsvp_messages",
        _metadata,
        _id(),
        Column("message_id", String(300), nullable=False, unique=True),
        Column("outcome", String(40), nullable=False),  # recorded, earlier time, refused: why
        Column("read_at", UTCDateTime, nullable=False, default=now),
    )


def _ballots() -> None:
    """Polls' syllabuses and votes."""
    global poll_option_lectures, poll_ballots, poll_rankings
    poll_option_lectures = Table(
        "poll_option_lectures",
        _metadata,  # an option's syllabus, shaped like `course import`
        _id(),
        _fk("option_id", "poll_options.id", "CASCADE"),
        Column("position", Integer, nullable=False),
        Column("label", String(32), nullable=False),
        Column("title", String(200), nullable=False),
        Column("kind", _enum(LectureKind, "poll_lecture_kind"), nullable=False),
        Column("video_minutes", Integer),
        _flag("optional", False),
        Column("url", Text),
        UniqueConstraint("option_id", "label"),
        CheckConstraint(
            "video_minutes IS NULL OR video_minutes > 0", name="video_minutes_positive"
        ),
    )

    poll_ballots = Table(
        "poll_ballots",
        _metadata,  # one member's ranking; a second vote replaces the first
        _id(),
        _fk("poll_id", "polls.id", "RESTRICT"),
        _fk("member_id", "members.id", "RESTRICT"),
        Column("cast_at", UTCDateTime, nullable=False, default=now),
        UniqueConstraint("poll_id", "member_id"),
    )

    poll_rankings = Table(
        "poll_rankings",
        _metadata,
        _id(),
        # A ranking is part of its ballot: replacing a vote replaces its rankings.
        _fk("ballot_id", "poll_ballots.id", "CASCADE"),
        _fk("option_id", "poll_options.id", "RESTRICT"),
        Column("rank", Integer, nullable=False),
        UniqueConstraint("ballot_id", "rank"),
        UniqueConstraint("ballot_id", "option_id"),
        CheckConstraint("rank >= 1", name="rank_positive"),
        Index(None, "option_id"),
    )


def _journal_tables() -> None:
    """The change journal: one entry per write command; under it, every row the command
    inserted, updated or deleted, captured by triggers on the tracked tables
    (store/triggers.py), so no code path escapes it."""
    global journal, journal_changes, journal_open
    journal = Table(
        "journal",
        _metadata,
        _id(),
        Column("at", UTCDateTime, nullable=False, default=now),
        Column("who", String(100), nullable=False),  # $STUDYGROUP_USER, else the OS user
        Column("db_user", String(100)),  # PostgreSQL's current_user
        Column("command", Text, nullable=False),  # the command line, secrets masked
        Column("course", String(40)),
        # the group the command worked on (None: it picked none, e.g. `group add`); on
        # PostgreSQL its organisers read the entry, nobody else but the one who wrote it
        Column("group_id", Integer),
        Column("summary", Text),  # what the command said it did
        Column("undoes", Integer),  # the entry this one undid (an undo)
        Column("undone_by", Integer),  # the undo that reverted this one
        _flag("pruned", False),  # its rows were pruned: it can no longer be undone
        Index(None, "at"),
    )

    journal_changes = Table(
        # Written by the triggers, one row per row changed, so kept lean: no foreign key and no
        # CHECK (each would be evaluated for every row a bulk command changes; measured at about
        # half the journal's cost), and one index. Only the triggers and journal.py write here.
        "journal_changes",
        _metadata,
        _id(),
        Column("entry_id", Integer, nullable=False),  # journal.id
        Column("table_name", String(40), nullable=False),
        Column("op", String(1), nullable=False),  # I, U or D
        Column("row_id", Integer, nullable=False),
        Column("before", Text),  # the row as JSON, before (U, D); after: see store/triggers.py
        Index(None, "entry_id"),
    )

    journal_open = Table(
        # the entry of the write transaction in progress: the triggers file rows under it. A
        # transaction deletes its row before it commits, so no other ever sees one.
        "journal_open",
        _metadata,
        Column("entry_id", Integer, primary_key=True, autoincrement=False),
    )


def _organisers() -> None:
    """Who organises which group: on PostgreSQL, a login role per organiser, and the table
    the row-level security policies read (`store/security.py`). SQLite has no rights."""
    global group_organisers
    group_organisers = Table(
        "group_organisers",
        _metadata,
        _id(),
        _fk("group_id", "groups.id", "CASCADE"),
        Column("role_name", String(63), nullable=False),  # PostgreSQL's session_user
        Column("read_only", Boolean, nullable=False, default=False),
        Column("granted_at", UTCDateTime, nullable=False, default=now),
        UniqueConstraint("group_id", "role_name"),
        Index(None, "role_name", "group_id"),
    )


_BUILDERS: dict[str, Callable[[], None]] = {
    "group_organisers": _organisers,
    "member_aliases": _aliases,
    "ignored_names": _aliases,
    "rollovers": _rollover_log,
    "rollover_moves": _rollover_log,
    "reminders": _reminder_log,
    "rsvps": _answers,
    "rsvp_messages": _answers,
    "poll_option_lectures": _ballots,
    "poll_ballots": _ballots,
    "poll_rankings": _ballots,
    "journal": _journal_tables,
    "journal_changes": _journal_tables,
    "journal_open": _journal_tables,
}


if not TYPE_CHECKING:  # to a type checker, the names above are plain module attributes

    def __getattr__(name: str) -> Any:
        if name == "metadata":
            for build in dict.fromkeys(_BUILDERS.values()):  # in order, each group once
                if build.__name__ not in _BUILT:
                    _build(build)
            globals()["metadata"] = _metadata
            return _metadata
        build = _BUILDERS.get(name)
        if build is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        _build(build)
        return globals()[name]


_BUILT: set[str] = set()


def _build(build: Callable[[], None]) -> None:
    if build.__name__ not in _BUILT:
        build()
        _BUILT.add(build.__name__)
