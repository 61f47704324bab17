"""Initial schema: courses, lectures, members, sessions, agenda entries, talks, attendance,
action items, the roll-forward log and the reminder log.

Revision ID: 20261122_01
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261122_01"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "finished",
                "archived",
                name="course_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("session_minutes", sa.Integer(), nullable=False),
        sa.Column("pace_minutes", sa.Integer(), nullable=False),
        sa.Column("discussion_minutes", sa.Integer(), nullable=False),
        sa.Column("intro_minutes", sa.Integer(), nullable=False),
        sa.Column("wrapup_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "discussion_minutes >= 0", name=op.f("ck_courses_discussion_minutes_nonnegative")
        ),
        sa.CheckConstraint("intro_minutes >= 0", name=op.f("ck_courses_intro_minutes_nonnegative")),
        sa.CheckConstraint("pace_minutes > 0", name=op.f("ck_courses_pace_minutes_positive")),
        sa.CheckConstraint("session_minutes > 0", name=op.f("ck_courses_session_minutes_positive")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_courses_weekday_range")),
        sa.CheckConstraint(
            "wrapup_minutes >= 0", name=op.f("ck_courses_wrapup_minutes_nonnegative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("slug", name=op.f("uq_courses_slug")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("handle", sa.String(length=40), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("email", name=op.f("uq_members_email")),
        sa.UniqueConstraint("handle", name=op.f("uq_members_handle")),
        sa.UniqueConstraint("name_key", name=op.f("uq_members_name_key")),
    )
    op.create_table(
        "lectures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "lecture",
                "lab",
                "guest",
                name="lecture_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("video_minutes", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "video_minutes IS NULL OR video_minutes > 0",
            name=op.f("ck_lectures_video_minutes_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lectures_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lectures")),
        sa.UniqueConstraint("course_id", "label", name=op.f("uq_lectures_course_id_label")),
    )
    with op.batch_alter_table("lectures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lectures_course_id_position"), ["course_id", "position"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "held",
                "cancelled",
                name="session_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_sessions_minutes_positive")),
        sa.CheckConstraint("number > 0", name=op.f("ck_sessions_number_positive")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_sessions_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("course_id", "number", name=op.f("uq_sessions_course_id_number")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sessions_course_id_status_starts_at"),
            ["course_id", "status", "starts_at"],
            unique=False,
        )

    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_session_id", sa.Integer(), nullable=True),
        sa.Column("due_session_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "done",
                "dropped",
                name="item_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("times_carried", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'open' AND closed_at IS NULL) OR (status <> 'open' AND closed_at IS NOT NULL)",
            name=op.f("ck_action_items_closed_when_not_open"),
        ),
        sa.CheckConstraint(
            "times_carried >= 0", name=op.f("ck_action_items_times_carried_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_action_items_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_session_id"],
            ["sessions.id"],
            name=op.f("fk_action_items_created_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["due_session_id"],
            ["sessions.id"],
            name=op.f("fk_action_items_due_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["members.id"],
            name=op.f("fk_action_items_owner_id_members"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_items_course_id_status"), ["course_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_due_session_id_status"),
            ["due_session_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_action_items_owner_id_status"), ["owner_id", "status"], unique=False
        )

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "absent",
                "excused",
                name="attendance_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "import",
                name="attendance_source",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "minutes IS NULL OR minutes >= 0", name=op.f("ck_attendance_minutes_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_attendance_member_id_members"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_attendance_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "session_id", "member_id", name=op.f("uq_attendance_session_id_member_id")
        ),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_member_id"), ["member_id"], unique=False)

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "outbox",
                "webhook",
                name="reminder_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_reminders_member_id_members"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_reminders_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "session_id", "channel", "target", name=op.f("uq_reminders_session_id_channel_target")
        ),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_member_id"), ["member_id"], unique=False)

    op.create_table(
        "rollovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "close",
                "cancel",
                name="rollover_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("from_session_id", sa.Integer(), nullable=False),
        sa.Column("to_session_id", sa.Integer(), nullable=True),
        sa.Column(
            "from_status",
            sa.Enum(
                "planned",
                "held",
                "cancelled",
                name="rollover_from_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_to_session", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_rollovers_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["from_session_id"],
            ["sessions.id"],
            name=op.f("fk_rollovers_from_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_session_id"],
            ["sessions.id"],
            name=op.f("fk_rollovers_to_session_id_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollovers")),
    )
    with op.batch_alter_table("rollovers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rollovers_from_session_id"), ["from_session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rollovers_to_session_id"), ["to_session_id"], unique=False
        )

    op.create_table(
        "talks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("presenter_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "scheduled",
                "done",
                "postponed",
                "withdrawn",
                name="talk_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("postponed_from_id", sa.Integer(), nullable=True),
        sa.Column("times_postponed", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_talks_minutes_positive")),
        sa.CheckConstraint(
            "times_postponed >= 0", name=op.f("ck_talks_times_postponed_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_talks_course_id_courses"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["postponed_from_id"],
            ["sessions.id"],
            name=op.f("fk_talks_postponed_from_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["presenter_id"],
            ["members.id"],
            name=op.f("fk_talks_presenter_id_members"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_talks_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talks")),
    )
    with op.batch_alter_table("talks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_talks_course_id_status"), ["course_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_talks_presenter_id"), ["presenter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_talks_session_id"), ["session_id"], unique=False)

    op.create_table(
        "agenda_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "intro",
                "lecture",
                "talk",
                "actions",
                "wrap-up",
                name="entry_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("lecture_id", sa.Integer(), nullable=True),
        sa.Column("part", sa.Integer(), nullable=True),
        sa.Column("parts", sa.Integer(), nullable=True),
        sa.Column("talk_id", sa.Integer(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(part IS NULL AND parts IS NULL) OR (part >= 1 AND parts >= part)",
            name=op.f("ck_agenda_entries_part_of_parts"),
        ),
        sa.CheckConstraint("minutes >= 0", name=op.f("ck_agenda_entries_minutes_nonnegative")),
        sa.ForeignKeyConstraint(
            ["lecture_id"],
            ["lectures.id"],
            name=op.f("fk_agenda_entries_lecture_id_lectures"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_agenda_entries_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["talk_id"],
            ["talks.id"],
            name=op.f("fk_agenda_entries_talk_id_talks"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_entries")),
    )
    with op.batch_alter_table("agenda_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_entries_lecture_id"), ["lecture_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agenda_entries_session_id_position"),
            ["session_id", "position"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_agenda_entries_talk_id"), ["talk_id"], unique=False)

    op.create_table(
        "rollover_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rollover_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "lecture",
                "talk",
                "item",
                name="move_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("agenda_entry_id", sa.Integer(), nullable=True),
        sa.Column("lecture_id", sa.Integer(), nullable=True),
        sa.Column("part", sa.Integer(), nullable=True),
        sa.Column("talk_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("before_session_id", sa.Integer(), nullable=True),
        sa.Column("before_status", sa.String(length=20), nullable=True),
        sa.Column("before_count", sa.Integer(), nullable=True),
        sa.Column("before_done", sa.Boolean(), nullable=True),
        sa.Column("before_postponed_from_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'lecture' AND lecture_id IS NOT NULL) OR (kind = 'talk' AND talk_id IS NOT NULL) OR (kind = 'item' AND item_id IS NOT NULL)",
            name=op.f("ck_rollover_moves_subject_matches_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["agenda_entry_id"],
            ["agenda_entries.id"],
            name=op.f("fk_rollover_moves_agenda_entry_id_agenda_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["before_postponed_from_id"],
            ["sessions.id"],
            name=op.f("fk_rollover_moves_before_postponed_from_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["before_session_id"],
            ["sessions.id"],
            name=op.f("fk_rollover_moves_before_session_id_sessions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["action_items.id"],
            name=op.f("fk_rollover_moves_item_id_action_items"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["lecture_id"],
            ["lectures.id"],
            name=op.f("fk_rollover_moves_lecture_id_lectures"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["rollover_id"],
            ["rollovers.id"],
            name=op.f("fk_rollover_moves_rollover_id_rollovers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["talk_id"],
            ["talks.id"],
            name=op.f("fk_rollover_moves_talk_id_talks"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollover_moves")),
    )
    with op.batch_alter_table("rollover_moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rollover_moves_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rollover_moves_rollover_id"), ["rollover_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rollover_moves_talk_id"), ["talk_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rollover_moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rollover_moves_talk_id"))
        batch_op.drop_index(batch_op.f("ix_rollover_moves_rollover_id"))
        batch_op.drop_index(batch_op.f("ix_rollover_moves_item_id"))

    op.drop_table("rollover_moves")
    with op.batch_alter_table("agenda_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_entries_talk_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_entries_session_id_position"))
        batch_op.drop_index(batch_op.f("ix_agenda_entries_lecture_id"))

    op.drop_table("agenda_entries")
    with op.batch_alter_table("talks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talks_session_id"))
        batch_op.drop_index(batch_op.f("ix_talks_presenter_id"))
        batch_op.drop_index(batch_op.f("ix_talks_course_id_status"))

    op.drop_table("talks")
    with op.batch_alter_table("rollovers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rollovers_to_session_id"))
        batch_op.drop_index(batch_op.f("ix_rollovers_from_session_id"))

    op.drop_table("rollovers")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminders_member_id"))

    op.drop_table("reminders")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_member_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_owner_id_status"))
        batch_op.drop_index(batch_op.f("ix_action_items_due_session_id_status"))
        batch_op.drop_index(batch_op.f("ix_action_items_course_id_status"))

    op.drop_table("action_items")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_course_id_status_starts_at"))

    op.drop_table("sessions")
    with op.batch_alter_table("lectures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lectures_course_id_position"))

    op.drop_table("lectures")
    op.drop_table("members")
    op.drop_table("courses")
