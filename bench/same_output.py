"""Every command's output, written to a folder, so two versions of the code can be compared byte
for byte on the same data (a refactoring changes no output).

    python bench/same_output.py OUT [--db bench/out/large.db]   # default: a fresh demo group
    diff -r OUT-before OUT-after

The clock is fixed ($STUDYGROUP_TEST_NOW) and each run starts from its own copy of the
database, so two runs of the same code write the same files. The reads run first, then the
writes in order on the same copy (each write's output, then the reads again at the end), so
write paths are compared too. Each file holds the exit code, stdout and stderr of one command.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

NOW = "2026-12-04T12:00:00+00:00"

READS = [
    "course list",
    "course list --json",
    "course show {course}",
    "course show {course} --json --with-optional",
    "lecture list {course}",
    "lecture list {course} --json",
    "session list",
    "session list --json",
    "session show",
    "session show --json",
    "agenda",
    "agenda --json",
    "agenda show last",
    "agenda show last --json",
    "export agenda",
    "export agenda --format slack",
    "export agenda --format discord",
    "export agenda --json",
    "export ics",
    "export recap",
    "export recap --json",
    "export recap --format slack",
    "member list",
    "member list --json",
    "talk list",
    "talk list --json",
    "item list",
    "item list --json",
    "item list --open",
    "attendance",
    "attendance --json",
    "stats",
    "stats --json",
    "stats --format csv",
    "poll list",
    "poll list --json",
    "remind",
    "remind --full",
    "remind --json",
    "log list",
    "log list --json",
]

WRITES = [
    "item add 'Read the paper' --owner everyone",
    "talk add {member} 'A new talk' --minutes 20",
    "agenda plan",
    "session close --early",
    "session cancel next",
    "undo",
    "session reopen last",
]


def run(args: list[str], db: Path, out: Path, name: str) -> None:
    env = dict(os.environ, STUDYGROUP_TEST_NOW=NOW, STUDYGROUP_DB=str(db), COLUMNS="100")
    env.pop("STUDYGROUP_COURSE", None)
    done = subprocess.run(
        [sys.executable, "-m", "studygroup", "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    text = (
        f"$ studygroup {shlex.join(args)}\nexit {done.returncode}\n"
        f"--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    )
    (out / name).write_text(text.replace(str(db), "DB"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--db", type=Path, help="a database to copy (default: a demo group)")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "copy.db"
        if options.db:
            source = sqlite3.connect(options.db)
            target = sqlite3.connect(db)
            source.backup(target)
            source.close()
            target.close()
        else:
            run(["demo"], db, options.out, "000-demo")
        with sqlite3.connect(db) as con:
            names = {
                "course": con.execute(
                    "SELECT slug FROM courses WHERE status = 'active' ORDER BY id DESC"
                ).fetchone()[0],
                "member": shlex.quote(
                    con.execute("SELECT name FROM members WHERE active ORDER BY id").fetchone()[0]
                ),
            }
        number = 1
        for phase, commands in (("read", READS), ("write", WRITES), ("after", READS)):
            for command in commands:
                run(shlex.split(command.format(**names)), db, options.out, f"{number:03d}-{phase}")
                number += 1
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{number - 1} commands written to {options.out}")


if __name__ == "__main__":
    main()
