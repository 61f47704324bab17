"""The agenda of a session as a typed document: the view behind `agenda show` (the table and
--json), and the document behind everything the group receives about a week (the Markdown
agenda, chat posts, reminders, the recap).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TypedDict

from sqlalchemy import Connection, select

from studygroup import attendance, courses, items, polls, roles, sessions
from studygroup import talks as talks_mod
from studygroup.agenda import entries_of, lecture_history
from studygroup.render.contracts import ItemJSON, TalkJSON, lecture_dict, session_dict, talk_dict
from studygroup.render.documents import (
    AgendaDocument,
    AgendaEntry,
    AgendaView,
    Happened,
    NextSession,
    OwnerItems,
    TalkLine,
    TurnoutJSON,
    Watch,
)
from studygroup.rules import weekly
from studygroup.rules.pace import part_minutes
from studygroup.rules.queue import queue_order, talk_limit
from studygroup.store.enums import EntryKind, SessionStatus, TalkStatus
from studygroup.store.rows import CourseRow, SessionRow, TalkRow
from studygroup.store.schema import agenda_entries, members, talks
from studygroup.store.schema import sessions as sessions_table
from studygroup.talks import WITH_PRESENTER

ENTRY_TITLES = {
    EntryKind.INTRO: "Intro",
    EntryKind.ACTIONS: "Action items review",
    EntryKind.WRAP_UP: "Wrap-up",
}


def _not_fitting(
    db: Connection, course: CourseRow, target: SessionRow, numbers: dict[int, int]
) -> list[TalkJSON]:
    """Queued talks that neither this session nor an earlier planned one could take."""
    placed = set(
        db.execute(
            select(agenda_entries.c.talk_id)
            .join(sessions_table, agenda_entries.c.session_id == sessions_table.c.id)
            .where(
                sessions_table.c.course_id == course.id,
                sessions_table.c.status == SessionStatus.PLANNED,
                sessions_table.c.starts_at <= target.starts_at,
                agenda_entries.c.talk_id.is_not(None),
            )
        ).scalars()
    )
    queued = db.execute(
        WITH_PRESENTER.where(
            talks.c.course_id == course.id,
            talks.c.status == TalkStatus.QUEUED,
            talks.c.on_hold.is_(False),
        )
    ).all()
    waiting = [t for t in sorted(queued, key=queue_order) if t.id not in placed]
    return _with_co_presenters(db, waiting, numbers)


def _with_co_presenters(
    db: Connection, rows: Sequence[TalkRow], numbers: dict[int, int]
) -> list[TalkJSON]:
    """Talks as the agenda lists them apart from its entries, every presenter named."""
    others = talks_mod.co_presenters(db, [t.id for t in rows])
    return [talk_dict(t, " & ".join([t.presenter, *others.get(t.id, [])]), numbers) for t in rows]


def _waiting(
    db: Connection, target: SessionRow, on_agenda: set[int], numbers: dict[int, int]
) -> list[TalkJSON]:
    """Talks due at this session (postponed to it, or scheduled) that its agenda does not
    take: over the course's talk cap, or their presenter is away. They go first next time."""
    rows = db.execute(
        WITH_PRESENTER.where(
            talks.c.session_id == target.id,
            talks.c.status.in_([TalkStatus.POSTPONED, TalkStatus.SCHEDULED]),
            talks.c.on_hold.is_(False),
        )
    ).all()
    waiting = sorted(
        (t for t in rows if t.id not in on_agenda),
        key=lambda t: (-t.times_postponed, *queue_order(t)),
    )
    return _with_co_presenters(db, waiting, numbers)


