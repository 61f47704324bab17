"""Choosing the next course together: proposals, a ranked-choice poll, instant-runoff.

Tie-break rule (deterministic, documented in the README): when several options share the
fewest votes in a round, the one eliminated is the one with the fewest first preferences in
the first round; if still tied, the one ranked anywhere by the fewest ballots; if still tied,
the one added last. The same rule decides an exact 50/50 final round.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from studygroup import clock, courses, groups
from studygroup.courses import CourseFields, LectureFields
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.render.contracts import PollJSON, poll_dict
from studygroup.render.documents import Decision, OpenPoll, PollResult
from studygroup.rules import validate
from studygroup.rules.runoff import instant_runoff
from studygroup.store import schema
from studygroup.store.db import new_id
from studygroup.store.enums import CourseStatus, PollStatus
from studygroup.store.rows import CourseRow, MemberRow, OptionRow, PollRow, Values
from studygroup.store.schema import (
    poll_ballots,
    poll_option_lectures,
    poll_options,
    poll_rankings,
    polls,
)


def get(db: Connection, poll_id: int) -> PollRow:
    poll = db.execute(
        select(polls).where(polls.c.id == poll_id, polls.c.group_id == groups.current(db).id)
    ).first()
    if poll is None:
        raise NotFound(f"no poll {poll_id}; see 'studygroup poll list'")
    return poll


def _poll_options(db: Connection, poll_ids: list[int]) -> dict[int, list[OptionRow]]:
    """Each poll's options in order, with the size of each option's syllabus."""
    syllabus = (
        select(func.count())
        .where(poll_option_lectures.c.option_id == poll_options.c.id)
        .scalar_subquery()
    )
    out: dict[int, list[OptionRow]] = {poll_id: [] for poll_id in poll_ids}
    for option in db.execute(
        select(poll_options, syllabus.label("lectures"))
        .where(poll_options.c.poll_id.in_(poll_ids))
        .order_by(poll_options.c.poll_id, poll_options.c.position)
    ):
        out[option.poll_id].append(option)
    return out


def listed(db: Connection, poll_id: int | None = None) -> list[PollJSON]:
    """`poll list` (or one poll for `poll show`): options and ballot counts, in three
    statements however many polls there are."""
    query = select(polls).where(polls.c.group_id == groups.current(db).id).order_by(polls.c.id)
    if poll_id is not None:
        query = query.where(polls.c.id == poll_id)
    found = db.execute(query).all()
    if poll_id is not None and not found:
        raise NotFound(f"no poll {poll_id}; see 'studygroup poll list'")
    ids = [p.id for p in found]
    options = _poll_options(db, ids)
    ballots: dict[int, int] = dict(
        db.execute(
            select(poll_ballots.c.poll_id, func.count())
            .where(poll_ballots.c.poll_id.in_(ids))
            .group_by(poll_ballots.c.poll_id)
        ).all()
    )
    return [poll_dict(p, options[p.id], ballots.get(p.id, 0)) for p in found]


def ballots_of(db: Connection, poll_id: int) -> list[list[int]]:
    """Every ballot of a poll as its option ids, best first."""
    out: dict[int, list[int]] = {}
    for ballot_id, option_id in db.execute(
        select(poll_rankings.c.ballot_id, poll_rankings.c.option_id)
        .join(poll_ballots, poll_rankings.c.ballot_id == poll_ballots.c.id)
        .where(poll_ballots.c.poll_id == poll_id)
        .order_by(poll_rankings.c.ballot_id, poll_rankings.c.rank)
    ):
        out.setdefault(ballot_id, []).append(option_id)
    return list(out.values())


def result(db: Connection, poll_id: int, min_members: int) -> PollResult:
    """`poll result`: the instant-runoff rounds and winner, first preferences, and the options
    with enough first preferences for a parallel sub-group."""
    poll = db.execute(select(polls).where(polls.c.id == poll_id)).first()
    if poll is None:
        raise NotFound(f"no poll {poll_id}; see 'studygroup poll list'")
    options = _poll_options(db, [poll.id])[poll.id]
    titles = {o.id: o.title for o in options}
    ballots = ballots_of(db, poll.id)
    runoff = instant_runoff([o.id for o in options], ballots)
    return {
        "poll": poll.id,
        "title": poll.title,
        "status": poll.status.value,
        "ballots": len(ballots),
        "winner": titles[runoff.winner] if runoff.winner else None,
        "rounds": [
            {
                "round": r["round"],
                "counts": {titles[o]: n for o, n in r["counts"].items()},
                "exhausted": r["exhausted"],
                "eliminated": titles[r["eliminated"]] if r["eliminated"] else None,
                "winner": titles[r["winner"]] if r["winner"] else None,
            }
            for r in runoff.rounds
        ],
        "first_preferences": {titles[o.id]: runoff.first[o.id] for o in options},
        "min_members": min_members,
        "parallel_groups": [
            {
                "option": o.title,
                "first_preferences": runoff.first[o.id],
                "ranked_by": runoff.mentions[o.id],
                "winner": o.id == runoff.winner,
            }
            for o in options
            if runoff.first[o.id] >= min_members
        ],
    }


def open_for(db: Connection, course: CourseRow) -> OpenPoll | None:
    """The open poll to show on a course's agenda: its own, or one for everyone."""
    poll = db.execute(
        select(polls)
        .where(
            polls.c.group_id == course.group_id,
            polls.c.status == PollStatus.OPEN,
            (polls.c.course_id == course.id) | polls.c.course_id.is_(None),
        )
        .order_by(polls.c.id.desc())
        .limit(1)
    ).first()
    if poll is None:
        return None
    options = (
        db.execute(
            select(poll_options.c.title)
            .where(poll_options.c.poll_id == poll.id)
            .order_by(poll_options.c.position)
        )
        .scalars()
        .all()
    )
    if not options:
        return None
    return {
        "id": poll.id,
        "title": poll.title,
        "options": list(options),
        "closes": poll.closes_on.isoformat() if poll.closes_on else None,
    }


