"""Who does what in the call: each session's host and note-taker, set by hand or filled in
turn from the rota (rules/rota.py)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from studygroup import groups, sessions
from studygroup.errors import Conflict, NotFound
from studygroup.rules import rota
from studygroup.store.enums import AttendanceStatus, SessionStatus
from studygroup.store.rows import CourseRow, MemberRow, SessionRow
from studygroup.store.schema import attendance, members
from studygroup.store.schema import sessions as sessions_table

COLUMNS = {"host": sessions_table.c.host_id, "notes": sessions_table.c.notes_by_id}
WHAT = {"host": "host", "notes": "note-taker"}


def set_role(db: Connection, target: SessionRow, role: str, member: MemberRow | None) -> SessionRow:
    """Make `member` the session's host or note-taker (None: nobody)."""
    sessions.require_planned(target, f"only a planned session's {WHAT[role]} can change")
    if member is not None and not member.active:
        raise Conflict(f"{member.name} is archived; restore them first")
    db.execute(
        update(sessions_table)
        .where(sessions_table.c.id == target.id)
        .values({COLUMNS[role].key: member.id if member else None})
    )
    return sessions.get(db, target.id)


def swap_host(
    db: Connection, course: CourseRow, target: SessionRow, member: MemberRow
) -> SessionRow:
    """`session swap-host REF NAME`: NAME hosts REF, and REF's host takes NAME's next
    planned hosting in exchange."""
    sessions.require_planned(target, "only a planned session's host can change")
    other = db.execute(
        select(sessions_table)
        .where(
            sessions_table.c.course_id == course.id,
            sessions_table.c.status == SessionStatus.PLANNED,
            sessions_table.c.host_id == member.id,
            sessions_table.c.id != target.id,
        )
        .order_by(sessions_table.c.starts_at)
        .limit(1)
    ).first()
    if other is None:
        raise NotFound(
            f"{member.name} hosts no other planned session; use 'studygroup session host' "
            "to make them host"
        )
    db.execute(
        update(sessions_table).where(sessions_table.c.id == other.id).values(host_id=target.host_id)
    )
    db.execute(
        update(sessions_table).where(sessions_table.c.id == target.id).values(host_id=member.id)
    )
    return sessions.get(db, other.id)


def fill(db: Connection, course: CourseRow) -> list[tuple[int, str, str]]:
    """Give every planned session without a host or note-taker one, in turn, from the rota
    (see rules/rota.py): never the session's other role-holder, and a cancelled week uses up
    nobody's turn. (session number, role, member name) for each filled."""
    planned = sessions.planned(db, course)
    if not planned:
        return []
    people = db.execute(
        select(members.c.id, members.c.name, members.c.rota).where(
            members.c.rota.is_not(None),
            groups.active_in(course.group_id, members.c.id),
        )
    ).all()
    away: dict[int, set[int]] = {}
    for session_id, member_id in db.execute(
        select(attendance.c.session_id, attendance.c.member_id).where(
            attendance.c.session_id.in_([s.id for s in planned]),
            attendance.c.status.in_([AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]),
        )
    ):
        away.setdefault(session_id, set()).add(member_id)
    filled: list[tuple[int, str, str]] = []
    holder = {
        role: {s.id: getattr(s, column.key) for s in planned} for role, column in COLUMNS.items()
    }
    for role, column in COLUMNS.items():
        # a cancelled week used up nobody's turn: only held and planned sessions count
        last = dict(
            db.execute(
                select(column, func.max(sessions_table.c.starts_at))
                .where(
                    sessions_table.c.course_id == course.id,
                    sessions_table.c.status != SessionStatus.CANCELLED,
                    column.is_not(None),
                )
                .group_by(column)
            ).all()
        )
        other = "notes" if role == "host" else "host"
        pool = [p for p in people if rota.takes(p.rota, role)]
        for current in planned:
            if holder[role][current.id] is not None:
                continue
            # the host and the note-taker of a session are two people
            busy = {holder[other][current.id]} - {None}
            chosen = rota.choose(
                [rota.Candidate(p.id, p.name, last.get(p.id)) for p in pool],
                away.get(current.id, set()) | busy,
            )
            if chosen is None:
                continue
            db.execute(
                update(sessions_table)
                .where(sessions_table.c.id == current.id)
                .values({column.key: chosen.member_id})
            )
            holder[role][current.id] = chosen.member_id
            last[chosen.member_id] = current.starts_at
            filled.append((current.number, role, chosen.name))
    return filled


def names(db: Connection, target: SessionRow) -> dict[str, str | None]:
    """The session's host and note-taker by name."""
    ids = {role: getattr(target, column.key) for role, column in COLUMNS.items()}
    found = dict(
        db.execute(
            select(members.c.id, members.c.name).where(
                members.c.id.in_([i for i in ids.values() if i is not None])
            )
        ).all()
    )
    return {role: found.get(member_id) if member_id else None for role, member_id in ids.items()}
