"""What a command refers to: a course (--course SLUG, or the one active course), a session
(REF: next, last, a number or a local date) and a member (name, email, @handle or a unique
prefix). Core only, so that the read commands never load the ORM.

Each function takes a Core connection or an ORM session (both execute Core statements) and
returns a row. Write code that needs the ORM instance wraps these (courses.pick_course,
members.find_member, planning.pick), so the rules live here once.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select

from studygroup import schedule
from studygroup.errors import Invalid, NotFound
from studygroup.rules import validate, weekly
from studygroup.store.schema import CourseRow, CourseStatus, courses, members, sessions

if TYPE_CHECKING:
    from studygroup.store.schema import Reader

COURSE_ENV_VAR = "STUDYGROUP_COURSE"
REF_HELP = "next, last, a session number, or a local date YYYY-MM-DD"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_ref(text: str) -> bool:
    """Whether a command-line word is a session reference (and not, say, a member's name)."""
    value = text.strip().lower()
    return value in ("next", "last") or validate.is_integer(value) \
        or bool(_DATE.fullmatch(value))


def name_key(name: str) -> str:
    """Member names are unique regardless of case: this is the stored key."""
    return name.casefold()


def get_course(db: Reader, slug: str) -> Row[Any]:
    course = db.execute(select(courses).where(courses.c.slug == slug.strip())).first()
    if course is None:
        known = db.execute(select(courses.c.slug).order_by(courses.c.slug).limit(10)).scalars()
        names = list(known)
        hint = f"; courses: {', '.join(names)}" if names else "; add one with 'course add'"
        raise NotFound(f"no course {slug!r}{hint}")
    return course


def pick_course(db: Reader, slug: str | None) -> Row[Any]:
    """--course SLUG, else STUDYGROUP_COURSE (passed in as slug by the CLI), else the one
    active course."""
    if slug:
        return get_course(db, slug)
    active = db.execute(
        select(courses).where(courses.c.status == CourseStatus.ACTIVE)
        .order_by(courses.c.slug).limit(6)
    ).all()
    if len(active) == 1:
        return active[0]
    if not active:
        raise NotFound("no active course; add one with 'studygroup course add'")
    names = ", ".join(c.slug for c in active[:5])
    raise Invalid(
        f"several courses are active ({names}): choose one with --course SLUG "
        f"or {COURSE_ENV_VAR}"
    )


def find_session(db: Reader, course: CourseRow, ref: str | None) -> Row[Any]:
    """Resolve REF: next (default), last, a number, or a local date."""
    text = (ref or "next").strip().lower()
    if text == "next":
        found = schedule.next_session(db, course)
        if found is None:
            raise NotFound(
                f"{course.slug} has no planned session; plan one with 'studygroup session plan'"
            )
        return found
    if text == "last":
        found = schedule.last_held(db, course)
        if found is None:
            raise NotFound(f"{course.slug} has no held session yet")
        return found
    if validate.is_integer(text):
        number = validate.integer(text, "session number", 1)
        found = db.execute(select(sessions).where(
            sessions.c.course_id == course.id, sessions.c.number == number)).first()
        if found is None:
            raise NotFound(f"{course.slug} has no session {number}")
        return found
    if _DATE.fullmatch(text):
        day = validate.local_date(text)
        # the local day, as an instant range, so that the index on starts_at is used
        start = weekly.instant(day, datetime.min.time(), course.timezone)
        end = weekly.instant(day + timedelta(days=1), datetime.min.time(), course.timezone)
        found = db.execute(
            select(sessions)
            .where(sessions.c.course_id == course.id, sessions.c.starts_at >= start,
                   sessions.c.starts_at < end)
            .order_by(sessions.c.starts_at)
            .limit(1)
        ).first()
        if found is None:
            raise NotFound(f"{course.slug} has no session on {day.isoformat()}")
        return found
    raise Invalid(f"invalid session {ref!r}: use {REF_HELP}")


def pick(db: Reader, course_slug: str | None, ref: str | None) -> tuple[Row[Any], Row[Any]]:
    """The course (--course, $STUDYGROUP_COURSE or the one active course) and its session REF."""
    course = pick_course(db, course_slug)
    return course, find_session(db, course, ref)


def find_member(db: Reader, ref: str, *, include_archived: bool = True) -> Row[Any]:
    """A member by exact name (any case), email, @handle, or a unique name prefix."""
    text = ref.strip()
    if not text:
        raise Invalid("empty member name")
    query = select(members)
    if not include_archived:
        query = query.where(members.c.active.is_(True))
    if text.startswith("@"):
        member = db.execute(query.where(members.c.handle == text[1:])).first()
        if member is None:
            raise NotFound(f"no member with handle {text!r}")
        return member
    if "@" in text:
        member = db.execute(query.where(members.c.email == text.lower())).first()
        if member is not None:
            return member
    key = name_key(text)
    member = db.execute(query.where(members.c.name_key == key)).first()
    if member is not None:
        return member
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    candidates = db.execute(
        query.where(members.c.name_key.like(escaped + "%", escape="\\"))
        .order_by(members.c.name_key)
        .limit(6)
    ).all()
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFound(f"no member {ref!r}; see 'studygroup member list'")
    names = ", ".join(m.name for m in candidates[:5])
    more = ", ..." if len(candidates) > 5 else ""
    raise Invalid(f"{ref!r} is ambiguous: it could be {names}{more}")
