"""Members: the people who attend and present."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studygroup import crash, lookup, validate
from studygroup.csvio import RowError, read_rows
from studygroup.errors import Conflict, Invalid
from studygroup.lookup import name_key
from studygroup.models import Member, entity
from studygroup.sqltypes import utcnow


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


def import_members(session: Session, path: Path, today: date) -> MemberImportSummary:
    """Add or update members from CSV (name,email,handle,timezone); all rows or none.

    A row matches an existing member by name (any case), else by email; it is updated in place.
    """
    _, rows = read_rows(path, required=("name",), optional=MEMBER_COLUMNS)
    summary = MemberImportSummary()
    seen: dict[str, int] = {}
    for row in rows:
        try:
            fields = MemberFields(
                name=row.get("name"),
                email=row.get("email") if "email" in row.values else None,
                handle=row.get("handle") if "handle" in row.values else None,
                timezone=row.get("timezone") if "timezone" in row.values else None,
            )
            values = fields.cleaned()
            key = values["name_key"]
            if key in seen:
                raise Invalid(f"{values['name']!r} appears twice (also line {seen[key]})")
            seen[key] = row.line
            existing = session.scalar(select(Member).where(Member.name_key == key))
            if existing is None and values.get("email"):
                existing = session.scalar(select(Member).where(Member.email == values["email"]))
            _check_unique(session, values, existing.id if existing else None)
            if existing is None:
                member = Member(joined_on=today, active=True, **values)
                session.add(member)
                summary.added.append(values["name"])
            else:
                for name, value in values.items():
                    setattr(existing, name, value)
                summary.updated.append(values["name"])
            session.flush()
            if len(summary.added) + len(summary.updated) == 2:
                crash.point("member-import-mid")
        except Invalid as exc:
            raise RowError(str(path), row.line, str(exc)) from None
        except Conflict as exc:
            raise RowError(str(path), row.line, str(exc)) from None
    return summary

