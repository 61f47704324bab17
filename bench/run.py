"""Time whole studygroup processes against the generated databases and report ratios.

    python bench/generate.py bench/out/small.db --scale 0.1
    python bench/generate.py bench/out/large.db
    python bench/generate.py bench/out/huge.db --scale 10     # optional: growth and memory
    python bench/run.py          # table on stdout, JSON in bench/out/results.json
    python bench/run.py --journal-cost   # each write command with the journal and without

Each command runs once to warm up (bytecode caches, OS file cache), then --runs times
(median reported; at least 5, default 9), on every database in turn, interleaved with its
floor: `python -c "import click"` for --help and completion, `python -c "import sqlalchemy"`
for everything else (SQLAlchemy Core: what any command that touches the database must load).
Every figure is a ratio to the floor timed in the same round (the median of the per-round
ratios), since absolute times drift on shared machines; growth is likewise the median of the
per-round ratios between sizes.

Each process gives its wall-clock time and its CPU time (user + system, from os.wait4, with
its peak RSS). Both ratios are printed; targets and growth are judged on CPU time, which is
what the process itself costs: on a shared 2-core machine wall time also counts the time spent
waiting for a core. Commands that write run on a fresh copy of the database each time.

With Taskwarrior (`task`) installed, one side-by-side comparison is printed for reference:
bulk-modifying 3,333 tasks against `session close` carrying 5,000 items, and listing pending
tasks against `item list --open`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable
SCRIPT = shutil.which("studygroup", path=str(Path(PYTHON).parent)) or "studygroup"

FLOORS = {"click": [PYTHON, "-c", "import click"], "core": [PYTHON, "-c", "import sqlalchemy"]}
GROWTH = 1.1  # from the 1/10 database to the full one
LINEAR = 1.2  # a command linear in its rows: cost per extra row, x10 against 1/10 to full
MEMORY_MIB = 100  # peak, on the largest database measured


@dataclass
class Case:
    name: str
    args: list[str]
    floor: str  # "click" or "core"
    target: float  # the ratio it must stay within
    writes: bool = False
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    # rows the command works through on the 1/10, full and x10 databases: growth is then
    # judged as linear in them (the cost per row from full to x10 is at most LINEAR times
    # the cost per row from 1/10 to full), not against GROWTH
    rows: tuple[int, int, int] | None = None
    # an argument "{dir}" is a folder made new for every run (a first build, not a rebuild)
    fresh_dir: bool = False


def cases(tmp: Path) -> list[Case]:
    csv = tmp / "zoom.csv"
    rows = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)"]
    rows += [f"Member {m:05d},member{m}@example.org,,,{20 + m % 70}" for m in range(1, 1001)]
    csv.write_text("\n".join(rows) + "\n")
    syllabus = tmp / "syllabus.csv"
    syllabus.write_text(
        "label,title,minutes\n"
        + "".join(f"s{k},Imported lecture {k},{30 + k % 90}\n" for k in range(1, 301))
    )
    people = tmp / "members.csv"
    people.write_text(
        "name,email,timezone\n"
        + "".join(
            f"Imported {k:05d},imported{k}@example.org,Europe/London\n" for k in range(1, 2001)
        )
    )
    complete = {
        "_STUDYGROUP_COMPLETE": "bash_complete",
        "COMP_CWORD": "3",
        "COMP_WORDS": "studygroup member show Member 0001",
    }
    return [
        Case("--help", ["--help"], "click", 1.5),
        Case("completion: member name", [], "click", 1.5, env=complete),
        Case("agenda", ["agenda"], "core", 1.2),
        Case("item list --open", ["item", "list", "--open"], "core", 1.2),
        Case("stats", ["stats"], "core", 1.2),
        Case("export agenda", ["export", "agenda"], "core", 1.2),
        Case("remind (dry run)", ["remind"], "core", 1.2),
        Case("site build", ["site", "build", "{dir}"], "core", 2.0, fresh_dir=True),
        Case(
            "session close (open items due)",
            ["session", "close"],
            "core",
            1.5,
            writes=True,
            rows=(500, 5_000, 50_000),  # the open items it carries
        ),
        Case(
            "attend import (1,000 rows)",
            ["attend", "import", "next", str(csv)],
            "core",
            1.4,
            writes=True,
        ),
        Case(
            "course import (300 lectures)",
            ["course", "import", "course-01", str(syllabus)],
            "core",
            1.4,
            writes=True,
        ),
        Case(
            "session plan --weeks 52",
            ["session", "plan", "--weeks", "52"],
            "core",
            1.4,
            writes=True,
        ),
        Case(
            "member import (2,000 rows)",
            ["member", "import", str(people)],
            "core",
            1.4,
            writes=True,
        ),
        Case(
            "item add",
            ["item", "add", "Read the paper", "--owner", "Member 00003"],
            "core",
            1.2,
            writes=True,
        ),
    ]


@dataclass
class Sample:
    wall: float  # seconds, start to exit
    cpu: float  # user + system seconds of the process (what it cost, whatever else runs)
    peak_kib: int
    code: int


def timed(cmd: list[str], env: dict[str, str]) -> Sample:
    """One process: wall time, CPU time and peak RSS (os.wait4), and its exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return Sample(
        elapsed,
        usage.ru_utime + usage.ru_stime,
        int(usage.ru_maxrss),
        os.waitstatus_to_exitcode(status),
    )


