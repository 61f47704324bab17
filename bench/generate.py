"""Generate a realistic large studygroup database: ten years of one organisation's groups.

Full size: 10 courses of 30 lectures, 520 sessions, 2,000 members, ~100,000 attendance rows,
20,000 action items (5,000 open, all due at the active course's next session, for the
`session close` benchmark) and 3,000 talks. `--scale 0.1` makes the same shape at 1/10.

    python bench/generate.py bench/out/large.db
    python bench/generate.py bench/out/small.db --scale 0.1
    python bench/generate.py postgresql+psycopg://user:pw@localhost/sgbench

Rows are written with bulk Core inserts into a schema made by the migrations; the planned
sessions' agendas are then planned by studygroup itself. `check` then proves the result is a
database studygroup can go on writing: every foreign key holds, and every table's next id is
free (PostgreSQL's sequences are moved past the explicit ids).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from studygroup import clock
from studygroup.agenda import replan
from studygroup.store import schema
from studygroup.store.db import Database
from studygroup.store.location import resolve

FULL = {
    "courses": 10,
    "lectures": 30,
    "sessions": 520,
    "members": 2000,
    "attendance": 100_000,
    "items": 20_000,
    "open_items": 5_000,
    "talks": 3_000,
}
ZONES = [
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
]


def sizes(scale: float) -> dict[str, int]:
    out = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    out["lectures"] = FULL["lectures"]
    out["sessions"] = max(out["courses"] * 12, out["sessions"])
    return out


def generate(target: str, scale: float = 1.0, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    n = sizes(scale)
    location = resolve(target)
    if location.path is not None and location.path.exists():
        raise SystemExit(f"{location.path} exists; remove it first")
    database = Database(location)
    today = clock.today()
    per_course = n["sessions"] // n["courses"]
    first_day = today - timedelta(weeks=n["sessions"] - 40)
    counts: dict[str, int] = {}
    with database.write() as conn:

        def bulk(table: Table, rows: list[dict[str, Any]]) -> None:
            # every row with the same keys: an executemany takes its columns from the first
            # row, so a key that only later rows have would be dropped silently
            keys = {key for row in rows for key in row}
            for row in rows:
                for key in keys - row.keys():
                    row[key] = None
            for start in range(0, len(rows), 2000):
                conn.execute(insert(table), rows[start : start + 2000])
            counts[table.name] = counts.get(table.name, 0) + len(rows)

        now = clock.now()
        courses, lectures, sessions = [], [], []
        session_id = lecture_id = 0
        held_by_course: dict[int, list[int]] = {}
        next_planned: dict[int, int] = {}
        for c in range(1, n["courses"] + 1):
            active = c == n["courses"]
            courses.append(
                {
                    "id": c,
                    "group_id": 1,  # the database's one group (the migration made it)
                    "slug": f"course-{c:02d}",
                    "title": f"Course {c}: deep learning {c}",
                    "url": f"https://example.org/course/{c}",
                    "status": "active" if active else "finished",
                    "timezone": ZONES[c % 4],
                    "weekday": c % 7,
                    "start_time": datetime(2000, 1, 1, 18).time(),
                    "session_minutes": 90,
                    "pace_minutes": 120,
                    "discussion_minutes": 15,
                    "intro_minutes": 5,
                    "wrapup_minutes": 5,
                    "created_at": now,
                }
            )
            for k in range(1, n["lectures"] + 1):
                lecture_id += 1
                lectures.append(
                    {
                        "id": lecture_id,
                        "course_id": c,
                        "label": str(k),
                        "title": f"Lecture {k} of course {c}",
                        "kind": "guest" if k % 10 == 0 else "lab" if k % 7 == 0 else "lecture",
                        "optional": k % 10 == 0,
                        "skipped": k == 29,
                        "video_minutes": rng.choice([None, 45, 60, 75, 90, 150]),
                        "url": f"https://example.org/course/{c}/{k}",
                        "position": k,
                    }
                )
            start = first_day + timedelta(weeks=(c - 1) * per_course)
            held_by_course[c] = []
            planned_left = min(12, max(1, per_course // 4)) if active else 0
            if active:  # its first planned session was yesterday: the call to close next
                start = today - timedelta(days=1, weeks=per_course - planned_left)
            for number in range(1, per_course + 1):
                session_id += 1
                day = start + timedelta(weeks=number - 1)
                status = "planned" if number > per_course - planned_left else "held"
                sessions.append(
                    {
                        "id": session_id,
                        "course_id": c,
                        "number": number,
                        "starts_at": datetime.combine(day, datetime.min.time(), UTC)
                        + timedelta(hours=18),
                        "minutes": 90,
                        "status": status,
                        "notes": None,
                        "closed_at": now if status == "held" else None,
                    }
                )
                if status == "held":
                    held_by_course[c].append(session_id)
                elif c not in next_planned:
                    next_planned[c] = session_id
        bulk(schema.courses, courses)
        bulk(schema.lectures, lectures)
        bulk(schema.sessions, sessions)

        members = [
            {
                "id": m,
                "name": f"Member {m:05d}",
                "name_key": f"member {m:05d}",
                "email": f"member{m}@example.org" if m % 9 else None,
                "handle": f"m{m}" if m % 3 == 0 else None,
                "timezone": ZONES[m % len(ZONES)],
                "active": m % 25 != 0,
                "joined_on": first_day - timedelta(days=m % 30),
                "archived_at": now if m % 25 == 0 else None,
            }
            for m in range(1, n["members"] + 1)
        ]
        bulk(schema.members, members)
        bulk(
            schema.group_members,
            [{"group_id": 1, "member_id": m["id"], "joined_at": now} for m in members],
        )

        held = [s for ids in held_by_course.values() for s in ids]
        per_session = max(1, n["attendance"] // len(held))
        attendance = []
        for sid in held:
            for member in rng.sample(range(1, n["members"] + 1), min(per_session, n["members"])):
                attendance.append(
                    {
                        "session_id": sid,
                        "member_id": member,
                        "status": rng.choices(["present", "absent", "excused"], [8, 1, 1])[0],
                        "source": "import",
                        "minutes": rng.randint(20, 95),
                        "recorded_at": now,
                    }
                )
        bulk(schema.attendance, attendance)

        entries = []
        course_of = {s["id"]: s["course_id"] for s in sessions}
        for c, ids in held_by_course.items():
            lecture_ids = [lec["id"] for lec in lectures if lec["course_id"] == c]
            for index, sid in enumerate(ids):
                entries.append(
                    {
                        "session_id": sid,
                        "kind": "intro",
                        "position": 1,
                        "minutes": 5,
                        "pinned": False,
                        "done": False,
                    }
                )
                entries.append(
                    {
                        "session_id": sid,
                        "kind": "lecture",
                        "position": 2,
                        "minutes": 15,
                        "lecture_id": lecture_ids[index % len(lecture_ids)],
                        "pinned": False,
                        "done": True,
                    }
                )
                entries.append(
                    {
                        "session_id": sid,
                        "kind": "wrap-up",
                        "position": 3,
                        "minutes": 5,
                        "pinned": False,
                        "done": False,
                    }
                )
        bulk(schema.agenda_entries, entries)

        active_course = n["courses"]
        talks = []
        for t in range(1, n["talks"] + 1):
            queued = t > n["talks"] - 20
            sid = None if queued else rng.choice(held)
            talks.append(
                {
                    "id": t,
                    "course_id": active_course if queued else course_of[sid],
                    "presenter_id": rng.randint(1, n["members"]),
                    "title": f"Talk {t}: a paper worth reading",
                    "url": None,
                    "minutes": rng.choice([10, 15, 20, 25]),
                    "status": "queued" if queued else "done",
                    "session_id": sid,
                    "postponed_from_id": None,
                    "times_postponed": 0,
                    "requested_on": first_day + timedelta(days=t % 3000),
                    "created_at": now,
                }
            )
        bulk(schema.talks, talks)

        items = []
        due_now = next_planned[active_course]
        for i in range(1, n["items"] + 1):
            is_open = i > n["items"] - n["open_items"]
            sid = rng.choice(held)
            items.append(
                {
                    "id": i,
                    "course_id": active_course if is_open else course_of[sid],
                    "text": f"Homework {i}: finish the lab",
                    "owner_id": rng.randint(1, n["members"]) if i % 5 else None,
                    "created_session_id": sid,
                    "due_session_id": due_now if is_open else sid,
                    "status": "open" if is_open else rng.choice(["done", "done", "dropped"]),
                    "times_carried": rng.randint(0, 3) if is_open else 0,
                    "created_at": now,
                    "closed_at": None if is_open else now,
                }
            )
        bulk(schema.action_items, items)
        bulk(
            schema.reminders,
            [
                {
                    "session_id": sid,
                    "member_id": m,
                    "channel": "email",
                    "target": f"member{m}@example.org",
                    "subject": "Reminder",
                    "message_id": None,
                    "sent_at": now,
                }
                for sid in held[-20:]
                for m in range(1, min(101, n["members"] + 1))
                if m % 9
            ],
        )
        if conn.dialect.name == "postgresql":
            for table in _with_ids():
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                    )
                )
        # bulk rows, no journal: its planned sessions are planned here, as a command's would be
        active = select(schema.courses).where(schema.courses.c.id == active_course)
        replan(conn, conn.execute(active).one())
    with database.read() as conn:
        check(conn)
    database.dispose()
    return counts


def _with_ids() -> list[Any]:
    """The tables with a serial id (journal_open holds only the open entry's id)."""
    return [t for t in schema.metadata.sorted_tables if "id" in t.c]


def check(conn: Connection) -> None:
    """Every foreign key holds, and the next insert into every table gets a free id."""
    if conn.dialect.name == "sqlite":
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise SystemExit(f"generated rows break foreign keys: {broken[:5]}")
        return  # SQLite gives a new row max(id) + 1
    for table in _with_ids():
        top = conn.scalar(select(func.max(table.c.id))) or 0
        sequence = conn.scalar(text(f"SELECT pg_get_serial_sequence('{table.name}', 'id')"))
        following = conn.scalar(
            text(
                "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                f"FROM {sequence}"
            )
        )
        if following is None or following <= top:
            raise SystemExit(f"{table.name}: the next id {following} is taken (max {top})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="a SQLite file path or a postgresql+psycopg:// URL")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 (default), 0.1 or 10")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if resolve(args.target).path is not None:
        Path(resolve(args.target).path).parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    counts = generate(args.target, args.scale, args.seed)
    print(
        f"generated in {time.perf_counter() - began:.1f}s: "
        + ", ".join(f"{k} {v}" for k, v in counts.items()),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
