"""Members: the people who attend and present."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Connection,
    Select,
    String,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
    update,
)

from studygroup import clock, faults, groups
from studygroup.errors import Conflict, Invalid, NotFound, Refused
from studygroup.io.csvfile import MAX_ROWS, Row, RowError, read_rows
from studygroup.rules import matching, validate
from studygroup.rules.names import name_key, reversed_name
from studygroup.rules.rota import parse_rota
from studygroup.store import schema
from studygroup.store.db import count, new_id
from studygroup.store.rows import MemberRow, Values
from studygroup.store.schema import (
    action_items,
    attendance,
    group_members,
    ignored_names,
    member_aliases,
    members,
    poll_ballots,
    reminders,
    talks,
)
from studygroup.store.types import UTCDateTime


@dataclass
class MemberFields:
    """None means 'leave as it is'; an empty string clears an optional field."""

    name: str | None = None
    email: str | None = None
    handle: str | None = None
    timezone: str | None = None
    greeting: str | None = None  # how reminders greet them; '' goes back to the first name
    rota: str | None = None  # 'host', 'notes' or 'host,notes'; '' takes them off the rota

    def cleaned(self) -> Values:
        values: Values = {}
        if self.name is not None:
            name = validate.member_name(self.name)
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
        if self.rota is not None:
            values["rota"] = parse_rota(self.rota)
        if self.greeting is not None:
            values["greeting"] = (
                validate.text(self.greeting, "greeting name", 60) if self.greeting.strip() else None
            )
        return values


def _check_unique(db: Connection, values: Values, member_id: int | None) -> None:
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
    if "name_key" in values:
        _check_not_an_alias(db, str(values["name"]), str(values["name_key"]), member_id)


def _check_not_an_alias(db: Connection, name: str, key: str, member_id: int | None) -> None:
    owner = db.execute(
        select(members.c.id, members.c.name)
        .join(member_aliases, member_aliases.c.member_id == members.c.id)
        .where(member_aliases.c.alias_key == key)
    ).first()
    if owner is not None and owner.id != member_id:
        raise Conflict(
            f"{name!r} is an alias of {owner.name}; remove it first with "
            f"'studygroup member alias remove'"
        )


def directory(db: Connection, *, include_archived: bool = True) -> matching.Directory:
    """Every member of this command's group, with their aliases, for the matching rule (two
    statements)."""
    group_id = groups.current(db).id
    query = select(members.c.id, members.c.name, members.c.email, members.c.handle).where(
        groups.has_member(group_id, members.c.id)
        if include_archived
        else groups.active_in(group_id, members.c.id)
    )
    aliases: dict[int, list[str]] = {}
    for member_id, alias in db.execute(
        select(member_aliases.c.member_id, member_aliases.c.alias).order_by(member_aliases.c.id)
    ):
        aliases.setdefault(member_id, []).append(alias)
    return matching.Directory(
        [  # unpacked: a Row's attributes cost several times more, and there are thousands
            matching.Person(member_id, name, email, handle, tuple(aliases.get(member_id, ())))
            for member_id, name, email, handle in db.execute(query.order_by(members.c.id))
        ]
    )


def _candidates(
    db: Connection, only: matching.Lookups, include_archived: bool
) -> tuple[matching.Directory, dict[int, MemberRow]]:
    """Just the members an exact step (email, alias, name, handle) could find, in one
    indexed statement, with the aliases that could match (the only ones those steps read)."""
    keys = sorted(only.keys)
    query = (
        _people(groups.current(db).id)
        .add_columns(member_aliases.c.alias.label("matched_alias"))
        .outerjoin(
            member_aliases,
            and_(member_aliases.c.member_id == members.c.id, member_aliases.c.alias_key.in_(keys)),
        )
        .where(
            or_(
                members.c.email.in_(sorted(only.emails)),
                members.c.name_key.in_(keys),
                func.lower(members.c.handle).in_(sorted(h.lower() for h in only.handles)),
                member_aliases.c.id.is_not(None),
            ),
        )
        .order_by(members.c.id)
    )
    if not include_archived:
        query = query.where(groups.active_here())
    rows: dict[int, MemberRow] = {}
    aliases: dict[int, list[str]] = {}
    for row in db.execute(query):
        rows[row.id] = row
        if row.matched_alias is not None:
            aliases.setdefault(row.id, []).append(row.matched_alias)
    people = [
        matching.Person(r.id, r.name, r.email, r.handle, tuple(aliases.get(r.id, ())))
        for r in rows.values()
    ]
    return matching.Directory(people), rows


def not_found(outcome: matching.Ambiguous | matching.Unknown) -> Invalid | NotFound:
    """The one error for a reference the rule could not settle."""
    if isinstance(outcome, matching.Ambiguous):
        names = ", ".join(p.name for p in outcome.people[:5])
        more = ", ..." if len(outcome.people) > 5 else ""
        return Invalid(f"{outcome.text!r} is ambiguous: it could be {names}{more}")
    if outcome.text.startswith("@"):
        return NotFound(f"no member with handle {outcome.text!r}")
    if outcome.suggestions:
        return NotFound(
            f"no member {outcome.text!r}; did you mean {' or '.join(outcome.suggestions)}?"
        )
    return NotFound(f"no member {outcome.text!r}; see 'studygroup member list'")


def resolve(
    db: Connection, ref: str, *, include_archived: bool = True
) -> matching.Found | matching.Ambiguous | matching.Unknown:
    """What the matching rule (rules/matching.py) makes of `ref`."""
    return _resolve(db, ref, include_archived)[0]


def _resolve(
    db: Connection, ref: str, include_archived: bool
) -> tuple[matching.Outcome, MemberRow | None]:
    """The outcome, and the member's row when the exact steps already read it. The exact
    steps are tried on just the members they could find (they give the same answer there as
    on everyone); only a reference they miss loads everyone for the loose steps."""
    narrow, rows = _candidates(db, matching.lookups(ref), include_archived)
    outcome = narrow.match(ref)
    if isinstance(outcome, matching.Found) and outcome.reason in matching.EXACT:
        return outcome, rows[outcome.person.id]
    return directory(db, include_archived=include_archived).match(ref), None


def find(db: Connection, ref: str, *, include_archived: bool = True) -> MemberRow:
    """A member by the matching rule: email, alias, name, @handle, accent-blind name, a
    unique prefix, or 'Last, First'."""
    text = ref.strip()
    if not text:
        raise Invalid("empty member name")
    outcome, row = _resolve(db, text, include_archived)
    if not isinstance(outcome, matching.Found):
        raise not_found(outcome)
    return row if row is not None else get(db, outcome.person.id)


def find_several(db: Connection, ref: str) -> list[MemberRow]:
    """One member, or several named with commas ("Sanyam, Akash"): the whole is tried
    first, so "Okafor, Daniel" stays one person."""
    text = ref.strip()
    if "," in text:
        outcome, row = _resolve(db, text, True)
        if isinstance(outcome, matching.Found):
            return [row if row is not None else get(db, outcome.person.id)]
        return [find(db, part) for part in text.split(",") if part.strip()]
    return [find(db, text)]


def _people(group_id: int, *, outer: bool = False) -> Select[Any]:
    """The members of a group (`outer`: and anyone else), every column of theirs, with
    `active` and `archived_at` as they are in this group: a person archived in one group may
    be active in another. An erased person is archived everywhere."""
    joined = groups.joined_in(group_id)
    return select(
        *(c for c in members.c if c.key not in ("active", "archived_at")),
        type_coerce(groups.active_here(), Boolean).label("active"),
        groups.archived_here().label("archived_at"),
    ).select_from(
        members.outerjoin(group_members, joined) if outer else members.join(group_members, joined)
    )


def get(db: Connection, member_id: int) -> MemberRow:
    """A member, as they are in this command's group."""
    query = _people(groups.current(db).id, outer=True).where(members.c.id == member_id)
    return db.execute(query).one()


