"""The group's site as one typed document (render/site.py writes the pages): the next call, the
sessions to come, the talk queue, the past calls, the progress and the calendar.

Privacy is decided here, once: members are named as `names` says (rules/names.shown_names),
no email address is read at all, and the call link, attendance and stats are in the document
only when `private`. A fixed number of statements however long the course has run: the past
calls are read together, not one recap at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from studygroup import agenda, courses, groups, polls, rollover, sessions
from studygroup import talks as talks_mod
from studygroup.render.documents import (
    AgendaEntry,
    CalendarCourse,
    Decision,
    NextCall,
    PastSession,
    ProgressPoint,
    RecapAttendance,
    SiteDocument,
    SiteLecture,
    SiteProgress,
    SiteSession,
    SiteTalk,
    SiteTime,
    StatsDocument,
)
from studygroup.render.labels import lecture_name
from studygroup.rules import weekly
from studygroup.rules.names import shown_names
from studygroup.rules.pace import UnitKey, covered_after_each
from studygroup.store.enums import AttendanceStatus, EntryKind, SessionStatus, TalkStatus
from studygroup.store.rows import CourseRow, EntryRow, SessionRow, TalkRow
from studygroup.store.schema import attendance, members, talks
from studygroup.views.agenda import agenda_view
from studygroup.views.calendar import calendar_document
from studygroup.views.progress import course_progress

UPCOMING = 8  # sessions listed after the next one
WAITING = {TalkStatus.QUEUED.value, TalkStatus.SCHEDULED.value, TalkStatus.POSTPONED.value}


def site_document(
    db: Connection, course: CourseRow, now: datetime, *, private: bool, names: str
) -> SiteDocument:
    """Everything the site shows of `course` at `now`."""
    people = db.execute(
        select(members.c.id, members.c.name, members.c.handle).where(
            groups.has_member(course.group_id, members.c.id)
        )
    ).all()
    shown = shown_names([(p.name, p.handle) for p in people], names)
    by_id = {p.id: shown[p.name] for p in people}
    every = sessions.of_course(db, course)
    numbers = {s.id: s.number for s in every}
    entries = agenda.entries_of_many(db, [s.id for s in every])
    course_talks = db.execute(
        talks_mod.WITH_PRESENTER.where(talks.c.course_id == course.id).order_by(
            talks.c.requested_on, talks.c.created_at, talks.c.id
        )
    ).all()
    others = talks_mod.co_presenters(db, [t.id for t in course_talks])

    def presenters(talk_id: int, presenter: str | None) -> list[str]:
        named = [presenter] if presenter is not None else []
        return [shown.get(n, "") for n in [*named, *others.get(talk_id, [])]]

    def lecture(e: EntryRow) -> SiteLecture:
        return {
            "name": lecture_name(
                e.lecture_label or "",
                e.lecture_title or "",
                e.lecture_kind.value if e.lecture_kind else None,
            ),
            "part": f"{e.part}/{e.parts}" if e.part is not None else None,
            "url": e.lecture_url,
            "optional": bool(e.lecture_optional),
            "video_minutes": e.lecture_video_minutes,
        }

    planned_on: dict[int, int] = {}  # a talk on a planned agenda: that session's number
    for s in every:
        if s.status is SessionStatus.PLANNED:
            for e in entries[s.id]:
                if e.talk_id is not None:
                    planned_on.setdefault(e.talk_id, s.number)

    def talk(t: TalkRow) -> SiteTalk:
        return {
            "id": t.id,
            "title": t.title,
            "presenters": presenters(t.id, t.presenter),
            "url": t.url,
            "minutes": t.minutes,
            "status": t.status.value,
            "session": numbers.get(t.session_id) if t.session_id else planned_on.get(t.id),
            "on_hold": bool(t.on_hold),
            "postponed": t.times_postponed,
        }

    talk_by_id = {t.id: talk(t) for t in course_talks}

    def session(s: SessionRow) -> SiteSession:
        mine = entries[s.id]
        return {
            "number": s.number,
            "status": s.status.value,
            "starts": site_time(s.starts_at, course.timezone),
            "minutes": s.minutes,
            "lectures": [lecture(e) for e in mine if _is_lecture(e)],
            "talks": [
                talk_by_id[e.talk_id]
                for e in mine
                if e.kind is EntryKind.TALK and e.talk_id is not None and e.talk_id in talk_by_id
            ],
            "host": by_id.get(s.host_id) if s.host_id else None,
            "notes_by": by_id.get(s.notes_by_id) if s.notes_by_id else None,
        }

    following = sessions.next_upcoming(db, course, now)
    next_call: NextCall | None = None
    if following is not None:
        view = agenda_view(db, course, following, group_items_only=True)
        base = session(following)
        next_call = NextCall(
            **base,
            turnout=view["turnout"],
            agenda=[
                {
                    "start": e["start"],
                    "start_utc": site_time(at, course.timezone)["utc"],
                    "minutes": e["minutes"],
                    "kind": e["kind"],
                    "title": lecture_name(e["lecture"], e["title"], e["lecture_kind"])
                    + (f" (part {e['part']})" if e["part"] else "")
                    if e["lecture"] is not None
                    else e["title"],
                    "url": e["url"],
                    "presenters": [shown.get(n, "") for n in e["presenters"]],
                    "overflow": e["overflow"],
                }
                for e, at in zip(view["entries"], _starts(following, view["entries"]), strict=True)
            ],
            optional_lectures=[
                {
                    "name": lecture_name(o["label"], o["title"], o["kind"]),
                    "part": None,
                    "url": o["url"],
                    "optional": True,
                    "video_minutes": o["minutes"],
                }
                for o in view["optional_lectures"]
            ],
            group_items=[i["text"] for i in view["action_items"] if i["owner"] is None],
            call_url=view["call_url"] if private else None,
            call_note=view["call_note"] if private else None,
        )
    later = [
        s
        for s in every
        if s.starts_at > now
        and s.status is not SessionStatus.HELD
        and (following is None or s.id != following.id)
    ][:UPCOMING]

    held = [s for s in every if s.status is SessionStatus.HELD]
    past = _past(db, course, held, entries, talk_by_id, lecture, private)
    return {
        "course": CalendarCourse(
            slug=course.slug,
            title=course.title,
            url=course.url,
            timezone=course.timezone,
            created_at=course.created_at,
        ),
        "private": private,
        "names": names,
        "next": next_call,
        "upcoming": [session(s) for s in later],
        # the talks still to come, in the order they are expected; unplaced ones last
        "queue": sorted(
            (t for t in talk_by_id.values() if t["status"] in WAITING and not t["on_hold"]),
            key=lambda t: (t["session"] is None, t["session"] or 0),
        ),
        "on_hold": [
            t for t in talk_by_id.values() if t["on_hold"] and t["status"] != TalkStatus.DONE.value
        ],
        "given": sorted(
            (t for t in talk_by_id.values() if t["status"] == TalkStatus.DONE.value),
            key=lambda t: -(t["session"] or 0),
        ),
        "past": past,
        "progress": _progress(db, course, every, entries),
        "calendar": calendar_document(db, course, with_call=private, names=shown),
        "stats": _stats(db, course, shown) if private else None,
    }


def site_time(at: datetime, zone: str) -> SiteTime:
    local = weekly.local(at, zone)
    utc = weekly.local(at, "UTC")
    return {
        "utc": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "local": f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}",
        "utc_text": f"{utc:%H:%M} UTC",
    }


def _starts(target: SessionRow, entries: list[AgendaEntry]) -> list[datetime]:
    """When each entry of an agenda starts: one after the other from the session's start."""
    out, at = [], target.starts_at
    for e in entries:
        out.append(at)
        at += timedelta(minutes=e["minutes"])
    return out


