"""The read views: the plain data behind `agenda`, `item list` and the exports, queried with
Core only (no ORM import, no mapper set-up), each in a fixed number of statements.

Every function takes a Core connection (read commands) or an ORM session (write commands
that show what they changed); both run these statements. The planning arithmetic the view
shares with the planner (units, parts, history) lives here too, so the planner imports it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, String, func, or_, select, type_coerce

from studygroup import schedule
from studygroup.errors import NotFound
from studygroup.render.contracts import lecture_dict, poll_dict, session_dict, talk_dict
from studygroup.rules import weekly
from studygroup.store.schema import (
    OPEN_TALK_STATUSES,
    AttendanceStatus,
    CourseRow,
    CourseStatus,
    EntryKind,
    ItemStatus,
    LectureRow,
    PollStatus,
    SessionRow,
    SessionStatus,
    TalkStatus,
    action_items,
    agenda_entries,
    attendance,
    courses,
    lectures,
    members,
    poll_ballots,
    poll_option_lectures,
    poll_options,
    poll_rankings,
    polls,
    sessions,
    talks,
)

if TYPE_CHECKING:
    from studygroup.store.schema import Reader

UnitKey = tuple[int, int | None]  # (lecture id, part or None)

ENTRY_TITLES = {
    EntryKind.INTRO: "Intro",
    EntryKind.ACTIONS: "Action items review",
    EntryKind.WRAP_UP: "Wrap-up",
}


# -- lectures in units of the pace ---------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A lecture, or one part of a lecture longer than the pace."""

    lecture: LectureRow
    part: int | None
    parts: int | None
    minutes: int  # video minutes counted against the pace

    @property
    def key(self) -> UnitKey:
        return (self.lecture.id, self.part)


def part_lengths(video_minutes: int, pace: int) -> list[int]:
    """The video minutes of each part: ceil(minutes / pace) near-equal parts."""
    parts = max(1, math.ceil(video_minutes / pace))
    base, extra = divmod(video_minutes, parts)
    return [base + (1 if k <= extra else 0) for k in range(1, parts + 1)]


def split(lecture: LectureRow, pace: int) -> list[Unit]:
    """A lecture longer than the pace becomes near-equal parts; a lecture with no video
    length counts as the pace."""
    if lecture.video_minutes is None:
        return [Unit(lecture, None, None, pace)]
    lengths = part_lengths(lecture.video_minutes, pace)
    if len(lengths) == 1:
        return [Unit(lecture, None, None, lengths[0])]
    return [Unit(lecture, k, len(lengths), minutes) for k, minutes in enumerate(lengths, 1)]


def course_units(course_lectures: Iterable[LectureRow], pace: int) -> list[Unit]:
    """The plannable units in course order: not skipped, not optional."""
    units: list[Unit] = []
    for lecture in course_lectures:
        if lecture.skipped or lecture.optional:
            continue
        units.extend(split(lecture, pace))
    return units


def part_minutes(video_minutes: int | None, part: int | None, pace: int) -> int | None:
    """The video minutes of one part of a lecture (all of it when it is not split)."""
    if video_minutes is None:
        return None
    lengths = part_lengths(video_minutes, pace)
    if part is None or not 1 <= part <= len(lengths):
        return video_minutes
    return lengths[part - 1] if len(lengths) > 1 else video_minutes


@dataclass
class History:
    done: set[UnitKey]
    carried: set[UnitKey]  # planned in a held session, not covered, not covered since


def lecture_history(db: Reader, course: CourseRow) -> History:
    rows = db.execute(
        select(agenda_entries.c.lecture_id, agenda_entries.c.part, agenda_entries.c.done)
        .join(sessions, agenda_entries.c.session_id == sessions.c.id)
        .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.HELD,
               agenda_entries.c.kind == EntryKind.LECTURE)
    ).all()
    done = {(lid, part) for lid, part, is_done in rows if is_done and lid is not None}
    seen = {(lid, part) for lid, part, _ in rows if lid is not None}
    return History(done=done, carried=seen - done)


def lectures_of(db: Reader, course: CourseRow) -> list[Row[Any]]:
    return list(db.execute(
        select(lectures).where(lectures.c.course_id == course.id)
        .order_by(lectures.c.position)))


def list_courses(db: Reader, include_archived: bool = False) -> list[Row[Any]]:
    query = select(courses).order_by(courses.c.slug)
    if not include_archived:
        query = query.where(courses.c.status != CourseStatus.ARCHIVED)
    return list(db.execute(query))


def list_members(db: Reader, include_archived: bool = False) -> list[Row[Any]]:
    query = select(members).order_by(members.c.name_key)
    if not include_archived:
        query = query.where(members.c.active.is_(True))
    return list(db.execute(query))