def listed(db: Connection, include_archived: bool = False) -> list[MemberRow]:
    """The members of this command's group."""
    query = _people(groups.current(db).id).order_by(members.c.name_key)
    if not include_archived:
        query = query.where(groups.active_here())
    return list(db.execute(query))


def add(db: Connection, name: str, fields: MemberFields, today: date) -> MemberRow:
    """A new member of this command's group. A person who already belongs to another group
    (the same email) joins this one as they are: people are shared, never copied."""
    fields.name = name
    values = fields.cleaned()
    group = groups.current(db)
    if values.get("email"):
        email = str(values["email"])
        person_id, joined = groups.join_by_email(db, group.id, [email]).get(email, (0, False))
        if joined:
            return get(db, person_id)
        # already in this group: the uniqueness check below says so
    _check_unique(db, values, None)
    member_id = new_id(db.execute(insert(members).values(joined_on=today, active=True, **values)))
    groups.enrol(db, group.id, member_id)
    return get(db, member_id)


def edit(db: Connection, ref: str, fields: MemberFields) -> MemberRow:
    member = find(db, ref)
    values = fields.cleaned()
    _check_unique(db, values, member.id)
    if values:
        db.execute(update(members).where(members.c.id == member.id).values(values))
    return get(db, member.id)


def archive(db: Connection, ref: str) -> MemberRow:
    """Archive a member in this command's group: kept, with their history, out of its
    lists, rotas and reminders. A person in other groups stays active there."""
    member = find(db, ref)
    if not member.active:
        raise Conflict(f"{member.name} is already archived")
    db.execute(
        update(group_members)
        .where(
            group_members.c.group_id == groups.current(db).id,
            group_members.c.member_id == member.id,
        )
        .values(archived_at=clock.now())
    )
    return get(db, member.id)


