"""Members through the CLI: references, uniqueness, imports, archiving."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI


def test_member_round_trip(run: CLI) -> None:
    run(
        "member",
        "add",
        "Ada Lovelace",
        "--email",
        "Ada@Example.org",
        "--handle",
        "@ada",
        "--tz",
        "Europe/London",
    )
    assert run.json("member", "list") == [
        {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "handle": "ada",
            "timezone": "Europe/London",
            "active": True,
        }
    ]
    run("member", "edit", "ada", "--tz", "Asia/Kolkata", "--name", "Ada King")
    shown = run.json("member", "show", "@ada")
    assert shown["name"] == "Ada King" and shown["timezone"] == "Asia/Kolkata"
    run("member", "edit", "ada king", "--email", "", "--handle", "")
    shown = run.json("member", "show", "Ada King")
    assert shown["email"] is None and shown["handle"] is None


def test_member_references(run: CLI) -> None:
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--handle", "ada")
    run("member", "add", "Alan Turing", "--handle", "alan")
    run("member", "add", "Grace Hopper")
    for ref in ("ADA LOVELACE", "ada@example.org", "@ada", "ada", "Ad", "gr"):
        assert run.json("member", "show", ref)["name"] in ("Ada Lovelace", "Grace Hopper")
    assert run.json("member", "show", "al")["name"] == "Alan Turing"
    result = run("member", "show", "a", code=1)
    assert result.stderr == "Error: 'a' is ambiguous: it could be Ada Lovelace, Alan Turing\n"
    assert run("member", "show", "zed", code=1).stderr == (
        "Error: no member 'zed'; see 'studygroup member list'\n"
    )
    assert run("member", "show", "@nobody", code=1).stderr == (
        "Error: no member with handle '@nobody'\n"
    )


def test_prefix_with_like_wildcards_is_literal(run: CLI) -> None:
    run("member", "add", "Ann_B")
    run("member", "add", "Annie")
    assert run.json("member", "show", "ann_")["name"] == "Ann_B"
    assert run("member", "show", "an%", code=1).stderr.startswith("Error: no member 'an%'")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["member", "add", "ada lovelace"], "Error: a member named 'ada lovelace' already exists"),
        (
            ["member", "add", "Eve", "--email", "ADA@example.org"],
            "Error: the email 'ada@example.org' already belongs to Ada Lovelace",
        ),
        (
            ["member", "add", "Eve", "--handle", "ada"],
            "Error: the handle @ada already belongs to Ada Lovelace",
        ),
        (
            ["member", "add", "Eve\nMallory"],
            "Error: member name must not contain control characters or line breaks",
        ),
        (
            ["member", "add", "Eve\rX"],
            "Error: member name must not contain control characters or line breaks",
        ),
        (
            ["member", "add", "Eve\x00"],
            "Error: member name must not contain control characters or line breaks",
        ),
        (
            ["member", "add", "Eve\u2028X"],
            "Error: member name must not contain control characters or line breaks",
        ),
        (["member", "add", "   "], "Error: member name must not be empty"),
        (["member", "add", "@eve"], "Error: member name '@eve' must not start with '@'"),
        (
            ["member", "add", "Eve", "--email", "not-an-email"],
            "Error: invalid email address 'not-an-email'",
        ),
        (
            ["member", "add", "Eve", "--email", "eve@example.org\r\nBcc: x@y.z"],
            "Error: invalid email address",
        ),
        (["member", "add", "Eve", "--handle", "e ve"], "Error: invalid chat handle 'e ve'"),
        (
            ["member", "edit", "Ada", "--name", "Alan"],
            "Error: a member named 'Alan' already exists",
        ),
    ],
)
def test_bad_member_input_writes_nothing(
    run: CLI, snapshot: Callable[[], Any], args: list[str], message: str
) -> None:
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--handle", "ada")
    run("member", "add", "Alan")
    before = snapshot()
    result = run(*args, code=1)
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert snapshot() == before


def test_bad_timezone_is_a_usage_error(run: CLI) -> None:
    result = run("member", "add", "Eve", "--tz", "Europe/Londn", code=2)
    assert "Invalid value for '--tz': unknown timezone 'Europe/Londn'" in result.stderr


def test_archive_keeps_the_member_and_hides_them(run: CLI) -> None:
    run("member", "add", "Ada")
    run("member", "add", "Alan")
    run("member", "archive", "Alan")
    assert [m["name"] for m in run.json("member", "list")] == ["Ada"]
    everyone = run.json("member", "list", "--all")
    assert [(m["name"], m["active"]) for m in everyone] == [("Ada", True), ("Alan", False)]
    assert run.json("member", "show", "alan")["archived_at"] is not None
    assert run("member", "archive", "Alan", code=1).stderr == "Error: Alan is already archived\n"
    run("member", "restore", "Alan")
    assert len(run.json("member", "list")) == 2


MEMBERS = """name,email,handle,timezone
Ada Lovelace,ada@example.org,ada,Europe/London
Grace Hopper,grace@example.org,grace,America/New_York
Priya,,,Asia/Kolkata
"""


def test_member_import_updates_and_never_duplicates(run: CLI, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(MEMBERS)
    assert "imported 3 new and 0 updated" in run("member", "import", str(path)).stderr
    path.write_text(
        MEMBERS.replace("Europe/London", "Asia/Tokyo").replace(
            "Grace Hopper,grace@", "GRACE HOPPER,grace@"
        )
        + "Linus,,,\n"
    )
    assert "imported 1 new and 3 updated" in run("member", "import", str(path)).stderr
    members = {m["name"]: m for m in run.json("member", "list")}
    assert sorted(members) == ["Ada Lovelace", "GRACE HOPPER", "Linus", "Priya"]
    assert members["Ada Lovelace"]["timezone"] == "Asia/Tokyo"


def test_member_import_matches_by_email_for_a_renamed_member(run: CLI, tmp_path: Path) -> None:
    run("member", "add", "Ada", "--email", "ada@example.org")
    path = tmp_path / "m.csv"
    path.write_text("name,email\nAda Lovelace,ada@example.org\n")
    run("member", "import", str(path))
    assert [m["name"] for m in run.json("member", "list")] == ["Ada Lovelace"]


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("Eve,eve@example,,\n", "invalid email address 'eve@example'"),
        ("Eve,,,Nowhere/City\n", "unknown timezone 'Nowhere/City'"),
        ("ada lovelace,,,\n", "'ada lovelace' appears twice (also line 2)"),
        ("Alan,linus@example.org,,\n", "the email 'linus@example.org' already belongs to Linus"),
        ('"Eve\nMallory",,,\n', "must not contain control characters"),
    ],
)
def test_member_import_is_all_or_nothing(
    run: CLI, tmp_path: Path, snapshot: Callable[[], Any], extra: str, reason: str
) -> None:
    run("member", "add", "Grace Hopper", "--email", "grace@example.org")
    run("member", "add", "Linus", "--email", "linus@example.org")
    run("member", "add", "Alan")
    before = snapshot()
    path = tmp_path / "m.csv"
    path.write_text(MEMBERS.replace("Grace Hopper,grace@example.org", "Grace Hopper,") + extra)
    result = run("member", "import", str(path), code=1)
    assert result.stderr.startswith(f"Error: {path} line 5: ")
    assert reason in result.stderr
    assert snapshot() == before
