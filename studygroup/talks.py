"""Talks that members present: a queue (first come, first served), scheduling, postponing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, delete, insert, select, update

from studygroup import sessions
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.render.contracts import TalkJSON, talk_dict
from studygroup.rules import validate, weekly
from studygroup.rules.queue import talk_limit
from studygroup.store.db import new_id
from studygroup.store.enums import OPEN_TALK_STATUSES, SessionStatus, TalkStatus
from studygroup.store.rows import CourseRow, MemberRow, SessionRow, TalkRow, Values
from studygroup.store.schema import agenda_entries, members, talk_copresenters, talks
from studygroup.store.schema import sessions as sessions_table

# a talk with its presenter's name as `presenter`: what every list of talks shows
WITH_PRESENTER = select(talks, members.c.name.label("presenter")).join(
    members, talks.c.presenter_id == members.c.id
)


def get(db: Connection, course: CourseRow, talk_id: int) -> TalkRow:
    """A talk of the course, with its presenter's name as `presenter`."""
    talk = db.execute(
        WITH_PRESENTER.where(talks.c.id == talk_id, talks.c.course_id == course.id)
    ).first()
    if talk is None:
        raise NotFound(f"{course.slug} has no talk {talk_id}")
    return talk


def listed(
    db: Connection, course: CourseRow, queue_only: bool, include_all: bool
) -> list[TalkJSON]:
    """`talk list`: open talks (or only the queue, or all), first come first served."""
    query = WITH_PRESENTER.where(talks.c.course_id == course.id).order_by(
        talks.c.requested_on, talks.c.created_at, talks.c.id
    )
    if queue_only:
        query = query.where(talks.c.status == TalkStatus.QUEUED)
    elif not include_all:
        query = query.where(talks.c.status.in_(OPEN_TALK_STATUSES))
    numbers = sessions.numbers(db, course)
    found = db.execute(query).all()
    others = co_presenters(db, [t.id for t in found])
    planned = planned_at(db, [t.id for t in found], numbers)
    out = []
    for t in found:
        shown = talk_dict(t, presenters_text([t.presenter, *others.get(t.id, [])]), numbers)
        shown["planned"] = planned.get(t.id)
        out.append(shown)
    return out


def planned_at(db: Connection, talk_ids: list[int], numbers: dict[int, int]) -> dict[int, int]:
    """The planned session whose agenda each talk is on, by session number."""
    if not talk_ids:
        return {}
    return {
        talk_id: numbers[session_id]
        for talk_id, session_id in db.execute(
            select(agenda_entries.c.talk_id, agenda_entries.c.session_id)
            .join(sessions_table, sessions_table.c.id == agenda_entries.c.session_id)
            .where(
                agenda_entries.c.talk_id.in_(sorted(set(talk_ids))),
                sessions_table.c.status == SessionStatus.PLANNED,
            )
        )
        if session_id in numbers
    }


def add(
    db: Connection,
    course: CourseRow,
    presenter: MemberRow,
    title: str,
    minutes: int,
    url: str | None,
    target: SessionRow | None,
    today: date,
) -> TalkRow:
    if not presenter.active:
        raise Conflict(f"{presenter.name} is archived; restore them before adding a talk")
    values: Values = {
        "course_id": course.id,
        "presenter_id": presenter.id,
        "title": validate.text(title, "talk title"),
        "minutes": _fitting(course, validate.minutes(minutes, "talk minutes")),
        "url": validate.url(url),
        "requested_on": today,
        "times_postponed": 0,
        "status": TalkStatus.QUEUED,
    }
    if target is not None:
        _require_planned(target)
        values |= {"session_id": target.id, "status": TalkStatus.SCHEDULED}
    talk_id = new_id(db.execute(insert(talks).values(values)))
    return get(db, course, talk_id)


def _require_planned(target: SessionRow) -> None:
    sessions.require_planned(target, "choose a planned one")


