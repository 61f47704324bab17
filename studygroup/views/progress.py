"""Course progress and a forecast of the final session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from studygroup import agenda, clock, sessions
from studygroup.render.documents import Counted, LectureCounts, Progress
from studygroup.rules import weekly
from studygroup.rules.pace import sessions_needed, split
from studygroup.store.enums import SessionStatus
from studygroup.store.rows import CourseRow, LectureRow

if TYPE_CHECKING:
    from sqlalchemy import Connection


def course_progress(
    db: Connection, course: CourseRow, lectures: Sequence[LectureRow], with_optional: bool
) -> Progress:
    """Covered and remaining lectures (`lectures`: the course's, in order) and a forecast."""
    history = agenda.lecture_history(db, course)
    # an optional lecture pinned on a planned agenda will be discussed: the forecast counts it
    pinned = {key for key in agenda.planned_lecture_units(db, course)}
    counts = LectureCounts(
        required=Counted(covered=0, remaining=0), optional=Counted(covered=0, remaining=0)
    )
    remaining_units: list[int] = []
    remaining_minutes = 0
    for lecture in lectures:
        if lecture.skipped:
            continue
        group = counts["optional"] if lecture.optional else counts["required"]
        units = split(lecture, course.pace_minutes)
        left = [u for u in units if u.key not in history.done]
        if left:
            group["remaining"] += 1
        else:
            group["covered"] += 1
        if lecture.optional and not with_optional:
            left = [u for u in left if u.key in pinned]
        remaining_units.extend(u.minutes for u in left)
        remaining_minutes += sum(u.minutes for u in left if lecture.video_minutes is not None)
    needed = sessions_needed(remaining_units, course.pace_minutes)
    forecast = _forecast_date(db, course, needed)
    return Progress(
        lectures=counts,
        remaining_video_minutes=remaining_minutes,
        sessions_needed=needed,
        forecast_end=forecast.isoformat() if forecast else None,
        with_optional=with_optional,
        skipped=[lec.label for lec in lectures if lec.skipped],
    )


def _forecast_date(db: Connection, course: CourseRow, needed: int) -> date | None:
    """The local date of the last of `needed` sessions: the planned sessions first (so weeks
    already cancelled are skipped), then weekly slots after the latest session."""
    if needed == 0:
        return None
    every = sessions.of_course(db, course)
    dates = [sessions.local_date(course, s) for s in every if s.status is SessionStatus.PLANNED][
        :needed
    ]
    if every:
        day = sessions.local_date(course, every[-1]) + timedelta(days=1)
    else:
        day = clock.today(course.timezone)
    day = weekly.next_weekday(day, course.weekday)
    while len(dates) < needed:
        dates.append(day)
        day += timedelta(weeks=1)
    return dates[-1]
