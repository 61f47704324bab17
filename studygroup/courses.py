"""Courses and their lectures: which course a command means, the settings, the syllabus."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from studygroup import clock, groups
from studygroup import sessions as sessions_noun
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.io.csvfile import MAX_ROWS, RowError, read_rows
from studygroup.rules import validate, weekly
from studygroup.store.db import count, note_course
from studygroup.store.enums import CourseStatus, LectureKind, SessionStatus
from studygroup.store.rows import CourseRow, LectureRow, SessionRow, Values
from studygroup.store.schema import (
    action_items,
    agenda_entries,
    courses,
    lectures,
    polls,
    sessions,
    talks,
)

COURSE_ENV_VAR = "STUDYGROUP_COURSE"


@dataclass
class CourseFields:
    """Course settings; None means 'leave as it is' (edit) or 'use the default' (add)."""

    title: str | None = None
    url: str | None = None
    call_url: str | None = None  # "" clears it
    call_note: str | None = None  # "" clears it
    timezone: str | None = None
    weekday: int | None = None
    start_time: time | None = None
    session_minutes: int | None = None
    pace_minutes: int | None = None
    discussion_minutes: int | None = None
    intro_minutes: int | None = None
    wrapup_minutes: int | None = None
    max_talks: int | None = None  # 0: no cap
    status: CourseStatus | None = None

    def cleaned(self) -> Values:
        values: Values = {}
        if self.title is not None:
            values["title"] = validate.text(self.title, "course title")
        if self.url is not None:
            values["url"] = validate.url(self.url)
        if self.call_url is not None:
            values["call_url"] = validate.call_url(self.call_url)
        if self.call_note is not None:
            values["call_note"] = validate.call_note(self.call_note)
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
        if self.max_talks is not None:
            if self.max_talks < 0:
                raise Invalid("--max-talks must be a positive number, or 0 for no cap")
            values["max_talks"] = self.max_talks or None
        if self.status is not None:
            values["status"] = self.status
        return values


# -- which course ----------------------------------------------------------------------------


def get(db: Connection, slug: str) -> CourseRow:
    """A course of this command's group by its slug (`groups.current`)."""
    slug = slug.strip()
    group = groups.current(db, course_slug=slug)
    course = db.execute(
        select(courses).where(courses.c.group_id == group.id, courses.c.slug == slug)
    ).first()
    if course is None:
        known = db.execute(
            select(courses.c.slug)
            .where(courses.c.group_id == group.id)
            .order_by(courses.c.slug)
            .limit(10)
        ).scalars()
        names = list(known)
        hint = f"; courses: {', '.join(names)}" if names else "; add one with 'course add'"
        raise NotFound(f"no course {slug!r}{hint}")
    note_course(db, course.slug)
    return course


def pick(db: Connection, slug: str | None) -> CourseRow:
    """--course SLUG, else STUDYGROUP_COURSE (passed in as slug by the CLI), else the one
    active course. An upcoming course counts as active once its first session has started
    (it becomes active by itself); until then commands without --course ignore it."""
    if slug:
        return get(db, slug)
    group = groups.current(db)
    started = (
        select(sessions.c.id)
        .where(sessions.c.course_id == courses.c.id, sessions.c.starts_at <= clock.now())
        .exists()
    )
    active = db.execute(
        select(courses)
        .where(
            courses.c.group_id == group.id,
            (courses.c.status == CourseStatus.ACTIVE)
            | ((courses.c.status == CourseStatus.UPCOMING) & started),
        )
        .order_by(courses.c.slug)
        .limit(6)
    ).all()
    if len(active) == 1:
        note_course(db, active[0].slug)
        return active[0]
    if not active:
        raise NotFound("no active course; add one with 'studygroup course add'")
    names = ", ".join(c.slug for c in active[:5])
    raise Invalid(
        f"several courses are active ({names}): choose one with --course SLUG or {COURSE_ENV_VAR}"
    )