def _is_lecture(e: EntryRow) -> bool:
    return e.kind is EntryKind.LECTURE and e.lecture_label is not None


def _past(
    db: Connection,
    course: CourseRow,
    held: list[SessionRow],
    entries: Mapping[int, list[EntryRow]],
    talk_by_id: Mapping[int, SiteTalk],
    as_lecture: Callable[[EntryRow], SiteLecture],
    private: bool,
) -> list[PastSession]:
    """The held calls, newest first, as their recap says them: covered, moved on, talks given
    and moved on, notes, decisions (and, private, who came)."""
    moved = rollover.moved_on_many(db, held)
    counts: dict[int, dict[str, int]] = {s.id: {} for s in held}
    if private and held:
        for session_id, status, count in db.execute(
            select(attendance.c.session_id, attendance.c.status, func.count())
            .where(attendance.c.session_id.in_(list(counts)))
            .group_by(attendance.c.session_id, attendance.c.status)
        ):
            counts[session_id][AttendanceStatus(status).value] = count
    decided = _decisions(db, course, held)
    out: list[PastSession] = []
    for index, s in enumerate(held):
        mine = entries[s.id]
        after = held[index + 1] if index + 1 < len(held) else None
        attended: RecapAttendance | None = None
        if private:
            got = counts[s.id]
            attended = {
                "present": got.get("present", 0),
                "absent": got.get("absent", 0),
                "excused": got.get("excused", 0),
            }
        out.append(
            {
                "number": s.number,
                "starts": site_time(s.starts_at, course.timezone),
                "covered": [as_lecture(e) for e in mine if _is_lecture(e) and e.done],
                "moved_on": [as_lecture(e) for e in mine if _is_lecture(e) and not e.done],
                "moved_to": after.number if after is not None else None,
                "talks_given": [
                    talk_by_id[e.talk_id]
                    for e in mine
                    if e.kind is EntryKind.TALK
                    and e.done
                    and e.talk_id is not None
                    and e.talk_id in talk_by_id
                ],
                "talks_moved_on": [
                    talk_by_id[t["id"]] for t in moved[s.id]["talks"] if t["id"] in talk_by_id
                ],
                "notes": s.notes,
                "decisions": decided.get(s.id, []),
                "attendance": attended,
            }
        )
    out.reverse()
    return out


