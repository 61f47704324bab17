"""Members' answers to a session's invitation: yes, no or maybe. From their calendar's reply
(read by `rsvp fetch` / `rsvp import`, judged by rules/invite.py) or given by hand (`rsvp
set`). One answer per member and session, the latest; rows like any other, so journalled and
undoable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Connection, func, insert, select, update

from studygroup import clock, groups
from studygroup.render.documents import AnswerJSON, TurnoutJSON
from studygroup.rules.invite import Reply, event_uid, judge
from studygroup.store.enums import Answer, AnswerSource
from studygroup.store.rows import CourseRow, MemberRow, SessionRow
from studygroup.store.schema import courses, members
from studygroup.store.schema import sessions as sessions_table


def set_answer(
    db: Connection,
    target: SessionRow,
    member: MemberRow,
    answer: Answer,
    source: AnswerSource,
    *,
    answered_at: datetime,
    sequence: int | None = None,
    message_id: str | None = None,
) -> bool:
    """Record a member's answer (replacing an earlier one); False if it was older than the
    answer already recorded, which then stands."""
    from studygroup.store.schema import rsvps

    found = db.execute(
        select(rsvps.c.id, rsvps.c.answered_at).where(
            rsvps.c.session_id == target.id, rsvps.c.member_id == member.id
        )
    ).first()
    values = {
        "answer": answer,
        "source": source,
        "sequence": sequence,
        "answered_at": answered_at,
        "message_id": message_id,
        "recorded_at": clock.now(),
    }
    if found is None:
        db.execute(insert(rsvps).values(session_id=target.id, member_id=member.id, **values))
        return True
    if found.answered_at > answered_at:
        return False
    db.execute(update(rsvps).where(rsvps.c.id == found.id).values(values))
    return True


class Given(NamedTuple):
    session_id: int
    member_id: int
    answer: Answer
    before_start: bool  # given before the session started


def given(db: Connection, session_ids: Sequence[int]) -> list[Given]:
    """Every answer about these sessions, and whether it came before the session started:
    one statement (stats reads both the excused and how often answers held from it)."""
    from studygroup.store.schema import rsvps

    if not session_ids:
        return []
    return [
        Given(session_id, member_id, Answer(answer), bool(before))
        for session_id, member_id, answer, before in db.execute(
            select(
                rsvps.c.session_id,
                rsvps.c.member_id,
                rsvps.c.answer,
                rsvps.c.answered_at < sessions_table.c.starts_at,
            )
            .join(sessions_table, sessions_table.c.id == rsvps.c.session_id)
            .where(rsvps.c.session_id.in_(list(session_ids)))
        )
    ]


def turnout(db: Connection, target: SessionRow) -> TurnoutJSON | None:
    """Who is expected: active members by their answer, and those who gave none; None when
    nobody has answered (one query then)."""
    from studygroup.store.schema import rsvps

    counts = dict.fromkeys(("yes", "maybe", "no"), 0)
    for answer, count in db.execute(
        select(rsvps.c.answer, func.count())
        .join(members, members.c.id == rsvps.c.member_id)
        .where(
            rsvps.c.session_id == target.id,
            groups.active_in_course_group(target.course_id, members.c.id),
        )
        .group_by(rsvps.c.answer)
    ):
        counts[Answer(answer).value] = count
    if not any(counts.values()):
        return None
    active = db.execute(
        select(func.count()).where(groups.active_in_course_group(target.course_id, members.c.id))
    ).scalar_one()
    return {
        "yes": counts["yes"],
        "maybe": counts["maybe"],
        "no": counts["no"],
        "no_answer": active - sum(counts.values()),
    }


def listed(db: Connection, course: CourseRow, target: SessionRow | None) -> list[AnswerJSON]:
    """`rsvp list`: the answers about one session, or about every session still to come."""
    from studygroup.store.schema import rsvps

    query = (
        select(
            sessions_table.c.number,
            sessions_table.c.revision,
            members.c.name,
            rsvps.c.answer,
            rsvps.c.source,
            rsvps.c.sequence,
            rsvps.c.answered_at,
        )
        .join(sessions_table, sessions_table.c.id == rsvps.c.session_id)
        .join(members, members.c.id == rsvps.c.member_id)
        .where(sessions_table.c.course_id == course.id)
        .order_by(sessions_table.c.starts_at, members.c.name_key)
    )
    if target is not None:
        query = query.where(rsvps.c.session_id == target.id)
    else:
        query = query.where(sessions_table.c.starts_at > clock.now())
    return [
        {
            "session": number,
            "member": name,
            "answer": Answer(answer).value,
            "source": AnswerSource(source).value,
            "answered_at": answered_at.isoformat(),
            # a reply to an earlier version: they answered another time or day
            "earlier_time": sequence is not None and sequence < revision,
        }
        for number, revision, name, answer, source, sequence, answered_at in db.execute(query)
    ]


# the note of a reply to an invitation of a group the organiser does not see
LEFT = "not for a session of your groups: left unread for its group's organiser"


class Outcome(NamedTuple):
    """What became of one reply, for the report."""

    message_id: str
    member: str | None
    session: str | None  # "fsdl 4"
    answer: str | None  # yes, no, maybe; None: not recorded
    note: str  # recorded, answers an earlier time, already read, or why it was refused


def record_replies(
    db: Connection, messages: Sequence[tuple[str, Sequence[Reply]]], now: datetime
) -> list[Outcome]:
    """Record what the replies say, each message once (by its Message-ID) however many runs
    read it at the same time: the run whose row for it goes in first records it. A reply is
    matched to a session by its UID and to a member by its ATTENDEE and its sender
    (rules/invite.judge); one for an unknown UID, or from someone else's address, is
    reported, never recorded. On PostgreSQL an organiser's run leaves a reply for no session
    they can see to the organiser of its group (`LEFT`)."""
    from studygroup.store.db import insert_ignoring
    from studygroup.store.schema import rsvp_messages

    by_uid: dict[str, tuple[SessionRow, str]] = {}  # UID -> the session, "fsdl 4"
    if any(replies for _, replies in messages):
        for row in db.execute(
            select(
                sessions_table, courses.c.slug, courses.c.created_at.label("course_created")
            ).join(courses, courses.c.id == sessions_table.c.course_id)
        ):
            uid = event_uid(row.slug, row.course_created, row.id)
            by_uid[uid] = (row, f"{row.slug} {row.number}")
    people: dict[str, MemberRow] = {
        (m.email or "").casefold(): m
        for m in db.execute(select(members).where(members.c.email.is_not(None)))
    }
    from studygroup.store import security

    # an organiser sees only their groups' sessions: a reply to another group's invitation is
    # that group's organiser's to read, so it is left unclaimed (and, by `rsvp fetch`, unread)
    sees_everything = security.bound(db) is None
    out: list[Outcome] = []
    for message_id, replies in messages:
        if not replies:
            continue
        if not sees_everything and all(by_uid.get(r.uid) is None for r in replies):
            out.append(Outcome(message_id, None, None, None, LEFT))
            continue
        verdicts: list[
            tuple[Reply, tuple[SessionRow, str] | None, MemberRow | None, Answer | None, str]
        ] = []
        for reply in replies:
            found = by_uid.get(reply.uid)
            member = people.get(reply.attendee)
            if found is None:
                verdicts.append((reply, found, member, None, "refused: no session has this UID"))
                continue
            verdict = judge(reply, member.email if member else None, found[0].revision)
            why = verdict.why if verdict.answer is not None else f"refused: {verdict.why}"
            verdicts.append((reply, found, member, verdict.answer, why))
        summary = "; ".join(sorted({why for *_, why in verdicts}))
        claim = {"message_id": message_id[:300], "outcome": summary[:40]}
        if not insert_ignoring(db, rsvp_messages, claim, "message_id"):
            out.append(Outcome(message_id, None, None, None, "already read"))
            continue
        for reply, found, member, answer, why in verdicts:
            if answer is not None and found is not None and member is not None:
                when = min(reply.stamp or now, now)  # never an answer from the future
                if not set_answer(
                    db,
                    found[0],
                    member,
                    answer,
                    AnswerSource.MAIL,
                    answered_at=when,
                    sequence=reply.sequence,
                    message_id=message_id[:300],
                ):
                    why = "older than the answer recorded: that one stands"
            out.append(
                Outcome(
                    message_id,
                    member.name if member else None,
                    found[1] if found else None,
                    answer.value if answer is not None else None,
                    why,
                )
            )
    return out


def declined(db: Connection, target: SessionRow) -> set[int]:
    """The members who said no to this session."""
    from studygroup.store.schema import rsvps

    return set(
        db.execute(
            select(rsvps.c.member_id).where(
                rsvps.c.session_id == target.id, rsvps.c.answer == Answer.NO
            )
        ).scalars()
    )


def said_no_before(db: Connection, session_ids: Sequence[int]) -> dict[int, set[int]]:
    """Each session's members who said no before it started (every session a key): absent,
    they count as excused, since excused is not a miss (attendance.view, stats)."""
    out: dict[int, set[int]] = {s: set() for s in session_ids}
    for answer in given(db, session_ids):
        if answer.answer is Answer.NO and answer.before_start:
            out[answer.session_id].add(answer.member_id)
    return out