def with_session(
    db: Connection, course_slug: str | None, ref: str | None
) -> tuple[CourseRow, SessionRow]:
    """The course (--course, $STUDYGROUP_COURSE or the one active course) and its session REF."""
    course = pick(db, course_slug)
    return course, sessions_noun.find(db, course, ref)


def listed(db: Connection, include_archived: bool = False) -> list[CourseRow]:
    group = groups.current(db)
    query = select(courses).where(courses.c.group_id == group.id).order_by(courses.c.slug)
    if not include_archived:
        query = query.where(courses.c.status != CourseStatus.ARCHIVED)
    return list(db.execute(query))


# -- changing a course --------------------------------------------------------------------------


def start(db: Connection, slug: str) -> CourseRow:
    """`course start`: an upcoming course becomes the active one."""
    course = get(db, slug)
    if course.status is not CourseStatus.UPCOMING:
        raise Conflict(f"course {course.slug} is {course.status.value}, not upcoming")
    db.execute(update(courses).where(courses.c.id == course.id).values(status=CourseStatus.ACTIVE))
    return get(db, slug)


def add(db: Connection, slug: str, fields: CourseFields) -> CourseRow:
    slug = validate.slug(slug)
    values = fields.cleaned()
    for required in ("title", "timezone", "weekday", "start_time"):
        if required not in values:
            raise Invalid(f"a course needs a {required.replace('_', ' ')}")
    group = groups.current(db)
    if (
        db.scalar(
            select(courses.c.id).where(courses.c.group_id == group.id, courses.c.slug == slug)
        )
        is not None
    ):
        raise Conflict(f"a course with slug {slug!r} already exists")
    db.execute(insert(courses).values(group_id=group.id, slug=slug, **values))
    return get(db, slug)


class ScheduleChange(NamedTuple):
    """What a change of weekday, time or length did to the sessions already planned."""

    planned: int  # planned sessions still to come
    moved: int  # of them, moved to the new schedule (--reschedule)
    kept: int  # of them, left as they were
    schedule: str  # the new schedule, as members read it: 'Sun 15:00 Europe/London, 90 min'


def edit(
    db: Connection,
    slug: str,
    fields: CourseFields,
    *,
    now: datetime | None = None,
    reschedule: bool = False,
) -> tuple[CourseRow, ScheduleChange | None]:
    """Change a course's settings. A change of weekday, time, timezone or length says what
    it did to the sessions already planned: with `reschedule`, each one still to come moves
    to the new day and time in its own week, and takes the new length; without, they keep
    theirs."""
    course = get(db, slug)
    values = fields.cleaned()
    if values:
        db.execute(update(courses).where(courses.c.id == course.id).values(values))
    changed = {k for k, v in values.items() if getattr(course, k) != v}
    if "title" in changed:  # every event's title
        sessions_noun.revise(db, sessions.c.course_id == course.id)
    elif changed & {"call_url", "call_note"}:  # the sessions still to come that use it
        sessions_noun.revise(
            db,
            sessions.c.course_id == course.id,
            sessions.c.status == SessionStatus.PLANNED,
            sessions.c.call_url.is_(None),
        )
    after = get(db, slug)
    change = None
    if reschedule or changed & {"weekday", "start_time", "timezone", "session_minutes"}:
        change = _reschedule(db, after, now or clock.now(), reschedule)
    return after, change


