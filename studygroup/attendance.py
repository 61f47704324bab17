"""Attendance: recorded by hand or imported from a Zoom participant report or a plain CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, update

from studygroup import clock, courses, faults, members, sessions
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.io import reports
from studygroup.io.csvfile import MAX_ROWS, RowError
from studygroup.rules import calltime, matching, validate, weekly
from studygroup.rules.names import member_name_from_display, name_key
from studygroup.rules.weekly import Phase
from studygroup.store.enums import AttendanceSource, AttendanceStatus, SessionStatus
from studygroup.store.rows import CourseRow, MemberRow, SessionRow
from studygroup.store.schema import attendance
from studygroup.store.schema import members as members_table

if TYPE_CHECKING:
    from collections.abc import Sequence


def _require_recordable(target: SessionRow) -> None:
    if target.status is SessionStatus.CANCELLED:
        raise Conflict(f"session {target.number} was cancelled; uncancel it to record attendance")


def session_for(
    db: Connection, course_slug: str | None, ref: str | None, now: datetime
) -> tuple[Row[Any], Row[Any]]:
    """The course, and the session attendance is recorded for: REF, else the latest session
    that has started and was not cancelled (attendance is often recorded after the close)."""
    course = courses.pick(db, course_slug)
    if ref:
        return course, sessions.find(db, course, ref)
    found = sessions.latest_started(db, course, now)
    if found is None:
        raise NotFound(f"no session of {course.slug} has started yet; name one with REF")
    return course, found


def _require_started(target: SessionRow, course_zone: str, now: datetime) -> None:
    """Presence and absence are facts about a call that has begun; an excuse can come first."""
    if weekly.phase(target.starts_at, target.minutes, now) is Phase.UPCOMING:
        raise Conflict(
            f"session {target.number} starts {weekly.describe(target.starts_at, course_zone)}; "
            "only --excused can be recorded before it starts"
        )


def record(
    db: Connection,
    target: SessionRow,
    statuses: dict[AttendanceStatus, Sequence[MemberRow]],
    source: AttendanceSource = AttendanceSource.MANUAL,
    minutes: dict[int, int | None] | None = None,
    *,
    now: datetime,
    course_zone: str,
) -> int:
    """Record (or change) each member's status; idempotent, one row per member and session.
    Present and absent only once the session has started by `now`."""
    _require_recordable(target)
    if any(people for status, people in statuses.items() if status is not AttendanceStatus.EXCUSED):
        _require_started(target, course_zone, now)
    wanted: dict[int, AttendanceStatus] = {}
    names: dict[int, str] = {}
    for status, people in statuses.items():
        for member in people:
            if member.id in wanted and wanted[member.id] is not status:
                raise Invalid(
                    f"{member.name} is listed as both {wanted[member.id].value} and {status.value}"
                )
            wanted[member.id] = status
            names[member.id] = member.name
    if not wanted:
        return 0
    table = attendance
    existing = {
        member_id: old
        for member_id, old in db.execute(
            select(table.c.member_id, table.c.minutes).where(
                table.c.session_id == target.id, table.c.member_id.in_(list(wanted))
            )
        )
    }
    now = clock.now()

    def row(member_id: int, status: AttendanceStatus) -> dict[str, Any]:
        kept = existing.get(member_id)
        return {
            "b_member": member_id,
            "status": status.value,
            "source": source.value,
            "minutes": minutes.get(member_id) if minutes is not None else kept,
            "recorded_at": now,
        }

    updates = [row(m, s) for m, s in wanted.items() if m in existing]
    inserts = [row(m, s) for m, s in wanted.items() if m not in existing]
    if updates:  # one statement for all, however many members
        db.execute(
            update(table)
            .where(table.c.session_id == target.id, table.c.member_id == bindparam("b_member"))
            .values(
                status=bindparam("status"),
                source=bindparam("source"),
                minutes=bindparam("minutes"),
                recorded_at=bindparam("recorded_at"),
            ),
            updates,
        )
    if inserts:
        db.execute(
            insert(table),
            [
                {
                    "session_id": target.id,
                    "member_id": r["b_member"],
                    "status": r["status"],
                    "source": r["source"],
                    "minutes": r["minutes"],
                    "recorded_at": r["recorded_at"],
                }
                for r in inserts
            ],
        )
    return len(wanted)


# -- imports ------------------------------------------------------------------------------------


@dataclass
class Person:
    """One person in a call report: their rows merged, matched (or not) to a member."""

    name: str
    email: str | None
    line: int
    rows: list[reports.Attendee]
    member_id: int | None = None
    member: MemberRow | None = None
    by: str | None = None  # the matching step that found them
    minutes: int | None = None  # time on the call: the union of their joins, capped
    status: str = "unknown"  # present | short | unknown | ambiguous | added
    suggestions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "email": self.email,
            "member": self.member.name if self.member is not None else None,
            "by": self.by,
            "minutes": self.minutes,
            "status": self.status,
            "suggestions": list(self.suggestions),
        }


@dataclass
class ImportReport:
    kind: str
    session: int
    chosen_by: str  # ref | date | latest
    report_day: date | None
    people: list[Person] = field(default_factory=list)
    learned: list[tuple[str, str]] = field(default_factory=list)  # (alias, member)
    needed: int = 0  # minutes on the call to count as present
    recorded: int = 0

    def of(self, *statuses: str) -> list[Person]:
        return [p for p in self.people if p.status in statuses]

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.kind,
            "session": self.session,
            "chosen_by": self.chosen_by,
            "report_date": self.report_day.isoformat() if self.report_day else None,
            "min_minutes": self.needed,
            "people": [p.as_dict() for p in self.people],
            "matched": [
                {"name": p.name, "member": p.member.name, "by": p.by, "minutes": p.minutes}
                for p in self.of("present")
                if p.member is not None
            ],
            "too_short": [
                {
                    "name": p.name,
                    "member": p.member.name if p.member else None,
                    "minutes": p.minutes,
                }
                for p in self.of("short")
            ],
            "unknown": [
                {
                    "name": p.name,
                    "email": p.email,
                    "minutes": p.minutes,
                    "suggestions": list(p.suggestions),
                }
                for p in self.of("unknown", "ambiguous")
            ],
            "added": [p.name for p in self.of("added")],
            "learned": [{"alias": a, "member": m} for a, m in self.learned],
            "recorded": self.recorded,
        }


@dataclass(frozen=True)
class ImportOptions:
    min_minutes: int = 0
    min_percent: int = 0
    add_unknown: bool = False
    dry_run: bool = False
    fmt: str | None = None
    encoding: str | None = None
    host_zone: str | None = None  # the zone the report's times are in (default: the course's)
    matches: tuple[tuple[str, str], ...] = ()  # --match "Shown=Member"
    max_rows: int = MAX_ROWS


def _day_of(stamp: calltime.Stamp, order: str | None, host: str, course_zone: str) -> date | None:
    if stamp.fields is None or order is None:
        return None
    if not stamp.timed:
        return stamp.day(order)
    moment = calltime.at(stamp, order, date.min).replace(tzinfo=weekly.zone(host))
    return weekly.local(moment, course_zone).date()


def _stamps(report: reports.Report) -> list[calltime.Stamp]:
    texts = [report.started] + [t for a in report.attendees for t in (a.joined, a.left)]
    return [s for s in (calltime.stamp_of(t) for t in texts if t) if s is not None]


def _report_day(
    stamps: list[calltime.Stamp], order: str, host: str, course_zone: str
) -> date | None:
    days = [d for d in (_day_of(s, order, host, course_zone) for s in stamps) if d]
    return min(days) if days else None


def _short(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def choose_session(
    db: Connection,
    course: CourseRow,
    ref: str | None,
    path: Path,
    report: reports.Report,
    host: str,
    now: datetime,
) -> tuple[Row[Any], str, str | None, date | None]:
    """The session a report is for, how it was chosen, the date order its stamps are read in,
    and the report's local day. A dated report must fall on its session's day (±1 for time
    zones); with no REF, the session on the report's day is chosen."""
    stamps = _stamps(report)
    orders = calltime.orders_that_fit(stamps)
    if not orders:
        if ref is None:
            _, target = session_for(db, course.slug, None, now)
            return target, "latest", None, None
        return sessions.find(db, course, ref), "ref", None, None
    held = [
        s
        for s in sessions.of_course(db, course)
        if s.status is not SessionStatus.CANCELLED and s.starts_at <= now
    ]
    every: dict[str, date] = {}
    for order in orders:
        found = _report_day(stamps, order, host, course.timezone)
        assert found is not None  # an order fits only where there are dated stamps
        every[order] = found
    today = weekly.local(now, course.timezone).date()
    # a report is never from the future: an order that would make it so is the wrong one
    days = {o: d for o, d in every.items() if d <= today + timedelta(days=1)} or every

    def distance(order: str, target: SessionRow) -> int:
        return abs((days[order] - sessions.local_date(course, target)).days)

    if ref is not None:
        target = sessions.find(db, course, ref)
        order = min(days, key=lambda o: (distance(o, target), ORDER_PREFERENCE.index(o)))
        day = days[order]
        if not calltime.near(day, sessions.local_date(course, target)):
            raise Conflict(_wrong_day(path, day, course, target, held))
        return target, "ref", order, day
    best = sorted(
        (
            (distance(o, s), ORDER_PREFERENCE.index(o), -s.starts_at.timestamp(), o, s)
            for o in days
            for s in held
        ),
        key=lambda t: t[:3],
    )
    if not best or best[0][0] > 1:
        day = days[next(iter(days))]
        raise NotFound(
            f"{path.name} is from {_short(day)}; no session of {course.slug} that has started "
            "is on that day: name one with REF"
        )
    _, _, _, order, target = best[0]
    return target, "date", order, days[order]


