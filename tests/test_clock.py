"""Commands that know what time it is: the clock is fixed for each command with
$STUDYGROUP_TEST_NOW, and a month of a group's weeks is replayed against it."""

from __future__ import annotations

import pytest

from tests.conftest import CLI

# Tuesdays at 18:00 in London: 3, 10, 17 and 24 November 2026 (GMT, so 18:00 UTC)
BEFORE_CALL = "2026-11-10T09:00:00+00:00"  # the morning of session 2
DURING_CALL = "2026-11-10T18:30:00+00:00"
AFTER_CALL = "2026-11-10T21:00:00+00:00"


def at(moment: str) -> dict[str, str]:
    return {"STUDYGROUP_TEST_NOW": moment}


@pytest.fixture
def month(run: CLI) -> CLI:
    run(
        "course", "add", "fsdl", "FSDL", "--weekday", "tue", "--time", "18:00",
        "--tz", "Europe/London",
    )  # fmt: skip
    run("lecture", "add", "fsdl", "1", "One", "--minutes", "60")
    run("member", "add", "Ada")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "4")
    run("session", "close", "1", env=at("2026-11-03T20:00:00+00:00"))
    return run


def test_a_close_before_the_call_is_refused(month: CLI) -> None:
    result = month("session", "close", code=1, env=at(BEFORE_CALL))
    assert result.stderr == (
        "Error: session 2 starts Tue 10 Nov 18:00 Europe/London; "
        "it cannot be closed before it starts\n"
    )
    assert [s["status"] for s in month.json("session", "list", "--all")][:2] == [
        "held",
        "planned",
    ]


def test_a_session_in_progress_or_ended_closes(month: CLI) -> None:
    month("session", "close", env=at(DURING_CALL))
    assert month.json("session", "list", "--all")[1]["status"] == "held"


def test_early_closes_a_session_that_met_before_its_time(month: CLI) -> None:
    month("session", "close", "--early", env=at(BEFORE_CALL))
    assert month.json("session", "list", "--all")[1]["status"] == "held"