def restore(db: Connection, ref: str) -> MemberRow:
    """Bring an archived member back in this command's group. A person archived before
    groups kept their own archive (in every group at once) is brought back in all of them."""
    member = find(db, ref)
    if member.active:
        raise Conflict(f"{member.name} is not archived")
    db.execute(
        update(group_members)
        .where(
            group_members.c.group_id == groups.current(db).id,
            group_members.c.member_id == member.id,
            group_members.c.archived_at.is_not(None),
        )
        .values(archived_at=None)
    )
    db.execute(
        update(members)
        .where(members.c.id == member.id, members.c.active.is_(False))
        .values(active=True, archived_at=None)
    )
    return get(db, member.id)


def delete_member(db: Connection, member: MemberRow) -> bool:
    """A hard delete: refused once the member has any history (archive them instead). A
    person who belongs to other groups only leaves this one (False); otherwise the person
    goes (True)."""
    from studygroup.courses import describe_counts
    from studygroup.store.schema import rsvps

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
        ("answer to an invitation", "answers to invitations"): count(
            db, rsvps, rsvps.c.member_id == member.id
        ),
    }
    if any(history.values()):
        raise Conflict(
            f"{member.name} has history ({describe_counts(history)}); "
            "archive them instead with 'studygroup member archive'"
        )
    group_id = groups.current(db).id
    if groups.other_groups(db, group_id, member.id):
        db.execute(
            delete(group_members).where(
                group_members.c.member_id == member.id, group_members.c.group_id == group_id
            )
        )
        return False
    # their membership first, then them: undo puts them back in the opposite order
    db.execute(delete(group_members).where(group_members.c.member_id == member.id))
    db.execute(delete(members).where(members.c.id == member.id))
    return True


class Erasure(NamedTuple):
    name: str  # who was erased, as they were named
    placeholder: str  # what their record is called now
    entries: int  # earlier journal entries that can no longer be undone


def require_erasable(db: Connection, member: MemberRow) -> None:
    """Erasure scrubs every row that holds the person's data: refused to an organiser who
    cannot see all of them (the person also belongs to groups they do not organise)."""
    unseen = groups.unseen_groups(db, member.id)
    if unseen:
        raise Refused(
            f"{member.name} also belongs to {unseen} group{'' if unseen == 1 else 's'} you do "
            "not organise: the administrator, who sees every group, can erase them everywhere"
        )


