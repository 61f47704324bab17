"""`export recap`: a held call's record for the group, in Markdown, Slack and Discord."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from tests.conftest import CLI


@pytest.fixture
def held(run: CLI) -> CLI:
    run("course", "add", "c", "Full Stack DL", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "9", "Transformers", "--kind", "guest", "--minutes", "30")
    run(
        "lecture",
        "add",
        "c",
        "10",
        "Deployment",
        "--minutes",
        "90",
        "--url",
        "https://example.org/10",
    )
    run("member", "add", "Ada Lovelace")
    run("member", "add", "<!channel> Bob")
    run("session", "plan", "--from", "2027-02-16", "--weeks", "3")
    run("talk", "add", "Ada", "Attention", "--session", "1", "--url", "https://example.org/t")
    run("attend", "1", "Ada", "--excused", "<!channel> Bob")
    run("talk", "done", "1")
    run("poll", "create", "Next course", "--course", "c")
    run("poll", "add-option", "1", "fast.ai")
    run("poll", "vote", "1", "Ada", "fast.ai")
    run("session", "notes", "1", "Good call.\nNext: the lab")
    run("session", "close", "1", "--not-covered", "10")
    return run


def test_the_recap_of_a_held_call(held: CLI) -> None:
    data = json.loads(held("export", "recap", "--format", "json", "--names").stdout)
    assert data["closed"] is True
    assert [x["label"] for x in data["covered"]] == ["9"]
    assert [x["label"] for x in data["moved_on"]] == ["10"] and data["moved_to"] == 2
    assert [(t["title"], t["presenter"]) for t in data["talks_given"]] == [
        ("Attention", "Ada Lovelace")
    ]
    assert data["attendance"] == {
        "present": 1,
        "absent": 0,
        "excused": 1,
        "names": ["Ada Lovelace"],
    }
    assert data["notes"] == "Good call.\nNext: the lab"
    markdown = held("export", "recap").stdout
    html = MarkdownIt("commonmark").render(markdown)
    assert "<h1>Recap: Full Stack DL — session 1</h1>" in html
    assert "<li>Guest: Transformers</li>" in html
    assert '<a href="https://example.org/10">Lecture 10: Deployment</a>' in html
    assert (
        "1 present, 0 absent, 1 excused" in html
        and "Ada Lovelace" not in html.split("Attendance")[1].split("Notes")[0]
    )


def test_recap_chat_posts_are_exact_and_mention_no_one(held: CLI) -> None:
    slack = json.loads(held("export", "recap", "1", "--format", "slack", "--names").stdout)
    assert slack[0]["text"] == "Recap: Full Stack DL — session 1"
    texts = [b["text"]["text"] for b in slack[0]["blocks"]]
    assert (
        texts[0] == "*Recap: Full Stack DL — session 1*\n"
        "<!date^1802800800^{date_short_pretty} {time}|Tue 16 Feb 2027 18:00 UTC>"
    )
    assert "*Attendance*\n1 present, 0 absent, 1 excused\nAda Lovelace" in texts
    assert "• <https://example.org/t|Attention> — Ada Lovelace" in "\n".join(texts)
    discord = json.loads(held("export", "recap", "1", "--format", "discord").stdout)
    assert all(p["allowed_mentions"] == {"parse": []} for p in discord)
    content = "\n".join(p["content"] for p in discord)
    assert "**Talks given**\n• [Attention](<https://example.org/t>) — Ada Lovelace" in content
    assert "<t:1802800800:F>" in content


def test_the_recap_of_an_unclosed_session_says_so(held: CLI) -> None:
    text = held("export", "recap", "2").stdout
    assert "Session 2 is planned, not closed yet: this is the plan, not what happened" in text
    assert "Lecture 10: Deployment" in text