def fcfs(talk: Any) -> tuple[Any, ...]:
    """First come, first served: the order of the talk queue."""
    return (talk.requested_on, talk.created_at, talk.id)


# -- small views ---------------------------------------------------------------------------------


def session_numbers(db: Reader, course: CourseRow) -> dict[int, int]:
    rows = db.execute(
        select(sessions.c.id, sessions.c.number).where(sessions.c.course_id == course.id))
    return {session_id: number for session_id, number in rows}


def item_rows(db: Reader, *where: Any) -> list[dict[str, Any]]:
    """Action items as the JSON contract (`id, text, owner, status, carried, due_session`),
    read with one plain query: lists of thousands of open items stay cheap."""
    due = sessions.alias("due")
    rows = db.execute(
        # the status as its stored value (the CHECK constraint vouches for it), not an enum
        select(action_items.c.id, action_items.c.text, members.c.name,
               type_coerce(action_items.c.status, String), action_items.c.times_carried,
               due.c.number)
        .outerjoin(members, action_items.c.owner_id == members.c.id)
        .outerjoin(due, action_items.c.due_session_id == due.c.id)
        .where(*where)
        .order_by(action_items.c.id)
    ).all()  # one fetchall: iterating the result would fetch row by row
    return [{"id": item_id, "text": text, "owner": owner, "status": status,
             "carried": carried, "due_session": number}
            for item_id, text, owner, status, carried, number in rows]


def list_items(db: Reader, course: CourseRow, status: ItemStatus | None,
               owner: Any | None, due: SessionRow | None) -> list[dict[str, Any]]:
    """`item list`: a course's items, optionally by status, owner, and session due (or made)."""
    where: list[Any] = [action_items.c.course_id == course.id]
    if status is not None:
        where.append(action_items.c.status == status)
    if owner is not None:
        where.append(action_items.c.owner_id == owner.id)
    if due is not None:
        where.append(or_(action_items.c.due_session_id == due.id,
                         action_items.c.created_session_id == due.id))
    return item_rows(db, *where)


def open_items_for(db: Reader, course: CourseRow, target: SessionRow) -> list[dict[str, Any]]:
    """Open items due at the session (and, for the next session, those due at none)."""
    upcoming = schedule.next_session(db, course)
    due = action_items.c.due_session_id == target.id
    if upcoming is not None and upcoming.id == target.id:
        due = or_(due, action_items.c.due_session_id.is_(None))
    return item_rows(db, action_items.c.course_id == course.id,
                     action_items.c.status == ItemStatus.OPEN, due)


def present_count(db: Reader, target: SessionRow) -> int:
    return db.execute(
        select(func.count()).select_from(attendance).where(
            attendance.c.session_id == target.id,
            attendance.c.status == AttendanceStatus.PRESENT)
    ).scalar_one()


def open_poll(db: Reader, course: CourseRow) -> dict[str, Any] | None:
    """The open poll to show on a course's agenda: its own, or one for everyone."""
    poll = db.execute(
        select(polls)
        .where(polls.c.status == PollStatus.OPEN,
               (polls.c.course_id == course.id) | polls.c.course_id.is_(None))
        .order_by(polls.c.id.desc())
        .limit(1)
    ).first()
    if poll is None:
        return None
    options = db.execute(select(poll_options.c.title).where(poll_options.c.poll_id == poll.id)
                         .order_by(poll_options.c.position)).scalars().all()
    if not options:
        return None
    return {"id": poll.id, "title": poll.title, "options": list(options),
            "closes": poll.closes_on.isoformat() if poll.closes_on else None}


def list_talks(db: Reader, course: CourseRow, queue_only: bool,
               include_all: bool) -> list[dict[str, Any]]:
    """`talk list`: open talks (or only the queue, or all), first come first served."""
    query = (
        select(talks, members.c.name.label("presenter"))
        .join(members, talks.c.presenter_id == members.c.id)
        .where(talks.c.course_id == course.id)
        .order_by(talks.c.requested_on, talks.c.created_at, talks.c.id)
    )
    if queue_only:
        query = query.where(talks.c.status == TalkStatus.QUEUED)
    elif not include_all:
        query = query.where(talks.c.status.in_(OPEN_TALK_STATUSES))
    numbers = session_numbers(db, course)
    return [talk_dict(t, t.presenter, numbers) for t in db.execute(query)]


def attendance_view(db: Reader, target: SessionRow) -> dict[str, Any]:
    """Who was present, absent or excused at a session, by name."""
    out: dict[str, list[str]] = {s.value: [] for s in AttendanceStatus}
    for name, status in db.execute(
        select(members.c.name, attendance.c.status)
        .join(members, attendance.c.member_id == members.c.id)
        .where(attendance.c.session_id == target.id)
    ):
        out[AttendanceStatus(status).value].append(name)
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


