"""Attendance: who came to a session, recorded by hand (`attend`) or from a call report
(`attend import`, in attendance_import.py), and read back for the agenda, the recap and stats."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, func, insert, select, update

from studygroup import clock, courses, groups, sessions
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.render.documents import AttendanceView
from studygroup.rules import weekly
from studygroup.rules.weekly import Phase
from studygroup.store.enums import AttendanceSource, AttendanceStatus, SessionStatus
from studygroup.store.rows import CourseRow, MemberRow, SessionRow, Values
from studygroup.store.schema import attendance, group_members
from studygroup.store.schema import members as members_table

if TYPE_CHECKING:
    from collections.abc import Sequence


def require_recordable(target: SessionRow) -> None:
    if target.status is SessionStatus.CANCELLED:
        raise Conflict(f"session {target.number} was cancelled; uncancel it to record attendance")


def session_for(
    db: Connection, course_slug: str | None, ref: str | None, now: datetime
) -> tuple[CourseRow, SessionRow]:
    """The course, and the session attendance is recorded for: REF, else the latest session
    that has started and was not cancelled (attendance is often recorded after the close)."""
    course = courses.pick(db, course_slug)
    if ref:
        return course, sessions.find(db, course, ref)
    found = sessions.latest_started(db, course, now)
    if found is None:
        raise NotFound(f"no session of {course.slug} has started yet; name one with REF")
    return course, found


def require_started(target: SessionRow, course_zone: str, now: datetime) -> None:
    """Presence and absence are facts about a call that has begun; an excuse can come first."""
    if weekly.phase(target.starts_at, target.minutes, now) is Phase.UPCOMING:
        raise Conflict(
            f"session {target.number} starts {weekly.describe(target.starts_at, course_zone)}; "
            "only --excused can be recorded before it starts"
        )


def record(
    db: Connection,
    target: SessionRow,
    statuses: dict[AttendanceStatus, Sequence[MemberRow]],
    source: AttendanceSource = AttendanceSource.MANUAL,
    minutes: dict[int, int | None] | None = None,
    *,
    now: datetime,
    course_zone: str,
) -> int:
    """Record (or change) each member's status; idempotent, one row per member and session.
    Present and absent only once the session has started by `now`."""
    require_recordable(target)
    if any(people for status, people in statuses.items() if status is not AttendanceStatus.EXCUSED):
        require_started(target, course_zone, now)
    wanted: dict[int, AttendanceStatus] = {}
    names: dict[int, str] = {}
    for status, people in statuses.items():
        for member in people:
            if member.id in wanted and wanted[member.id] is not status:
                raise Invalid(
                    f"{member.name} is listed as both {wanted[member.id].value} and {status.value}"
                )
            wanted[member.id] = status
            names[member.id] = member.name
    if not wanted:
        return 0
    table = attendance
    existing: dict[int, int | None] = {}
    for member_id, old in db.execute(
        select(table.c.member_id, table.c.minutes).where(
            table.c.session_id == target.id, table.c.member_id.in_(list(wanted))
        )
    ):
        existing[member_id] = old
    now = clock.now()

    def row(member_id: int, status: AttendanceStatus) -> Values:
        kept = existing.get(member_id)
        return {
            "b_member": member_id,
            "status": status.value,
            "source": source.value,
            # a file without a minutes column (or without this person's) leaves them as they are
            "minutes": kept
            if minutes is None or minutes.get(member_id) is None
            else minutes[member_id],
            "recorded_at": now,
        }

    updates = [row(m, s) for m, s in wanted.items() if m in existing]
    inserts = [row(m, s) for m, s in wanted.items() if m not in existing]
    if updates:  # one statement for all, however many members
        db.execute(
            update(table)
            .where(table.c.session_id == target.id, table.c.member_id == bindparam("b_member"))
            .values(
                status=bindparam("status"),
                source=bindparam("source"),
                minutes=bindparam("minutes"),
                recorded_at=bindparam("recorded_at"),
            ),
            updates,
        )
    if inserts:
        db.execute(
            insert(table),
            [
                {
                    "session_id": target.id,
                    "member_id": r["b_member"],
                    "status": r["status"],
                    "source": r["source"],
                    "minutes": r["minutes"],
                    "recorded_at": r["recorded_at"],
                }
                for r in inserts
            ],
        )
    return len(wanted)


# -- who came -------------------------------------------------------------------------------


def present_count(db: Connection, target: SessionRow) -> int:
    return db.execute(
        select(func.count())
        .select_from(attendance)
        .where(
            attendance.c.session_id == target.id, attendance.c.status == AttendanceStatus.PRESENT
        )
    ).scalar_one()


def view(db: Connection, target: SessionRow) -> AttendanceView:
    """Who was present, absent or excused at a session, by name. At a held session, a member
    of the group then (joined by its day, not archived before it) with no record was absent:
    the rule `stats` counts by."""
    from studygroup import rsvps

    out: dict[str, list[str]] = {s.value: [] for s in AttendanceStatus}
    # absent after saying no before the call: excused, not a miss
    said_no = rsvps.said_no_before(db, [target.id])[target.id]
    for member_id, name, status in db.execute(
        select(members_table.c.id, members_table.c.name, attendance.c.status)
        .join(members_table, attendance.c.member_id == members_table.c.id)
        .where(attendance.c.session_id == target.id)
    ):
        shown = AttendanceStatus(status)
        if shown is AttendanceStatus.ABSENT and member_id in said_no:
            shown = AttendanceStatus.EXCUSED
        out[shown.value].append(name)
    if target.status is SessionStatus.HELD:
        recorded = select(attendance.c.member_id).where(attendance.c.session_id == target.id)
        archived = groups.archived_here()  # in the course's group: joined below
        for member_id, name in db.execute(
            select(members_table.c.id, members_table.c.name)
            .select_from(
                members_table.join(
                    group_members, groups.joined_in(groups.course_group(target.course_id))
                )
            )
            .where(
                members_table.c.joined_on <= target.starts_at.date(),
                archived.is_(None) | (archived > target.starts_at),
                members_table.c.id.not_in(recorded),
            )
        ):
            out["excused" if member_id in said_no else "absent"].append(name)
    for names in out.values():
        names.sort(key=str.casefold)
    return {
        "session": target.number,
        "status": target.status.value,
        "present": out["present"],
        "absent": out["absent"],
        "excused": out["excused"],
        "counts": {key: len(value) for key, value in out.items()},
    }


def default_session(db: Connection, course: CourseRow) -> SessionRow:
    """What `attendance` shows with no REF: the next session once anyone is recorded for it
    (the call that just happened), else the last held one."""
    upcoming = sessions.next_planned(db, course)
    if upcoming is not None and present_count(db, upcoming):
        return upcoming
    return sessions.last_held(db, course) or sessions.find(db, course, "next")
