"""Members: the people who attend and present."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from studygroup import faults, lookup
from studygroup.errors import Conflict, Invalid
from studygroup.io.csvfile import MAX_ROWS, RowError, read_rows
from studygroup.lookup import name_key
from studygroup.models import Member, entity
from studygroup.rules import validate
from studygroup.store import schema
from studygroup.store.types import utcnow


@dataclass
class MemberFields:
    """None means 'leave as it is'; an empty string clears an optional field."""

    name: str | None = None
    email: str | None = None
    handle: str | None = None
    timezone: str | None = None

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
            values["timezone"] = (
                validate.timezone(self.timezone) if self.timezone.strip() else None
            )
        return values


def _check_unique(session: Session, values: dict[str, Any], member_id: int | None) -> None:
    checks = (
        ("name_key", Member.name_key, "a member named {!r} already exists"),
        ("email", Member.email, "the email {!r} already belongs to {}"),
        ("handle", Member.handle, "the handle @{} already belongs to {}"),
    )
    for key, column, message in checks:
        value = values.get(key)
        if value is None:
            continue
        other = session.scalar(select(Member).where(column == value))
        if other is not None and other.id != member_id:
            shown = values["name"] if key == "name_key" else value
            raise Conflict(message.format(shown, other.name))


def add_member(session: Session, name: str, fields: MemberFields, today: date) -> Member:
    fields.name = name
    values = fields.cleaned()
    _check_unique(session, values, None)
    member = Member(joined_on=today, active=True, **values)
    session.add(member)
    session.flush()
    return member


def find_member(session: Session, ref: str, *, include_archived: bool = True) -> Member:
    """The member to change (the rule is lookup.find_member)."""
    return entity(session, Member,
                  lookup.find_member(session, ref, include_archived=include_archived))


def edit_member(session: Session, ref: str, fields: MemberFields) -> Member:
    member = find_member(session, ref)
    values = fields.cleaned()
    _check_unique(session, values, member.id)
    for name, value in values.items():
        setattr(member, name, value)
    session.flush()
    return member


def archive_member(session: Session, ref: str) -> Member:
    member = find_member(session, ref)
    if not member.active:
        raise Conflict(f"{member.name} is already archived")
    member.active = False
    member.archived_at = utcnow()
    session.flush()
    return member


def restore_member(session: Session, ref: str) -> Member:
    member = find_member(session, ref)
    if member.active:
        raise Conflict(f"{member.name} is not archived")
    member.active = True
    member.archived_at = None
    session.flush()
    return member


MEMBER_COLUMNS = ("name", "email", "handle", "timezone")


@dataclass
class MemberImportSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def import_members(session: Session, path: Path, today: date,
                   max_rows: int = MAX_ROWS) -> MemberImportSummary:
    """Add or update members from CSV (name,email,handle,timezone); all rows or none.

    A row matches an existing member by name (any case), else by email; it is updated in place.
    Batched: the members are read once, every row is checked in memory in file order (a row
    sees the changes of the rows before it), then one bulk insert and one bulk update per set
    of columns, so the statement count does not grow with the file.
    """
    _, rows = read_rows(path, required=("name",), optional=MEMBER_COLUMNS, max_rows=max_rows)
    table = schema.members
    names: dict[int, str] = {}
    owner: dict[str, dict[Any, int]] = {"name_key": {}, "email": {}, "handle": {}}
    held: dict[int, dict[str, Any]] = {}  # each member's unique values, as the rows change them
    for member_id, name, key, email, handle in session.execute(
            select(table.c.id, table.c.name, table.c.name_key, table.c.email, table.c.handle)):
        names[member_id] = name
        for column, value in (("name_key", key), ("email", email), ("handle", handle)):
            if value is not None:
                owner[column][value] = member_id
                held.setdefault(member_id, {})[column] = value
    messages = {"name_key": "a member named {!r} already exists",
                "email": "the email {!r} already belongs to {}",
                "handle": "the handle @{} already belongs to {}"}
    summary = MemberImportSummary()
    seen: dict[str, int] = {}
    new: list[dict[str, Any]] = []  # new members get provisional ids -1, -2, ...
    updates: dict[int, dict[str, Any]] = {}
    for row in rows:
        try:
            values = MemberFields(
                name=row.get("name"),
                email=row.get("email") if "email" in row.values else None,
                handle=row.get("handle") if "handle" in row.values else None,
                timezone=row.get("timezone") if "timezone" in row.values else None,
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
                new.append({"joined_on": today, "active": True, "email": None,
                            "handle": None, "timezone": None, **values})
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
        session.execute(
            update(table).where(table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in columns}), batch)
    faults.point("member-import-mid")  # the updates are in, the new members not yet
    if new:
        session.execute(insert(table), new)
    return summary