def default_attendance_session(db: Reader, course: CourseRow) -> Row[Any]:
    """What `attendance` shows with no REF: the next session once anyone is recorded for it
    (the call that just happened), else the last held one."""
    from studygroup import lookup

    upcoming = schedule.next_session(db, course)
    if upcoming is not None and present_count(db, upcoming):
        return upcoming
    return schedule.last_held(db, course) or lookup.find_session(db, course, "next")


# -- the agenda ----------------------------------------------------------------------------------


def entry_rows(db: Reader, target: SessionRow) -> list[Row[Any]]:
    """A session's agenda entries in order, each with its lecture and talk (and presenter)
    joined in: one statement."""
    return list(db.execute(
        select(agenda_entries,
               lectures.c.label.label("lecture_label"), lectures.c.title.label("lecture_title"),
               lectures.c.optional.label("lecture_optional"),
               lectures.c.skipped.label("lecture_skipped"),
               lectures.c.video_minutes.label("lecture_video_minutes"),
               lectures.c.url.label("lecture_url"),
               talks.c.title.label("talk_title"), talks.c.url.label("talk_url"),
               talks.c.times_postponed.label("talk_postponed"),
               talks.c.postponed_from_id.label("talk_postponed_from_id"),
               members.c.name.label("presenter"))
        .outerjoin(lectures, agenda_entries.c.lecture_id == lectures.c.id)
        .outerjoin(talks, agenda_entries.c.talk_id == talks.c.id)
        .outerjoin(members, talks.c.presenter_id == members.c.id)
        .where(agenda_entries.c.session_id == target.id)
        .order_by(agenda_entries.c.position)
    ))


def _not_fitting(db: Reader, course: CourseRow, target: SessionRow,
                 numbers: dict[int, int]) -> list[dict[str, Any]]:
    """Queued talks that neither this session nor an earlier planned one could take."""
    placed = set(db.execute(
        select(agenda_entries.c.talk_id)
        .join(sessions, agenda_entries.c.session_id == sessions.c.id)
        .where(sessions.c.course_id == course.id, sessions.c.status == SessionStatus.PLANNED,
               sessions.c.starts_at <= target.starts_at, agenda_entries.c.talk_id.is_not(None))
    ).scalars())
    queued = db.execute(
        select(talks, members.c.name.label("presenter"))
        .join(members, talks.c.presenter_id == members.c.id)
        .where(talks.c.course_id == course.id, talks.c.status == TalkStatus.QUEUED)
    ).all()
    return [talk_dict(t, t.presenter, numbers) for t in sorted(queued, key=fcfs)
            if t.id not in placed]


def agenda_view(db: Reader, course: CourseRow, target: SessionRow,
                display_tz: str | None = None) -> dict[str, Any]:
    """The agenda as plain data: the single source for the table, --json and the exports."""
    tz = display_tz or course.timezone
    numbers = session_numbers(db, course)
    entries = entry_rows(db, target)
    history = lecture_history(db, course)
    clock = weekly.local(target.starts_at, tz)
    end = clock + timedelta(minutes=target.minutes)
    out: list[dict[str, Any]] = []
    for entry in entries:
        kind = EntryKind(entry.kind)
        lecture = entry.lecture_id is not None
        talk = entry.talk_id is not None
        if kind is EntryKind.LECTURE and lecture:
            title = entry.lecture_title
        elif kind is EntryKind.TALK and talk:
            title = entry.talk_title
        else:
            title = entry.title or ENTRY_TITLES.get(kind, kind.value)
        finish = clock + timedelta(minutes=entry.minutes)
        video = part_minutes(entry.lecture_video_minutes, entry.part,
                             course.pace_minutes) if lecture else None
        out.append({
            "position": entry.position,
            "kind": kind.value,
            "start": clock.strftime("%H:%M"),
            "minutes": entry.minutes,
            "title": title,
            "lecture": entry.lecture_label if lecture else None,
            "part": f"{entry.part}/{entry.parts}" if entry.part is not None else None,
            "optional": bool(entry.lecture_optional) if lecture else False,
            "video_minutes": video,
            "url": entry.lecture_url if lecture else entry.talk_url if talk else None,
            "presenter": entry.presenter if talk else None,
            "talk_id": entry.talk_id if talk else None,
            "postponed": entry.talk_postponed if talk else 0,
            "postponed_from": numbers.get(entry.talk_postponed_from_id)
            if talk and entry.talk_postponed_from_id else None,
            "carried": lecture and (entry.lecture_id, entry.part) in history.carried
            and target.status is SessionStatus.PLANNED,
            "pinned": entry.pinned,
            "done": entry.done,
            "overflow": finish > end,
        })
        clock = finish
    total = sum(e["minutes"] for e in out)
    on_agenda = {e.lecture_id for e in entries if e.lecture_id is not None}
    optional = [
        lec for lec in lectures_of(db, course)
        if lec.optional and not lec.skipped and lec.id not in on_agenda
        and (lec.id, None) not in history.done
    ]
    not_fitting = (_not_fitting(db, course, target, numbers)
                   if target.status is SessionStatus.PLANNED else [])
    return {
        "session": session_dict(course, target),
        "display_timezone": tz,
        "entries": out,
        "total_minutes": total,
        "over_by_minutes": max(0, total - target.minutes),
        "optional_lectures": [lecture_dict(lec) for lec in optional],
        "action_items": open_items_for(db, course, target),
        "not_fitting": not_fitting,
    }


