"""Models to plain dicts: the JSON contracts. Tables and exports are rendered from these."""

from __future__ import annotations

from typing import Any

from studygroup import validate
from studygroup.models import Course, Lecture, Member


def course_dict(course: Course) -> dict[str, Any]:
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


def course_detail(course: Course) -> dict[str, Any]:
    return course_dict(course) | {
        "url": course.url,
        "discussion": course.discussion_minutes,
        "intro": course.intro_minutes,
        "wrapup": course.wrapup_minutes,
    }


def lecture_dict(lecture: Lecture) -> dict[str, Any]:
    return {
        "label": lecture.label,
        "title": lecture.title,
        "kind": lecture.kind.value,
        "minutes": lecture.video_minutes,
        "optional": lecture.optional,
        "skipped": lecture.skipped,
        "url": lecture.url,
    }


def member_dict(member: Member) -> dict[str, Any]:
    return {
        "name": member.name,
        "email": member.email,
        "handle": member.handle,
        "timezone": member.timezone,
        "active": member.active,
    }


def member_detail(member: Member) -> dict[str, Any]:
    return member_dict(member) | {
        "joined": member.joined_on.isoformat(),
        "archived_at": member.archived_at.isoformat() if member.archived_at else None,
    }