def _decisions(
    db: Connection, course: CourseRow, held: list[SessionRow]
) -> dict[int, list[Decision]]:
    """Each held call's decisions, as its recap finds them: the polls closed after the call
    before it ended, up to its own end (polls.closed_between, read once for all of them)."""
    if not held:
        return {}
    ends = [s.starts_at + timedelta(minutes=s.minutes) for s in held]
    found = polls.closed_when(db, None, ends[-1])
    out: dict[int, list[Decision]] = {}
    start = 0
    for index, s in enumerate(held):
        since = ends[index - 1] if index else None
        mine = []
        for closed_at, decision in found[start:]:
            if closed_at > ends[index]:
                break
            if (since is None or closed_at > since) and decision["course"] in (None, course.slug):
                mine.append(decision)
        out[s.id] = mine
    return out


def _progress(
    db: Connection,
    course: CourseRow,
    every: list[SessionRow],
    entries: Mapping[int, list[EntryRow]],
) -> SiteProgress:
    """The progress and its chart: required lectures covered after each held session, then
    after each planned one as the plan stands."""
    course_lectures = courses.lectures_of(db, course)
    progress = course_progress(db, course, course_lectures, False)
    shown = [s for s in every if s.status in (SessionStatus.HELD, SessionStatus.PLANNED)]

    def units(s: SessionRow) -> set[UnitKey]:
        return {
            (e.lecture_id, e.part)
            for e in entries[s.id]
            if e.kind is EntryKind.LECTURE
            and e.lecture_id is not None
            and (e.done or s.status is SessionStatus.PLANNED)
        }

    counts = covered_after_each(course_lectures, course.pace_minutes, [units(s) for s in shown])
    required = sum(1 for lec in course_lectures if not lec.skipped and not lec.optional)
    points: list[ProgressPoint] = []
    for s, covered in zip(shown, counts, strict=True):
        held = s.status is SessionStatus.HELD
        if not held and points and points[-1]["covered"] >= required:
            break  # the plan is done: the sessions after it cover nothing more
        points.append(
            {
                "number": s.number,
                "date": sessions.local_date(course, s).isoformat(),
                "covered": covered,
                "held": held,
            }
        )
    end = progress["forecast_end"]
    if end is not None and points and points[-1]["covered"] < required and end > points[-1]["date"]:
        last_held = max((p["number"] for p in points if p["held"]), default=0)
        points.append(  # beyond the planned sessions: the forecast's end
            {
                "number": last_held + progress["sessions_needed"],
                "date": end,
                "covered": required,
                "held": False,
            }
        )
    return {"progress": progress, "required": required, "points": points}


def _stats(db: Connection, course: CourseRow, shown: Mapping[str, str]) -> StatsDocument:
    """The course's stats, every member named as the site names them."""
    from studygroup.views.stats import course_stats  # a private build's, only

    stats = course_stats(db, course)
    for member in stats["members"]:
        member["name"] = shown.get(member["name"], "")
    stats["lapsing"] = [shown.get(name, "") for name in stats["lapsing"]]
    return stats
