"""Re-planning follows the data: after every write command of the CLI, each planned
session's agenda is exactly what a fresh plan of the data would make (issue 28, item 4's
proof). A command that forgot to re-plan would leave a stale agenda, and this test fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from studygroup.store.location import resolve
from tests.conftest import CLI
from tests.test_no_orm import command_steps


def agendas(conn: sa.Connection) -> list[tuple[Any, ...]]:
    """Every planned session's entries, as the planner derives them."""
    return [
        tuple(row)
        for row in conn.execute(
            sa.text(
                "SELECT e.session_id, e.position, e.kind, e.minutes, e.lecture_id, e.part, "
                "e.parts, e.talk_id, e.pinned FROM agenda_entries e "
                "JOIN sessions s ON s.id = e.session_id WHERE s.status = 'planned' "
                "ORDER BY e.session_id, e.position"
            )
        )
    ]


def fresh(db: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The agendas as stored, and as a fresh plan of every course makes them (rolled back)."""
    from studygroup import agenda
    from studygroup.store.schema import courses

    engine = sa.create_engine(resolve(db).url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            stored = agendas(conn)
            for course in conn.execute(sa.select(courses)).all():
                agenda.replan(conn, course)
            planned = agendas(conn)
            conn.rollback()
    finally:
        engine.dispose()
    return stored, planned


def test_every_write_command_leaves_the_agenda_as_a_fresh_plan_would(
    run: CLI, db: str, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    steps = command_steps(tmp_path)
    checked = 0
    for index, (name, args, answer) in enumerate(steps):
        if name == "talk resume":  # the presenter says ahead they can't come: the talk waits
            steps.insert(index + 1, ("excused ahead", ["attend", "next", "--excused", "Ada"], None))
        if name == "agenda add-lecture":
            steps.insert(index + 1, ("agenda remove", ["agenda", "remove", "{guest}"], None))
        if name == "agenda remove":
            entries = run.json("agenda", "1")["entries"]
            position = next(e["position"] for e in entries if e["lecture"] == "9")
            args = ["agenda", "remove", str(position), "--session", "1"]
        if args[0] == "--db" or name in ("db backup",):
            continue
        run(*args, input=answer)
        stored, planned = fresh(db)
        # ids differ between a stored plan and a fresh one; what is planned must not
        assert stored == planned, f"after {name}: the agenda is stale"
        checked += 1
    assert checked > 60
