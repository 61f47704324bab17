"""A database filled at the first revision keeps every row through the upgrade to head."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from studygroup.store import migrate
from studygroup.store.location import resolve
from tests.conftest import CLI

FIRST = "20261122_01"
FIRST_TABLES = [
    "courses",
    "lectures",
    "members",
    "sessions",
    "agenda_entries",
    "talks",
    "attendance",
    "action_items",
    "rollovers",
    "rollover_moves",
    "reminders",
]


def rows(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        return {
            t: sorted(
                (dict(r._mapping) for r in conn.execute(sa.text(f'SELECT * FROM "{t}"'))), key=repr
            )
            for t in FIRST_TABLES
        }


def as_at_first(
    after: dict[str, list[dict[str, Any]]], before: dict[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """The rows after the upgrade, restricted to the columns the first revision had (later
    revisions add columns; every value that was there must still be there)."""
    return {t: [{c: r[c] for c in before[t][0]} for r in after[t]] for t in after}


def test_every_row_survives_the_upgrade(run: CLI, db: str, tmp_path: Path) -> None:
    run(
        "course",
        "add",
        "c",
        "Course",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--url",
        "https://example.org",
    )
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("lecture", "add", "c", "2", "Two", "--minutes", "150", "--optional")
    run("member", "add", "Ada", "--email", "ada@example.org", "--tz", "Asia/Kolkata")
    run("member", "add", "Bob")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "2")
    run("talk", "add", "Ada", "Talk", "--session", "1")
    run("item", "add", "Homework", "--owner", "Bob")
    run("attend", "1", "Ada", "--absent", "Bob")
    run(
        "remind",
        "--outbox",
        str(tmp_path / "outbox"),
        env={"STUDYGROUP_TEST_NOW": "2026-11-02T09:00:00+00:00"},  # the day before session 1
    )
    run("session", "close")
    run("member", "archive", "Bob")
    run("session", "cancel", "2")

    engine = sa.create_engine(resolve(db).url)
    try:
        with engine.begin() as conn:
            migrate.downgrade_connection(conn, FIRST)
        before = rows(engine)
        assert all(before[t] for t in FIRST_TABLES), [t for t in FIRST_TABLES if not before[t]]
        run("db", "upgrade")
        after = rows(engine)
        assert as_at_first(after, before) == before
        # reminders sent before claims existed count as claimed when they were sent
        assert all(r["claimed_at"] == r["sent_at"] for r in after["reminders"])
        # ... and as telling their session's current revision and start: nothing is
        # announced again after the upgrade
        starts = {s["id"]: (s["revision"], s["starts_at"]) for s in after["sessions"]}
        assert all(
            (r["revision"], r["starts_at"]) == starts[r["session_id"]] for r in after["reminders"]
        )
        assert all(s["updated_at"] is not None for s in after["sessions"])
        # a cancelled session's event already said SEQUENCE:1, and SEQUENCE never goes down
        assert {s["status"]: s["revision"] for s in after["sessions"]} == {
            "held": 0,
            "cancelled": 1,
            "planned": 0,
        }
    finally:
        engine.dispose()
    assert run.json("db", "current")["status"] == "current"
    assert run.json("attendance", "1")["present"] == ["Ada"]
