"""The README documents commands that exist, and its set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from studygroup.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _resolve(words: list[str]) -> click.Command | None:
    command: click.Command = cli
    for word in words:
        if not isinstance(command, click.Group):
            break
        sub = command.get_command(click.Context(command), word)
        if sub is None:
            break
        command = sub
    return command


def _documented() -> list[list[str]]:
    text = README.read_text()
    found = []
    for cell in re.findall(r"^\| `(?:studygroup )?([a-z][a-z-]*(?: [a-z][a-z-]*)?)", text, re.M):
        found.append(cell.split())
    for line in re.findall(r"^studygroup ([a-z].*)$", text, re.M):
        found.append([w for w in line.split()[:2] if re.fullmatch(r"[a-z][a-z-]*", w)])
    return found


@pytest.mark.skipif(not README.exists(), reason="not a source checkout")
@pytest.mark.parametrize("words", _documented() if README.exists() else [], ids=" ".join)
def test_documented_commands_exist(words: list[str]) -> None:
    command = _resolve(words)
    assert command is not None and command is not cli, words
    assert command.name == words[-1] or isinstance(command, click.Group), words


@pytest.mark.skipif(not README.exists(), reason="not a source checkout")
def test_setup_commands_match_ci() -> None:
    text = README.read_text()
    assert ".venv/bin/pip install . && .venv/bin/studygroup demo --force" in text
    assert ".venv/bin/pip install '.[test]' && .venv/bin/pytest" in text
    ci = (ROOT / ".ci" / "run").read_text()
    assert ".venv/bin/pip install --quiet '.[test]'" in ci and "\n.venv/bin/pytest\n" in ci
    assert 'studygroup" demo --force' in ci
