"""An organisation on PostgreSQL: many groups, their own organisers (issue #31's figures).

Run inside a throwaway cluster, as its superuser:

    pg_virtualenv -t .venv/bin/python bench/org.py            # ~4 minutes
    pg_virtualenv -t .venv/bin/python bench/org.py --quick    # ~1 minute, smaller and shorter

It builds, with SQL on the server (generate_series), an organisation of N groups: about 50
members each (every tenth also in the next group), two courses each (one finished, one
running) with five years of weekly sessions between them, lectures, attendance and open
items; secures it (`db secure`) and makes one login role per group's organiser. Then:

- **reads**: read commands on one group, as its organiser, against the same group copied
  alone into a SQLite file (wall time, side by side, median of per-round ratios; target 1.3);
  then where the difference lies: the SQLite command with PostgreSQL's driver imported first
  against the plain one (the driver's import alone), and the organiser's read against that
  (everything else: connecting, the policies, the server, 100 groups' data);
- **growth**: the same reads on a 10-group organisation against the 100-group one (1.1);
- **organisers at once**: 20 organiser roles run a mixed weekly workload concurrently (plan,
  attend import, close, item add, remind dry run, undo) for --seconds: errors, p50 and p95
  per command, throughput. A command that meets a serialization failure or a deadlock is
  retried (none reach a user: studygroup serialises writers with an advisory lock);
- **everyone reminded**: `remind --all-groups` dry run over every member: time and peak RSS
  (target: under 100 MiB).

Results: a table on stdout, JSON in bench/out/org.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SCRIPT = str(Path(sys.executable).parent / "studygroup")
NOW = "2026-12-01T09:00:00+00:00"  # a Tuesday morning: the week's call is tonight
READS = [
    ["agenda"],
    ["stats"],
    ["member", "list"],
    ["session", "list", "--all"],
    ["item", "list", "--open"],
]
WORKLOAD = ["plan", "attend import", "close", "item add", "remind", "undo"]

GENERATE = """
INSERT INTO groups (id, slug, name, created_at)
  SELECT g, 'g' || lpad(g::text, 3, '0'), 'Group ' || g, now() FROM generate_series(2, :groups) g;
SELECT setval(pg_get_serial_sequence('groups', 'id'), :groups);
INSERT INTO members (id, name, name_key, email, timezone, active, joined_on)
  SELECT m, 'Member ' || lpad(m::text, 5, '0'), 'member ' || lpad(m::text, 5, '0'),
         'member' || m || '@example.org',
         (ARRAY['Asia/Kolkata','America/New_York','Europe/London','UTC'])[1 + m % 4],
         true, date '2021-11-01'
  FROM generate_series(1, :groups * 50) m;
SELECT setval(pg_get_serial_sequence('members', 'id'), :groups * 50);
INSERT INTO group_members (group_id, member_id, joined_at)
  SELECT (m - 1) / 50 + 1, m, now() FROM generate_series(1, :groups * 50) m
  UNION ALL
  SELECT (m - 1) / 50 % :groups + 2, m, now() FROM generate_series(1, :groups * 50) m
  WHERE m % 10 = 0 AND (m - 1) / 50 + 1 < :groups;
INSERT INTO courses (id, group_id, slug, title, status, timezone, weekday, start_time,
                     session_minutes, pace_minutes, discussion_minutes, intro_minutes,
                     wrapup_minutes, created_at)
  SELECT c, (c - 1) / 2 + 1, CASE WHEN c % 2 = 1 THEN 'past' ELSE 'now' END,
         'Course ' || c, CASE WHEN c % 2 = 1 THEN 'archived' ELSE 'active' END, 'UTC', 1,
         time '18:00', 90, 120, 15, 5, 5, timestamptz '2021-11-01 00:00+00'
  FROM generate_series(1, :groups * 2) c;
SELECT setval(pg_get_serial_sequence('courses', 'id'), :groups * 2);
INSERT INTO lectures (course_id, label, title, kind, optional, skipped, covered_before,
                      video_minutes, position)
  SELECT c, l::text, 'Lecture ' || l, 'lecture', false, false, false, 60 + l % 4 * 15, l
  FROM generate_series(1, :groups * 2) c, generate_series(1, 20) l;
-- five years of Tuesdays: the finished course's first 130 weeks, the running one's after
INSERT INTO sessions (course_id, number, starts_at, minutes, status, revision, updated_at,
                      closed_at)
  SELECT c, w - CASE WHEN c % 2 = 1 THEN 0 ELSE 130 END,
         timestamptz '2021-11-02 18:00+00' + (w - 1) * interval '7 days', 90,
         CASE WHEN timestamptz '2021-11-02 18:00+00' + (w - 1) * interval '7 days' < :now
              THEN 'held' ELSE 'planned' END, 0, now(),
         CASE WHEN timestamptz '2021-11-02 18:00+00' + (w - 1) * interval '7 days' < :now
              THEN timestamptz '2021-11-02 20:00+00' + (w - 1) * interval '7 days' END
  FROM generate_series(1, :groups * 2) c, generate_series(1, 270) w
  WHERE (c % 2 = 1 AND w <= 130) OR (c % 2 = 0 AND w > 130);
