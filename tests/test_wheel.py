"""A plain (non-editable) install ships the migrations and can create and upgrade a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("not running from a source checkout")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("studygroup-*.whl")
    return found


def test_wheel_contains_the_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "studygroup/_migrations/env.py" in names
    assert "studygroup/_migrations/script.py.mako" in names
    assert any(
        n.startswith("studygroup/_migrations/versions/") and n.endswith(".py") for n in names
    )


def test_installed_wheel_creates_and_upgrades_a_database(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "STUDYGROUP_DB": str(tmp_path / "w.db")}

    def sg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "studygroup", *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=True,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import studygroup.store.migrate as m; print(m.script_location())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert Path(where.stdout.strip()) == site / "studygroup" / "_migrations"
    sg("init")
    sg("db", "upgrade")
    assert json.loads(sg("db", "current", "--json").stdout)["status"] == "current"
    # the site's templates and assets ship in the wheel, and a build from it works
    sg("demo", "--force")
    env["STUDYGROUP_DB"] = str(tmp_path / "studygroup-demo.db")
    sg("site", "build", "public")
    home = (tmp_path / "public" / "index.html").read_text()
    assert home.startswith("<!doctype html>") and "Full Stack Deep Learning" in home
    assert (tmp_path / "public" / "assets" / "localtime.js").is_file()
    names = zipfile.ZipFile(wheel).namelist()
    assert "studygroup/templates/site/index.html" in names
