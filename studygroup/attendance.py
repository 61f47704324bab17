"""Attendance: recorded by hand or imported from a Zoom participant report or a plain CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, update

from studygroup import clock, courses, faults, members, sessions
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.io.csvfile import MAX_ROWS, RowError, read_text, too_many_rows
from studygroup.rules import validate, weekly
from studygroup.rules.names import name_key
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

ZOOM_NAME = "name (original name)"
ZOOM_EMAIL = "user email"
ZOOM_DURATION = "duration (minutes)"


@dataclass
class Participant:
    name: str
    email: str | None
    minutes: int | None
    line: int
    joins: int = 1

    def names(self) -> list[str]:
        """'Ada L (Ada Lovelace)' is a renamed participant: try the whole, then each half."""
        found = [self.name]
        match = re.fullmatch(r"(.+?)\s*\((.+)\)", self.name)
        if match:
            found += [match.group(1).strip(), match.group(2).strip()]
        return found


def parse_participants(path: Path, max_rows: int = MAX_ROWS) -> tuple[str, list[Participant]]:
    """('zoom' | 'plain', participants), the same person's joins merged with minutes summed."""
    text = read_text(path)
    lines = text.splitlines(keepends=True)
    header_index = next((i for i, line in enumerate(lines) if ZOOM_NAME in line.lower()), None)
    if header_index is not None:
        return "zoom", _parse_zoom(path, lines, header_index, max_rows)
    return "plain", _parse_plain(path, text, max_rows)


def _records(path: Path, text: str, first_line: int, max_rows: int) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[str]]] = []
    try:
        while True:
            line = first_line + reader.line_num + 1
            record = next(reader, None)
            if record is None:
                break
            if any(field.strip() for field in record):
                out.append((line, record))
                if len(out) > max_rows + 1:  # the rows and their header
                    raise too_many_rows(path, max_rows)
    except csv.Error as exc:
        raise Invalid(f"{path} line {first_line + reader.line_num}: {exc}") from None
    return out


def _clean_name(path: Path, line: int, raw: str) -> str:
    try:
        return validate.text(raw, "name")
    except Invalid as exc:
        raise RowError(str(path), line, str(exc)) from None


def _clean_email(path: Path, line: int, raw: str) -> str | None:
    try:
        return validate.email(raw)
    except Invalid as exc:
        raise RowError(str(path), line, str(exc)) from None


def _merge(people: list[Participant]) -> list[Participant]:
    merged: dict[str, Participant] = {}
    for person in people:
        key = person.email or "name:" + person.name.casefold()
        if key in merged:
            kept = merged[key]
            kept.joins += 1
            if person.minutes is not None:
                kept.minutes = (kept.minutes or 0) + person.minutes
        else:
            merged[key] = person
    return list(merged.values())


def _parse_zoom(
    path: Path, lines: list[str], header_index: int, max_rows: int
) -> list[Participant]:
    records = _records(path, "".join(lines[header_index:]), header_index, max_rows)
    header = [h.strip().lower() for h in records[0][1]]
    for column in (ZOOM_NAME, ZOOM_DURATION):
        if column not in header:
            raise Invalid(f"{path} line {records[0][0]}: missing column {column!r}")
    col = {name: header.index(name) for name in header}
    people: list[Participant] = []
    for line, record in records[1:]:

        def get(name: str, record: list[str] = record) -> str:
            index = col.get(name)
            return record[index].strip() if index is not None and index < len(record) else ""

        name = _clean_name(path, line, get(ZOOM_NAME))
        duration = get(ZOOM_DURATION)
        try:
            minutes = validate.integer(duration, "duration", 0, 24 * 60)
        except Invalid:
            raise RowError(
                str(path), line, f"invalid duration {duration[:40]!r}: use whole minutes"
            ) from None
        people.append(
            Participant(
                name=name,
                email=_clean_email(path, line, get(ZOOM_EMAIL)),
                minutes=minutes,
                line=line,
            )
        )
    return _merge(people)


def _parse_plain(path: Path, text: str, max_rows: int) -> list[Participant]:
    records = _records(path, text, 0, max_rows)
    if records and [f.strip().lower() for f in records[0][1]][:1] == ["name"]:
        records = records[1:]
    people: list[Participant] = []
    for line, record in records:
        if len(record) > 2:
            raise RowError(str(path), line, f"{len(record)} fields; expected name[,email]")
        name = _clean_name(path, line, record[0])
        email = _clean_email(path, line, record[1]) if len(record) > 1 else None
        people.append(Participant(name=name, email=email, minutes=None, line=line))
    return _merge(people)