def agenda_view(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    display_tz: str | None = None,
    *,
    group_items_only: bool = False,
) -> AgendaView:
    """The agenda as plain data: the single source for the table, --json and the exports.
    `group_items_only`: of the open items, only the group's (what every reminder lists; each
    member's own are read for their message alone)."""
    tz = display_tz or course.timezone
    numbers = sessions.numbers(db, course)
    entries = entries_of(db, target)
    history = lecture_history(db, course)
    clock = weekly.local(target.starts_at, tz)
    end = clock + timedelta(minutes=target.minutes)
    others = talks_mod.co_presenters(db, [e.talk_id for e in entries if e.talk_id is not None])
    out: list[AgendaEntry] = []
    for entry in entries:
        kind = EntryKind(entry.kind)
        lecture = entry.lecture_id is not None
        talk = entry.talk_id is not None
        if kind is EntryKind.LECTURE and entry.lecture_title is not None:
            title = entry.lecture_title
        elif kind is EntryKind.TALK and entry.talk_title is not None:
            title = entry.talk_title
        else:
            title = entry.title or ENTRY_TITLES.get(kind, kind.value)
        presenters = (
            [entry.presenter, *others.get(entry.talk_id, [])]
            if entry.talk_id is not None and entry.presenter is not None
            else []
        )
        finish = clock + timedelta(minutes=entry.minutes)
        video = (
            part_minutes(entry.lecture_video_minutes, entry.part, course.pace_minutes)
            if lecture
            else None
        )
        out.append(
            {
                "position": entry.position,
                "kind": kind.value,
                "start": clock.strftime("%H:%M"),
                "minutes": entry.minutes,
                "title": title,
                "lecture": entry.lecture_label if lecture else None,
                "lecture_kind": entry.lecture_kind.value if entry.lecture_kind else None,
                "part": f"{entry.part}/{entry.parts}" if entry.part is not None else None,
                "optional": bool(entry.lecture_optional) if lecture else False,
                "video_minutes": video,
                "url": entry.lecture_url if lecture else entry.talk_url if talk else None,
                "presenter": talks_mod.presenters_text(presenters) if talk else None,
                "presenters": presenters,
                "talk_id": entry.talk_id if talk else None,
                "postponed": entry.talk_postponed or 0 if talk else 0,
                "postponed_from": numbers.get(entry.talk_postponed_from_id)
                if talk and entry.talk_postponed_from_id
                else None,
                "carried": lecture
                and (entry.lecture_id, entry.part) in history.carried
                and target.status is SessionStatus.PLANNED,
                "pinned": entry.pinned,
                "done": entry.done,
                "overflow": finish > end,
            }
        )
        clock = finish
    total = sum(e["minutes"] for e in out)
    on_agenda = {e.lecture_id for e in entries if e.lecture_id is not None}
    optional = [
        lec
        for lec in courses.lectures_of(db, course)
        if lec.optional
        and not lec.skipped
        and lec.id not in on_agenda
        and (lec.id, None) not in history.done
    ]
    planned_here = target.status is SessionStatus.PLANNED
    not_fitting = _not_fitting(db, course, target, numbers) if planned_here else []
    waiting = (
        _waiting(db, target, {e.talk_id for e in entries if e.talk_id is not None}, numbers)
        if planned_here
        else []
    )
    shown = session_dict(course, target)
    held_by = roles.names(db, target)
    return {
        "session": shown,
        "call_url": shown["call_url"],
        "call_note": shown["call_note"],
        "host": held_by["host"],
        "notes_by": held_by["notes"],
        "display_timezone": tz,
        "entries": out,
        "total_minutes": total,
        "over_by_minutes": max(0, total - target.minutes),
        "optional_lectures": [lecture_dict(lec) for lec in optional],
        "action_items": items.open_at(db, course, target, group_only=group_items_only),
        "not_fitting": not_fitting,
        "waiting": waiting,
        # a queued talk longer than this never fits any session: the planner passes it over
        "talk_limit": talk_limit(
            target.minutes, course.intro_minutes, course.wrapup_minutes, course.discussion_minutes
        ),
        **_answers(db, course, target, out, held_by),
    }


class _Answers(TypedDict):
    turnout: TurnoutJSON | None
    flags: list[str]


def _answers(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    entries: list[AgendaEntry],
    held_by: dict[str, str | None],
) -> _Answers:
    """A planned session's answers: the expected turnout, and each presenter, host or
    note-taker who said no, with what to do about it."""
    if target.status is not SessionStatus.PLANNED:
        return {"turnout": None, "flags": []}
    from studygroup import rsvps

    turnout = rsvps.turnout(db, target)
    if turnout is None or not turnout["no"]:
        return {"turnout": turnout, "flags": []}
    said_no = rsvps.declined(db, target)
    names = set(db.execute(select(members.c.name).where(members.c.id.in_(list(said_no)))).scalars())
    flags: list[str] = []
    on_agenda = {e["talk_id"] for e in entries if e["talk_id"] is not None}
    for e in entries:
        away = [p for p in e["presenters"] if p in names]
        if e["talk_id"] is not None and away:
            flags.append(
                f"{' & '.join(away)} said no: talk #{e['talk_id']} {e['title']}"
                + _next_in_queue(db, course, on_agenda, said_no)
            )
    n = target.number
    if held_by["host"] in names:
        flags.append(
            f"{held_by['host']} (host) said no: swap with "
            f"'studygroup session swap-host {n} NAME' or set 'session host {n} NAME'"
        )
    if held_by["notes"] in names:
        flags.append(
            f"{held_by['notes']} (notes) said no: set another with "
            f"'studygroup session notes-by {n} NAME'"
        )
    return {"turnout": turnout, "flags": flags}