def copy_db(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


def paired(over: list[float], under: list[float]) -> float:
    """The median of the per-round ratios: each round times both back to back, so a burst of
    load on the machine lifts both sides of a ratio instead of one median."""
    return statistics.median(a / b for a, b in zip(over, under, strict=True))


def summary(samples: list[Sample], floors: list[Sample]) -> dict[str, Any]:
    return {
        "seconds": round(statistics.median(s.wall for s in samples), 4),
        "cpu_seconds": round(statistics.median(s.cpu for s in samples), 4),
        "floor_seconds": round(statistics.median(s.wall for s in floors), 4),
        "floor_cpu_seconds": round(statistics.median(s.cpu for s in floors), 4),
        "ratio": round(paired([s.wall for s in samples], [s.wall for s in floors]), 3),
        "cpu_ratio": round(paired([s.cpu for s in samples], [s.cpu for s in floors]), 3),
        "peak_mib": round(max(s.peak_kib for s in samples) / 1024, 1),
        "exit_codes": sorted({s.code for s in samples}),
    }


def measure(dbs: dict[str, Path], runs: int, tmp: Path) -> list[dict[str, Any]]:
    """Each case runs as floor, then on every database (in alternating order), `runs` + 1
    times (the first is a warm-up): they see the same machine load, so ratios are taken
    within each round."""
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env.pop("STUDYGROUP_COURSE", None)
    results = []
    for case in cases(tmp):
        got: dict[str, list[Sample]] = {"floor": [], **{size: [] for size in dbs}}
        for i in range(runs + 1):
            round_ = {"floor": timed(FLOORS[case.floor], base_env)}
            order = list(dbs.items())
            for size, db in order if i % 2 else reversed(order):
                target = db
                if case.writes:
                    target = tmp / f"work-{size}.db"
                    copy_db(db, target)
                folder = tmp / f"dir-{size}"
                if case.fresh_dir:
                    shutil.rmtree(folder, ignore_errors=True)
                cmd = [SCRIPT, *(a.replace("{dir}", str(folder)) for a in case.args)]
                round_[size] = timed(cmd, base_env | {"STUDYGROUP_DB": str(target)} | case.env)
            if i == 0:
                continue  # warm-up
            for key, sample in round_.items():
                got[key].append(sample)
        row: dict[str, Any] = {"command": case.name, "floor": case.floor, "target": case.target}
        for size in dbs:
            row[size] = summary(got[size], got["floor"])
        row["growth"] = round(
            paired([s.cpu for s in got["large"]], [s.cpu for s in got["small"]]), 3
        )
        if "huge" in dbs:
            row["growth_huge"] = round(
                paired([s.cpu for s in got["huge"]], [s.cpu for s in got["large"]]), 3
            )
        biggest = "huge" if "huge" in dbs else "large"
        row["peak_mib"] = row[biggest]["peak_mib"]
        row["meets_target"] = row["large"]["cpu_ratio"] <= case.target
        if case.rows is None:
            row["meets_growth"] = row["growth"] <= GROWTH
        else:
            row["linear"] = True
            row["meets_growth"] = True  # judged only where the x10 database is measured
            if "huge" in dbs:
                few, some, many = case.rows
                cpu = {size: statistics.median(s.cpu for s in got[size]) for size in dbs}
                near = (cpu["large"] - cpu["small"]) / (some - few)
                far = (cpu["huge"] - cpu["large"]) / (many - some)
                row["per_row_growth"] = round(far / near, 3) if near > 0 else None
                row["meets_growth"] = near > 0 and far / near <= LINEAR
        row["meets_memory"] = row["peak_mib"] <= MEMORY_MIB
        results.append(row)
    return results


JOURNAL_BUDGET = 1.10  # the journal may add at most 10% to a write command


def journal_cost(db: Path, runs: int, tmp: Path) -> list[dict[str, Any]]:
    """Each write command with the journal and without it (bench/nojournal.py), back to back
    on a fresh copy of the full database each time: the median per-round CPU ratio is what
    the journal costs it."""
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env.pop("STUDYGROUP_COURSE", None)
    without = [sys.executable, str(Path(__file__).with_name("nojournal.py"))]
    out = []
    for case in cases(tmp):
        if not case.writes:
            continue
        on: list[Sample] = []
        off: list[Sample] = []
        for i in range(runs + 1):
            pair = []
            for cmd in ([SCRIPT, *case.args], [*without, *case.args]):
                target = tmp / "work-journal.db"
                copy_db(db, target)
                pair.append(timed(cmd, base_env | {"STUDYGROUP_DB": str(target)} | case.env))
            if i:
                on.append(pair[0])
                off.append(pair[1])
        ratio = paired([s.cpu for s in on], [s.cpu for s in off])
        out.append(
            {
                "command": case.name,
                "cpu_ratio": round(ratio, 3),
                "meets_budget": ratio <= JOURNAL_BUDGET,
                "exit_codes": sorted({s.code for s in on + off}),
            }
        )
    return out


def taskwarrior(tmp: Path, runs: int) -> dict[str, float] | None:
    """Taskwarrior 2.6 beside studygroup: CPU seconds (median) to bulk-modify 3,333 pending
    tasks, and to list them; None when `task` is not installed."""
    task = shutil.which("task")
    if task is None:
        return None
    seed = tmp / "task-seed"
    seed.mkdir()
    rc = tmp / "taskrc"
    rc.write_text(f"data.location={seed}\nconfirmation=off\nbulk=0\nverbose=nothing\nhooks=off\n")
    tasks = [
        {
            "description": f"Homework {k}: finish the lab",
            "status": "pending",
            "entry": "20260101T000000Z",
            "uuid": f"00000000-0000-4000-8000-{k:012d}",
        }
        for k in range(1, 3334)
    ]
    (tmp / "tasks.json").write_text(json.dumps(tasks))
    env = {**os.environ, "TASKRC": str(rc)}
    subprocess.run(
        [task, "import", str(tmp / "tasks.json")], env=env, check=True, capture_output=True
    )
    modify, listing = [], []
    for i in range(runs + 1):
        work = tmp / f"task-{i}"
        shutil.copytree(seed, work)
        env_i = {**env, "TASKDATA": str(work)}
        m = timed([task, "status:pending", "modify", "+carried"], env_i)
        lst = timed([task, "status:pending", "list"], env_i)
        if i:
            modify.append(m.cpu)
            listing.append(lst.cpu)
    return {"modify_3333": statistics.median(modify), "list": statistics.median(listing)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=Path, default=OUT / "small.db")
    parser.add_argument("--large", type=Path, default=OUT / "large.db")
    parser.add_argument(
        "--huge",
        type=Path,
        default=OUT / "huge.db",
        help="the --scale 10 database; skipped when it does not exist",
    )
    parser.add_argument(
        "--runs", type=int, default=9, help="timed runs per case (at least 5; default 9)"
    )
    parser.add_argument("--only", metavar="TEXT", help="only the commands containing TEXT")
    parser.add_argument(
        "--journal-cost",
        action="store_true",
        help="time each write command with the change journal and without it, instead",
    )
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    for db in (args.small, args.large):
        if not db.exists():
            parser.error(f"{db} is missing: run bench/generate.py first (see the docstring)")
    dbs = {"small": args.small, "large": args.large}
    if args.huge.exists():
        dbs["huge"] = args.huge
    report: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "runs": args.runs,
    }
    global cases
    if args.only:
        every = cases
        cases = lambda tmp: [c for c in every(tmp) if args.only in c.name]  # noqa: E731
    if args.journal_cost:
        with tempfile.TemporaryDirectory() as tmp:
            costs = journal_cost(args.large, args.runs, Path(tmp))
        print(f"{'command':32} {'journal':>8}  ok")
        print("-" * 45)
        for row in costs:
            print(
                f"{row['command']:32} {row['cpu_ratio']:8.3f}  "
                f"{'yes' if row['meets_budget'] else 'NO'}"
            )
        print(
            "\njournal: the median over rounds of the command's CPU time with the change "
            "journal over its CPU time\nwithout it (bench/nojournal.py), on the full database "
            f"(at most {JOURNAL_BUDGET})"
        )
        return
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(dbs, args.runs, Path(tmp))
        tw = taskwarrior(Path(tmp), args.runs)
    report["results"] = results
    report["taskwarrior"] = tw
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    huge = "huge" in dbs
    header = (
        f"{'command':32} {'large s':>7} {'wall':>5} {'cpu':>5} {'target':>6} "
        f"{'growth':>6}" + (f" {'x10':>5}" if huge else "") + f" {'MiB':>5}  ok"
    )
    print(header)
    print("-" * len(header))
    for row in results:
        big = row["large"]
        ok = row["meets_target"] and row["meets_growth"] and row["meets_memory"]
        print(
            f"{row['command']:32} {big['seconds']:7.3f} {big['ratio']:5.2f} "
            f"{big['cpu_ratio']:5.2f} {row['target']:6.2f} {row['growth']:6.2f}"
            + (f" {row['growth_huge']:5.2f}" if huge else "")
            + f" {row['peak_mib']:5.1f}  {'yes' if ok else 'NO'}"
            + (
                f"  (per item x10/full: {row['per_row_growth']:.2f}, at most {LINEAR})"
                if row.get("per_row_growth") is not None
                else "  (growth: linear in its items, judged with the x10 database)"
                if row.get("linear")
                else ""
            )
        )
    print(
        "\nwall, cpu: the median over rounds of the command's wall-clock and CPU time over its "
        "floor's\n(`import click` for --help and completion, `import sqlalchemy` for the "
        f"rest), on the full database;\ngrowth: the median of full over 1/10 CPU time "
        f"(at most {GROWTH}); "
        + ("x10: of the --scale 10 database over the full one; " if huge else "")
        + f"MiB: peak memory on the\nlargest database (at most {MEMORY_MIB}). Targets and "
        f"growth are judged on CPU time. JSON: {OUT / 'results.json'}"
    )
    close = next((r for r in results if r["command"].startswith("session close")), None)
    listing = next((r for r in results if r["command"] == "item list --open"), None)
    if tw is not None and close is not None and listing is not None:
        print(
            f"\nTaskwarrior 2.6, for reference (CPU seconds): modifying 3,333 tasks "
            f"{tw['modify_3333']:.3f} against session close carrying 5,000 items "
            f"{close['large']['cpu_seconds']:.3f} "
            f"({tw['modify_3333'] / close['large']['cpu_seconds']:.1f}x); listing pending "
            f"tasks {tw['list']:.3f} against item list --open "
            f"{listing['large']['cpu_seconds']:.3f} "
            f"({listing['large']['cpu_seconds'] / tw['list']:.1f}x faster)"
        )


if __name__ == "__main__":
    main()