# dmy before mdy where both fit and both are as near: most of the world writes the day first;
# the session date decides whenever it can
ORDER_PREFERENCE = ("ymd", "dmy", "mdy")


def _wrong_day(
    path: Path, day: date, course: CourseRow, target: SessionRow, held: Sequence[SessionRow]
) -> str:
    message = (
        f"{path.name} is from {_short(day)}; session {target.number} is "
        f"{_short(sessions.local_date(course, target))}"
    )
    other = next((s for s in held if calltime.near(day, sessions.local_date(course, s))), None)
    if other is not None:
        message += f" (session {other.number} is {_short(sessions.local_date(course, other))})"
    return message


def _minutes(
    rows: Sequence[reports.Attendee], order: str | None, day: date, cap: int
) -> int | None:
    """Time on the call: the union of the rows' intervals (plus the minutes of rows that
    have no interval), capped at the session's length; None when the report has no times."""
    intervals: list[tuple[datetime, datetime]] = []
    loose = 0.0
    counted = False
    for row in rows:
        began = calltime.stamp_of(row.joined) if row.joined else None
        ended = calltime.stamp_of(row.left) if row.left else None
        if began is not None and ended is not None:
            intervals.append((calltime.at(began, order, day), calltime.at(ended, order, day)))
            counted = True
        elif row.minutes is not None:
            loose += row.minutes
            counted = True
    if not counted:
        return None
    return min(cap, round(calltime.union_minutes(intervals) + loose))