def _require_open(talk: TalkRow) -> None:
    if talk.status not in OPEN_TALK_STATUSES:
        raise Conflict(f"talk {talk.id} is {talk.status.value}")


def _unplace(db: Connection, talk_id: int) -> None:
    """Take the talk off every planned agenda; the planner puts it where it now belongs."""
    planned = select(sessions_table.c.id).where(sessions_table.c.status == SessionStatus.PLANNED)
    db.execute(
        delete(agenda_entries).where(
            agenda_entries.c.talk_id == talk_id, agenda_entries.c.session_id.in_(planned)
        )
    )


def schedule(db: Connection, course: CourseRow, talk: TalkRow, target: SessionRow) -> None:
    _require_open(talk)
    _require_planned(target)
    status = TalkStatus.SCHEDULED if talk.status is TalkStatus.QUEUED else talk.status
    db.execute(
        update(talks).where(talks.c.id == talk.id).values(session_id=target.id, status=status)
    )
    _unplace(db, talk.id)


def session_of(db: Connection, talk: TalkRow) -> SessionRow | None:
    """Where the talk is (or was) given: its session, else the planned agenda that holds it."""
    if talk.session_id is not None:
        return sessions.get(db, talk.session_id)
    return db.execute(
        select(sessions_table)
        .join(agenda_entries, agenda_entries.c.session_id == sessions_table.c.id)
        .where(agenda_entries.c.talk_id == talk.id)
        .order_by(sessions_table.c.starts_at)
        .limit(1)
    ).first()


def mark_done(db: Connection, course: CourseRow, talk: TalkRow, now: datetime) -> SessionRow:
    """The talk was given: at its session, or where the planner placed it; never at a session
    that has not started by `now`."""
    _require_open(talk)
    given_at = session_of(db, talk)
    if given_at is None:
        raise Conflict(f"talk {talk.id} is not on any session yet; schedule it first")
    if weekly.phase(given_at.starts_at, given_at.minutes, now) is weekly.Phase.UPCOMING:
        raise Conflict(
            f"talk {talk.id} is on session {given_at.number}, which starts "
            f"{weekly.describe(given_at.starts_at, course.timezone)}; it cannot be done before then"
        )
    db.execute(
        update(talks)
        .where(talks.c.id == talk.id)
        .values(status=TalkStatus.DONE, session_id=given_at.id)
    )
    db.execute(
        update(agenda_entries)
        .where(agenda_entries.c.talk_id == talk.id, agenda_entries.c.session_id == given_at.id)
        .values(done=True)
    )
    return given_at


def postpone(db: Connection, course: CourseRow, talk: TalkRow) -> tuple[SessionRow, int]:
    """Move the talk to the session after the one it is on, and count the postponement.
    Returns that session and how often the talk has been postponed."""
    _require_open(talk)
    current = session_of(db, talk)
    if current is None:
        raise Conflict(f"talk {talk.id} is queued, not on a session; nothing to postpone")
    from studygroup.rules.close import TalkState, postponed

    following, _ = sessions.following(db, course, current)
    moved = postponed(
        TalkState(talk.status, current.id, talk.times_postponed, talk.postponed_from_id),
        following.id,
    )
    db.execute(update(talks).where(talks.c.id == talk.id).values(moved._asdict()))
    _unplace(db, talk.id)
    return following, moved.times_postponed


def withdraw(db: Connection, course: CourseRow, talk: TalkRow) -> None:
    """The presenter withdrew: the talk is kept, marked withdrawn, and leaves every agenda."""
    _require_open(talk)
    db.execute(update(talks).where(talks.c.id == talk.id).values(status=TalkStatus.WITHDRAWN))
    _unplace(db, talk.id)


def shown(db: Connection, course: CourseRow, talk_id: int) -> TalkJSON:
    """`talk show`: one talk as the JSON contract."""
    talk = get(db, course, talk_id)
    others = co_presenters(db, [talk.id]).get(talk.id, [])
    numbers = sessions.numbers(db, course)
    shown = talk_dict(talk, presenters_text([talk.presenter, *others]), numbers)
    shown["planned"] = planned_at(db, [talk.id], numbers).get(talk.id)
    return shown


