"""Choosing the next course together: proposals, a ranked-choice poll, instant-runoff.

Tie-break rule (deterministic, documented in the README): when several options share the
fewest votes in a round, the one eliminated is the one with the fewest first preferences in
the first round; if still tied, the one ranked anywhere by the fewest ballots; if still tied,
the one added last. The same rule decides an exact 50/50 final round.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from studygroup import validate
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
from studygroup.sqltypes import utcnow


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
    if text.isdigit():
        for option in poll.options:
            if option.position == int(text):
                return option
        raise NotFound(f"poll {poll.id} has no option {text}")
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


def ballots_of(session: Session, poll: Poll) -> list[list[int]]:
    rows = session.execute(
        select(Ranking.ballot_id, Ranking.option_id)
        .join(Ballot, Ranking.ballot_id == Ballot.id)
        .where(Ballot.poll_id == poll.id)
        .order_by(Ranking.ballot_id, Ranking.rank)
    )
    out: dict[int, list[int]] = {}
    for ballot_id, option_id in rows:
        out.setdefault(ballot_id, []).append(option_id)
    return list(out.values())


@dataclass
class Runoff:
    winner: int | None
    rounds: list[dict[str, Any]]
    first: Counter[int]
    mentions: Counter[int]


def instant_runoff(options: list[int], ballots: list[list[int]]) -> Runoff:
    """Instant-runoff over option ids (in the order they were added)."""
    first: Counter[int] = Counter(b[0] for b in ballots if b)
    mentions: Counter[int] = Counter(o for b in ballots for o in set(b))
    order = {option: index for index, option in enumerate(options)}

    def weakest(candidates: list[int]) -> int:
        return min(candidates, key=lambda o: (first[o], mentions[o], -order[o]))

    remaining = list(options)
    rounds: list[dict[str, Any]] = []
    if not ballots or not remaining:
        return Runoff(None, rounds, first, mentions)
    while True:
        counts: Counter[int] = Counter({o: 0 for o in remaining})
        exhausted = 0
        for ballot in ballots:
            top = next((o for o in ballot if o in counts), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        live = sum(counts.values())
        record: dict[str, Any] = {"round": len(rounds) + 1, "counts": dict(counts),
                                  "exhausted": exhausted, "eliminated": None, "winner": None}
        rounds.append(record)
        leader = max(remaining, key=lambda o: (counts[o], first[o], mentions[o], -order[o]))
        if len(remaining) == 1 or (live and counts[leader] * 2 > live):
            record["winner"] = leader
            return Runoff(leader, rounds, first, mentions)
        fewest = min(counts[o] for o in remaining)
        out = weakest([o for o in remaining if counts[o] == fewest])
        record["eliminated"] = out
        remaining.remove(out)


def result_view(session: Session, poll: Poll, min_members: int) -> dict[str, Any]:
    options = sorted(poll.options, key=lambda o: o.position)
    titles = {o.id: o.title for o in options}
    ballots = ballots_of(session, poll)
    runoff = instant_runoff([o.id for o in options], ballots)
    return {
        "poll": poll.id,
        "title": poll.title,
        "status": poll.status.value,
        "ballots": len(ballots),
        "winner": titles[runoff.winner] if runoff.winner else None,
        "rounds": [
            {"round": r["round"],
             "counts": {titles[o]: n for o, n in r["counts"].items()},
             "exhausted": r["exhausted"],
             "eliminated": titles[r["eliminated"]] if r["eliminated"] else None,
             "winner": titles[r["winner"]] if r["winner"] else None}
            for r in runoff.rounds
        ],
        "first_preferences": {titles[o.id]: runoff.first[o.id] for o in options},
        "min_members": min_members,
        "parallel_groups": [
            {"option": o.title, "first_preferences": runoff.first[o.id],
             "ranked_by": runoff.mentions[o.id], "winner": o.id == runoff.winner}
            for o in options if runoff.first[o.id] >= min_members
        ],
    }


def poll_dict(poll: Poll, ballots: int | None = None) -> dict[str, Any]:
    return {
        "id": poll.id,
        "title": poll.title,
        "status": poll.status.value,
        "closes": poll.closes_on.isoformat() if poll.closes_on else None,
        "options": [{"number": o.position, "title": o.title, "url": o.url,
                     "lectures": len(o.lectures), "won": o.won}
                    for o in sorted(poll.options, key=lambda o: o.position)],
        "ballots": ballots,
    }


def ballot_count(session: Session, poll: Poll) -> int:
    return session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id)) or 0


def close_poll(
    session: Session, poll: Poll, new_course: tuple[str, CourseFields] | None
) -> tuple[PollOption, Course | None]:
    """Close the poll; with new_course, the winner becomes a course (its syllabus imported)."""
    _require_open(poll)
    runoff = instant_runoff([o.id for o in sorted(poll.options, key=lambda o: o.position)],
                            ballots_of(session, poll))
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