# suggestions are for a person reading the result: a report with more unknown people than
# this is the wrong file (or the wrong course), and measuring every one against every member
# would cost more than the import
MAX_SUGGESTED = 25


def _group(report: reports.Report, directory: matching.Directory) -> list[Person]:
    """Rows merged per member (any of their devices), or per unknown name/email; the first
    MAX_SUGGESTED unknown people get suggestions."""
    people: dict[Any, Person] = {}
    suggested = 0
    for row in report.attendees:
        outcome = directory.match(row.name, row.email, suggest=suggested < MAX_SUGGESTED)
        if isinstance(outcome, matching.Unknown):
            suggested += 1
        if isinstance(outcome, matching.Found):
            key: Any = ("member", outcome.person.id)
        else:
            key = ("email", row.email) if row.email else ("name", name_key(row.name))
        person = people.get(key)
        if person is None:
            person = people[key] = Person(row.name, row.email, row.line, [])
            if isinstance(outcome, matching.Found):
                person.by = outcome.reason.value
                person.member_id = outcome.person.id
            elif isinstance(outcome, matching.Ambiguous):
                person.status = "ambiguous"
                person.suggestions = tuple(p.name for p in outcome.people)
            else:
                person.suggestions = outcome.suggestions
        person.rows.append(row)
    return list(people.values())


def new_member_name(path: Path, person: Person) -> str:
    """The name --add-unknown gives a new member (`rules/names.member_name_from_display`);
    a display name that still holds a delimiter or an email is refused, never added."""
    name = member_name_from_display(person.name)
    if name is None:
        raise RowError(
            str(path),
            person.line,
            f"{person.name[:60]!r} looks like several fields, not a name; check the file's "
            "delimiter (or add the member by hand)",
        )
    return name


