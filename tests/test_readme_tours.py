"""The README's tours, run as written: "A first course" and "A week with studygroup", top to
bottom, by the installed `studygroup` on PATH, with the files they mention, the clock fixed on
the Monday before the first call and moved past it where the README says the call happens."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCRIPT

README = Path(__file__).resolve().parent.parent / "README.md"
MONDAY = "2026-11-23T09:00:00+00:00"  # the tour plans "the next four Tuesdays" from here
AFTER_THE_CALL = "2026-11-24T20:00:00+00:00"  # Tue 24 Nov, 18:00-19:30 London


def _block(heading: str) -> str:
    section = README.read_text().split(f"## {heading}\n", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def _checkout(where: Path) -> Path:
    """A checkout as the README's reader has it: the shipped examples/ and the .venv the
    README's set-up made (this interpreter's environment)."""
    root = where / "checkout"
    shutil.copytree(README.parent / "examples", root / "examples")
    venv = Path(sys.executable).parent.parent
    if not (venv / "bin" / "activate").exists():
        pytest.skip("the tests do not run from a virtual environment")
    (root / ".venv").symlink_to(venv)
    return root


@pytest.mark.skipif(not README.exists(), reason="not a source checkout")
def test_the_readme_tours_run_as_written(tmp_path: Path, sqlite_only: None) -> None:
    root = _checkout(tmp_path)
    script = (
        _block("A first course")
        + _block("A week with studygroup")
        + _block("Many groups in one database, and their organisers")
    )
    call = "# ... the call happens (the commands below are for after it) ..."
    assert call in script
    script = script.replace(call, f"export STUDYGROUP_TEST_NOW={AFTER_THE_CALL}")
    env = {**os.environ, "STUDYGROUP_TEST_NOW": MONDAY}
    for name in ("STUDYGROUP_COURSE", "STUDYGROUP_DB", "VIRTUAL_ENV"):
        env.pop(name, None)
    # the tour's own `. .venv/bin/activate` must put studygroup on PATH
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if Path(p) != Path(SCRIPT).parent
    )
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    tmp_path = root / "examples"
    check = {
        **env,
        "STUDYGROUP_TEST_NOW": AFTER_THE_CALL,
        "STUDYGROUP_COURSE": "fsdl",
        "STUDYGROUP_DB": str(tmp_path / "tour.db"),
    }

    def read(*args: str) -> object:
        out = subprocess.run(
            [SCRIPT, *args, "--json"], env=check, capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout)

    # the groups' tour: a second group was added, used and archived again
    assert [(g["slug"], g["status"]) for g in read("group", "list", "--all")] == [
        ("main", "active"),
        ("r4ds", "archived"),
    ]
    sessions = read("session", "list", "--all")
    assert [s["status"] for s in sessions] == ["held", "planned", "planned", "planned"]
    assert read("attendance", "1")["present"] == ["Ada Lovelace", "Grace Hopper", "Sanyam Bhutani"]
    agenda = read("agenda")
    lectures = [e["lecture"] for e in agenda["entries"] if e["kind"] == "lecture"]
    assert lectures[0] == "1"  # not covered last week: first this week
    assert [i["text"] for i in agenda["action_items"]] == ["Finish labs 6-7"]
    # the week's roles came from the rota, the recap was written, and the close was undone
    # and redone
    assert read("agenda", "1")["host"] in ("Ada Lovelace", "Grace Hopper", "Alan Turing")
    assert read("rsvp", "list", "1") == [
        {
            "session": 1,
            "member": "Grace Hopper",
            "answer": "no",
            "source": "hand",
            "answered_at": "2026-11-23T09:00:00+00:00",
            "earlier_time": False,
        }
    ]
    home = (tmp_path / "site" / "index.html").read_text()
    assert "Full Stack Deep Learning" in home and "Next call: session 2" in home
    recap = (tmp_path / "recap.md").read_text()
    assert recap.startswith("# Recap: Full Stack Deep Learning — session 1")
    assert "Ada's slides" in recap
    undone = [e for e in read("log", "--limit", "5") if e["undoes"] is not None]
    assert len(undone) == 2 and undone[0]["undoes"] == undone[1]["id"]
