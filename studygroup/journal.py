"""The change journal: who did what, and `undo`.

Every write command opens one entry (`open_entry`) in its own transaction; triggers
(store/triggers.py) file every row it inserts, updates or deletes under that entry; the entry
is closed (`close_entry`) just before the commit, with what the command said it did. A failed
command rolls back, entry and all; a command that changed nothing leaves no entry.

`undo` reverts an entry's rows in reverse order, exactly, inside a new entry of its own (so an
undo can itself be undone: a redo). It refuses when a later entry changed any of the same
rows, naming it, unless `cascade` undoes the later ones first, newest first. One thing is
not put back: a session's calendar revision, which only rises (RFC 5545's SEQUENCE), so a
calendar client and a reminded member see the session change back.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Row,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from studygroup import clock, faults
from studygroup.errors import Conflict, Invalid, NotFound, Refused
from studygroup.render.documents import ChangeJSON, LogEntry, RowImage
from studygroup.store import schema
from studygroup.store.db import COURSE_NOTE, GROUP_CURRENT, new_id
from studygroup.store.rows import Values
from studygroup.store.schema import journal, journal_changes, journal_open

USER_ENV = "STUDYGROUP_USER"
KEEP = "studygroup.journal.keep"  # connection.info: keep this entry though it filed no rows
SECRET_OPTIONS = frozenset({"--webhook"})
CHUNK = 500


class Command(NamedTuple):
    who: str
    line: str


def who() -> str:
    named = os.environ.get(USER_ENV, "").strip()
    if named:
        return named[:100]
    try:
        return getpass.getuser()[:100]
    except (KeyError, OSError):
        return "unknown"


def masked(argv: Sequence[str]) -> str:
    """The command line as typed, with every secret masked by the one masker
    (`store.location.mask_word`: passwords in URLs, credential parameters, webhook paths),
    and the value of a --webhook option hidden whole."""
    from studygroup.store.location import mask_word

    shown: list[str] = []
    hide_next = False
    for word in argv:
        option, eq, value = word.partition("=")
        if hide_next:
            shown.append("***")
            hide_next = False
        elif option in SECRET_OPTIONS and eq:
            shown.append(f"{option}=***")
        elif word in SECRET_OPTIONS:
            shown.append(word)
            hide_next = True
        else:
            shown.append(mask_word(word))
    return " ".join(_quoted(w) for w in shown)


def _quoted(word: str) -> str:
    """A word as a shell would need it; control characters and undecodable bytes escaped
    (a command refused for them must still be recordable)."""
    if not word.isprintable():
        return json.dumps(word)  # \u escapes: no NUL, no lone surrogate reaches the database
    return (
        word if word and not re.search(r"[\s'\"\\]", word) else json.dumps(word, ensure_ascii=False)
    )


def command(argv: Sequence[str]) -> Command:
    return Command(who=who(), line=masked(argv)[:2000])


# -- writing entries ------------------------------------------------------------------------


SAID = "studygroup_journal_summary"


def say(db: Connection, summary: str) -> None:
    """What the command did, in a line, for `log` (else: what it printed on stderr)."""
    db.info[SAID] = summary


def open_entry(db: Connection, cmd: Command) -> int:
    values: Values = {
        "at": clock.now(),
        "who": cmd.who,
        "command": cmd.line,
        "pruned": False,
    }
    if db.dialect.name == "postgresql":
        values["db_user"] = literal_column("current_user")
    entry_id = new_id(db.execute(insert(journal).values(values)))
    db.execute(insert(journal_open).values(entry_id=entry_id))
    db.info.pop(COURSE_NOTE, None)
    db.info.pop(SAID, None)
    return entry_id


def current(db: Connection) -> int | None:
    return db.execute(select(journal_open.c.entry_id)).scalar()


def close_entry(db: Connection, entry_id: int, summary: str | None) -> None:
    """Before the commit: the entry stops collecting rows; it is kept only if it has any."""
    db.execute(delete(journal_open))
    changed = db.execute(select(exists().where(journal_changes.c.entry_id == entry_id))).scalar()
    if not changed and not db.info.pop(KEEP, False):
        db.execute(delete(journal).where(journal.c.id == entry_id))
        return
    summary = db.info.pop(SAID, None) or summary
    course = db.info.pop(COURSE_NOTE, None) or _course_of(db, entry_id)
    group = db.info.get(GROUP_CURRENT)
    db.execute(
        update(journal)
        .where(journal.c.id == entry_id)
        .values(
            summary=(summary or None) and summary[:1000],
            course=course,
            group_id=group.id if group is not None else None,
        )
    )


def _course_of(db: Connection, entry_id: int) -> str | None:
    """A command that picked no course (course add, course edit): the course it changed."""
    row = db.execute(
        select(journal_changes.c.row_id, journal_changes.c.before)
        .where(journal_changes.c.entry_id == entry_id, journal_changes.c.table_name == "courses")
        .limit(1)
    ).first()
    if row is None:
        return None
    if row.before is not None:
        slug = json.loads(row.before).get("slug")
    else:
        slug = db.execute(
            select(schema.courses.c.slug).where(schema.courses.c.id == row.row_id)
        ).scalar()
    return str(slug) if slug else None


# -- reading ----------------------------------------------------------------------------------


@dataclass
class Entry:
    id: int
    at: datetime
    who: str
    db_user: str | None
    command: str
    course: str | None
    summary: str | None
    undoes: int | None
    undone_by: int | None
    pruned: bool
    counts: dict[str, int] = field(default_factory=dict)  # rows per table

    def as_dict(self) -> LogEntry:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "who": self.who,
            "db_user": self.db_user,
            "command": self.command,
            "course": self.course,
            "summary": self.summary,
            "undoes": self.undoes,
            "undone_by": self.undone_by,
            "pruned": self.pruned,
            "rows": self.counts,
        }


def _entry(row: Row[Any]) -> Entry:
    return Entry(
        row.id,
        row.at,
        row.who,
        row.db_user,
        row.command,
        row.course,
        row.summary,
        row.undoes,
        row.undone_by,
        row.pruned,
    )


def get(db: Connection, entry_id: int) -> Entry:
    row = db.execute(select(journal).where(journal.c.id == entry_id)).first()
    if row is None:
        raise NotFound(f"no journal entry {entry_id}; see 'studygroup log'")
    return _entry(row)


def newest(db: Connection) -> Entry:
    row = db.execute(select(journal).order_by(journal.c.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound("nothing recorded yet")
    return _entry(row)


def entries(
    db: Connection,
    *,
    course: str | None = None,
    member_id: int | None = None,
    since: date | None = None,
    limit: int = 20,
) -> list[Entry]:
    """Newest first, with how many rows of each table each changed."""
    query = select(journal).order_by(journal.c.id.desc()).limit(limit)
    if course is not None:
        query = query.where(journal.c.course == course)
    if since is not None:
        query = query.where(journal.c.at >= datetime.combine(since, time(0), tzinfo=UTC))
    if member_id is not None:
        query = query.limit(MEMBER_SCAN)
    found = [_entry(r) for r in db.execute(query)]
    if member_id is not None:
        touched = _changes_of(db, [e.id for e in found])
        found = [e for e in found if any(_touches(c, member_id) for c in touched[e.id])][:limit]
    by_id = {e.id: e for e in found}
    if by_id:
        for entry_id, table, count in db.execute(
            select(journal_changes.c.entry_id, journal_changes.c.table_name, func.count())
            .where(journal_changes.c.entry_id.in_(list(by_id)))
            .group_by(journal_changes.c.entry_id, journal_changes.c.table_name)
        ):
            by_id[entry_id].counts[table] = count
    return found


MEMBER_COLUMNS = ("member_id", "owner_id", "presenter_id", "host_id", "notes_by_id")
MEMBER_SCAN = 2000  # entries `log --member` looks back through


def _touches(change: Change, member_id: int) -> bool:
    """The member's own row, or a row of theirs (attendance, items, talks, ballots, aliases,
    the sessions they host or take notes at)."""
    if change.table == "members" and change.row_id == member_id:
        return True
    return any(
        values is not None and any(values.get(c) == member_id for c in MEMBER_COLUMNS)
        for values in (change.before, change.after)
    )


class Change(NamedTuple):
    table: str
    op: str
    row_id: int
    before: RowImage | None
    after: RowImage | None

    def as_dict(self) -> ChangeJSON:
        changed = None
        if self.before is not None and self.after is not None:
            changed = {
                k: [self.before.get(k), v] for k, v in self.after.items() if self.before.get(k) != v
            }
        return {
            "table": self.table,
            "op": {"I": "insert", "U": "update", "D": "delete"}[self.op],
            "row_id": self.row_id,
            "before": self.before,
            "after": self.after,
            "changed": changed,
        }


def changes(
    db: Connection, entry_id: int, *, newest_first: bool = False, with_after: bool = True
) -> list[Change]:
    """The rows an entry changed. Each stores the row before; the row after is the row
    before the next change of it (in this entry or a later one), or the row as it is now."""
    order = journal_changes.c.id.desc() if newest_first else journal_changes.c.id
    rows = db.execute(
        select(journal_changes).where(journal_changes.c.entry_id == entry_id).order_by(order)
    ).all()
    after = _afters(db, rows) if with_after and rows else {}
    return [_change(r, after) for r in rows]


def _changes_of(db: Connection, entry_ids: Sequence[int]) -> dict[int, list[Change]]:
    """The changes of several entries, their rows after derived in one pass."""
    out: dict[int, list[Change]] = {e: [] for e in entry_ids}
    rows: list[Row[Any]] = []
    for start in range(0, len(entry_ids), CHUNK):
        rows += db.execute(
            select(journal_changes)
            .where(journal_changes.c.entry_id.in_(list(entry_ids[start : start + CHUNK])))
            .order_by(journal_changes.c.id)
        ).all()
    after = _afters(db, rows) if rows else {}
    for r in rows:
        out[r.entry_id].append(_change(r, after))
    return out


def _change(r: Row[Any], after: dict[int, RowImage | None]) -> Change:
    return Change(
        r.table_name,
        r.op,
        r.row_id,
        json.loads(r.before) if r.before is not None else None,
        after.get(r.id),
    )


def _afters(db: Connection, rows: Sequence[Row[Any]]) -> dict[int, RowImage | None]:
    keys = {(r.table_name, r.row_id) for r in rows}
    first = min(r.id for r in rows)
    following: dict[tuple[str, int], list[tuple[int, str | None]]] = {}
    for change_id, table, row_id, before in db.execute(
        select(
            journal_changes.c.id,
            journal_changes.c.table_name,
            journal_changes.c.row_id,
            journal_changes.c.before,
        )
        .where(journal_changes.c.id > first)
        .order_by(journal_changes.c.id)
    ):
        if (table, row_id) in keys:
            following.setdefault((table, row_id), []).append((change_id, before))
    now: dict[tuple[str, int], RowImage | None] = {}
    for table_name in sorted({t for t, _ in keys}):
        table = schema.metadata.tables.get(table_name)
        ids = sorted(r for t, r in keys if t == table_name)
        if table is None:
            continue
        for start in range(0, len(ids), CHUNK):
            for row_id, as_json in db.execute(
                _as_json(db, table), {"ids": ids[start : start + CHUNK]}
            ):
                now[(table_name, row_id)] = json.loads(as_json)
    out: dict[int, RowImage | None] = {}
    for r in rows:
        later = [(i, b) for i, b in following.get((r.table_name, r.row_id), []) if i > r.id]
        if later:
            before = later[0][1]
            out[r.id] = json.loads(before) if before is not None else None
        else:
            out[r.id] = now.get((r.table_name, r.row_id))
    return out


def _as_json(db: Connection, table: Any) -> Any:
    """Rows as they are now, as JSON written the way the triggers write it."""
    quote = db.dialect.identifier_preparer.quote
    if db.dialect.name == "postgresql":
        sql = f"SELECT id, to_jsonb(t)::text FROM {quote(table.name)} AS t WHERE id IN :ids"
    else:
        pairs = ", ".join(f"'{c.name}', {quote(c.name)}" for c in table.columns)
        sql = f"SELECT id, json_object({pairs}) FROM {quote(table.name)} WHERE id IN :ids"
    return text(sql).bindparams(bindparam("ids", expanding=True))


# -- undo -------------------------------------------------------------------------------------


@dataclass
class UndoResult:
    entry: int  # the undo's own entry
    undone: list[Entry]
    redo: bool


def default_target(db: Connection, user: str | None = None) -> Entry:
    """The newest entry by `user` (default: whoever runs this) that is not an undo and has not
    been undone: a plain `undo` never takes back another organiser's work."""
    this = current(db)
    user = user if user is not None else who()
    undoable = (
        journal.c.undoes.is_(None),
        journal.c.undone_by.is_(None),
        journal.c.pruned.is_(False),
        journal.c.id != (this or 0),
    )
    row = db.execute(
        select(journal)
        .where(*undoable, journal.c.who == user)
        .order_by(journal.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        other = db.execute(
            select(journal).where(*undoable).order_by(journal.c.id.desc()).limit(1)
        ).first()
        if other is None:
            raise NotFound("nothing to undo: the journal has no entry that can be undone")
        raise NotFound(
            f"nothing of {user}'s to undo; the newest entry is #{other.id} by {other.who} "
            f"({_short_command(other.command)}): 'studygroup undo {other.id}' undoes it"
        )
    return _entry(row)


def _short_command(command: str) -> str:
    return command if len(command) <= 60 else command[:57] + "..."


def _rows_of(db: Connection, entry_id: int) -> set[tuple[str, int]]:
    return {
        (t, r)
        for t, r in db.execute(
            select(journal_changes.c.table_name, journal_changes.c.row_id).where(
                journal_changes.c.entry_id == entry_id
            )
        )
    }


def _later_touching(db: Connection, target: Entry, this: int | None) -> list[Entry]:
    """Later entries still in effect that changed any row `target` changed. An entry undone
    by an undo of later entries only, and that undo, cancel out and do not count."""
    rows = sorted(_rows_of(db, target.id) | _cascaded(db, target.id))
    ids: set[int] = set()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids.update(
            db.execute(
                select(journal_changes.c.entry_id)
                .where(
                    journal_changes.c.entry_id > target.id,
                    tuple_(journal_changes.c.table_name, journal_changes.c.row_id).in_(chunk),
                )
                .distinct()
            ).scalars()
        )
    ids.discard(this or 0)
    _refuse_unseen_later_work(db, target, ids | {this or 0})
    if not ids:
        return []
    later = [_entry(r) for r in db.execute(select(journal).where(journal.c.id.in_(sorted(ids))))]
    undone_by: dict[int, list[int]] = {}
    for entry_id, by in db.execute(
        select(journal.c.id, journal.c.undone_by).where(journal.c.undone_by.is_not(None))
    ):
        undone_by.setdefault(by, []).append(entry_id)
    live = []
    for entry in later:
        if entry.undone_by is not None:
            continue
        reverted = undone_by.get(entry.id, [])
        if entry.undoes is not None and reverted and all(e > target.id for e in reverted):
            continue
        live.append(entry)
    return sorted(live, key=lambda e: e.id, reverse=True)


def _refuse_unseen_later_work(db: Connection, target: Entry, seen: set[int]) -> None:
    """A person is shared by groups, and an organiser sees only their own groups' entries
    (PostgreSQL's policies): a later change another group made to a row the entry changed
    would be lost by the undo, unseen. Refused; the database says whether there is one
    (`studygroup_later_entries`, SECURITY DEFINER), and nothing more of it."""
    from studygroup.store import security

    if security.bound(db) is None:
        return  # everything is in sight: the query above found every later entry
    unseen = sorted(
        set(
            db.exec_driver_sql("SELECT studygroup_later_entries(%(e)s)", {"e": target.id}).scalars()
        )
        - seen
    )
    if unseen:
        raise Conflict(
            f"entry {target.id} changed rows that another group's organiser has changed since "
            f"(entry {unseen[-1]}): undoing it would lose their change, so it stays"
        )


def _cascaded(db: Connection, entry_id: int) -> set[tuple[str, int]]:
    """The rows that undoing the entry would remove through ON DELETE CASCADE: the children,
    as they are now, of the rows it inserted (a member's aliases, a talk's co-presenters, a
    session's agenda). They count as touched: a later entry that made one is later work."""
    inserted: dict[str, set[int]] = {}
    for table, row_id in db.execute(
        select(journal_changes.c.table_name, journal_changes.c.row_id).where(
            journal_changes.c.entry_id == entry_id, journal_changes.c.op == "I"
        )
    ):
        inserted.setdefault(table, set()).add(row_id)
    found: set[tuple[str, int]] = set()
    frontier = inserted
    while frontier:
        children: dict[str, set[int]] = {}
        for table in schema.metadata.sorted_tables:
            for key in table.foreign_keys:
                parent = key.column.table.name
                if (key.ondelete or "").upper() != "CASCADE" or parent not in frontier:
                    continue
                parents = sorted(frontier[parent])
                for start in range(0, len(parents), CHUNK):
                    for child_id in db.execute(
                        select(table.c.id).where(key.parent.in_(parents[start : start + CHUNK]))
                    ).scalars():
                        if (table.name, child_id) not in found:
                            found.add((table.name, child_id))
                            children.setdefault(table.name, set()).add(child_id)
        frontier = children
    return found


def _describe(entry: Entry) -> str:
    return f"entry {entry.id} ({entry.command})"


def undo(db: Connection, entry_id: int | None, *, cascade: bool = False) -> UndoResult:
    """Revert one entry exactly (see the module), inside the current entry."""
    this = current(db)
    if this is None:
        raise Invalid("undo runs inside a journalled write")
    target = get(db, entry_id) if entry_id is not None else default_target(db)
    if target.id == this:
        raise NotFound(f"no journal entry {target.id}; see 'studygroup log'")
    _lock(db, target.id)
    target = get(db, target.id)
    if target.pruned:
        raise Conflict(f"entry {target.id} was pruned: its rows are gone, so it cannot be undone")
    if target.undone_by is not None:
        raise Conflict(
            f"entry {target.id} was already undone by entry {target.undone_by} "
            f"('studygroup undo {target.undone_by}' redoes it)"
        )
    chain = [target]
    later = _later_touching(db, target, this)
    if later and not cascade:
        newest = later[0]
        raise Conflict(
            f"{_describe(newest)} changed the same rows since; undo it first, or pass "
            f"--cascade to undo {len(later)} later entr{'y' if len(later) == 1 else 'ies'} "
            "too, newest first"
        )
    if cascade:
        seen = {target.id}
        frontier = list(later)
        while frontier:
            entry = frontier.pop()
            if entry.id in seen:
                continue
            if entry.pruned:
                raise Conflict(f"{_describe(entry)} was pruned, so the chain cannot be undone")
            seen.add(entry.id)
            chain.append(entry)
            frontier.extend(_later_touching(db, entry, this))
        chain = sorted(chain, key=lambda e: e.id, reverse=True)
    for step, entry in enumerate(chain):
        try:
            _revert(db, entry)
        except IntegrityError as exc:
            raise Conflict(_integrity_reason(entry, exc)) from None
        if step == 0:
            faults.point("undo-mid")
        redone = list(
            db.execute(select(journal.c.id).where(journal.c.undone_by == entry.id)).scalars()
        )
        if redone:  # undoing an undo: what it had undone is in effect again
            db.execute(update(journal).where(journal.c.id.in_(redone)).values(undone_by=None))
        db.execute(update(journal).where(journal.c.id == entry.id).values(undone_by=this))
    db.execute(update(journal).where(journal.c.id == this).values(undoes=target.id))
    return UndoResult(this, chain, redo=target.undoes is not None)


def reverted_counts(db: Connection, entry_id: int) -> dict[str, str]:
    """What undoing an entry does to each table, as a person reads it: '2 removed, 1 changed
    back, 1 restored' (rows the entry added, changed, deleted)."""
    counts: dict[str, dict[str, int]] = {}
    for table, op, n in db.execute(
        select(journal_changes.c.table_name, journal_changes.c.op, func.count())
        .where(journal_changes.c.entry_id == entry_id)
        .group_by(journal_changes.c.table_name, journal_changes.c.op)
        .order_by(journal_changes.c.table_name, journal_changes.c.op)
    ):
        counts.setdefault(table, {})[op] = n
    words = {"I": "removed", "U": "changed back", "D": "restored"}
    return {
        table: ", ".join(f"{ops[op]} {words[op]}" for op in "IUD" if op in ops)
        for table, ops in counts.items()
    }


def _integrity_reason(entry: Entry, exc: IntegrityError) -> str:
    """Why an undo was refused by the database, in words: a value it would bring back is
    taken now (UNIQUE), or a row it would remove is still referenced (a foreign key)."""
    orig = getattr(exc, "orig", exc)
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    state = getattr(orig, "sqlstate", None)
    if state == "23505" or "UNIQUE constraint failed" in detail:
        what = detail.split("UNIQUE constraint failed:", 1)[-1].strip()
        if state == "23505":
            found = re.search(r"Key \((?P<cols>[^)]*)\)=\((?P<value>[^)]*)\)", str(orig))
            what = f"{found['cols']} {found['value']!r}" if found else detail
        return (
            f"{_describe(entry)} cannot be undone: it would bring back a value that is taken "
            f"now ({what}); change that first"
        )
    return (
        f"{_describe(entry)} cannot be undone: a row it would remove is still referenced "
        "by a record kept outside the journal (a reminder already sent is a fact)"
    )


def _lock(db: Connection, entry_id: int) -> None:
    """Two undos of one entry: the second waits here, then finds it undone (SQLite's writers
    are already one at a time)."""
    if db.dialect.name == "postgresql":
        db.execute(select(journal.c.id).where(journal.c.id == entry_id).with_for_update())


def _revert(db: Connection, entry: Entry) -> None:
    sessions_before: dict[int, int] = {}
    reverted = changes(db, entry.id, newest_first=True, with_after=False)
    touched = sorted({c.row_id for c in reverted if c.table == "sessions"})
    if touched:
        sessions_before = dict(
            db.execute(
                select(schema.sessions.c.id, schema.sessions.c.revision).where(
                    schema.sessions.c.id.in_(touched)
                )
            ).all()
        )
    for change in reverted:
        _apply_reverse(db, change)
    bump = []
    for change in reverted:
        if change.table == "sessions" and change.op == "U" and change.row_id in sessions_before:
            before = change.before or {}
            if before.get("revision") != sessions_before[change.row_id]:
                bump.append(change.row_id)
    now = clock.now()
    for session_id in sorted(set(bump)):
        db.execute(
            update(schema.sessions)
            .where(schema.sessions.c.id == session_id)
            .values(revision=sessions_before[session_id] + 1, updated_at=now)
        )


def _apply_reverse(db: Connection, change: Change) -> None:
    table = schema.metadata.tables.get(change.table)
    if table is None:
        raise Conflict(f"table {change.table!r} no longer exists; this entry cannot be undone")
    quote = db.dialect.identifier_preparer.quote
    name = quote(change.table)
    if change.op == "I":
        db.execute(text(f"DELETE FROM {name} WHERE id = :id"), {"id": change.row_id})
        return
    values = change.before or {}
    columns = [c.name for c in table.columns if c.name in values]
    payload = json.dumps(values)
    if db.dialect.name == "postgresql":
        listed = ", ".join(quote(c) for c in columns)
        source = f"jsonb_populate_record(NULL::{name}, CAST(:j AS jsonb))"
        if change.op == "D":
            sql = f"INSERT INTO {name} ({listed}) SELECT {listed} FROM {source}"
        else:
            sql = f"UPDATE {name} SET ({listed}) = (SELECT {listed} FROM {source}) WHERE id = :id"
    else:
        extracted = ", ".join(f"json_extract(:j, '$.\"{c}\"')" for c in columns)
        listed = ", ".join(quote(c) for c in columns)
        if change.op == "D":
            sql = f"INSERT INTO {name} ({listed}) VALUES ({extracted})"
        else:
            sets = ", ".join(
                f"{quote(c)} = json_extract(:j, '$.\"{c}\"')" for c in columns if c != "id"
            )
            sql = f"UPDATE {name} SET {sets} WHERE id = :id"
    db.execute(text(sql), {"j": payload, "id": change.row_id})


# -- retention --------------------------------------------------------------------------------


def forget(db: Connection, rows: list[tuple[str, int]], words: list[str]) -> int:
    """Right to erasure: remove these rows' history from the journal, and every `words`
    (a name, an email) from its command lines and summaries. The entries that filed those
    rows can no longer be undone exactly: they are marked pruned, the erasure's own entry
    too (it keeps no before-image of what it erased). How many earlier entries that was."""
    from studygroup.rules.names import like_literal

    this = current(db)
    touched: set[int] = set()
    for table, row_id in rows:
        touched.update(
            db.execute(
                select(journal_changes.c.entry_id).where(
                    journal_changes.c.table_name == table, journal_changes.c.row_id == row_id
                )
            ).scalars()
        )
        db.execute(
            delete(journal_changes).where(
                journal_changes.c.table_name == table, journal_changes.c.row_id == row_id
            )
        )
    if touched:
        db.execute(update(journal).where(journal.c.id.in_(sorted(touched))).values(pruned=True))
    for word in sorted({w for w in words if w and len(w) >= 2}, key=len, reverse=True):
        pattern = f"%{like_literal(word)}%"
        for entry_id, command, summary in db.execute(
            select(journal.c.id, journal.c.command, journal.c.summary).where(
                journal.c.command.like(pattern, escape="\\")
                | journal.c.summary.like(pattern, escape="\\")
            )
        ).all():
            db.execute(
                update(journal)
                .where(journal.c.id == entry_id)
                .values(
                    command=command.replace(word, "[erased]"),
                    summary=summary.replace(word, "[erased]") if summary else summary,
                )
            )
    if this is not None:
        db.info[KEEP] = True
        db.execute(update(journal).where(journal.c.id == this).values(pruned=True))
    touched.discard(this or 0)
    return len(touched)


def last_before(db: Connection, before: date, zone: str = "UTC") -> int | None:
    """The newest entry recorded before the start of `before`: `log prune --before` prunes
    up to it (its place in the journal, not the clocks of the entries after it, decides)."""
    from studygroup.rules import weekly

    cutoff = weekly.instant(before, datetime.min.time(), zone)
    return db.execute(select(func.max(journal.c.id)).where(journal.c.at < cutoff)).scalar()


def require_whole_journal(db: Connection) -> None:
    """A prune must be a prefix of the whole journal (else an undo could write over a later
    change whose rows were pruned): on a secured PostgreSQL database only the administrator
    sees all of it, so an organiser's prune is refused."""
    from studygroup.store import security

    who = security.bound(db)
    if who is not None:
        raise Refused(
            f"{who} sees only their groups' part of the journal, and a prune must take the "
            "oldest entries of every group: the administrator prunes a shared database"
        )


def prune(db: Connection, upto: int) -> tuple[int, int]:
    """Drop the rows of entries 1 to `upto` (a prefix of the journal, by entry order), keeping
    their one-line entries (marked pruned: they can no longer be undone); the prune itself
    is kept as an entry (who pruned, up to which). (entries pruned, rows removed)."""
    require_whole_journal(db)
    this = current(db)
    ids = list(
        db.execute(
            select(journal.c.id).where(
                journal.c.id <= upto, journal.c.id != (this or 0), journal.c.pruned.is_(False)
            )
        ).scalars()
    )
    removed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        removed += db.execute(
            delete(journal_changes).where(journal_changes.c.entry_id.in_(chunk))
        ).rowcount
        db.execute(update(journal).where(journal.c.id.in_(chunk)).values(pruned=True))
    if this is not None:  # the prune is on record, and is nothing an undo could take back
        db.info[KEEP] = True
        db.execute(update(journal).where(journal.c.id == this).values(pruned=True))
        say(db, f"pruned the rows of {len(ids)} entries up to entry {upto} ({removed} rows)")
    return len(ids), removed
