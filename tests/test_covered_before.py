"""A group that joins a course midway: lectures covered before studygroup count as done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import CLI


@pytest.fixture
def course(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    for n in range(1, 11):
        run("lecture", "add", "c", str(n), f"Lecture {n}", "--minutes", "100")
    run("session", "plan", "--from", "2027-03-02", "--weeks", "2")
    return run


def progress(run: CLI) -> dict[str, Any]:
    return dict(run.json("course", "show", "c")["progress"])


def test_start_at_moves_the_forecast_and_the_plan(course: CLI) -> None:
    before = progress(course)
    assert before["lectures"]["required"]["covered"] == 0
    course("course", "start-at", "c", "7")
    after = progress(course)
    assert after["lectures"]["required"] == {"covered": 6, "remaining": 4}
    assert after["sessions_needed"] < before["sessions_needed"]
    assert after["forecast_end"] < before["forecast_end"]
    first = course.json("agenda", "1")["entries"]
    assert [e["lecture"] for e in first if e["kind"] == "lecture"][0] == "7"
    assert [x["covered_before"] for x in course.json("lecture", "list", "c")][5:7] == [True, False]
    course("course", "start-at", "c", "7", "--undo")
    assert progress(course) == before


def test_single_lectures_and_bad_input(course: CLI, snapshot: Callable[[], Any]) -> None:
    course("lecture", "covered", "c", "1", "3")
    assert progress(course)["lectures"]["required"]["covered"] == 2
    assert course.json("agenda", "1")["entries"][1]["lecture"] == "2"
    course("lecture", "covered", "c", "3", "--undo")
    assert progress(course)["lectures"]["required"]["covered"] == 1
    before = snapshot()
    assert course("lecture", "covered", "c", "99", code=1).stderr == (
        "Error: course 'c' has no lecture '99'\n"
    )
    assert course("course", "start-at", "c", "1", code=1).stderr == (
        "Error: '1' is the first lecture of c: nothing comes before it\n"
    )
    assert snapshot() == before


def test_the_forecast_counts_a_pinned_optional_lecture(course: CLI) -> None:
    course("lecture", "add", "c", "g", "Guest", "--kind", "guest", "--optional", "--minutes", "120")
    before = progress(course)
    course("agenda", "add-lecture", "g", "--session", "2")
    after = progress(course)
    assert after["sessions_needed"] == before["sessions_needed"] + 1