def _reschedule(db: Connection, course: CourseRow, now: datetime, apply: bool) -> ScheduleChange:
    ahead = [
        s
        for s in sessions_noun.planned(db, course)
        if s.starts_at > now  # a week that has started is what it was
    ]
    moved: list[int] = []
    if apply and ahead:
        for session in ahead:
            day = weekly.same_week(
                weekly.local(session.starts_at, course.timezone).date(), course.weekday
            )
            moment = weekly.instant(day, course.start_time, course.timezone)
            if moment <= now:
                continue  # the new day of this week has passed: it stays where it was
            if moment == session.starts_at and session.minutes == course.session_minutes:
                continue
            db.execute(
                update(sessions)
                .where(sessions.c.id == session.id)
                .values(starts_at=moment, minutes=course.session_minutes)
            )
            moved.append(session.id)
        if moved:  # calendars and reminded members see the new time
            sessions_noun.revise(db, sessions.c.id.in_(moved))
            sessions_noun.renumber(db, course)
    schedule = (
        f"{calendar.day_abbr[course.weekday]} {course.start_time:%H:%M} {course.timezone}, "
        f"{course.session_minutes} min"
    )
    return ScheduleChange(len(ahead), len(moved), len(ahead) - len(moved), schedule)


def describe_counts(counts: dict[tuple[str, str], int]) -> str:
    """'1 talk, 3 action items': keys are (singular, plural)."""
    return ", ".join(f"{n} {one if n == 1 else many}" for (one, many), n in counts.items() if n)


def delete_course(db: Connection, course: CourseRow) -> None:
    """A hard delete, with its lectures: refused once the course has any history."""
    history = {
        ("session", "sessions"): count(db, sessions, sessions.c.course_id == course.id),
        ("talk", "talks"): count(db, talks, talks.c.course_id == course.id),
        ("action item", "action items"): count(
            db, action_items, action_items.c.course_id == course.id
        ),
        ("poll", "polls"): count(
            db, polls, (polls.c.course_id == course.id) | (polls.c.created_course_id == course.id)
        ),
    }
    if any(history.values()):
        raise Conflict(
            f"course {course.slug} has history ({describe_counts(history)}); "
            "archive it instead with 'studygroup course edit "
            f"{course.slug} --status archived'"
        )
    db.execute(delete(lectures).where(lectures.c.course_id == course.id))
    db.execute(delete(courses).where(courses.c.id == course.id))


# -- lectures -----------------------------------------------------------------------------------


@dataclass
class LectureFields:
    title: str | None = None
    kind: LectureKind | None = None
    video_minutes: int | None = None
    clear_minutes: bool = False
    optional: bool | None = None
    url: str | None = None  # "" clears it

    def cleaned(self) -> Values:
        values: Values = {}
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


def lectures_of(db: Connection, course: CourseRow) -> list[LectureRow]:
    """The course's lectures in course order."""
    return list(
        db.execute(
            select(lectures).where(lectures.c.course_id == course.id).order_by(lectures.c.position)
        )
    )


def get_lecture(db: Connection, course: CourseRow, label: str) -> LectureRow:
    lecture = db.execute(
        select(lectures).where(lectures.c.course_id == course.id, lectures.c.label == label.strip())
    ).first()
    if lecture is None:
        raise NotFound(f"course {course.slug!r} has no lecture {label!r}")
    return lecture


def _next_position(db: Connection, course: CourseRow) -> int:
    current = db.scalar(
        select(func.max(lectures.c.position)).where(lectures.c.course_id == course.id)
    )
    return (current or 0) + 1


def add_lecture(db: Connection, course: CourseRow, label: str, fields: LectureFields) -> LectureRow:
    label = validate.label(label)
    values = fields.cleaned()
    if "title" not in values:
        raise Invalid("a lecture needs a title")
    exists = db.scalar(
        select(lectures.c.id).where(lectures.c.course_id == course.id, lectures.c.label == label)
    )
    if exists is not None:
        raise Conflict(f"course {course.slug!r} already has a lecture {label!r}")
    db.execute(
        insert(lectures).values(
            course_id=course.id, label=label, position=_next_position(db, course), **values
        )
    )
    return get_lecture(db, course, label)


def edit_lecture(
    db: Connection, course: CourseRow, label: str, fields: LectureFields
) -> LectureRow:
    lecture = get_lecture(db, course, label)
    values = fields.cleaned()
    if values:
        db.execute(update(lectures).where(lectures.c.id == lecture.id).values(values))
    return get_lecture(db, course, label)