# -- polls ---------------------------------------------------------------------------------------


def _poll_options(db: Reader, poll_ids: list[int]) -> dict[int, list[Row[Any]]]:
    """Each poll's options in order, with the size of each option's syllabus."""
    syllabus = (select(func.count()).where(poll_option_lectures.c.option_id == poll_options.c.id)
                .scalar_subquery())
    out: dict[int, list[Row[Any]]] = {poll_id: [] for poll_id in poll_ids}
    for option in db.execute(
        select(poll_options, syllabus.label("lectures"))
        .where(poll_options.c.poll_id.in_(poll_ids))
        .order_by(poll_options.c.poll_id, poll_options.c.position)
    ):
        out[option.poll_id].append(option)
    return out


def list_polls(db: Reader, poll_id: int | None = None) -> list[dict[str, Any]]:
    """`poll list` (or one poll for `poll show`): options and ballot counts, in three
    statements however many polls there are."""
    query = select(polls).order_by(polls.c.id)
    if poll_id is not None:
        query = query.where(polls.c.id == poll_id)
    found = db.execute(query).all()
    if poll_id is not None and not found:
        raise NotFound(f"no poll {poll_id}; see 'studygroup poll list'")
    ids = [p.id for p in found]
    options = _poll_options(db, ids)
    ballots: dict[int, int] = dict(db.execute(
        select(poll_ballots.c.poll_id, func.count()).where(poll_ballots.c.poll_id.in_(ids))
        .group_by(poll_ballots.c.poll_id)).all())
    return [poll_dict(p, options[p.id], ballots.get(p.id, 0)) for p in found]


def ballots_of(db: Reader, poll_id: int) -> list[list[int]]:
    """Every ballot of a poll as its option ids, best first."""
    out: dict[int, list[int]] = {}
    for ballot_id, option_id in db.execute(
        select(poll_rankings.c.ballot_id, poll_rankings.c.option_id)
        .join(poll_ballots, poll_rankings.c.ballot_id == poll_ballots.c.id)
        .where(poll_ballots.c.poll_id == poll_id)
        .order_by(poll_rankings.c.ballot_id, poll_rankings.c.rank)
    ):
        out.setdefault(ballot_id, []).append(option_id)
    return list(out.values())


def poll_result(db: Reader, poll_id: int, min_members: int) -> dict[str, Any]:
    """`poll result`: the instant-runoff rounds and winner, first preferences, and the options
    with enough first preferences for a parallel sub-group."""
    from studygroup.rules.runoff import instant_runoff

    poll = db.execute(select(polls).where(polls.c.id == poll_id)).first()
    if poll is None:
        raise NotFound(f"no poll {poll_id}; see 'studygroup poll list'")
    options = _poll_options(db, [poll.id])[poll.id]
    titles = {o.id: o.title for o in options}
    ballots = ballots_of(db, poll.id)
    runoff = instant_runoff([o.id for o in options], ballots)
    return {
        "poll": poll.id,
        "title": poll.title,
        "status": poll.status.value,
        "ballots": len(ballots),
        "winner": titles[runoff.winner] if runoff.winner else None,
        "rounds": [
            {"round": r["round"],
             "counts": {titles[o]: n for o, n in r["counts"].items()},
             "exhausted": r["exhausted"],
             "eliminated": titles[r["eliminated"]] if r["eliminated"] else None,
             "winner": titles[r["winner"]] if r["winner"] else None}
            for r in runoff.rounds
        ],
        "first_preferences": {titles[o.id]: runoff.first[o.id] for o in options},
        "min_members": min_members,
        "parallel_groups": [
            {"option": o.title, "first_preferences": runoff.first[o.id],
             "ranked_by": runoff.mentions[o.id], "winner": o.id == runoff.winner}
            for o in options if runoff.first[o.id] >= min_members
        ],
    }
