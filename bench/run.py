"""Time whole studygroup processes against the generated databases and report ratios.

    python bench/generate.py bench/out/large.db
    python bench/generate.py bench/out/small.db --scale 0.1
    python bench/run.py                     # both sizes; table on stdout, JSON in bench/out/

Each command runs once to warm up (bytecode caches, OS file cache), then --runs times (median
reported, at least 5). Peak memory is the child's max RSS (os.wait4). Beside every command the
floors `python -c "import click"` and `python -c "import sqlalchemy.orm"` are timed in the same
run, interleaved, and every figure is reported as a ratio to its floor, since absolute times
drift on shared machines. Commands that write run on a fresh copy of the database each time.
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


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, exit code) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, int(usage.ru_maxrss), proc.returncode


def copy_db(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


def measure(db: Path, runs: int, tmp: Path) -> list[dict[str, object]]:
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env.pop("STUDYGROUP_COURSE", None)
    results = []
    work = tmp / "work.db"
    for case in cases(tmp):
        env = base_env | {"STUDYGROUP_DB": str(work if case.writes else db)} | case.env
        cmd = [SCRIPT, *case.args]
        times, floors, peaks, codes = [], [], [], set()
        for i in range(runs + 1):
            if case.writes:
                copy_db(db, work)
            floor_time, _, _ = timed(FLOORS[case.floor], base_env)
            elapsed, peak, code = timed(cmd, env)
            if i == 0:
                continue  # warm-up
            times.append(elapsed)
            floors.append(floor_time)
            peaks.append(peak)
            codes.add(code)
        median, floor = statistics.median(times), statistics.median(floors)
        results.append({
            "command": case.name, "seconds": round(median, 4), "floor": case.floor,
            "floor_seconds": round(floor, 4), "ratio": round(median / floor, 3),
            "target": case.target, "meets_target": median / floor <= case.target,
            "peak_mib": round(max(peaks) / 1024, 1), "exit_codes": sorted(codes),
        })
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=Path, default=OUT / "large.db")
    parser.add_argument("--small", type=Path, default=OUT / "small.db")
    parser.add_argument("--runs", type=int, default=5)
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
        large = measure(args.large, args.runs, Path(tmp))
        small = measure(args.small, args.runs, Path(tmp))
    for big, little in zip(large, small, strict=True):
        growth = big["seconds"] / little["seconds"]  # type: ignore[operator]
        big["growth_vs_small"] = round(growth, 3)
        big["meets_growth"] = growth <= 1.25
        big["meets_memory"] = big["peak_mib"] < 100  # type: ignore[operator]
    report["large"] = large
    report["small"] = small
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    header = (f"{'command':34} {'large s':>8} {'floor':>6} {'ratio':>6} {'target':>6} "
              f"{'small s':>8} {'growth':>6} {'MiB':>6}  ok")
    print(header)
    print("-" * len(header))
    for big, little in zip(large, small, strict=True):
        ok = big["meets_target"] and big["meets_growth"] and big["meets_memory"]
        print(f"{big['command']:34} {big['seconds']:8.3f} {big['floor']:>6} "
              f"{big['ratio']:6.2f} {big['target']:6.2f} {little['seconds']:8.3f} "
              f"{big['growth_vs_small']:6.2f} {big['peak_mib']:6.1f}  {'yes' if ok else 'NO'}")
    floors = {c["floor"]: c["floor_seconds"] for c in large}
    print(f"\nfloors (median): import click {floors.get('click')}s, "
          f"import sqlalchemy.orm {floors.get('orm')}s; JSON: {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
