"""The README's tours, run as written: "A first course" and "A week with studygroup", top to
bottom, by the installed `studygroup` on PATH, with the files they mention, the clock fixed on
the Monday before the first call and moved past it where the README says the call happens."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SCRIPT

README = Path(__file__).resolve().parent.parent / "README.md"
MONDAY = "2026-11-23T09:00:00+00:00"  # the tour plans "the next four Tuesdays" from here
AFTER_THE_CALL = "2026-11-24T20:00:00+00:00"  # Tue 24 Nov, 18:00-19:30 London


def _block(heading: str) -> str:
    section = README.read_text().split(f"## {heading}\n", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def _fixtures(where: Path) -> None:
    rows = ["label,title,kind,minutes,optional,url"]
    rows += [f"{n},Lecture {n},lecture,{50 if n == 1 else 60},,https://example.org/{n}"
             for n in range(1, 12)]  # fmt: skip
    (where / "syllabus.csv").write_text("\n".join(rows) + "\n")
    (where / "members.csv").write_text(
        "name,email,handle,timezone\n"
        "Grace Hopper,grace@example.org,grace,America/New_York\n"
        "Alan Turing,alan@example.org,alan,Europe/London\n"
    )
    (where / "participants.csv").write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Ada Lovelace,ada@example.org,11/24/2026 06:00:00 PM,11/24/2026 07:30:00 PM,90\n"
        "Grace H (Grace Hopper),grace@example.org,11/24/2026 06:05:00 PM,"
        "11/24/2026 07:30:00 PM,85\n"
        "Alan Turing,,11/24/2026 06:00:00 PM,11/24/2026 06:10:00 PM,10\n"
    )


@pytest.mark.skipif(not README.exists(), reason="not a source checkout")
def test_the_readme_tours_run_as_written(tmp_path: Path, sqlite_only: None) -> None:
    _fixtures(tmp_path)
    script = _block("A first course") + _block("A week with studygroup")
    script = script.replace(
        "# ... the call happens ...", f"export STUDYGROUP_TEST_NOW={AFTER_THE_CALL}"
    )
    env = {
        **os.environ,
        "PATH": f"{Path(SCRIPT).parent}{os.pathsep}{os.environ['PATH']}",
        "STUDYGROUP_DB": str(tmp_path / "group.db"),
        "STUDYGROUP_TEST_NOW": MONDAY,
    }
    env.pop("STUDYGROUP_COURSE", None)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    check = {**env, "STUDYGROUP_TEST_NOW": AFTER_THE_CALL, "STUDYGROUP_COURSE": "fsdl"}

    def read(*args: str) -> object:
        out = subprocess.run(
            [SCRIPT, *args, "--json"], env=check, capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout)

    sessions = read("session", "list", "--all")
    assert [s["status"] for s in sessions] == ["held", "planned", "planned", "planned"]
    assert read("attendance", "1")["present"] == ["Ada Lovelace", "Grace Hopper"]
    agenda = read("agenda")
    lectures = [e["lecture"] for e in agenda["entries"] if e["kind"] == "lecture"]
    assert lectures[0] == "2"  # not covered last week: first this week
    assert [i["text"] for i in agenda["action_items"]] == ["Finish labs 6-7"]
    # the week's roles came from the rota, the recap was written, and the close was undone
    # and redone
    assert read("agenda", "1")["host"] in ("Ada Lovelace", "Grace Hopper", "Alan Turing")
    recap = (tmp_path / "recap.md").read_text()
    assert recap.startswith("# Recap: Full Stack Deep Learning — session 1")
    assert "Ada's slides" in recap
    undone = [e for e in read("log", "--limit", "5") if e["undoes"] is not None]
    assert len(undone) == 2 and undone[0]["undoes"] == undone[1]["id"]