def import_attendance(
    db: Connection,
    course: CourseRow,
    ref: str | None,
    path: Path,
    options: ImportOptions,
    *,
    now: datetime,
    today: date,
) -> ImportReport:
    """Read a call report, choose and check its session, match its people and record who
    was there long enough; all or nothing (a dry run writes nothing)."""
    report = reports.read(
        path, fmt=options.fmt, encoding=options.encoding, max_rows=options.max_rows
    )
    host = options.host_zone or course.timezone
    target, chosen_by, order, day = choose_session(db, course, ref, path, report, host, now)
    _require_recordable(target)
    _require_started(target, course.timezone, now)
    learned: list[tuple[str, MemberRow]] = []
    for shown, who in options.matches:
        learned.append((shown, members.find(db, who)))
    directory = members.directory(db)
    if learned:
        extra: dict[int, list[str]] = {}
        for shown, member in learned:
            extra.setdefault(member.id, []).append(shown)
        directory = matching.Directory(
            [
                matching.Person(
                    p.id, p.name, p.email, p.handle, p.aliases + tuple(extra.get(p.id, ()))
                )
                for p in directory.people
            ]
        )
    needed = max(options.min_minutes, -(-options.min_percent * target.minutes // 100))
    result = ImportReport(report.format, target.number, chosen_by, day, needed=needed)
    result.learned = [(shown, member.name) for shown, member in learned]
    people = _group(report, directory)
    by_id = {m.id: m for m in _members_by_id(db, [p.member_id for p in people])}
    base_day = day or sessions.local_date(course, target)
    for person in people:
        person.member = by_id.get(person.member_id) if person.member_id is not None else None
        person.minutes = _minutes(person.rows, order, base_day, target.minutes)
        if person.minutes is not None and person.minutes < needed:
            person.status = "short"
        elif person.member is not None:
            person.status = "present"
        elif person.status == "unknown" and options.add_unknown:
            person.status = "added"
    result.people = people
    for person in result.of("added"):
        person.name = new_member_name(path, person)
    if options.dry_run:
        return result
    for shown, member in learned:
        members.add_alias(db, member, shown)
    minutes: dict[int, int | None] = {}
    present: list[MemberRow] = []
    for person in result.of("present"):
        assert person.member is not None
        present.append(person.member)
        minutes[person.member.id] = person.minutes
    for person in result.of("added"):  # --add-unknown: made as members, in this transaction
        try:
            added = members.add(
                db, person.name, members.MemberFields(email=person.email or ""), today
            )
        except (Invalid, Conflict) as exc:
            raise RowError(str(path), person.line, str(exc)) from None
        person.member = added
        present.append(added)
        minutes[added.id] = person.minutes
    faults.point("import-before-record")
    result.recorded = record(
        db,
        target,
        {AttendanceStatus.PRESENT: present},
        AttendanceSource.IMPORT,
        minutes,
        now=now,
        course_zone=course.timezone,
    )
    return result


def _members_by_id(db: Connection, ids: Sequence[int | None]) -> list[Row[Any]]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return []
    return list(db.execute(select(members_table).where(members_table.c.id.in_(wanted))))


def parse_match(text: str) -> tuple[str, str]:
    """--match "Shown=Member": the name as the report shows it, and the member it is."""
    shown, sep, who = text.rpartition("=")
    if not sep or not shown.strip() or not who.strip():
        raise Invalid(f'--match {text!r}: use "Name in the report=Member"')
    return validate.text(shown, "report name", 200), who.strip()


# -- who came -------------------------------------------------------------------------------


def present_count(db: Connection, target: SessionRow) -> int:
    return db.execute(
        select(func.count())
        .select_from(attendance)
        .where(
            attendance.c.session_id == target.id, attendance.c.status == AttendanceStatus.PRESENT
        )
    ).scalar_one()


def view(db: Connection, target: SessionRow) -> dict[str, Any]:
    """Who was present, absent or excused at a session, by name."""
    out: dict[str, list[str]] = {s.value: [] for s in AttendanceStatus}
    for name, status in db.execute(
        select(members_table.c.name, attendance.c.status)
        .join(members_table, attendance.c.member_id == members_table.c.id)
        .where(attendance.c.session_id == target.id)
    ):
        out[AttendanceStatus(status).value].append(name)
    for names in out.values():
        names.sort(key=str.casefold)
    return {
        "session": target.number,
        "status": target.status.value,
        "present": out["present"],
        "absent": out["absent"],
        "excused": out["excused"],
        "counts": {key: len(value) for key, value in out.items()},
    }


def default_session(db: Connection, course: CourseRow) -> Row[Any]:
    """What `attendance` shows with no REF: the next session once anyone is recorded for it
    (the call that just happened), else the last held one."""
    upcoming = sessions.next_planned(db, course)
    if upcoming is not None and present_count(db, upcoming):
        return upcoming
    return sessions.last_held(db, course) or sessions.find(db, course, "next")
