"""Course progress and a forecast of the final session."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studygroup import schedule, timeutil, views
from studygroup.models import Course, Lecture, SessionStatus


def sessions_needed(minutes: list[int], pace: int) -> int:
    """How many sessions the planner needs for these units in order (same packing rule)."""
    count, used = 0, 0
    for unit in minutes:
        if count == 0 or used + unit > pace:
            count += 1
            used = 0
        used += unit
    return count


def course_progress(session: Session, course: Course, with_optional: bool) -> dict[str, Any]:
    lectures = list(session.scalars(
        select(Lecture).where(Lecture.course_id == course.id).order_by(Lecture.position)))
    history = views.lecture_history(session, course)
    counts = {"required": {"covered": 0, "remaining": 0},
              "optional": {"covered": 0, "remaining": 0}}
    remaining_units: list[int] = []
    remaining_minutes = 0
    for lecture in lectures:
        if lecture.skipped:
            continue
        group = "optional" if lecture.optional else "required"
        units = views.split(lecture, course.pace_minutes)
        left = [u for u in units if u.key not in history.done]
        counts[group]["remaining" if left else "covered"] += 1
        if lecture.optional and not with_optional:
            continue
        remaining_units.extend(u.minutes for u in left)
        remaining_minutes += sum(
            u.minutes for u in left if lecture.video_minutes is not None)
    needed = sessions_needed(remaining_units, course.pace_minutes)
    forecast = _forecast_date(session, course, needed)
    return {
        "lectures": counts,
        "remaining_video_minutes": remaining_minutes,
        "sessions_needed": needed,
        "forecast_end": forecast.isoformat() if forecast else None,
        "with_optional": with_optional,
        "skipped": [lec.label for lec in lectures if lec.skipped],
    }


def _forecast_date(session: Session, course: Course, needed: int) -> date | None:
    """The local date of the last of `needed` sessions: the planned sessions first (so weeks
    already cancelled are skipped), then weekly slots after the latest session."""
    if needed == 0:
        return None
    every = schedule.sessions_of(session, course)
    dates = [schedule.local_date(course, s) for s in every
             if s.status is SessionStatus.PLANNED][:needed]
    if every:
        day = schedule.local_date(course, every[-1]) + timedelta(days=1)
    else:
        day = timeutil.today(course.timezone)
    day = timeutil.next_weekday(day, course.weekday)
    while len(dates) < needed:
        dates.append(day)
        day += timedelta(weeks=1)
    return dates[-1]