def set_skipped(db: Connection, course: CourseRow, label: str, skipped: bool) -> LectureRow:
    lecture = get_lecture(db, course, label)
    db.execute(update(lectures).where(lectures.c.id == lecture.id).values(skipped=skipped))
    return get_lecture(db, course, label)


def delete_lecture(db: Connection, course: CourseRow, label: str) -> None:
    """A hard delete: refused once the lecture was on a held or cancelled session's agenda."""
    lecture = get_lecture(db, course, label)
    held = count(
        db,
        agenda_entries,
        agenda_entries.c.lecture_id == lecture.id,
        agenda_entries.c.session_id.in_(
            select(sessions.c.id).where(sessions.c.status != SessionStatus.PLANNED)
        ),
    )
    if held:
        raise Conflict(
            f"lecture {lecture.label} is part of {held} past agenda entr"
            f"{'y' if held == 1 else 'ies'}; skip it instead with "
            "'studygroup lecture skip'"
        )
    db.execute(delete(agenda_entries).where(agenda_entries.c.lecture_id == lecture.id))
    db.execute(delete(lectures).where(lectures.c.id == lecture.id))


LECTURE_COLUMNS = ("label", "title", "kind", "minutes", "optional", "url")


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def parse_syllabus(
    path: Path,
    max_rows: int = MAX_ROWS,
    encoding: str | None = None,
    *,
    existing: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[str, LectureFields]]:
    """A syllabus CSV (label plus any of title,kind,minutes,optional,url), every row validated.

    Only the columns the file has are set: an absent column leaves an existing lecture's value
    alone, a present but empty one clears it (kind and optional go back to lecture and no).
    A label not in `existing` is a new lecture, and needs a title."""
    sheet = read_rows(
        path, required=("label",), optional=LECTURE_COLUMNS, max_rows=max_rows, encoding=encoding
    )
    parsed: list[tuple[str, LectureFields]] = []
    seen: dict[str, int] = {}
    for row in sheet.rows:
        try:
            label = validate.label(row.get("label"))
            fields = LectureFields()
            if sheet.has("title"):
                fields.title = validate.text(row.get("title"), "lecture title")
            if sheet.has("kind"):
                kind_text = row.get("kind").strip().lower() or "lecture"
                try:
                    fields.kind = LectureKind(kind_text)
                except ValueError:
                    raise Invalid(
                        f"invalid kind {kind_text!r}: use lecture, lab or guest"
                    ) from None
            if sheet.has("minutes"):
                minutes_text = row.get("minutes").strip()
                if minutes_text:
                    fields.video_minutes = validate.minutes(
                        validate.integer(minutes_text, "minutes"), "video minutes"
                    )
                else:
                    fields.clear_minutes = True
            if sheet.has("optional"):
                fields.optional = validate.boolean(row.get("optional"), "optional")
            if sheet.has("url"):
                fields.url = validate.url(row.get("url")) or ""
            if fields.title is None and label not in existing:
                raise Invalid(f"lecture {label!r} is new: it needs a title (add a title column)")
        except Invalid as exc:
            raise RowError(str(path), row.line, str(exc)) from None
        if label in seen:
            raise RowError(
                str(path), row.line, f"lecture {label!r} appears twice (also line {seen[label]})"
            )
        seen[label] = row.line
        parsed.append((label, fields))
    return parsed


def import_lectures(
    db: Connection,
    course: CourseRow,
    path: Path,
    max_rows: int = MAX_ROWS,
    encoding: str | None = None,
) -> ImportSummary:
    """Add or update lectures from a CSV syllabus; all rows or none.

    New labels are appended in file order; a label already in the course is updated in place,
    in the columns the file has.
    """
    existing = {lec.label for lec in lectures_of(db, course)}
    return apply_syllabus(db, course, parse_syllabus(path, max_rows, encoding, existing=existing))


