"""Lectures are named by their kind everywhere: "Lab 6: ...", "Guest: ...", never "Lecture
lab6: Lab 6: ..."."""

from __future__ import annotations

import json

import pytest

from studygroup.render.labels import lecture_name
from tests.conftest import CLI


@pytest.mark.parametrize(
    ("label", "title", "kind", "name"),
    [
        ("10", "Deployment", "lecture", "Lecture 10: Deployment"),
        ("lab6", "Lab 6: Web deployment", "lab", "Lab 6: Web deployment"),
        ("6", "Web deployment", "lab", "Lab 6: Web deployment"),
        ("9", "Transformers at scale", "guest", "Guest: Transformers at scale"),
        ("g1", "Guest: Building ML teams", "guest", "Guest: Building ML teams"),
        ("1", "Intro", None, "Lecture 1: Intro"),
    ],
)
def test_lecture_name(label: str, title: str, kind: str | None, name: str) -> None:
    assert lecture_name(label, title, kind) == name


def test_labs_and_guests_are_named_by_kind_on_every_output(run: CLI) -> None:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "lab6", "Lab 6: Web deployment", "--kind", "lab", "--minutes", "30")
    run("lecture", "add", "c", "9", "Transformers", "--kind", "guest", "--minutes", "30")
    run("session", "plan", "--from", "2027-03-02", "--weeks", "1")
    text = run("agenda").stdout
    assert "Lab 6: Web deployment" in text and "Guest: Transformers" in text
    assert "Lecture lab6" not in text
    markdown = run("export", "agenda").stdout
    # the Markdown escaper escapes the colon inside the title
    assert "| Lab 6\\: Web deployment |" in markdown and "| Guest: Transformers |" in markdown
    slack = json.loads(run("export", "agenda", "--format", "slack").stdout)
    assert "Lab 6: Web deployment" in json.dumps(slack, ensure_ascii=False)
    assert "Lecture lab6" not in json.dumps(slack)
