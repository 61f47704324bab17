"""`attend import`: attendance from a call report (Zoom, Google Meet, Teams, Jitsi, or a
plain CSV). The report is read by `io/reports` (the format from its content), its times by
the pure rules in `rules/calltime.py`, and its people matched to members by
`rules/matching.py`; what it finds is recorded with `attendance.record`. Only this command
loads any of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, select

from studygroup import faults, members, sessions
from studygroup.attendance import record, require_recordable, require_started, session_for
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.io import reports
from studygroup.io.csvfile import MAX_ROWS, RowError
from studygroup.render.documents import (
    ImportDocument,
    Learned,
    Matched,
    ReportPerson,
    Skipped,
    TooShort,
    Unknown,
)
from studygroup.rules import calltime, matching, validate, weekly
from studygroup.rules.names import display_variants, is_bot, member_name_from_display, name_key
from studygroup.store.enums import AttendanceSource, AttendanceStatus, SessionStatus
from studygroup.store.rows import CourseRow, MemberRow, SessionRow
from studygroup.store.schema import members as members_table

if TYPE_CHECKING:
    from collections.abc import Sequence


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
    status: str = "unknown"  # present | short | unknown | ambiguous | added | ignored
    suggestions: tuple[str, ...] = ()

    def as_dict(self) -> ReportPerson:
        return ReportPerson(
            name=self.name,
            email=self.email,
            member=self.member.name if self.member is not None else None,
            by=self.by,
            minutes=self.minutes,
            status=self.status,
            suggestions=list(self.suggestions),
        )


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
    caution: str | None = None  # why this import needs --yes, if it does
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # line, name, why
    date_order: str | None = None  # how the report's dates were read: ymd, dmy, mdy

    def of(self, *statuses: str) -> list[Person]:
        return [p for p in self.people if p.status in statuses]

    def as_dict(self, dry_run: bool) -> ImportDocument:
        return ImportDocument(
            format=self.kind,
            session=self.session,
            chosen_by=self.chosen_by,
            report_date=self.report_day.isoformat() if self.report_day else None,
            date_order=self.date_order,
            min_minutes=self.needed,
            people=[p.as_dict() for p in self.people],
            matched=[
                Matched(name=p.name, member=p.member.name, by=p.by, minutes=p.minutes)
                for p in self.of("present")
                if p.member is not None
            ],
            too_short=[
                TooShort(name=p.name, member=p.member.name if p.member else None, minutes=p.minutes)
                for p in self.of("short")
            ],
            unknown=[
                Unknown(
                    name=p.name, email=p.email, minutes=p.minutes, suggestions=list(p.suggestions)
                )
                for p in self.of("unknown", "ambiguous")
            ],
            added=[p.name for p in self.of("added")],
            learned=[Learned(alias=a, member=m) for a, m in self.learned],
            recorded=self.recorded,
            caution=self.caution,
            skipped=[Skipped(line=n, name=name, reason=why) for n, name, why in self.skipped],
            dry_run=dry_run,
        )


class NeedsConfirmation(Conflict):
    """An import that needs a second look (`--yes`): nothing was written; `report` is what it
    would have done."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.caution}; nothing written: check the lines above, then run "
                         "again with --yes")  # fmt: skip
        self.report = report


# an undated list more than this many days from today goes to a session only with --yes
UNDATED_DAYS = 7


def caution(
    db: Connection,
    course: CourseRow,
    target: SessionRow,
    report_day: date | None,
    present: Sequence[Person],
    today: date,
) -> str | None:
    """Why an import needs --yes: the session already has imported attendance (the import
    would change it), or an undated list is going to a session more than a week from today
    (a dated report is already held to its session's day)."""
    from studygroup.store.schema import attendance as attendance_table

    reasons = []
    existing = {
        member_id: (status, minutes)
        for member_id, status, minutes in db.execute(
            select(
                attendance_table.c.member_id,
                attendance_table.c.status,
                attendance_table.c.minutes,
            ).where(
                attendance_table.c.session_id == target.id,
                attendance_table.c.source == AttendanceSource.IMPORT,
            )
        )
    }
    if existing:
        changed = sum(
            1
            for p in present
            if p.member is not None
            and p.member.id in existing
            and (
                existing[p.member.id][0] is not AttendanceStatus.PRESENT
                or (p.minutes is not None and p.minutes != existing[p.member.id][1])
            )
        )
        new = sum(1 for p in present if p.member is None or p.member.id not in existing)
        reasons.append(
            f"session {target.number} already has imported attendance for {len(existing)} "
            f"member(s); this import would change {changed} and add {new}"
        )
    held_on = sessions.local_date(course, target)
    if report_day is None and abs((today - held_on).days) > UNDATED_DAYS:
        reasons.append(
            f"the file has no date and session {target.number} was on {_short(held_on)}, "
            f"more than a week from today"
        )
    return "; ".join(reasons) or None


