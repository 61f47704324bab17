"""The JSON contracts, as TypedDicts, and the functions that make them from rows. `--json`
prints these; tables, Markdown, ICS and reminders are rendered from them. Keys are stable:
adding one is fine, renaming or removing one breaks scripts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NotRequired, TypedDict

from studygroup.rules import validate, weekly
from studygroup.rules.names import greeting_name
from studygroup.store.rows import CourseRow, GroupSummary, LectureRow, MemberRow, SessionRow


class GroupJSON(TypedDict):
    slug: str
    name: str
    courses: int
    members: int  # active members
    status: str  # active or archived


class OrganiserJSON(TypedDict):
    role: str  # the PostgreSQL login role
    read_only: bool


class GroupDetailJSON(TypedDict):
    slug: str
    name: str
    status: str
    courses: list[str]  # their slugs
    members: int
    organisers: list[OrganiserJSON]


def group_dict(group: GroupSummary) -> GroupJSON:
    return {
        "slug": group.slug,
        "name": group.name,
        "courses": group.courses,
        "members": group.members,
        "status": "archived" if group.archived else "active",
    }


class CourseJSON(TypedDict):
    slug: str
    title: str
    timezone: str
    weekday: str
    time: str
    minutes: int
    pace: int
    status: str


class CourseDetailJSON(CourseJSON):
    url: str | None
    call_url: str | None
    call_note: str | None
    discussion: int
    intro: int
    wrapup: int
    max_talks: int | None  # talks per session at most; None: no cap


class LectureJSON(TypedDict):
    label: str
    title: str
    kind: str
    minutes: int | None
    optional: bool
    skipped: bool
    covered_before: bool  # covered before the group used studygroup
    url: str | None


class MemberJSON(TypedDict):
    name: str
    email: str | None
    handle: str | None
    timezone: str | None
    active: bool


class MemberDetailJSON(MemberJSON):
    joined: str
    archived_at: str | None
    greeting: str  # how reminders greet them
    rota: str | None  # the roles they take in turn: host, notes
    aliases: list[str]  # other names they go by on calls


class SessionJSON(TypedDict):
    course: str
    number: int
    status: str
    minutes: int
    timezone: str
    starts_at: str
    local_start: str
    notes: str | None
    call_url: str | None  # the session's own, else the course's
    call_note: str | None
    revision: int  # rises with every change a calendar must see (its SEQUENCE)


class TalkJSON(TypedDict):
    id: int
    title: str
    presenter: str
    minutes: int
    status: str
    session: int | None
    postponed: int
    postponed_from: int | None
    url: str | None
    requested: str
    on_hold: bool
    planned: NotRequired[int | None]  # talk list/show: the session whose agenda it is on


class ItemJSON(TypedDict):
    id: int
    text: str
    owner: str | None
    status: str
    carried: int
    due_session: int | None


class ItemDetailJSON(ItemJSON):
    due_date: str | None  # the due session's local date
    created_session: int | None
    created_at: str
    closed_at: str | None


class PollOptionJSON(TypedDict):
    number: int
    title: str
    url: str | None
    lectures: int
    won: bool


class PollJSON(TypedDict):
    id: int
    title: str
    status: str
    closes: str | None
    options: list[PollOptionJSON]
    ballots: int


def course_dict(course: CourseRow) -> CourseJSON:
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


def course_detail(course: CourseRow) -> CourseDetailJSON:
    return {
        **course_dict(course),
        "url": course.url,
        "call_url": course.call_url,
        "call_note": course.call_note,
        "discussion": course.discussion_minutes,
        "intro": course.intro_minutes,
        "wrapup": course.wrapup_minutes,
        "max_talks": course.max_talks,
    }


def lecture_dict(lecture: LectureRow) -> LectureJSON:
    return {
        "label": lecture.label,
        "title": lecture.title,
        "kind": lecture.kind.value,
        "minutes": lecture.video_minutes,
        "optional": lecture.optional,
        "skipped": lecture.skipped,
        "covered_before": lecture.covered_before,
        "url": lecture.url,
    }


def member_dict(member: MemberRow) -> MemberJSON:
    return {
        "name": member.name,
        "email": member.email,
        "handle": member.handle,
        "timezone": member.timezone,
        "active": member.active,
    }


def member_detail(member: MemberRow, aliases: Sequence[str] = ()) -> MemberDetailJSON:
    return {
        **member_dict(member),
        "joined": member.joined_on.isoformat(),
        "archived_at": member.archived_at.isoformat() if member.archived_at else None,
        "greeting": greeting_name(member.name, member.greeting),
        "rota": member.rota,
        "aliases": list(aliases),
    }


def session_dict(course: CourseRow, current: SessionRow) -> SessionJSON:
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
        "call_url": current.call_url or course.call_url,
        "call_note": current.call_note or (None if current.call_url else course.call_note),
        "revision": current.revision,
    }


def talk_dict(talk: Any, presenter: str, numbers: dict[int, int]) -> TalkJSON:
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
        "on_hold": bool(talk.on_hold),
    }


def poll_dict(poll: Any, options: list[Any], ballots: int) -> PollJSON:
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
