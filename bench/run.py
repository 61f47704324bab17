"""Time whole studygroup processes against the generated databases and report ratios.

    python bench/generate.py bench/out/large.db
    python bench/generate.py bench/out/small.db --scale 0.1
    python bench/run.py                     # both sizes; table on stdout, JSON in bench/out/

Each command runs once to warm up (bytecode caches, OS file cache), then --runs times
(median reported; at least 5, default 9), on the large and the small database in turn,
interleaved with its floor: `python -c "import click"` or `python -c "import sqlalchemy.orm"`.
Every figure is a ratio to the floor timed in the same round (the median of the per-round
ratios), since absolute times drift on shared machines; growth is likewise the median of the
per-round large/small ratios.

Each process gives its wall-clock time and its CPU time (user + system, from os.wait4, with
its peak RSS). Both ratios are printed; targets and growth are judged on CPU time, which is
what the process itself costs: on a shared 2-core machine wall time also counts the time spent
waiting for a core, and swings by ±20% between runs. Commands that write run on a fresh copy
of the database each time.
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

FLOORS = {"click": [PYTHON, "-c", "import click"],
          "orm": [PYTHON, "-c", "import sqlalchemy.orm"]}


@dataclass
class Case:
    name: str
    args: list[str]
    floor: str  # "click" or "orm"
    target: float  # the ratio it must stay within
    writes: bool = False
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None


def cases(tmp: Path) -> list[Case]:
    csv = tmp / "zoom.csv"
    rows = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)"]
    rows += [f"Member {m:05d},member{m}@example.org,,,{20 + m % 70}" for m in range(1, 1001)]
    csv.write_text("\n".join(rows) + "\n")
    complete = {"_STUDYGROUP_COMPLETE": "bash_complete", "COMP_CWORD": "3",
                "COMP_WORDS": "studygroup member show Member 0001"}
    return [
        Case("--help", ["--help"], "click", 1.5),
        Case("completion: member name", [], "click", 1.5, env=complete),
        Case("agenda", ["agenda"], "orm", 1.3),
        Case("item list --open", ["item", "list", "--open"], "orm", 1.3),
        Case("stats", ["stats"], "orm", 1.3),
        Case("export agenda", ["export", "agenda"], "orm", 1.3),
        Case("remind (dry run)", ["remind"], "orm", 1.3),
        Case("session close (open items due)", ["session", "close"], "orm", 2.0, writes=True),
        Case("attend import (1,000 rows)", ["attend", "import", "next", str(csv)], "orm", 2.0,
             writes=True),
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
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss),
                  os.waitstatus_to_exitcode(status))


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
    return {"seconds": round(statistics.median(s.wall for s in samples), 4),
            "cpu_seconds": round(statistics.median(s.cpu for s in samples), 4),
            "floor_seconds": round(statistics.median(s.wall for s in floors), 4),
            "floor_cpu_seconds": round(statistics.median(s.cpu for s in floors), 4),
            "ratio": round(paired([s.wall for s in samples], [s.wall for s in floors]), 3),
            "cpu_ratio": round(paired([s.cpu for s in samples], [s.cpu for s in floors]), 3),
            "peak_mib": round(max(s.peak_kib for s in samples) / 1024, 1),
            "exit_codes": sorted({s.code for s in samples})}


def measure(large: Path, small: Path, runs: int, tmp: Path) -> list[dict[str, Any]]:
    """Each case runs as floor, then large and small (in alternating order), `runs` + 1 times
    (the first is a warm-up): the three see the same machine load, so ratios are taken within
    each round."""
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env.pop("STUDYGROUP_COURSE", None)
    results = []
    for case in cases(tmp):
        cmd = [SCRIPT, *case.args]
        got: dict[str, list[Sample]] = {"floor": [], "large": [], "small": []}
        for i in range(runs + 1):
            round_ = {"floor": timed(FLOORS[case.floor], base_env)}
            sizes = [("large", large), ("small", small)]
            for size, db in sizes if i % 2 else reversed(sizes):
                target = db
                if case.writes:
                    target = tmp / f"work-{size}.db"
                    copy_db(db, target)
                round_[size] = timed(cmd, base_env | {"STUDYGROUP_DB": str(target)} | case.env)
            if i == 0:
                continue  # warm-up
            for key, sample in round_.items():
                got[key].append(sample)
        big = summary(got["large"], got["floor"])
        little = summary(got["small"], got["floor"])
        growth = paired([s.cpu for s in got["large"]], [s.cpu for s in got["small"]])
        results.append({
            "command": case.name, "floor": case.floor, "target": case.target,
            "large": big, "small": little,
            "growth": round(growth, 3),
            "meets_target": big["cpu_ratio"] <= case.target,
            "meets_growth": growth <= 1.25,
            "meets_memory": big["peak_mib"] < 100,
        })
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=Path, default=OUT / "large.db")
    parser.add_argument("--small", type=Path, default=OUT / "small.db")
    parser.add_argument("--runs", type=int, default=9,
                        help="timed runs per case (at least 5; default 9)")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    for db in (args.large, args.small):
        if not db.exists():
            parser.error(f"{db} is missing: run bench/generate.py first (see the docstring)")
    report: dict[str, object] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "runs": args.runs,
    }
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(args.large, args.small, args.runs, Path(tmp))
    report["results"] = results
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    header = (f"{'command':32} {'large s':>7} {'wall':>5} {'cpu':>5} {'target':>6} "
              f"{'small s':>7} {'growth':>6} {'MiB':>5}  ok")
    print(header)
    print("-" * len(header))
    for row in results:
        big, little = row["large"], row["small"]
        ok = row["meets_target"] and row["meets_growth"] and row["meets_memory"]
        print(f"{row['command']:32} {big['seconds']:7.3f} {big['ratio']:5.2f} "
              f"{big['cpu_ratio']:5.2f} {row['target']:6.2f} {little['seconds']:7.3f} "
              f"{row['growth']:6.2f} {big['peak_mib']:5.1f}  {'yes' if ok else 'NO'}")
    print("\nwall, cpu: the median over rounds of the command's wall-clock and CPU time over its "
          "floor's\n(`import click` for --help and completion, `import sqlalchemy.orm` for the "
          "rest); growth: the\nmedian of large over small CPU time. Targets and growth are "
          f"judged on CPU time. JSON: {OUT / 'results.json'}")

if __name__ == "__main__":
    main()
