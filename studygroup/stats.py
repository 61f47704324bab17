"""Attendance statistics: per member, per session, and who is lapsing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studygroup import timeutil
from studygroup.models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    Course,
    ItemStatus,
    Member,
    SessionStatus,
    StudySession,
    Talk,
    TalkStatus,
)

LAPSE_AFTER = 3
SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    top = max(values)
    if top == 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(v / top * (len(SPARKS) - 1))] for v in values)


def course_stats(session: Session, course: Course) -> dict[str, Any]:
    held = list(session.execute(
        select(StudySession.id, StudySession.number, StudySession.starts_at)
        .where(StudySession.course_id == course.id, StudySession.status == SessionStatus.HELD)
        .order_by(StudySession.starts_at)
    ))
    held_ids = [row.id for row in held]
    day_of = {row.id: timeutil.local(row.starts_at, course.timezone).date() for row in held}
    present: dict[int, set[int]] = defaultdict(set)  # member -> session ids
    first_record: dict[int, date] = {}  # a member recorded before they "joined" was there
    turnout: dict[int, int] = defaultdict(int)
    if held_ids:
        for member_id, session_id, status in session.execute(
            select(Attendance.member_id, Attendance.session_id, Attendance.status).where(
                Attendance.session_id.in_(held_ids)
            )
        ):
            day = day_of[session_id]
            first_record[member_id] = min(day, first_record.get(member_id, day))
            if status is AttendanceStatus.PRESENT:
                present[member_id].add(session_id)
                turnout[session_id] += 1
    talks_given: dict[int, int] = {
        presenter: count for presenter, count in session.execute(
            select(Talk.presenter_id, func.count()).where(
                Talk.course_id == course.id, Talk.status == TalkStatus.DONE
            ).group_by(Talk.presenter_id))
    }
    open_items: dict[int | None, int] = {
        owner: count for owner, count in session.execute(
            select(ActionItem.owner_id, func.count()).where(
                ActionItem.course_id == course.id, ActionItem.status == ItemStatus.OPEN,
                ActionItem.owner_id.is_not(None),
            ).group_by(ActionItem.owner_id))
    }

    members_out: list[dict[str, Any]] = []
    for member in session.scalars(
        select(Member).where(Member.active.is_(True)).order_by(Member.name_key)
    ):
        joined = min(member.joined_on, first_record.get(member.id, member.joined_on))
        eligible = [sid for sid in held_ids if day_of[sid] >= joined]
        attended = [sid for sid in eligible if sid in present[member.id]]
        streak = 0
        for sid in reversed(eligible):
            if sid not in present[member.id]:
                break
            streak += 1
        last_seen: date | None = max((day_of[s] for s in present[member.id]), default=None)
        recent = eligible[-LAPSE_AFTER:]
        lapsing = len(recent) == LAPSE_AFTER and not any(s in present[member.id] for s in recent)
        members_out.append({
            "name": member.name,
            "attended": len(attended),
            "held": len(eligible),
            "rate": round(len(attended) / len(eligible), 3) if eligible else None,
            "streak": streak,
            "last_seen": last_seen.isoformat() if last_seen else None,
            "talks_given": talks_given.get(member.id, 0),
            "open_items": open_items.get(member.id, 0),
            "lapsing": lapsing,
        })
    sessions_out = [
        {"number": row.number, "date": day_of[row.id].isoformat(),
         "turnout": turnout.get(row.id, 0)}
        for row in held
    ]
    return {
        "course": course.slug,
        "members": members_out,
        "sessions": sessions_out,
        "sparkline": sparkline([s["turnout"] for s in sessions_out]),
        "lapsing": [m["name"] for m in members_out if m["lapsing"]],
    }
