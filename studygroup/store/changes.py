"""Which courses a write transaction changed the plan of, read from its journal entry.

A planned agenda derives from the rows below; the triggers file every change of them under
the open journal entry (store/triggers.py), so the transaction itself knows which courses
need a re-plan: no domain function has to remember to say so. `changed_courses` turns the
entry's filed rows into course ids in one statement (plus one for deleted rows, which are
read from the row as it was).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, exists, func, select, union

from studygroup.store import schema
from studygroup.store.db import SETTLED
from studygroup.store.enums import SessionStatus

# What a planned agenda derives from, and the column of the old row that names its owner.
PLAN_INPUTS = {
    "courses": "id",  # the settings: pace, intro, discussion, wrap-up, talks a session
    "lectures": "course_id",
    "sessions": "course_id",
    "talks": "course_id",
    "talk_copresenters": "talk_id",  # who gives a talk: an excused co-presenter
    "action_items": "course_id",  # open items put a review on the agenda
    "agenda_entries": "session_id",  # pins, hand edits, and what a held session covered
    "attendance": "session_id",  # who is excused ahead from a planned session
}


def _unsettled(since: int) -> list[ColumnElement[bool]]:
    """The rows the open entry has filed since the mark."""
    changes = schema.journal_changes
    return [
        changes.c.entry_id == select(schema.journal_open.c.entry_id).scalar_subquery(),
        changes.c.id > since,
    ]


def _filed(name: str, since: int) -> Select[tuple[int]]:
    changes = schema.journal_changes
    return select(changes.c.row_id).where(*_unsettled(since), changes.c.table_name == name)


def any_changed(db: Connection) -> bool:
    """Whether this transaction has changed any row a plan derives from (a cheap test, so a
    write that touches none loads no planner)."""
    changes = schema.journal_changes
    return bool(
        db.execute(
            select(
                exists().where(
                    *_unsettled(db.info.get(SETTLED, 0)), changes.c.table_name.in_(PLAN_INPUTS)
                )
            )
        ).scalar()
    )


def changed_courses(db: Connection) -> list[int]:
    """The courses whose planned agendas this transaction may have changed since it last
    settled (`mark_settled`), in id order."""
    since = db.info.get(SETTLED, 0)
    s, t = schema.sessions, schema.talks
    a, e, c = schema.attendance, schema.agenda_entries, schema.talk_copresenters
    live: list[Select[Any]] = [_filed("courses", since)]
    for table in (schema.lectures, s, t, schema.action_items):
        live.append(select(table.c.course_id).where(table.c.id.in_(_filed(table.name, since))))
    live.append(
        select(s.c.course_id)
        .join(e, e.c.session_id == s.c.id)
        .where(e.c.id.in_(_filed("agenda_entries", since)))
    )
    live.append(
        select(s.c.course_id)
        .join(a, a.c.session_id == s.c.id)
        .where(a.c.id.in_(_filed("attendance", since)), s.c.status == SessionStatus.PLANNED)
    )
    live.append(
        select(t.c.course_id)
        .join(c, c.c.talk_id == t.c.id)
        .where(c.c.id.in_(_filed("talk_copresenters", since)))
    )
    found: set[int] = set(db.execute(union(*live)).scalars())
    changes = schema.journal_changes
    gone: dict[str, set[int]] = {}
    for name, before in db.execute(
        select(changes.c.table_name, changes.c.before).where(
            *_unsettled(since), changes.c.table_name.in_(PLAN_INPUTS), changes.c.op == "D"
        )
    ):
        owner = json.loads(before).get(PLAN_INPUTS[name])
        if owner is not None:
            gone.setdefault(name, set()).add(int(owner))
    for name, owners in gone.items():
        if PLAN_INPUTS[name] == "course_id" or name == "courses":
            found |= owners
        elif name == "talk_copresenters":
            found |= set(db.execute(select(t.c.course_id).where(t.c.id.in_(owners))).scalars())
        else:  # agenda entries and attendance: their session's course
            found |= set(db.execute(select(s.c.course_id).where(s.c.id.in_(owners))).scalars())
    return sorted(found)


def mark_settled(db: Connection) -> None:
    """Everything filed so far is settled (a re-plan's own rows need no re-plan)."""
    db.info[SETTLED] = db.execute(select(func.max(schema.journal_changes.c.id))).scalar() or 0