def apply_syllabus(
    db: Connection, course: CourseRow, parsed: list[tuple[str, LectureFields]]
) -> ImportSummary:
    """Set-based: one insert for the new lectures, one update per set of columns changed, and
    one for the positions: the course's order becomes the file's (`rules/order.merged`). A
    lecture counts as updated only when a value of it changed."""
    from studygroup.rules import order as syllabus_order

    current = lectures_of(db, course)
    existing = {lec.label: lec for lec in current}
    positions = {
        label: n
        for n, label in enumerate(
            syllabus_order.merged([lec.label for lec in current], [label for label, _ in parsed]),
            start=1,
        )
    }
    summary = ImportSummary()
    new: list[Values] = []
    runs: dict[tuple[str, ...], list[Values]] = {}
    for label, fields in parsed:
        values = fields.cleaned()
        lecture = existing.get(label)
        if lecture is None:
            new.append(
                {
                    "course_id": course.id,
                    "label": label,
                    "position": positions[label],
                    "kind": LectureKind.LECTURE,
                    "optional": False,
                    "skipped": False,
                    "video_minutes": None,
                    "url": None,
                }
                | values
            )
            summary.added.append(label)
            continue
        changes = {c: v for c, v in values.items() if getattr(lecture, c) != v}
        if changes:
            columns = tuple(sorted(changes))
            runs.setdefault(columns, []).append(
                {"b_id": lecture.id, **{f"b_{c}": changes[c] for c in columns}}
            )
            summary.updated.append(label)
    for columns, batch in runs.items():
        db.execute(
            update(lectures)
            .where(lectures.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in columns}),
            batch,
        )
    _reorder(db, current, positions)
    if new:
        db.execute(insert(lectures), new)
    return summary


def move_lecture(
    db: Connection, course: CourseRow, label: str, anchor: str, *, after: bool
) -> list[str]:
    """`lecture move`: put LABEL right before (or after) ANCHOR; the course's new order."""
    from studygroup.rules import order as syllabus_order

    lecture, target = get_lecture(db, course, label), get_lecture(db, course, anchor)
    current = lectures_of(db, course)
    labels = syllabus_order.moved(
        [lec.label for lec in current], lecture.label, target.label, after=after
    )
    _reorder(db, current, {label: n for n, label in enumerate(labels, start=1)})
    return labels


def _reorder(db: Connection, current: Sequence[LectureRow], positions: dict[str, int]) -> bool:
    """Give the course's lectures their new positions (one statement); whether any moved."""
    reordered = [
        {"b_id": lec.id, "b_position": positions[lec.label]}
        for lec in current
        if lec.position != positions[lec.label]
    ]
    if reordered:
        db.execute(
            update(lectures)
            .where(lectures.c.id == bindparam("b_id"))
            .values(position=bindparam("b_position")),
            reordered,
        )
    return bool(reordered)


def mark_covered(
    db: Connection, course: CourseRow, labels: list[str], *, undo: bool = False
) -> list[str]:
    """`lecture covered`: these lectures were covered before the group used studygroup (or,
    with `undo`, were not after all). Progress, the forecast and the planner count them done.
    The labels whose mark changed."""
    found = [get_lecture(db, course, label) for label in labels]
    changed = [lec for lec in found if bool(lec.covered_before) == undo]
    if changed:
        db.execute(
            update(lectures)
            .where(lectures.c.id.in_([lec.id for lec in changed]))
            .values(covered_before=not undo)
        )
    return [lec.label for lec in changed]


def start_at(db: Connection, course: CourseRow, label: str, *, undo: bool = False) -> list[str]:
    """`course start-at`: a group joining the course at LABEL covered every lecture before it
    before studygroup (`undo`: it did not). The labels whose mark changed."""
    every = lectures_of(db, course)
    first = get_lecture(db, course, label)
    before = [lec.label for lec in every if lec.position < first.position]
    if not before:
        raise Invalid(f"{label!r} is the first lecture of {course.slug}: nothing comes before it")
    return mark_covered(db, course, before, undo=undo)