class ImportOptions(NamedTuple):
    min_minutes: int = 0
    min_percent: int = 0
    add_unknown: bool = False
    dry_run: bool = False
    fmt: str | None = None
    encoding: str | None = None
    host_zone: str | None = None  # the zone the report's times are in (default: the course's)
    matches: tuple[tuple[str, str], ...] = ()  # --match "Shown=Member"
    max_rows: int = MAX_ROWS
    date_order: str | None = None  # --date-order dmy|mdy, where the file cannot tell
    confirmed: bool = False  # --yes: go ahead where the import needs a second look


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
    date_order: str | None = None,
) -> tuple[SessionRow, str, str | None, date | None]:
    """The session a report is for, how it was chosen, the date order its stamps are read in,
    and the report's local day. A dated report must fall on its session's day (±1 for time
    zones); with no REF, the session on the report's day is chosen. `date_order` (dmy, mdy)
    says how to read dates the file cannot tell apart."""
    stamps = _stamps(report)
    orders = calltime.orders_that_fit(stamps)
    if date_order is not None and orders:
        if date_order not in orders:
            raise Invalid(
                f"the dates in {path.name} cannot be read as {ORDER_WORDS[date_order]} "
                f"(they read as {', '.join(ORDER_WORDS[o] for o in orders)})"
            )
        orders = [date_order]
    preference = PREFERENCE.get(report.format, ORDER_PREFERENCE)
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
        order = min(days, key=lambda o: (distance(o, target), preference.index(o)))
        day = days[order]
        if not calltime.near(day, sessions.local_date(course, target)):
            raise Conflict(_wrong_day(path, day, course, target, held))
        return target, "ref", order, day
    best = sorted(
        (
            (distance(o, s), preference.index(o), -s.starts_at.timestamp(), o, s)
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
# the session date decides whenever it can. Zoom's portal writes US dates (month first)
# unless an account changes its locale, so its reports read month first in a tie.
ORDER_PREFERENCE = ("ymd", "dmy", "mdy")
PREFERENCE = {"zoom": ("ymd", "mdy", "dmy"), "webex": ("ymd", "mdy", "dmy")}
ORDER_WORDS = {"ymd": "year-month-day", "dmy": "day/month/year", "mdy": "month/day/year"}


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


def _ignore_bots(db: Connection, people: list[Person]) -> None:
    """Unknown people whose name `member ignore` was given, or a known note-taking bot, are
    nobody: never reported, never added."""
    keys = {name_key(name) for name in members.ignored(db)}
    for person in people:
        if person.status != "unknown" or person.member_id is not None:
            continue
        variants = display_variants(person.name)
        if is_bot(person.name) or any(name_key(v) in keys for v in variants):
            person.status = "ignored"


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
    target, chosen_by, order, day = choose_session(
        db, course, ref, path, report, host, now, options.date_order
    )
    require_recordable(target)
    require_started(target, course.timezone, now)
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
    result.date_order = order
    result.learned = [(shown, member.name) for shown, member in learned]
    result.skipped = [(a.line, a.name, a.problem or "") for a in report.attendees if a.problem]
    report.attendees = [a for a in report.attendees if a.problem is None]
    people = _group(report, directory)
    _ignore_bots(db, people)
    by_id = {m.id: m for m in _members_by_id(db, [p.member_id for p in people])}
    base_day = day or sessions.local_date(course, target)
    for person in people:
        person.member = by_id.get(person.member_id) if person.member_id is not None else None
        person.minutes = _minutes(person.rows, order, base_day, target.minutes)
        if person.status == "ignored":
            continue
        if person.minutes is not None and person.minutes < needed:
            person.status = "short"
        elif person.member is not None:
            person.status = "present"
        elif person.status == "unknown" and options.add_unknown:
            person.status = "added"
    result.people = people
    for person in result.of("added"):
        person.name = new_member_name(path, person)
    result.caution = caution(db, course, target, day, result.of("present", "added"), today)
    if options.dry_run:
        return result
    if result.caution is not None and not options.confirmed:
        raise NeedsConfirmation(result)
    for shown, member in learned:
        members.add_alias(db, member, shown)
    minutes: dict[int, int | None] = {}
    present: list[MemberRow] = []
    for person in result.of("present"):
        assert person.member is not None
        present.append(person.member)
        minutes[person.member.id] = person.minutes
    made: dict[str, MemberRow] = {}  # by name key: two rows never make two members
    for person in result.of("added"):  # --add-unknown: made as members, in this transaction
        key = name_key(person.name)
        added = made.get(key)
        if added is None:
            try:
                added = members.add(
                    db, person.name, members.MemberFields(email=person.email or ""), today
                )
            except (Invalid, Conflict) as exc:
                raise RowError(str(path), person.line, str(exc)) from None
            made[key] = added
        person.member = added
        if added.id not in minutes:
            present.append(added)
        minutes[added.id] = max(
            (m for m in (minutes.get(added.id), person.minutes) if m is not None), default=None
        )
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


def _members_by_id(db: Connection, ids: Sequence[int | None]) -> list[MemberRow]:
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