def create(db: Connection, title: str, closes_on: date | None, course: CourseRow | None) -> PollRow:
    poll_id = new_id(
        db.execute(
            insert(polls).values(
                group_id=course.group_id if course else groups.current(db).id,
                title=validate.text(title, "poll title"),
                closes_on=closes_on,
                course_id=course.id if course else None,
                status=PollStatus.OPEN,
            )
        )
    )
    return get(db, poll_id)


def _require_open(poll: PollRow, today: date | None = None) -> None:
    if poll.status is PollStatus.CLOSED:
        raise Conflict(f"poll {poll.id} is closed")
    if today is not None and poll.closes_on is not None and today > poll.closes_on:
        raise Conflict(f"voting in poll {poll.id} closed on {poll.closes_on.isoformat()}")


def options_of(db: Connection, poll_id: int) -> list[OptionRow]:
    return list(
        db.execute(
            select(poll_options)
            .where(poll_options.c.poll_id == poll_id)
            .order_by(poll_options.c.position)
        )
    )


def add_option(
    db: Connection,
    poll: PollRow,
    title: str,
    url: str | None,
    syllabus: list[tuple[str, LectureFields]] | None,
) -> OptionRow:
    _require_open(poll)
    title = validate.text(title, "option title")
    existing = options_of(db, poll.id)
    if any(o.title.casefold() == title.casefold() for o in existing):
        raise Conflict(f"poll {poll.id} already has an option {title!r}")
    position = max((o.position for o in existing), default=0) + 1
    option_id = new_id(
        db.execute(
            insert(poll_options).values(
                poll_id=poll.id,
                position=position,
                title=title,
                url=validate.url(url),
            )
        )
    )
    rows = []
    for index, (label, fields) in enumerate(syllabus or [], start=1):
        values = fields.cleaned()
        rows.append(
            {
                "option_id": option_id,
                "position": index,
                "label": label,
                "title": values["title"],
                "kind": values["kind"],
                "video_minutes": values.get("video_minutes"),
                "optional": values.get("optional", False),
                "url": values.get("url"),
            }
        )
    if rows:
        db.execute(insert(poll_option_lectures), rows)
    return db.execute(select(poll_options).where(poll_options.c.id == option_id)).one()


def find_option(poll_id: int, options: list[OptionRow], ref: str) -> OptionRow:
    """An option by its number, its title (any case), or a unique title prefix."""
    text = ref.strip()
    if validate.is_integer(text):
        number = validate.integer(text, "option number", 1)
        for option in options:
            if option.position == number:
                return option
        raise NotFound(f"poll {poll_id} has no option {number}")
    key = text.casefold()
    exact = [o for o in options if o.title.casefold() == key]
    if exact:
        return exact[0]
    prefix = [o for o in options if o.title.casefold().startswith(key)]
    if len(prefix) == 1:
        return prefix[0]
    if not prefix:
        raise NotFound(f"poll {poll_id} has no option {ref!r}")
    raise Invalid(f"{ref!r} is ambiguous: it could be " + ", ".join(o.title for o in prefix))