@dataclass
class ImportReport:
    kind: str
    matched: list[tuple[Participant, MemberRow, str]] = field(default_factory=list)  # how
    too_short: list[tuple[Participant, MemberRow | None]] = field(default_factory=list)
    unknown: list[Participant] = field(default_factory=list)
    added: list[Participant] = field(default_factory=list)
    recorded: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.kind,
            "matched": [
                {"name": p.name, "member": m.name, "by": how, "minutes": p.minutes}
                for p, m, how in self.matched
            ],
            "too_short": [
                {"name": p.name, "member": m.name if m else None, "minutes": p.minutes}
                for p, m in self.too_short
            ],
            "unknown": [
                {"name": p.name, "email": p.email, "minutes": p.minutes} for p in self.unknown
            ],
            "added": [p.name for p in self.added],
            "recorded": self.recorded,
        }


def match_participants(
    db: Connection, people: list[Participant]
) -> tuple[list[tuple[Participant, MemberRow, str]], list[Participant]]:
    """By email first, then by exact name (any case); one query each."""
    emails = [p.email for p in people if p.email]
    by_email: dict[str, MemberRow] = (
        {
            m.email: m
            for m in db.execute(select(members_table).where(members_table.c.email.in_(emails)))
        }
        if emails
        else {}
    )
    keys = {name_key(n) for p in people for n in p.names()}
    by_name: dict[str, MemberRow] = (
        {
            m.name_key: m
            for m in db.execute(select(members_table).where(members_table.c.name_key.in_(keys)))
        }
        if keys
        else {}
    )
    matched: list[tuple[Participant, MemberRow, str]] = []
    unknown: list[Participant] = []
    for person in people:
        member = by_email.get(person.email) if person.email else None
        how = "email"
        if member is None:
            how = "name"
            member = next(
                (by_name[k] for k in (name_key(n) for n in person.names()) if k in by_name), None
            )
        if member is None:
            unknown.append(person)
        else:
            matched.append((person, member, how))
    return matched, unknown


def import_attendance(
    db: Connection,
    target: SessionRow,
    path: Path,
    min_minutes: int,
    add_unknown: bool,
    dry_run: bool,
    today: date,
    max_rows: int = MAX_ROWS,
    *,
    now: datetime,
    course_zone: str,
) -> ImportReport:
    _require_recordable(target)
    _require_started(target, course_zone, now)
    kind, people = parse_participants(path, max_rows)
    report = ImportReport(kind=kind)
    matched, unknown = match_participants(db, people)
    seen: dict[int, Participant] = {}
    for person, member, how in matched:
        if person.minutes is not None and person.minutes < min_minutes:
            report.too_short.append((person, member))
        elif member.id in seen:
            # two report rows (e.g. a renamed device) for one member: sum their minutes
            first = seen[member.id]
            if person.minutes is not None:
                first.minutes = (first.minutes or 0) + person.minutes
        else:
            seen[member.id] = person
            report.matched.append((person, member, how))
    for person in unknown:
        if person.minutes is not None and person.minutes < min_minutes:
            report.too_short.append((person, None))
        elif add_unknown:
            report.added.append(person)
        else:
            report.unknown.append(person)
    if dry_run:
        return report
    new_members: list[MemberRow] = []
    for person in report.added:  # --add-unknown: made as members, in this transaction
        try:
            new_members.append(
                members.add(db, person.name, members.MemberFields(email=person.email or ""), today)
            )
        except (Invalid, Conflict) as exc:
            raise RowError(str(path), person.line, str(exc)) from None
    present = [m for _, m, _ in report.matched] + new_members
    minutes = {m.id: p.minutes for p, m, _ in report.matched}
    minutes.update({m.id: p.minutes for p, m in zip(report.added, new_members, strict=True)})
    faults.point("import-before-record")
    report.recorded = record(
        db,
        target,
        {AttendanceStatus.PRESENT: present},
        AttendanceSource.IMPORT,
        minutes,
        now=now,
        course_zone=course_zone,
    )
    return report


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