INSERT INTO attendance (session_id, member_id, status, source, recorded_at)
  SELECT s.id, gm.member_id, 'present', 'manual', s.starts_at
  FROM sessions s JOIN courses c ON c.id = s.course_id
  JOIN group_members gm ON gm.group_id = c.group_id
  WHERE s.status = 'held' AND (s.id * 7 + gm.member_id * 13) % 10 < 6;
INSERT INTO action_items (course_id, text, status, times_carried, created_at)
  SELECT c, 'Homework ' || i, 'open', 0, now()
  FROM generate_series(2, :groups * 2, 2) c, generate_series(1, 5) i;
ANALYZE;
"""


def url_of(base: sa.URL, database: str, role: str | None = None) -> str:
    url = base.set(database=database)
    if role is not None:
        url = url.set(username=role, password=f"pw-{role}")
    return url.render_as_string(hide_password=False)


# the studygroup command with PostgreSQL's driver (psycopg and SQLAlchemy's dialect for it)
# imported first: on a SQLite file, what a PostgreSQL command pays before it connects
WITH_DRIVER = [
    sys.executable,
    "-c",
    "import sys, psycopg, sqlalchemy.dialects.postgresql.psycopg\n"
    "from studygroup.cli import main\n"
    "sys.argv[0] = 'studygroup'\n"
    "main()",
]


def run(
    url: str, *args: str, env: dict[str, str] | None = None, driver: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(WITH_DRIVER if driver else [SCRIPT]), "--db", url, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "STUDYGROUP_TEST_NOW": NOW, "STUDYGROUP_DB": "", **(env or {})},
    )


def build(admin: sa.Engine, base: sa.URL, name: str, groups: int, roles: int) -> str:
    """A secured organisation of `groups` groups in database `name`; organiser role
    `org_<name>_<g>` for the first `roles` groups."""
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = url_of(base, name)
    done = run(url, "init")
    assert done.returncode == 0, done.stderr
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in GENERATE.split(";\n"):
            if statement.strip():
                conn.execute(sa.text(statement), {"groups": groups, "now": NOW})
    engine.dispose()
    done = run(url, "db", "secure")
    assert done.returncode == 0, done.stderr
    with admin.connect() as conn:
        for g in range(1, roles + 1):
            role = f"org_{name}_{g}"
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'")
    for g in range(1, roles + 1):
        slug = "main" if g == 1 else f"g{g:03d}"
        done = run(url, "group", "grant", slug, f"org_{name}_{g}")
        assert done.returncode == 0, done.stderr
    return url


def sqlite_copy(pg_url: str, target: Path) -> str:
    """Group 1 alone, copied row by row into a SQLite file at head."""
    from studygroup.store import schema

    target.unlink(missing_ok=True)
    done = run(str(target), "init")
    assert done.returncode == 0, done.stderr
    source = sa.create_engine(pg_url)
    dest = sa.create_engine(f"sqlite:///{target}")
    keep = {
        "groups": "id = 1",
        "group_members": "group_id = 1",
        "members": "id IN (SELECT member_id FROM group_members WHERE group_id = 1)",
        "courses": "group_id = 1",
        "lectures": "course_id IN (SELECT id FROM courses WHERE group_id = 1)",
        "sessions": "course_id IN (SELECT id FROM courses WHERE group_id = 1)",
        "attendance": "session_id IN (SELECT s.id FROM sessions s JOIN courses c "
        "ON c.id = s.course_id WHERE c.group_id = 1)",
        "action_items": "course_id IN (SELECT id FROM courses WHERE group_id = 1)",
    }
    with source.connect() as src, dest.begin() as dst:
        dst.exec_driver_sql("PRAGMA foreign_keys = OFF")
        dst.exec_driver_sql("DELETE FROM groups")
        for table in schema.metadata.sorted_tables:
            where = keep.get(table.name)
            if where is None:
                continue
            rows = [
                dict(r._mapping)
                for r in src.execute(sa.text(f"SELECT * FROM {table.name} WHERE {where}"))
            ]
            for start in range(0, len(rows), 2000):
                dst.execute(sa.insert(table), rows[start : start + 2000])
    source.dispose()
    dest.dispose()
    return str(target)


def wall(url: str, args: list[str], driver: bool = False) -> float:
    start = time.perf_counter()
    done = run(url, *args, driver=driver)
    assert done.returncode == 0, (args, done.stderr)
    return time.perf_counter() - start


def side_by_side(
    over: str, under: str, runs: int, over_driver: bool = False, under_driver: bool = False
) -> dict[str, float]:
    """Each read on `over` against `under`, alternating: the median of per-round ratios.
    `*_driver`: that side's command imports PostgreSQL's driver first."""
    out: dict[str, float] = {}
    for args in READS:
        wall(over, args, over_driver), wall(under, args, under_driver)  # warm
        ratios = []
        for _ in range(runs):
            a = wall(over, args, over_driver)
            b = wall(under, args, under_driver)
            ratios.append(a / b)
        out[" ".join(args)] = round(statistics.median(ratios), 3)
    return out


def workload(url_for_role: list[str], seconds: float, tmp: Path) -> dict[str, Any]:
    """Every role in a thread of its own, running the weekly commands in a shuffled loop."""
    times: dict[str, list[float]] = {name: [] for name in WORKLOAD}
    errors: list[str] = []
    retried = 0
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def organiser(index: int, url: str) -> None:
        nonlocal retried
        rng = random.Random(index)
        report = tmp / f"report-{index}.csv"
        group = index + 1
        first = (group - 1) * 50 + 1
        report.write_text(
            "name,email\n"
            + "".join(f"Member {m:05d},member{m}@example.org\n" for m in range(first, first + 30)),
            encoding="utf-8",
        )
        commands = {
            "plan": ["session", "plan", "--weeks", "1"],
            "attend import": ["attend", "import", str(report), "--yes"],
            "close": ["session", "close", "--early"],
            "item add": ["item", "add", f"Read chapter {rng.randint(1, 30)}"],
            "remind": ["remind"],
            "undo": ["undo"],
        }
        while time.monotonic() < end:
            name = rng.choice(WORKLOAD)
            for _attempt in range(5):
                start = time.perf_counter()
                done = run(url, *commands[name])
                took = time.perf_counter() - start
                text = done.stderr.lower()
                if done.returncode and ("could not serialize" in text or "deadlock" in text):
                    with lock:
                        retried += 1
                    continue
                break
            with lock:
                if done.returncode == 0:
                    times[name].append(took)
                elif not _expected_refusal(name, done.stderr):
                    errors.append(f"{name}: {done.stderr.strip()[:200]}")
                else:
                    times[name].append(took)

    threads = [
        threading.Thread(target=organiser, args=(i, url)) for i, url in enumerate(url_for_role)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(len(v) for v in times.values())
    return {
        "roles": len(url_for_role),
        "seconds": round(elapsed, 1),
        "commands": total,
        "per_second": round(total / elapsed, 2),
        "errors": errors,
        "retried": retried,
        "p50_p95": {
            name: [round(_pct(v, 50), 3), round(_pct(v, 95), 3), len(v)]
            for name, v in times.items()
            if v
        },
    }


def _expected_refusal(name: str, stderr: str) -> bool:
    """A command the organiser's week makes pointless at that moment, said in one line (an
    undo with nothing of one's own left, a close of a session already closed): the answer a
    person would get, not an error of the system."""
    one_line = stderr.count("\n") == 1 and stderr.startswith("Error: ")
    return one_line and name in ("undo", "close", "plan", "attend import")


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def remind_all(url: str) -> dict[str, Any]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [SCRIPT, "--db", url, "remind", "--all-groups"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "STUDYGROUP_TEST_NOW": NOW, "STUDYGROUP_DB": ""},
    )
    assert proc.stdout is not None
    lines = sum(1 for _ in proc.stdout)
    _, status, usage = os.wait4(proc.pid, 0)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "messages": lines,
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "exit": os.waitstatus_to_exitcode(status),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 groups, 20 s, 3 rounds")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args(argv)
    groups, seconds, runs = (20, 20.0, 3) if options.quick else (100, options.seconds, options.runs)
    user = os.environ.get("PGUSER", "postgres")
    base = sa.make_url(
        f"postgresql+psycopg://{user}:{os.environ.get('PGPASSWORD', '')}@"
        f"{os.environ.get('PGHOST', 'localhost')}:{os.environ.get('PGPORT', '5432')}/postgres"
    )
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    results: dict[str, Any] = {"groups": groups}
    t0 = time.perf_counter()
    big = build(admin, base, "org_big", groups, 20)
    build(admin, base, "org_small", 10, 1)
    results["build_seconds"] = round(time.perf_counter() - t0, 1)
    with tempfile.TemporaryDirectory() as tmp:
        one = sqlite_copy(big, Path(tmp) / "one-group.db")
        organiser = url_of(base, "org_big", "org_org_big_1")
        results["reads_vs_sqlite"] = side_by_side(organiser, one, runs)
        # where the difference lies: the driver's import alone, and everything else
        results["driver_import_vs_sqlite"] = side_by_side(one, one, runs, over_driver=True)
        results["reads_vs_sqlite_with_driver"] = side_by_side(
            organiser, one, runs, under_driver=True
        )
        results["growth_10_to_n"] = side_by_side(
            organiser, url_of(base, "org_small", "org_org_small_1"), runs
        )
        results["everyone_reminded"] = remind_all(big)
        roles = [url_of(base, "org_big", f"org_org_big_{g}") for g in range(1, 21)]
        results["organisers_at_once"] = workload(roles, seconds, Path(tmp))
    OUT.mkdir(exist_ok=True)
    (OUT / "org.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