def erase(db: Connection, member: MemberRow) -> Erasure:
    """`member erase`: the right to erasure. The member's personal data goes everywhere it
    is kept: their name, email, handle, zone and greeting (the record stays as "erased
    member N", archived, so attendance and talks keep their counts), their aliases, the
    addresses in the reminder log, and their rows and name in the journal. Nothing brings
    it back: the entries that held it can no longer be undone."""
    from studygroup import journal

    require_erasable(db, member)
    placeholder = f"erased member {member.id}"
    alias_ids = list(
        db.execute(
            select(member_aliases.c.id).where(member_aliases.c.member_id == member.id)
        ).scalars()
    )
    aliases_text = list(
        db.execute(
            select(member_aliases.c.alias).where(member_aliases.c.member_id == member.id)
        ).scalars()
    )
    db.execute(delete(member_aliases).where(member_aliases.c.member_id == member.id))
    db.execute(
        update(members)
        .where(members.c.id == member.id)
        .values(
            name=placeholder,
            name_key=name_key(placeholder),
            email=None,
            handle=None,
            timezone=None,
            greeting=None,
            rota=None,
            active=False,
            archived_at=member.archived_at or clock.now(),
        )
    )
    db.execute(
        update(reminders)
        .where(reminders.c.member_id == member.id)
        .values(target=literal("erased:") + cast(reminders.c.id, String), subject=None)
    )
    # the name as it may have been typed (whole, or any word of it), the addresses, aliases
    words = [
        member.name,
        *member.name.replace(",", " ").split(),
        *(w for w in (member.email, member.handle) if w),
        *aliases_text,
    ]
    entries = journal.forget(
        db, [("members", member.id), *(("member_aliases", a) for a in alias_ids)], words
    )
    return Erasure(member.name, placeholder, entries)


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
    # the people the sheet names by email join the group first: in another group, an
    # organiser could not see them (PostgreSQL), and they are matched like everyone else
    groups.join_by_email(db, groups.current(db).id, _emails(sheet.rows))
    table = schema.members
    names: dict[int, str] = {}
    owner: dict[str, dict[Any, int]] = {"name_key": {}, "email": {}, "handle": {}}
    held: dict[int, Values] = {}  # each member's unique values, as the rows change them
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
    new: list[Values] = []  # new members get provisional ids -1, -2, ...
    updates: dict[int, Values] = {}
    for row in sheet.rows:
        try:
            values = MemberFields(
                name=row.get("name"),
                email=row.get("email") if sheet.has("email") else None,
                handle=row.get("handle") if sheet.has("handle") else None,
                timezone=row.get("timezone") if sheet.has("timezone") else None,
            ).cleaned()
            name, key = str(values["name"]), str(values["name_key"])
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
                summary.added.append(name)
            else:
                updates.setdefault(existing, {}).update(values)
                summary.updated.append(name)
                for column, old in held.get(existing, {}).items():
                    if column in values and owner[column].get(old) == existing:
                        del owner[column][old]  # the member's old value is free again
            names[existing] = name
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
    runs: list[tuple[tuple[str, ...], list[Values]]] = []
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
    _join_all(db, groups.current(db).id, [str(k) for k in seen])
    return summary


def _emails(rows: list[Row]) -> list[str]:
    """The valid emails of a sheet's rows (a bad one is the row's own error, later)."""
    found = []
    for row in rows:
        try:
            email = validate.email(row.get("email"))
        except Invalid:
            continue
        if email is not None:
            found.append(email)
    return found


def _join_all(db: Connection, group_id: int, keys: list[str]) -> None:
    """Every member an import named (by name key) belongs to the group afterwards."""
    for start in range(0, len(keys), 10_000):  # under SQLite's 32,766 bound variables
        chunk = keys[start : start + 10_000]
        db.execute(
            insert(group_members).from_select(
                ["group_id", "member_id", "joined_at"],
                select(literal(group_id), members.c.id, literal(clock.now(), UTCDateTime())).where(
                    members.c.name_key.in_(chunk),
                    members.c.id.not_in(groups.member_ids(group_id)),
                ),
            )
        )


# -- aliases ----------------------------------------------------------------------------------


class Alias(NamedTuple):
    alias: str
    member: str
    created_at: datetime


