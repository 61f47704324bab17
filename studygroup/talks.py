"""Talks that members present: a queue, scheduling, postponing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from studygroup import agenda, planning, schedule
from studygroup.errors import Conflict, NotFound
from studygroup.models import (
    AgendaEntry,
    Course,
    Member,
    SessionStatus,
    StudySession,
    Talk,
    TalkStatus,
)
from studygroup.rules import validate
from studygroup.store.schema import OPEN_TALK_STATUSES


def get_talk(session: Session, course: Course, talk_id: int) -> Talk:
    talk = session.scalar(
        select(Talk)
        .where(Talk.id == talk_id, Talk.course_id == course.id)
        .options(selectinload(Talk.presenter))
    )
    if talk is None:
        raise NotFound(f"{course.slug} has no talk {talk_id}")
    return talk


def add_talk(
    session: Session,
    course: Course,
    presenter: Member,
    title: str,
    minutes: int,
    url: str | None,
    target: StudySession | None,
    today: date,
) -> Talk:
    if not presenter.active:
        raise Conflict(f"{presenter.name} is archived; restore them before adding a talk")
    talk = Talk(
        course_id=course.id,
        presenter_id=presenter.id,
        title=validate.text(title, "talk title"),
        minutes=validate.minutes(minutes, "talk minutes"),
        url=validate.url(url),
        requested_on=today,
        times_postponed=0,
    )
    if target is not None:
        _require_planned(target)
        talk.session_id = target.id
        talk.status = TalkStatus.SCHEDULED
    else:
        talk.status = TalkStatus.QUEUED
    session.add(talk)
    session.flush()
    agenda.replan_course(session, course)
    return talk


def _require_planned(target: StudySession) -> None:
    schedule.require_planned(target, "choose a planned one")


def _require_open(talk: Talk) -> None:
    if talk.status not in OPEN_TALK_STATUSES:
        raise Conflict(f"talk {talk.id} is {talk.status.value}")


def schedule_talk(session: Session, course: Course, talk: Talk, target: StudySession) -> None:
    _require_open(talk)
    _require_planned(target)
    talk.session_id = target.id
    if talk.status is TalkStatus.QUEUED:
        talk.status = TalkStatus.SCHEDULED
    _unplace(session, talk)
    agenda.replan_course(session, course)


def _unplace(session: Session, talk: Talk) -> None:
    """Take the talk off every planned agenda; the planner puts it where it now belongs."""
    for entry in session.scalars(
        select(AgendaEntry)
        .join(StudySession, AgendaEntry.session_id == StudySession.id)
        .where(AgendaEntry.talk_id == talk.id, StudySession.status == SessionStatus.PLANNED)
    ):
        session.delete(entry)
    session.flush()


def talk_session(session: Session, course: Course, talk: Talk) -> StudySession | None:
    """Where the talk is (or was) given: its session, else the planned agenda that holds it."""
    if talk.session_id is not None:
        return session.get(StudySession, talk.session_id)
    return session.scalar(
        select(StudySession)
        .join(AgendaEntry, AgendaEntry.session_id == StudySession.id)
        .where(AgendaEntry.talk_id == talk.id)
        .order_by(StudySession.starts_at)
        .limit(1)
    )


def mark_done(session: Session, course: Course, talk: Talk) -> StudySession:
    _require_open(talk)
    given_at = talk_session(session, course, talk)
    if given_at is None:
        raise Conflict(f"talk {talk.id} is not on any session yet; schedule it first")
    talk.status = TalkStatus.DONE
    talk.session_id = given_at.id
    for entry in session.scalars(
        select(AgendaEntry).where(
            AgendaEntry.talk_id == talk.id, AgendaEntry.session_id == given_at.id
        )
    ):
        entry.done = True
    session.flush()
    return given_at


def postpone(session: Session, course: Course, talk: Talk) -> StudySession:
    """Move the talk to the session after the one it is on, and count the postponement."""
    _require_open(talk)
    current = talk_session(session, course, talk)
    if current is None:
        raise Conflict(f"talk {talk.id} is queued, not on a session; nothing to postpone")
    following, _ = planning.ensure_after(session, course, current)
    if talk.postponed_from_id is None:
        talk.postponed_from_id = current.id
    talk.session_id = following.id
    talk.status = TalkStatus.POSTPONED
    talk.times_postponed += 1
    _unplace(session, talk)
    agenda.replan_course(session, course)
    return following


def withdraw(session: Session, course: Course, talk: Talk) -> None:
    """The presenter withdrew: the talk is kept, marked withdrawn, and leaves every agenda."""
    _require_open(talk)
    talk.status = TalkStatus.WITHDRAWN
    _unplace(session, talk)
    agenda.replan_course(session, course)

