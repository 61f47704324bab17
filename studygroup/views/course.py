"""`course show` as a typed document: the settings, the lectures in order, the progress."""

from __future__ import annotations

from sqlalchemy import Connection

from studygroup.courses import get, lectures_of
from studygroup.render.contracts import course_detail, lecture_dict
from studygroup.render.documents import CourseShow
from studygroup.views.progress import course_progress


def show(db: Connection, slug: str, with_optional: bool) -> CourseShow:
    """`course show`: the settings, the lectures in order and the progress forecast."""
    found = get(db, slug)
    course_lectures = lectures_of(db, found)
    progress = course_progress(db, found, course_lectures, with_optional)
    return CourseShow(
        **course_detail(found),
        lectures=[lecture_dict(lec) for lec in course_lectures],
        progress=progress,
        forecast_end=progress["forecast_end"],
    )