def _next_in_queue(
    db: Connection, course: CourseRow, on_agenda: set[int], said_no: set[int]
) -> str:
    """'; next in the queue: #7 Diffusion (Priya)', the first queued talk not on this agenda
    whose presenter has not said no."""
    found = db.execute(
        talks_mod.WITH_PRESENTER.where(
            talks.c.course_id == course.id,
            talks.c.status == TalkStatus.QUEUED,
            talks.c.on_hold.is_(False),
            talks.c.id.not_in(list(on_agenda) or [-1]),
            talks.c.presenter_id.not_in(list(said_no) or [-1]),
        )
        .order_by(talks.c.requested_on, talks.c.created_at, talks.c.id)
        .limit(1)
    ).first()
    if found is None:
        return "; no other talk is waiting in the queue"
    return f"; next in the queue: #{found.id} {found.title} ({found.presenter})"


def agenda_document(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    display_tz: str | None = None,
    *,
    group_items_only: bool = False,
) -> AgendaDocument:
    view = agenda_view(db, course, target, display_tz, group_items_only=group_items_only)
    entries = view["entries"]
    owners: dict[str, list[ItemJSON]] = {}
    for item in view["action_items"]:
        owners.setdefault(item["owner"] or "", []).append(item)
    previous = sessions.previous_held(db, target)
    following = sessions.planned_after(db, target)
    next_line: NextSession | None = None
    if following is not None:
        upcoming = entries_of(db, following)
        next_line = {
            "session": following.number,
            "local_start": session_dict(course, following)["local_start"],
            "lectures": [
                {
                    "label": e.lecture_label,
                    "title": e.lecture_title,
                    "kind": e.lecture_kind.value,
                    "part": f"{e.part}/{e.parts}" if e.part is not None else None,
                }
                for e in upcoming
                if e.kind == EntryKind.LECTURE
                and e.lecture_label is not None
                and e.lecture_title is not None
                and e.lecture_kind is not None
            ],
            "presenters": [
                e.presenter
                for e in upcoming
                if e.kind == EntryKind.TALK and e.talk_id is not None and e.presenter is not None
            ],
        }
    watch: list[Watch] = [
        {
            "label": label,
            "title": e["title"],
            "kind": kind,
            "part": e["part"],
            "video_minutes": e["video_minutes"],
            "url": e["url"],
            "optional": e["optional"],
        }
        for e in entries
        if e["kind"] == "lecture"
        and (label := e["lecture"]) is not None
        and (kind := e["lecture_kind"]) is not None
    ]
    talk_lines: list[TalkLine] = [
        {
            "talk_id": talk_id,
            "presenter": presenter,
            "presenters": e["presenters"],
            "title": e["title"],
            "url": e["url"],
            "minutes": e["minutes"],
            "start": e["start"],
            "postponed": e["postponed"],
            "postponed_from": e["postponed_from"],
        }
        for e in entries
        if e["kind"] == "talk"
        and (talk_id := e["talk_id"]) is not None
        and (presenter := e["presenter"]) is not None
    ]
    by_owner: list[OwnerItems] = [
        {"owner": owner or None, "items": items}
        for owner, items in sorted(owners.items(), key=lambda kv: (kv[0] == "", kv[0]))
    ]
    document = AgendaDocument(
        session=view["session"],
        call_url=view["call_url"],
        call_note=view["call_note"],
        host=view["host"],
        notes_by=view["notes_by"],
        display_timezone=view["display_timezone"],
        entries=view["entries"],
        total_minutes=view["total_minutes"],
        over_by_minutes=view["over_by_minutes"],
        optional_lectures=view["optional_lectures"],
        action_items=view["action_items"],
        not_fitting=view["not_fitting"],
        waiting=view["waiting"],
        talk_limit=view["talk_limit"],
        turnout=view["turnout"],
        flags=view["flags"],
        course={"slug": course.slug, "title": course.title, "url": course.url},
        watch=watch,
        talks=talk_lines,
        items_by_owner=by_owner,
        previous={"session": previous.number, "present": attendance.present_count(db, previous)}
        if previous is not None
        else None,
        next=next_line,
        poll=polls.open_for(db, course),
    )
    if target.status is SessionStatus.HELD:
        # a past session's page shows what happened, not the plan or today's schedule
        who = attendance.view(db, target)
        happened: Happened = {
            "covered": [e for e in watch if _done(entries, e)],
            "not_covered": [e for e in watch if not _done(entries, e)],
            "talks_given": [t for t in talk_lines if _talk_done(entries, t["talk_id"])],
            "present": who["present"],
            "absent": who["absent"],
            "excused": who["excused"],
        }
        document["happened"] = happened
        document["next"] = None
    return document


def _done(entries: list[AgendaEntry], lecture: Watch) -> bool:
    return any(
        e["done"]
        for e in entries
        if e["kind"] == "lecture"
        and e["lecture"] == lecture["label"]
        and e["part"] == lecture["part"]
    )


def _talk_done(entries: list[AgendaEntry], talk_id: int) -> bool:
    return any(e["done"] for e in entries if e["talk_id"] == talk_id)
