"""Rows to plain dicts: the JSON contracts. Tables and exports are rendered from these.

Each takes a Core row or an ORM instance alike (see the row shapes in schema.py).
"""

from __future__ import annotations

from typing import Any

from studygroup.rules import validate, weekly
from studygroup.store.rows import CourseRow, LectureRow, MemberRow, SessionRow


def course_dict(course: CourseRow) -> dict[str, Any]:
    return {
        "slug": course.slug,
        "title": course.title,
        "timezone": course.timezone,
        "weekday": validate.weekday_name(course.weekday),
        "time": course.start_time.strftime("%H:%M"),
        "minutes": course.session_minutes,
        "pace": course.pace_minutes,
        "status": course.status.value,
    }


def course_detail(course: CourseRow) -> dict[str, Any]:
    return course_dict(course) | {
        "url": course.url,
        "discussion": course.discussion_minutes,
        "intro": course.intro_minutes,
        "wrapup": course.wrapup_minutes,
    }


def lecture_dict(lecture: LectureRow) -> dict[str, Any]:
    return {
        "label": lecture.label,
        "title": lecture.title,
        "kind": lecture.kind.value,
        "minutes": lecture.video_minutes,
        "optional": lecture.optional,
        "skipped": lecture.skipped,
        "url": lecture.url,
    }


def member_dict(member: MemberRow) -> dict[str, Any]:
    return {
        "name": member.name,
        "email": member.email,
        "handle": member.handle,
        "timezone": member.timezone,
        "active": member.active,
    }


def member_detail(member: MemberRow) -> dict[str, Any]:
    return member_dict(member) | {
        "joined": member.joined_on.isoformat(),
        "archived_at": member.archived_at.isoformat() if member.archived_at else None,
    }


def session_dict(course: CourseRow, current: SessionRow) -> dict[str, Any]:
    local = weekly.local(current.starts_at, course.timezone)
    return {
        "course": course.slug,
        "number": current.number,
        "status": current.status.value,
        "minutes": current.minutes,
        "timezone": course.timezone,
        "starts_at": current.starts_at.isoformat(),
        "local_start": local.isoformat(),
        "notes": current.notes,
    }


def talk_dict(talk: Any, presenter: str, numbers: dict[int, int]) -> dict[str, Any]:
    """A talk (row or instance) with its presenter's name; `numbers` maps session ids to
    session numbers."""
    return {
        "id": talk.id,
        "title": talk.title,
        "presenter": presenter,
        "minutes": talk.minutes,
        "status": talk.status.value,
        "session": numbers.get(talk.session_id) if talk.session_id else None,
        "postponed": talk.times_postponed,
        "postponed_from": numbers.get(talk.postponed_from_id) if talk.postponed_from_id else None,
        "url": talk.url,
        "requested": talk.requested_on.isoformat(),
    }


def poll_dict(poll: Any, options: list[Any], ballots: int) -> dict[str, Any]:
    """A poll with its options (rows with a `lectures` count) and how many have voted."""
    return {
        "id": poll.id,
        "title": poll.title,
        "status": poll.status.value,
        "closes": poll.closes_on.isoformat() if poll.closes_on else None,
        "options": [
            {
                "number": o.position,
                "title": o.title,
                "url": o.url,
                "lectures": o.lectures,
                "won": o.won,
            }
            for o in options
        ],
        "ballots": ballots,
    }
