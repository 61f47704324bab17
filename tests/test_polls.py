"""Choosing the next course: instant-runoff, ties, vote replacement, closing into a course."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.conftest import CLI


@pytest.fixture
def poll(run: CLI, tmp_path: Path) -> CLI:
    run(
        "course",
        "add",
        "fsdl",
        "FSDL",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
    )
    run("session", "plan", "--from", "2026-12-01")
    for name in ("Ada", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy"):
        run("member", "add", name)
    syllabus = tmp_path / "fastai.csv"
    syllabus.write_text(
        "label,title,kind,minutes,optional,url\n1,Stable diffusion,lecture,"
        "120,no,https://course.fast.ai/1\n2,Deep dive,lecture,,yes,\n"
    )
    run("poll", "create", "What next?", "--closes", "2099-12-31")
    run("poll", "add-option", "1", "Secure and private AI")
    run("poll", "add-option", "1", "Advanced NLP with spaCy", "--url", "https://course.spacy.io")
    run(
        "poll",
        "add-option",
        "1",
        "fast.ai part 2",
        "--lectures",
        str(syllabus),
        "--url",
        "https://course.fast.ai",
    )
    return run


def test_poll_round_trip(poll: CLI) -> None:
    ballots = {
        "Ada": ["1", "3"],
        "Bob": ["1", "3"],
        "Cy": ["1"],
        "Dee": ["1", "2"],
        "Eve": ["2", "3"],
        "Fay": ["2", "3"],
        "Gus": ["2", "3"],
        "Hal": ["3", "2"],
        "Ivy": ["3", "2"],
    }
    for name, ranking in ballots.items():
        poll("poll", "vote", "1", name, *ranking)
    result: dict[str, Any] = poll.json("poll", "result", "1", "--min-members", "3")
    assert result["first_preferences"] == {
        "Secure and private AI": 4,
        "Advanced NLP with spaCy": 3,
        "fast.ai part 2": 2,
    }
    assert result["rounds"][0]["eliminated"] == "fast.ai part 2"
    assert result["winner"] == "Advanced NLP with spaCy"  # the first-preference leader loses
    assert [g["option"] for g in result["parallel_groups"]] == [
        "Secure and private AI",
        "Advanced NLP with spaCy",
    ]
    text = poll("poll", "result", "1").stdout
    assert "winner (instant runoff): Advanced NLP with spaCy" in text
    shown = poll.json("poll", "show", "1")
    assert shown["ballots"] == 9 and [o["lectures"] for o in shown["options"]] == [0, 0, 2]


def test_a_second_vote_replaces_the_first(poll: CLI) -> None:
    poll("poll", "vote", "1", "Ada", "1")
    poll("poll", "vote", "1", "Ada", "fast.ai", "advanced")  # titles: exact or unique prefix
    result = poll.json("poll", "result", "1")
    assert result["ballots"] == 1
    assert result["first_preferences"]["fast.ai part 2"] == 1
    assert result["first_preferences"]["Secure and private AI"] == 0


def test_vote_errors_write_nothing(poll: CLI, snapshot: Any) -> None:
    poll("member", "archive", "Ivy")
    poll("poll", "add-option", "1", "Advanced Rust")
    before = snapshot()
    assert poll("poll", "vote", "1", "Ivy", "1", code=1).stderr == (
        "Error: Ivy is archived and cannot vote\n"
    )
    assert poll("poll", "vote", "1", "Ada", "1", "1", code=1).stderr == (
        "Error: option 'Secure and private AI' is ranked twice\n"
    )
    assert poll("poll", "vote", "1", "Ada", "9", code=1).stderr == (
        "Error: poll 1 has no option 9\n"
    )
    assert poll("poll", "vote", "1", "Ada", "adv", code=1).stderr == (
        "Error: 'adv' is ambiguous: it could be Advanced NLP with spaCy, Advanced Rust\n"
    )
    assert poll("poll", "vote", "7", "Ada", "1", code=1).stderr == (
        "Error: no poll 7; see 'studygroup poll list'\n"
    )
    assert snapshot() == before


def test_a_closed_poll_refuses_votes_and_becomes_a_course(poll: CLI) -> None:
    for name in ("Ada", "Bob"):
        poll("poll", "vote", "1", name, "3", "1")
    poll("poll", "vote", "1", "Cy", "1")
    assert "## Vote for the next course" in poll("export", "agenda").stdout
    poll(
        "poll",
        "close",
        "1",
        "--create-course",
        "fastai2",
        "--weekday",
        "thu",
        "--time",
        "19:00",
        "--tz",
        "America/New_York",
    )
    assert poll("poll", "vote", "1", "Dee", "1", code=1).stderr == "Error: poll 1 is closed\n"
    course = poll.json("course", "show", "fastai2")
    assert (course["title"], course["url"], course["weekday"], course["time"]) == (
        "fast.ai part 2",
        "https://course.fast.ai",
        "Thursday",
        "19:00",
    )
    assert [(x["label"], x["minutes"], x["optional"]) for x in course["lectures"]] == [
        ("1", 120, False),
        ("2", None, True),
    ]
    assert [o["won"] for o in poll.json("poll", "show", "1")["options"]] == [False, False, True]
    assert "Vote for the next course" not in poll("export", "agenda", "--course", "fsdl").stdout
    # the chosen course is upcoming: commands without --course still mean the running one
    assert course["status"] == "upcoming"
    assert poll.json("session", "list")[0]["course"] == "fsdl"
    poll("course", "start", "fastai2")
    assert poll.json("course", "show", "fastai2")["status"] == "active"
    assert poll("session", "list", code=1).stderr.startswith("Error: several courses are active")
    assert poll("course", "start", "fastai2", code=1).stderr == (
        "Error: course fastai2 is active, not upcoming\n"
    )
    assert poll("poll", "close", "1", code=1).stderr == "Error: poll 1 is closed\n"


def test_voting_after_the_closing_date_is_refused(run: CLI) -> None:
    run("member", "add", "Ada")
    run("poll", "create", "Old", "--closes", "2020-01-01")
    run("poll", "add-option", "1", "X")
    assert run("poll", "vote", "1", "Ada", "1", code=1).stderr == (
        "Error: voting in poll 1 closed on 2020-01-01\n"
    )


def test_closing_without_votes_is_refused(poll: CLI) -> None:
    assert poll("poll", "close", "1", code=1).stderr == (
        "Error: poll 1 has no votes yet; nothing decides a winner\n"
    )
    assert poll("poll", "close", "1", "--weekday", "mon", code=2).stderr.endswith(
        "Error: --weekday, --time and --tz go with --create-course\n"
    )


def test_poll_list_reads_in_a_fixed_number_of_statements(poll: CLI) -> None:
    """Options, syllabus sizes and ballot counts come in one statement each, however many
    polls there are (no query per poll or per option)."""
    counted: list[str] = []

    def count(*args: object) -> None:
        counted.append(str(args[2]))

    def statements() -> int:
        counted.clear()
        event.listen(Engine, "before_cursor_execute", count)
        try:
            listed = poll.json("poll", "list")
        finally:
            event.remove(Engine, "before_cursor_execute", count)
        assert [p["ballots"] for p in listed] == [1] * len(listed)
        return len(counted)

    poll("poll", "vote", "1", "Ada", "2")
    one = statements()
    for n in (2, 3, 4):
        poll("poll", "create", f"Poll {n}")
        poll("poll", "add-option", str(n), "A")
        poll("poll", "add-option", str(n), "B")
        poll("poll", "vote", str(n), "Bob", "B", "A")
    assert statements() == one
    listed = poll.json("poll", "list")
    assert [len(p["options"]) for p in listed] == [3, 2, 2, 2]
    assert listed[0]["options"][2]["lectures"] == 2
