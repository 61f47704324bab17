"""Choosing the next course together: proposals, a ranked-choice poll, instant-runoff.

Tie-break rule (deterministic, documented in the README): when several options share the
fewest votes in a round, the one eliminated is the one with the fewest first preferences in
the first round; if still tied, the one ranked anywhere by the fewest ballots; if still tied,
the one added last. The same rule decides an exact 50/50 final round.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from studygroup.courses import CourseFields, LectureFields, add_course, apply_syllabus
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.models import (
    Ballot,
    Course,
    Member,
    Poll,
    PollOption,
    PollOptionLecture,
    PollStatus,
    Ranking,
)
from studygroup.rules import validate
from studygroup.rules.runoff import instant_runoff
from studygroup.store.types import utcnow
from studygroup.views import ballots_of


def get_poll(session: Session, poll_id: int) -> Poll:
    poll = session.scalar(
        select(Poll).where(Poll.id == poll_id).options(selectinload(Poll.options))
    )
    if poll is None:
        raise NotFound(f"no poll {poll_id}; see 'studygroup poll list'")
    return poll


def create_poll(
    session: Session, title: str, closes_on: date | None, course: Course | None
) -> Poll:
    poll = Poll(title=validate.text(title, "poll title"), closes_on=closes_on,
                course_id=course.id if course else None, status=PollStatus.OPEN)
    session.add(poll)
    session.flush()
    return poll


def _require_open(poll: Poll, today: date | None = None) -> None:
    if poll.status is PollStatus.CLOSED:
        raise Conflict(f"poll {poll.id} is closed")
    if today is not None and poll.closes_on is not None and today > poll.closes_on:
        raise Conflict(f"voting in poll {poll.id} closed on {poll.closes_on.isoformat()}")


def add_option(
    session: Session,
    poll: Poll,
    title: str,
    url: str | None,
    syllabus: list[tuple[str, LectureFields]] | None,
) -> PollOption:
    _require_open(poll)
    title = validate.text(title, "option title")
    if any(o.title.casefold() == title.casefold() for o in poll.options):
        raise Conflict(f"poll {poll.id} already has an option {title!r}")
    position = (session.scalar(
        select(func.max(PollOption.position)).where(PollOption.poll_id == poll.id)) or 0) + 1
    option = PollOption(poll_id=poll.id, position=position, title=title,
                        url=validate.url(url))
    session.add(option)
    session.flush()
    for index, (label, fields) in enumerate(syllabus or [], start=1):
        values = fields.cleaned()
        session.add(PollOptionLecture(
            option_id=option.id, position=index, label=label, title=values["title"],
            kind=values["kind"], video_minutes=values.get("video_minutes"),
            optional=values.get("optional", False), url=values.get("url"),
        ))
    session.flush()
    session.refresh(poll)
    return option


def list_polls(session: Session) -> list[Poll]:
    return list(session.scalars(
        select(Poll).order_by(Poll.id).options(selectinload(Poll.options))))


def find_option(poll: Poll, ref: str) -> PollOption:
    """An option by its number, its title (any case), or a unique title prefix."""
    text = ref.strip()
    if validate.is_integer(text):
        number = validate.integer(text, "option number", 1)
        for option in poll.options:
            if option.position == number:
                return option
        raise NotFound(f"poll {poll.id} has no option {number}")
    key = text.casefold()
    exact = [o for o in poll.options if o.title.casefold() == key]
    if exact:
        return exact[0]
    prefix = [o for o in poll.options if o.title.casefold().startswith(key)]
    if len(prefix) == 1:
        return prefix[0]
    if not prefix:
        raise NotFound(f"poll {poll.id} has no option {ref!r}")
    raise Invalid(f"{ref!r} is ambiguous: it could be " + ", ".join(o.title for o in prefix))


def vote(session: Session, poll: Poll, member: Member, refs: list[str], today: date) -> Ballot:
    """Record a ranked ballot (the order given is the ranking); it replaces an earlier one."""
    _require_open(poll, today)
    if not member.active:
        raise Conflict(f"{member.name} is archived and cannot vote")
    if not refs:
        raise Invalid("rank at least one option")
    chosen = [find_option(poll, ref) for ref in refs]
    seen: set[int] = set()
    for option in chosen:
        if option.id in seen:
            raise Invalid(f"option {option.title!r} is ranked twice")
        seen.add(option.id)
    ballot = session.scalar(
        select(Ballot).where(Ballot.poll_id == poll.id, Ballot.member_id == member.id))
    if ballot is None:
        ballot = Ballot(poll_id=poll.id, member_id=member.id)
        session.add(ballot)
    else:
        ballot.rankings.clear()
        session.flush()
    ballot.cast_at = utcnow()
    ballot.rankings.extend(
        Ranking(option_id=option.id, rank=rank) for rank, option in enumerate(chosen, start=1))
    session.flush()
    return ballot


def close_poll(
    session: Session, poll: Poll, new_course: tuple[str, CourseFields] | None
) -> tuple[PollOption, Course | None]:
    """Close the poll; with new_course, the winner becomes a course (its syllabus imported)."""
    _require_open(poll)
    runoff = instant_runoff([o.id for o in sorted(poll.options, key=lambda o: o.position)],
                            ballots_of(session, poll.id))
    if runoff.winner is None:
        raise Conflict(f"poll {poll.id} has no votes yet; nothing decides a winner")
    winner = next(o for o in poll.options if o.id == runoff.winner)
    winner.won = True
    poll.status = PollStatus.CLOSED
    poll.closed_at = utcnow()
    course: Course | None = None
    if new_course is not None:
        slug, fields = new_course
        fields.title = winner.title
        fields.url = winner.url or ""
        course = add_course(session, slug, fields)
        apply_syllabus(session, course, [
            (lec.label, LectureFields(title=lec.title, kind=lec.kind,
                                      video_minutes=lec.video_minutes,
                                      clear_minutes=lec.video_minutes is None,
                                      optional=lec.optional, url=lec.url or ""))
            for lec in winner.lectures
        ])
        poll.created_course_id = course.id
    session.flush()
    return winner, course
