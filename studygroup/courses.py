"""Courses and their lectures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studygroup import lookup
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.io.csvfile import MAX_ROWS, RowError, read_rows
from studygroup.models import Course, CourseStatus, Lecture, LectureKind, entity
from studygroup.rules import validate


@dataclass
class CourseFields:
    """Course settings; None means 'leave as it is' (edit) or 'use the default' (add)."""

    title: str | None = None
    url: str | None = None
    timezone: str | None = None
    weekday: int | None = None
    start_time: time | None = None
    session_minutes: int | None = None
    pace_minutes: int | None = None
    discussion_minutes: int | None = None
    intro_minutes: int | None = None
    wrapup_minutes: int | None = None
    status: CourseStatus | None = None

    def cleaned(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.title is not None:
            values["title"] = validate.text(self.title, "course title")
        if self.url is not None:
            values["url"] = validate.url(self.url)
        if self.timezone is not None:
            values["timezone"] = validate.timezone(self.timezone)
        if self.weekday is not None:
            values["weekday"] = self.weekday
        if self.start_time is not None:
            values["start_time"] = self.start_time
        for name, what, zero in (
            ("session_minutes", "session minutes", False),
            ("pace_minutes", "pace", False),
            ("discussion_minutes", "discussion minutes", True),
            ("intro_minutes", "intro minutes", True),
            ("wrapup_minutes", "wrap-up minutes", True),
        ):
            value = getattr(self, name)
            if value is not None:
                values[name] = validate.minutes(value, what, allow_zero=zero)
        if self.status is not None:
            values["status"] = self.status
        return values


def add_course(session: Session, slug: str, fields: CourseFields) -> Course:
    slug = validate.slug(slug)
    values = fields.cleaned()
    for required in ("title", "timezone", "weekday", "start_time"):
        if required not in values:
            raise Invalid(f"a course needs a {required.replace('_', ' ')}")
    if session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise Conflict(f"a course with slug {slug!r} already exists")
    course = Course(slug=slug, **values)
    session.add(course)
    session.flush()
    return course


def get_course(session: Session, slug: str) -> Course:
    """The course to change (the rule is lookup.get_course)."""
    return entity(session, Course, lookup.get_course(session, slug))


def pick_course(session: Session, slug: str | None) -> Course:
    """The course to change (the rule is lookup.pick_course)."""
    return entity(session, Course, lookup.pick_course(session, slug))


def edit_course(session: Session, slug: str, fields: CourseFields) -> Course:
    course = get_course(session, slug)
    for name, value in fields.cleaned().items():
        setattr(course, name, value)
    session.flush()
    _replan(session, course)
    return course


def _replan(session: Session, course: Course) -> None:
    """Lectures and settings shape every planned agenda: re-plan them."""
    from studygroup.agenda import replan_course

    replan_course(session, course)


# -- lectures ---------------------------------------------------------------------------------


@dataclass
class LectureFields:
    title: str | None = None
    kind: LectureKind | None = None
    video_minutes: int | None = None
    clear_minutes: bool = False
    optional: bool | None = None
    url: str | None = None  # "" clears it

    def cleaned(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.title is not None:
            values["title"] = validate.text(self.title, "lecture title")
        if self.kind is not None:
            values["kind"] = self.kind
        if self.clear_minutes:
            values["video_minutes"] = None
        elif self.video_minutes is not None:
            values["video_minutes"] = validate.minutes(self.video_minutes, "video minutes")
        if self.optional is not None:
            values["optional"] = self.optional
        if self.url is not None:
            values["url"] = validate.url(self.url)
        return values


def list_lectures(session: Session, course: Course) -> list[Lecture]:
    return list(
        session.scalars(
            select(Lecture).where(Lecture.course_id == course.id).order_by(Lecture.position)
        )
    )


def get_lecture(session: Session, course: Course, label: str) -> Lecture:
    lecture = session.scalar(
        select(Lecture).where(Lecture.course_id == course.id, Lecture.label == label.strip())
    )
    if lecture is None:
        raise NotFound(f"course {course.slug!r} has no lecture {label!r}")
    return lecture


def _next_position(session: Session, course: Course) -> int:
    current = session.scalar(
        select(func.max(Lecture.position)).where(Lecture.course_id == course.id)
    )
    return (current or 0) + 1


def add_lecture(session: Session, course: Course, label: str, fields: LectureFields) -> Lecture:
    label = validate.label(label)
    values = fields.cleaned()
    if "title" not in values:
        raise Invalid("a lecture needs a title")
    exists = session.scalar(
        select(Lecture.id).where(Lecture.course_id == course.id, Lecture.label == label)
    )
    if exists is not None:
        raise Conflict(f"course {course.slug!r} already has a lecture {label!r}")
    lecture = Lecture(course_id=course.id, label=label, position=_next_position(session, course))
    for name, value in values.items():
        setattr(lecture, name, value)
    session.add(lecture)
    session.flush()
    _replan(session, course)
    return lecture


def edit_lecture(session: Session, course: Course, label: str, fields: LectureFields) -> Lecture:
    lecture = get_lecture(session, course, label)
    for name, value in fields.cleaned().items():
        setattr(lecture, name, value)
    session.flush()
    _replan(session, course)
    return lecture


def set_skipped(session: Session, course: Course, label: str, skipped: bool) -> Lecture:
    lecture = get_lecture(session, course, label)
    lecture.skipped = skipped
    session.flush()
    _replan(session, course)
    return lecture


LECTURE_COLUMNS = ("label", "title", "kind", "minutes", "optional", "url")


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def parse_syllabus(path: Path, max_rows: int = MAX_ROWS) -> list[tuple[str, LectureFields]]:
    """A syllabus CSV (label,title,kind,minutes,optional,url), every row validated."""
    _, rows = read_rows(path, required=("label", "title"), optional=LECTURE_COLUMNS,
                        max_rows=max_rows)
    parsed: list[tuple[str, LectureFields]] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            label = validate.label(row.get("label"))
            kind_text = row.get("kind").strip().lower() or "lecture"
            try:
                kind = LectureKind(kind_text)
            except ValueError:
                raise Invalid(
                    f"invalid kind {kind_text!r}: use lecture, lab or guest"
                ) from None
            minutes_text = row.get("minutes").strip()
            minutes: int | None = None
            if minutes_text:
                minutes = validate.minutes(
                    validate.integer(minutes_text, "minutes"), "video minutes")
            fields = LectureFields(
                title=validate.text(row.get("title"), "lecture title"),
                kind=kind,
                video_minutes=minutes,
                clear_minutes=minutes is None,
                optional=validate.boolean(row.get("optional"), "optional"),
                url=validate.url(row.get("url")) or "",
            )
        except Invalid as exc:
            raise RowError(str(path), row.line, str(exc)) from None
        if label in seen:
            raise RowError(
                str(path), row.line, f"lecture {label!r} appears twice (also line {seen[label]})"
            )
        seen[label] = row.line
        parsed.append((label, fields))
    return parsed


def import_lectures(session: Session, course: Course, path: Path,
                    max_rows: int = MAX_ROWS) -> ImportSummary:
    """Add or update lectures from a CSV syllabus; all rows or none.

    New labels are appended in file order; a label already in the course is updated in place.
    """
    return apply_syllabus(session, course, parse_syllabus(path, max_rows))


def apply_syllabus(
    session: Session, course: Course, parsed: list[tuple[str, LectureFields]]
) -> ImportSummary:
    existing = {lec.label: lec for lec in list_lectures(session, course)}
    summary = ImportSummary()
    position = _next_position(session, course)
    for label, fields in parsed:
        values = fields.cleaned()
        lecture = existing.get(label)
        if lecture is None:
            lecture = Lecture(course_id=course.id, label=label, position=position)
            position += 1
            session.add(lecture)
            summary.added.append(label)
        else:
            summary.updated.append(label)
        for name, value in values.items():
            setattr(lecture, name, value)
    session.flush()
    _replan(session, course)
    return summary