def edit(
    db: Connection,
    course: CourseRow,
    talk: TalkRow,
    *,
    title: str | None = None,
    minutes: int | None = None,
    url: str | None = None,
    presenter: MemberRow | None = None,
) -> TalkRow:
    """Change a talk's title, length, link ('' removes it) or presenter; None leaves each as
    it is. Its place in the queue and its session stay."""
    values: Values = {}
    if title is not None:
        values["title"] = validate.text(title, "talk title")
    if minutes is not None:
        values["minutes"] = _fitting(course, validate.minutes(minutes, "talk minutes"))
    if url is not None:
        values["url"] = validate.url(url)
    if presenter is not None:
        if not presenter.active:
            raise Conflict(f"{presenter.name} is archived; restore them before giving them a talk")
        values["presenter_id"] = presenter.id
        # a co-presenter who becomes the presenter is listed once: as the presenter
        db.execute(
            delete(talk_copresenters).where(
                talk_copresenters.c.talk_id == talk.id,
                talk_copresenters.c.member_id == presenter.id,
            )
        )
    if values:
        db.execute(update(talks).where(talks.c.id == talk.id).values(values))
    return get(db, course, talk.id)


def _fitting(course: CourseRow, minutes: int) -> int:
    """A talk's minutes, refused when no session could ever give it that long."""
    limit = talk_limit(
        course.session_minutes,
        course.intro_minutes,
        course.wrapup_minutes,
        course.discussion_minutes,
    )
    if minutes > limit:
        raise Invalid(
            f"a {minutes}-minute talk can never fit: a session of {course.slug} gives a talk at "
            f"most {limit} minutes ({course.session_minutes} less the intro, the wrap-up and "
            "one lecture's discussion); split it, or lengthen the sessions with 'course edit'"
        )
    return minutes


def hold(db: Connection, course: CourseRow, talk: TalkRow, on_hold: bool) -> TalkRow:
    """`talk hold` / `talk resume`: a talk on hold keeps its place in the queue (and its
    session) but is not planned until it is resumed."""
    _require_open(talk)
    if bool(talk.on_hold) == on_hold:
        raise Conflict(f"talk {talk.id} is {'already' if on_hold else 'not'} on hold")
    db.execute(update(talks).where(talks.c.id == talk.id).values(on_hold=on_hold))
    return get(db, course, talk.id)


def co_presenters(db: Connection, talk_ids: list[int]) -> dict[int, list[str]]:
    """The co-presenters of each talk, by name, in the order they were added."""
    out: dict[int, list[str]] = {}
    if not talk_ids:
        return out
    for talk_id, name in db.execute(
        select(talk_copresenters.c.talk_id, members.c.name)
        .join(members, members.c.id == talk_copresenters.c.member_id)
        .where(talk_copresenters.c.talk_id.in_(sorted(set(talk_ids))))
        .order_by(talk_copresenters.c.id)
    ):
        out.setdefault(talk_id, []).append(name)
    return out


def presenters_text(names: list[str]) -> str:
    """'Sanyam Bhutani & Akash': how a talk's presenters are shown."""
    return " & ".join(names)


def add_co_presenters(db: Connection, talk: TalkRow, people: Sequence[MemberRow]) -> None:
    """Give a talk co-presenters; each once, none of them its presenter, none archived."""
    seen = {talk.presenter_id}
    for person in people:
        if person.id in seen:
            raise Invalid(f"{person.name} is listed twice as a presenter")
        if not person.active:
            raise Conflict(f"{person.name} is archived; restore them before adding a talk")
        seen.add(person.id)
    if people:
        db.execute(
            insert(talk_copresenters),
            [{"talk_id": talk.id, "member_id": p.id} for p in people],
        )
