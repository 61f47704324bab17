"""Attendance statistics: per member, per session, and who is lapsing."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import String, func, select, type_coerce

from studygroup import groups
from studygroup.render.documents import (
    AnswersKept,
    AttendanceMatrix,
    GroupStats,
    MatrixRow,
    MemberStats,
    StatsDocument,
    Turnout,
)
from studygroup.rules import weekly
from studygroup.rules.turnout import run as attendance_run
from studygroup.store.enums import Answer, AttendanceStatus, ItemStatus, SessionStatus, TalkStatus
from studygroup.store.rows import CourseRow
from studygroup.store.schema import (
    action_items,
    attendance,
    members,
    sessions,
    talk_copresenters,
    talks,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from studygroup.rsvps import Given

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    top = max(values)
    if top == 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(v / top * (len(SPARKS) - 1))] for v in values)


def course_stats(db: Connection, course: CourseRow) -> StatsDocument:
    """Core only, in five statements whatever the history."""
    held = list(
        db.execute(
            select(sessions.c.id, sessions.c.number, sessions.c.starts_at)
            .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.HELD)
            .order_by(sessions.c.starts_at)
        )
    )
    held_ids = [row.id for row in held]
    index_of = {sid: index for index, sid in enumerate(held_ids)}
    day_of = {row.id: weekly.local(row.starts_at, course.timezone).date() for row in held}
    days = [day_of[sid] for sid in held_ids]  # in time order, so bisect finds "since"
    present: dict[int, set[int]] = defaultdict(set)  # member -> session ids
    excused: dict[int, set[int]] = defaultdict(set)  # member -> sessions they were excused from
    first_record: dict[int, date] = {}  # a member recorded before they "joined" was there
    turnout: dict[int, int] = defaultdict(int)
    if held_ids:
        present_value = AttendanceStatus.PRESENT.value
        excused_value = AttendanceStatus.EXCUSED.value
        for member_id, session_id, status in db.execute(
            # the status as its stored value (the CHECK constraint vouches for it): thousands
            # of rows need no enum conversion
            select(
                attendance.c.member_id,
                attendance.c.session_id,
                type_coerce(attendance.c.status, String),
            ).where(attendance.c.session_id.in_(held_ids))
        ).all():
            day = day_of[session_id]
            known = first_record.get(member_id)
            if known is None or day < known:
                first_record[member_id] = day
            if status == present_value:
                present[member_id].add(session_id)
                turnout[session_id] += 1
            elif status == excused_value:
                excused[member_id].add(session_id)
    from studygroup import rsvps

    answers = rsvps.given(db, held_ids)  # one statement for the excused and how answers held
    for answer in answers:
        # absent after saying no before the call: excused, not a miss
        if (
            answer.answer is Answer.NO
            and answer.before_start
            and answer.session_id not in present.get(answer.member_id, ())
        ):
            excused[answer.member_id].add(answer.session_id)
    talks_given: dict[int, int] = defaultdict(int)
    for presenter, count in db.execute(
        select(talks.c.presenter_id, func.count())
        .where(talks.c.course_id == course.id, talks.c.status == TalkStatus.DONE)
        .group_by(talks.c.presenter_id)
    ).all():
        talks_given[presenter] += count
    for presenter, count in db.execute(  # a co-presented talk counts for each of them
        select(talk_copresenters.c.member_id, func.count())
        .join(talks, talks.c.id == talk_copresenters.c.talk_id)
        .where(talks.c.course_id == course.id, talks.c.status == TalkStatus.DONE)
        .group_by(talk_copresenters.c.member_id)
    ).all():
        talks_given[presenter] += count
    open_items: dict[int | None, int] = {
        owner: count
        for owner, count in db.execute(
            select(action_items.c.owner_id, func.count())
            .where(
                action_items.c.course_id == course.id,
                action_items.c.status == ItemStatus.OPEN,
                action_items.c.owner_id.is_not(None),
            )
            .group_by(action_items.c.owner_id)
        ).all()
    }

    roles_held: dict[tuple[str, int], int] = defaultdict(int)  # (role, member) -> sessions
    for role, column in (("host", sessions.c.host_id), ("notes", sessions.c.notes_by_id)):
        for member_id, count_ in db.execute(
            select(column, func.count())
            .where(sessions.c.id.in_(held_ids), column.is_not(None))
            .group_by(column)
        ).all():
            roles_held[(role, member_id)] = count_
    members_out: list[MemberStats] = []
    no_sessions: set[int] = set()
    for member_id, name, joined_on in db.execute(  # unpacked: a Row's attributes cost more
        select(members.c.id, members.c.name, members.c.joined_on)
        .where(groups.active_in(course.group_id, members.c.id))
        .order_by(members.c.name_key)
    ).all():
        recorded = first_record.get(member_id)
        joined = joined_on if recorded is None or joined_on <= recorded else recorded
        first = bisect_left(days, joined)  # sessions held since they joined
        # an excused absence is not a miss: it counts neither for nor against them
        excused_since = {s for s in excused.get(member_id, ()) if index_of[s] >= first}
        expected = len(held_ids) - first - len(excused_since)
        seen = present.get(member_id, no_sessions)
        attended = sum(1 for sid in seen if index_of[sid] >= first) if first else len(seen)
        streak, lapsing = attendance_run(held_ids, first, excused_since, seen)
        last_seen: date | None = max((day_of[s] for s in seen), default=None)
        members_out.append(
            {
                "name": name,
                "attended": attended,
                "held": expected,  # held since they joined, excused ones left out
                "excused": len(excused_since),
                "rate": round(attended / expected, 3) if expected else None,
                "streak": streak,
                "last_seen": last_seen.isoformat() if last_seen else None,
                "talks_given": talks_given.get(member_id, 0),
                "hosted": roles_held.get(("host", member_id), 0),
                "took_notes": roles_held.get(("notes", member_id), 0),
                "open_items": open_items.get(member_id, 0),
                "lapsing": lapsing,
            }
        )
    sessions_out: list[Turnout] = [
        {
            "number": row.number,
            "date": day_of[row.id].isoformat(),
            "turnout": turnout.get(row.id, 0),
        }
        for row in held
    ]
    return {
        "course": course.slug,
        "members": members_out,
        "sessions": sessions_out,
        "answers": _answers_kept(answers, present),
        "sparkline": sparkline([s["turnout"] for s in sessions_out]),
        "lapsing": [m["name"] for m in members_out if m["lapsing"]],
    }


def _answers_kept(answers: list[Given], present: dict[int, set[int]]) -> AnswersKept:
    """How often members' answers (rsvp) were right at the held sessions: said yes and
    came, said no and stayed away."""
    kept = AnswersKept(said_yes=0, yes_came=0, said_no=0, no_stayed_away=0)
    for answer in answers:
        came = answer.session_id in present.get(answer.member_id, ())
        if answer.answer is Answer.YES:
            kept["said_yes"] += 1
            kept["yes_came"] += came
        elif answer.answer is Answer.NO:
            kept["said_no"] += 1
            kept["no_stayed_away"] += not came
    return kept


MARKS = {
    AttendanceStatus.PRESENT.value: "P",
    AttendanceStatus.ABSENT.value: "A",
    AttendanceStatus.EXCUSED.value: "E",
}


def attendance_matrix(db: Connection, course: CourseRow) -> AttendanceMatrix:
    """Active members × held sessions: P (present), A (absent: also a member with no record
    at a session held since they joined), E (excused), or blank (before they joined), with
    each member's rate as `course_stats` counts it."""
    figures = course_stats(db, course)
    held = list(
        db.execute(
            select(sessions.c.id, sessions.c.number, sessions.c.starts_at)
            .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.HELD)
            .order_by(sessions.c.starts_at)
        )
    )
    number_of = {row.id: row.number for row in held}
    marks: dict[str, dict[str, str]] = defaultdict(dict)
    if held:
        for name, session_id, status in db.execute(
            select(
                members.c.name, attendance.c.session_id, type_coerce(attendance.c.status, String)
            )
            .join(members, members.c.id == attendance.c.member_id)
            .where(attendance.c.session_id.in_(list(number_of)))
        ):
            marks[name][str(number_of[session_id])] = MARKS[status]
        from studygroup import rsvps

        said_no = rsvps.said_no_before(db, list(number_of))  # absent then: excused
        for member_id, name, joined_on in db.execute(
            select(members.c.id, members.c.name, members.c.joined_on).where(
                groups.active_in(course.group_id, members.c.id)
            )
        ):
            own = marks[name]
            for row in held:
                number = str(row.number)
                if member_id in said_no[row.id] and own.get(number) != "P":
                    own[number] = "E"
                elif row.starts_at.date() >= joined_on:
                    own.setdefault(number, "A")
    return {
        "course": course.slug,
        "sessions": figures["sessions"],
        "members": [
            MatrixRow(name=m["name"], marks=marks.get(m["name"], {}), rate=m["rate"])
            for m in figures["members"]
        ],
    }


def organisation(db: Connection) -> list[GroupStats]:
    """Every live group's courses that are not archived, summed up (`stats --all-groups`):
    on PostgreSQL, the groups this organiser may read."""
    from studygroup.store.enums import CourseStatus

    out: list[GroupStats] = []
    kept = tuple(s for s in CourseStatus if s is not CourseStatus.ARCHIVED)
    for group, course in groups.each_course(db, kept):
        data = course_stats(db, course)
        turnouts = [s["turnout"] for s in data["sessions"]]
        out.append(
            {
                "group": group.slug,
                "course": course.slug,
                "members": len(data["members"]),
                "held": len(turnouts),
                "average_turnout": round(sum(turnouts) / len(turnouts), 1) if turnouts else None,
                "last_turnout": turnouts[-1] if turnouts else None,
                "lapsing": len(data["lapsing"]),
                "open_items": sum(m["open_items"] for m in data["members"]),
            }
        )
    return out
