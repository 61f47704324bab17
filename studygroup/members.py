"""Members: the people who attend and present."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update

from studygroup import clock, faults
from studygroup.errors import Conflict, Invalid, NotFound
from studygroup.io.csvfile import MAX_ROWS, RowError, read_rows
from studygroup.rules import validate
from studygroup.rules.names import name_key, prefix_pattern
from studygroup.store import schema
from studygroup.store.db import count, new_id
from studygroup.store.rows import MemberRow
from studygroup.store.schema import (
    action_items,
    attendance,
    members,
    poll_ballots,
    reminders,
    talks,
)


@dataclass
class MemberFields:
    """None means 'leave as it is'; an empty string clears an optional field."""

    name: str | None = None
    email: str | None = None
    handle: str | None = None
    timezone: str | None = None
    greeting: str | None = None  # how reminders greet them; '' goes back to the first name

    def cleaned(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.name is not None:
            name = validate.text(self.name, "member name")
            if name.startswith("@"):
                raise Invalid(f"member name {name!r} must not start with '@' (that is a handle)")
            values["name"] = name
            values["name_key"] = name_key(name)
        if self.email is not None:
            values["email"] = validate.email(self.email)
        if self.handle is not None:
            values["handle"] = validate.handle(self.handle)
        if self.timezone is not None:
            values["timezone"] = validate.timezone(self.timezone) if self.timezone.strip() else None
        if self.greeting is not None:
            values["greeting"] = (
                validate.text(self.greeting, "greeting name", 60) if self.greeting.strip() else None
            )
        return values


def _check_unique(db: Connection, values: dict[str, Any], member_id: int | None) -> None:
    checks = (
        ("name_key", members.c.name_key, "a member named {!r} already exists"),
        ("email", members.c.email, "the email {!r} already belongs to {}"),
        ("handle", members.c.handle, "the handle @{} already belongs to {}"),
    )
    for key, column, message in checks:
        value = values.get(key)
        if value is None:
            continue
        other = db.execute(select(members.c.id, members.c.name).where(column == value)).first()
        if other is not None and other.id != member_id:
            shown = values["name"] if key == "name_key" else value
            raise Conflict(message.format(shown, other.name))


def find(db: Connection, ref: str, *, include_archived: bool = True) -> Row[Any]:
    """A member by exact name (any case), email, @handle, or a unique name prefix."""
    text = ref.strip()
    if not text:
        raise Invalid("empty member name")
    query = select(members)
    if not include_archived:
        query = query.where(members.c.active.is_(True))
    if text.startswith("@"):
        member = db.execute(query.where(members.c.handle == text[1:])).first()
        if member is None:
            raise NotFound(f"no member with handle {text!r}")
        return member
    if "@" in text:
        member = db.execute(query.where(members.c.email == text.lower())).first()
        if member is not None:
            return member
    key = name_key(text)
    member = db.execute(query.where(members.c.name_key == key)).first()
    if member is not None:
        return member
    candidates = db.execute(
        query.where(members.c.name_key.like(prefix_pattern(text), escape="\\"))
        .order_by(members.c.name_key)
        .limit(6)
    ).all()
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NotFound(f"no member {ref!r}; see 'studygroup member list'")
    names = ", ".join(m.name for m in candidates[:5])
    more = ", ..." if len(candidates) > 5 else ""
    raise Invalid(f"{ref!r} is ambiguous: it could be {names}{more}")


def get(db: Connection, member_id: int) -> Row[Any]:
    return db.execute(select(members).where(members.c.id == member_id)).one()


def listed(db: Connection, include_archived: bool = False) -> list[Row[Any]]:
    query = select(members).order_by(members.c.name_key)
    if not include_archived:
        query = query.where(members.c.active.is_(True))
    return list(db.execute(query))


def add(db: Connection, name: str, fields: MemberFields, today: date) -> Row[Any]:
    fields.name = name
    values = fields.cleaned()
    _check_unique(db, values, None)
    member_id = new_id(db.execute(insert(members).values(joined_on=today, active=True, **values)))
    return get(db, member_id)


def edit(db: Connection, ref: str, fields: MemberFields) -> Row[Any]:
    member = find(db, ref)
    values = fields.cleaned()
    _check_unique(db, values, member.id)
    if values:
        db.execute(update(members).where(members.c.id == member.id).values(values))
    return get(db, member.id)


def archive(db: Connection, ref: str) -> Row[Any]:
    member = find(db, ref)
    if not member.active:
        raise Conflict(f"{member.name} is already archived")
    db.execute(
        update(members)
        .where(members.c.id == member.id)
        .values(active=False, archived_at=clock.now())
    )
    return get(db, member.id)


def restore(db: Connection, ref: str) -> Row[Any]:
    member = find(db, ref)
    if member.active:
        raise Conflict(f"{member.name} is not archived")
    db.execute(
        update(members).where(members.c.id == member.id).values(active=True, archived_at=None)
    )
    return get(db, member.id)


def delete_member(db: Connection, member: MemberRow) -> None:
    """A hard delete: refused once the member has any history (archive them instead)."""
    from studygroup.courses import describe_counts

    history = {
        ("attendance record", "attendance records"): count(
            db, attendance, attendance.c.member_id == member.id
        ),
        ("talk", "talks"): count(db, talks, talks.c.presenter_id == member.id),
        ("action item", "action items"): count(
            db, action_items, action_items.c.owner_id == member.id
        ),
        ("poll ballot", "poll ballots"): count(
            db, poll_ballots, poll_ballots.c.member_id == member.id
        ),
        ("reminder sent", "reminders sent"): count(
            db, reminders, reminders.c.member_id == member.id
        ),
    }
    if any(history.values()):
        raise Conflict(
            f"{member.name} has history ({describe_counts(history)}); "
            "archive them instead with 'studygroup member archive'"
        )
    db.execute(delete(members).where(members.c.id == member.id))


MEMBER_COLUMNS = ("name", "email", "handle", "timezone")


@dataclass
class MemberImportSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def import_members(
    db: Connection,
    path: Path,
    today: date,
    max_rows: int = MAX_ROWS,
    encoding: str | None = None,
) -> MemberImportSummary:
    """Add or update members from CSV (name,email,handle,timezone); all rows or none.

    A row matches an existing member by name (any case), else by email; it is updated in place.
    Batched: the members are read once, every row is checked in memory in file order (a row
    sees the changes of the rows before it), then one bulk insert and one bulk update per set
    of columns, so the statement count does not grow with the file.
    """
    sheet = read_rows(
        path, required=("name",), optional=MEMBER_COLUMNS, max_rows=max_rows, encoding=encoding
    )
    table = schema.members
    names: dict[int, str] = {}
    owner: dict[str, dict[Any, int]] = {"name_key": {}, "email": {}, "handle": {}}
    held: dict[int, dict[str, Any]] = {}  # each member's unique values, as the rows change them
    for member_id, name, key, email, handle in db.execute(
        select(table.c.id, table.c.name, table.c.name_key, table.c.email, table.c.handle)
    ):
        names[member_id] = name
        for column, value in (("name_key", key), ("email", email), ("handle", handle)):
            if value is not None:
                owner[column][value] = member_id
                held.setdefault(member_id, {})[column] = value
    messages = {
        "name_key": "a member named {!r} already exists",
        "email": "the email {!r} already belongs to {}",
        "handle": "the handle @{} already belongs to {}",
    }
    summary = MemberImportSummary()
    seen: dict[str, int] = {}
    new: list[dict[str, Any]] = []  # new members get provisional ids -1, -2, ...
    updates: dict[int, dict[str, Any]] = {}
    for row in sheet.rows:
        try:
            values = MemberFields(
                name=row.get("name"),
                email=row.get("email") if sheet.has("email") else None,
                handle=row.get("handle") if sheet.has("handle") else None,
                timezone=row.get("timezone") if sheet.has("timezone") else None,
            ).cleaned()
            key = values["name_key"]
            if key in seen:
                raise Invalid(f"{values['name']!r} appears twice (also line {seen[key]})")
            seen[key] = row.line
            existing = owner["name_key"].get(key)
            if existing is None and values.get("email"):
                existing = owner["email"].get(values["email"])
            for column, message in messages.items():
                value = values.get(column)
                other = owner[column].get(value) if value is not None else None
                if other is not None and other != existing:
                    shown = values["name"] if column == "name_key" else value
                    raise Conflict(message.format(shown, names[other]))
            if existing is None:
                existing = -(len(new) + 1)
                new.append(
                    {
                        "joined_on": today,
                        "active": True,
                        "email": None,
                        "handle": None,
                        "timezone": None,
                        **values,
                    }
                )
                summary.added.append(values["name"])
            else:
                updates.setdefault(existing, {}).update(values)
                summary.updated.append(values["name"])
                for column, old in held.get(existing, {}).items():
                    if column in values and owner[column].get(old) == existing:
                        del owner[column][old]  # the member's old value is free again
            names[existing] = values["name"]
            mine = held.setdefault(existing, {})
            for column in owner:
                if column in values:
                    mine.pop(column, None)
                    if values[column] is not None:
                        owner[column][values[column]] = existing
                        mine[column] = values[column]
        except (Invalid, Conflict) as exc:
            raise RowError(str(path), row.line, str(exc)) from None
    # updates first, in file order (one statement per run of rows that set the same columns):
    # they may free an email or handle that a later row, or a new member, takes
    runs: list[tuple[tuple[str, ...], list[dict[str, Any]]]] = []
    for member_id, values in updates.items():
        columns = tuple(sorted(values))
        if not runs or runs[-1][0] != columns:
            runs.append((columns, []))
        runs[-1][1].append({"b_id": member_id, **{f"b_{c}": values[c] for c in columns}})
    for columns, batch in runs:
        db.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in columns}),
            batch,
        )
    faults.point("member-import-mid")  # the updates are in, the new members not yet
    if new:
        db.execute(insert(table), new)
    return summary
