"""Where the database is, and who may read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from studygroup.store.location import ENV_VAR, default_path, mask, resolve
from tests.conftest import CLIFactory


def test_db_option_beats_environment(tmp_path: Path) -> None:
    chosen = resolve(str(tmp_path / "a.db"), {ENV_VAR: str(tmp_path / "b.db")})
    assert chosen.path == tmp_path / "a.db"


def test_environment_beats_default(tmp_path: Path) -> None:
    assert resolve(None, {ENV_VAR: str(tmp_path / "b.db")}).path == tmp_path / "b.db"


def test_default_is_in_the_user_data_directory() -> None:
    chosen = resolve(None, {})
    assert chosen.path == default_path()
    assert chosen.path is not None and chosen.path.name == "studygroup.db"
    assert "studygroup" in chosen.path.parent.parts[-1]


def test_postgresql_urls_use_psycopg3() -> None:
    for raw in ("postgresql://u:p@h/db", "postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"):
        chosen = resolve(raw, {})
        assert chosen.url == "postgresql+psycopg://u:p@h/db"
        assert not chosen.is_sqlite


def test_sqlite_url_is_a_file(tmp_path: Path) -> None:
    assert resolve(f"sqlite:///{tmp_path}/x.db", {}).path == tmp_path / "x.db"


def test_unsupported_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database URL 'mysql://u:\\*\\*\\*@h/db'"):
        resolve("mysql://u:secret@h/db", {})


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://ann:s3cr%40t@db.example.org:5432/sg",
            "postgresql+psycopg://ann:***@db.example.org:5432/sg",
        ),
        ("postgresql+psycopg://ann@db/sg", "postgresql+psycopg://ann@db/sg"),
        ("postgresql+psycopg://ann:p:w@d@h/sg", "postgresql+psycopg://ann:***@h/sg"),
    ],
)
def test_mask_hides_passwords(url: str, shown: str) -> None:
    assert mask(url) == shown


def test_db_path_masks_the_password(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from studygroup.cli import cli

    result = CliRunner().invoke(
        cli, ["--db", "postgresql://ann:hunter2@db.example.org/sg", "db", "path"]
    )
    assert result.exit_code == 0
    assert result.stdout.strip() == "postgresql+psycopg://ann:***@db.example.org/sg"
    assert "hunter2" not in result.output


def test_new_database_and_directories_are_private(
    tmp_path: Path, cli_for: CLIFactory, sqlite_only: None
) -> None:
    os.chmod(tmp_path, 0o755)
    target = tmp_path / "deep" / "er" / "studygroup.db"
    cli_for(str(target))("init")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    for directory in (tmp_path / "deep", tmp_path / "deep" / "er"):
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    # a directory that already existed keeps its mode
    assert stat.S_IMODE(os.stat(tmp_path).st_mode) == 0o755