def add_alias(db: Connection, member: MemberRow, alias: str) -> bool:
    """Record that `member` also goes by `alias` on calls. False if they already did; refused
    when the alias is someone's name or another member's alias."""
    shown = validate.text(alias, "alias", 200)
    key = name_key(shown)
    if key == member.name_key:
        raise Invalid(f"{shown!r} is already {member.name}'s name")
    other = db.execute(select(members.c.name).where(members.c.name_key == key)).first()
    if other is not None:
        raise Conflict(f"{shown!r} is the name of the member {other.name}")
    # nor may it take another member's identity: their handle, email or reversed name
    turned = reversed_name(shown)
    same = (func.lower(members.c.handle) == shown.removeprefix("@").casefold()) | (
        func.lower(members.c.email) == shown.lower()
    )
    if turned is not None:
        same = same | (members.c.name_key == name_key(turned))
    for other_name, handle, email in db.execute(
        select(members.c.name, members.c.handle, members.c.email).where(
            members.c.id != member.id, same
        )
    ):
        what = (
            "handle"
            if handle and handle.casefold() == shown.removeprefix("@").casefold()
            else "email"
            if email and email.lower() == shown.lower()
            else "name, reversed"
        )
        raise Conflict(f"{shown!r} is the {what} of the member {other_name}")
    held = db.execute(
        select(member_aliases.c.member_id, members.c.name)
        .join(members, members.c.id == member_aliases.c.member_id)
        .where(member_aliases.c.alias_key == key)
    ).first()
    if held is not None:
        if held.member_id == member.id:
            return False
        raise Conflict(f"{shown!r} is already an alias of {held.name}")
    db.execute(
        insert(member_aliases).values(
            member_id=member.id, alias=shown, alias_key=key, created_at=clock.now()
        )
    )
    return True


EVERYONE = "everyone"


def find_owner(db: Connection, name: str) -> MemberRow | None:
    """An item's owner: a member, or None for 'everyone' (the whole group)."""
    if name.strip().casefold() == EVERYONE:
        return None
    return find(db, name)


def ignore(db: Connection, name: str) -> bool:
    """`member ignore NAME`: a name on call reports that is nobody (a note-taking bot). False
    if it was ignored already; refused when it is a member's name or alias."""
    shown = validate.text(name, "name", 200)
    key = name_key(shown)
    other = db.execute(select(members.c.name).where(members.c.name_key == key)).first()
    if other is not None:
        raise Conflict(f"{shown!r} is the member {other.name}; archive them instead")
    if db.execute(select(ignored_names.c.id).where(ignored_names.c.name_key == key)).first():
        return False
    db.execute(insert(ignored_names).values(name=shown, name_key=key, created_at=clock.now()))
    return True


def unignore(db: Connection, name: str) -> None:
    key = name_key(name)
    if not db.execute(delete(ignored_names).where(ignored_names.c.name_key == key)).rowcount:
        raise NotFound(f"{name!r} is not ignored")


def ignored(db: Connection) -> list[str]:
    """The names `member ignore` was given, in the order they were."""
    return list(db.execute(select(ignored_names.c.name).order_by(ignored_names.c.id)).scalars())


def aliases(db: Connection, member: MemberRow | None = None) -> list[Alias]:
    query = select(member_aliases.c.alias, members.c.name, member_aliases.c.created_at).join(
        members, members.c.id == member_aliases.c.member_id
    )
    if member is not None:
        query = query.where(member_aliases.c.member_id == member.id)
    rows = db.execute(query).all()
    found = [Alias(r.alias, r.name, r.created_at) for r in rows]
    return sorted(found, key=lambda a: (name_key(a.member), name_key(a.alias)))


def remove_alias(db: Connection, alias: str) -> Alias:
    key = name_key(alias.strip())
    row = db.execute(
        select(
            member_aliases.c.id, member_aliases.c.alias, members.c.name, member_aliases.c.created_at
        )
        .join(members, members.c.id == member_aliases.c.member_id)
        .where(member_aliases.c.alias_key == key)
    ).first()
    if row is None:
        raise NotFound(f"no alias {alias!r}; see 'studygroup member alias list'")
    db.execute(delete(member_aliases).where(member_aliases.c.id == row.id))
    return Alias(row.alias, row.name, row.created_at)