def vote(db: Connection, poll: PollRow, member: MemberRow, refs: list[str], today: date) -> None:
    """Record a ranked ballot (the order given is the ranking); it replaces an earlier one."""
    _require_open(poll, today)
    if not member.active:
        raise Conflict(f"{member.name} is archived and cannot vote")
    if not refs:
        raise Invalid("rank at least one option")
    options = options_of(db, poll.id)
    chosen = [find_option(poll.id, options, ref) for ref in refs]
    seen: set[int] = set()
    for option in chosen:
        if option.id in seen:
            raise Invalid(f"option {option.title!r} is ranked twice")
        seen.add(option.id)
    ballot_id = db.scalar(
        select(poll_ballots.c.id).where(
            poll_ballots.c.poll_id == poll.id, poll_ballots.c.member_id == member.id
        )
    )
    if ballot_id is None:
        ballot_id = new_id(
            db.execute(
                insert(poll_ballots).values(
                    poll_id=poll.id, member_id=member.id, cast_at=clock.now()
                )
            )
        )
    else:
        db.execute(delete(poll_rankings).where(poll_rankings.c.ballot_id == ballot_id))
        db.execute(
            update(poll_ballots).where(poll_ballots.c.id == ballot_id).values(cast_at=clock.now())
        )
    db.execute(
        insert(poll_rankings),
        [
            {"ballot_id": ballot_id, "option_id": option.id, "rank": rank}
            for rank, option in enumerate(chosen, start=1)
        ],
    )


def close(
    db: Connection, poll: PollRow, new_course: tuple[str, CourseFields] | None
) -> tuple[OptionRow, CourseRow | None]:
    """Close the poll; with new_course, the winner becomes a course (its syllabus imported)."""
    _require_open(poll)
    options = options_of(db, poll.id)
    runoff = instant_runoff([o.id for o in options], ballots_of(db, poll.id))
    if runoff.winner is None:
        raise Conflict(f"poll {poll.id} has no votes yet; nothing decides a winner")
    winner = next(o for o in options if o.id == runoff.winner)
    db.execute(update(poll_options).where(poll_options.c.id == winner.id).values(won=True))
    closing: Values = {"status": PollStatus.CLOSED, "closed_at": clock.now()}
    course: CourseRow | None = None
    if new_course is not None:
        slug, fields = new_course
        fields.title = winner.title
        fields.url = winner.url or ""
        fields.status = CourseStatus.UPCOMING  # chosen, not started: 'course start' starts it
        course = courses.add(db, slug, fields)
        syllabus = db.execute(
            select(poll_option_lectures)
            .where(poll_option_lectures.c.option_id == winner.id)
            .order_by(poll_option_lectures.c.position)
        ).all()
        courses.apply_syllabus(
            db,
            course,
            [
                (
                    lec.label,
                    LectureFields(
                        title=lec.title,
                        kind=lec.kind,
                        video_minutes=lec.video_minutes,
                        clear_minutes=lec.video_minutes is None,
                        optional=lec.optional,
                        url=lec.url or "",
                    ),
                )
                for lec in syllabus
            ],
        )
        closing["created_course_id"] = course.id
    db.execute(update(polls).where(polls.c.id == poll.id).values(closing))
    return winner, course


def closed_between(
    db: Connection, start: datetime | None, until: datetime | None
) -> list[Decision]:
    """Polls closed after `start` (any time before, with None) and up to `until`: the
    decisions of a call, with their course (None for everyone's) and winner."""
    return [decision for _, decision in closed_when(db, start, until)]


def closed_when(
    db: Connection, start: datetime | None, until: datetime | None
) -> list[tuple[datetime, Decision]]:
    """`closed_between`, each decision with when its poll closed, in that order."""
    where = [polls.c.group_id == groups.current(db).id, polls.c.status == PollStatus.CLOSED]
    if start is not None:
        where.append(polls.c.closed_at > start)
    if until is not None:
        where.append(polls.c.closed_at <= until)
    out: list[tuple[datetime, Decision]] = []
    for poll in db.execute(select(polls).where(*where).order_by(polls.c.closed_at)).all():
        course = (
            db.execute(
                select(schema.courses.c.slug).where(schema.courses.c.id == poll.course_id)
            ).scalar()
            if poll.course_id
            else None
        )
        out.append(
            (
                poll.closed_at,
                {
                    "poll": poll.id,
                    "title": poll.title,
                    "course": course,
                    "winner": result(db, poll.id, 1)["winner"],
                },
            )
        )
    return out
