"""Every CSV import reads the files real organisers have: UTF-8 with or without a BOM,
UTF-16 with one, Excel's European `;`, tabs, and cp1252 with --encoding. Partial files set
only the columns they have."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI

MEMBERS = "name,email,handle\nZoë Ångström,zoe@example.org,zoe\nSanyam Bhutani,sanyam@example.in,\n"


def encoded(text: str, how: str) -> bytes:
    if how == "utf-8":
        return text.encode("utf-8")
    if how == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if how == "utf-16-le-bom":
        return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")
    if how == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_member_import_reads_every_encoding_and_delimiter(
    run: CLI, tmp_path: Path, how: str, delimiter: str
) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(encoded(MEMBERS.replace(",", delimiter), how))
    run("member", "import", str(path))
    listed = {m["name"]: m for m in run.json("member", "list")}
    assert set(listed) == {"Zoë Ångström", "Sanyam Bhutani"}
    assert listed["Sanyam Bhutani"]["email"] == "sanyam@example.in"
    assert listed["Zoë Ångström"]["handle"] == "zoe"


def test_cp1252_needs_encoding_and_then_reads(
    run: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes("name;email\nZoë Ångström;zoe@example.org\n".encode("cp1252"))
    before = snapshot()
    refused = run("member", "import", str(path), code=1)
    assert refused.stderr == (
        f"Error: {path} line 2: not valid UTF-8; save it as UTF-8, or pass --encoding "
        "(e.g. cp1252)\n"
    )
    assert snapshot() == before
    run("member", "import", str(path), "--encoding", "cp1252")
    assert [m["name"] for m in run.json("member", "list")] == ["Zoë Ångström"]


def test_unknown_encoding_is_a_usage_error(run: CLI, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("name\nAda\n")
    result = run("member", "import", str(path), "--encoding", "klingon", code=2)
    assert "unknown encoding 'klingon'; try utf-8, utf-16 or cp1252" in result.stderr


def test_semicolon_syllabus_imports(run: CLI, tmp_path: Path) -> None:
    run("course", "add", "fsdl", "FSDL", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    path = tmp_path / "s.csv"
    path.write_bytes(
        b"\xef\xbb\xbflabel;title;kind;minutes;optional;url\r\n"
        b"1;Intro; lecture;60;no;\r\n9;Guest talk;guest;45;yes;https://example.org/9\r\n"
    )
    run("course", "import", "fsdl", str(path))
    lectures = run.json("lecture", "list", "fsdl")
    assert [(x["label"], x["title"], x["kind"], x["minutes"], x["optional"]) for x in lectures] == [
        ("1", "Intro", "lecture", 60, False),
        ("9", "Guest talk", "guest", 45, True),
    ]


def test_a_partial_syllabus_sets_only_its_columns(run: CLI, tmp_path: Path) -> None:
    run("course", "add", "fsdl", "FSDL", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    full = tmp_path / "full.csv"
    full.write_text(
        "label,title,kind,minutes,optional,url\n"
        "9,Guest talk,guest,45,yes,https://example.org/9\n"
        "10,Deployment,lecture,90,no,https://example.org/10\n"
    )
    run("course", "import", "fsdl", str(full))
    retitled = tmp_path / "titles.csv"
    retitled.write_text("label,title\n9,Guest: Transformers\n")
    run("course", "import", "fsdl", str(retitled))
    cleared = tmp_path / "clear.csv"
    cleared.write_text("label,url\n10,\n")
    run("course", "import", "fsdl", str(cleared))
    lectures = {x["label"]: x for x in run.json("lecture", "list", "fsdl")}
    assert {k: lectures["9"][k] for k in ("title", "kind", "minutes", "optional", "url")} == {
        "title": "Guest: Transformers",
        "kind": "guest",
        "minutes": 45,
        "optional": True,
        "url": "https://example.org/9",
    }
    assert lectures["10"]["url"] is None and lectures["10"]["minutes"] == 90


def test_a_new_lecture_needs_a_title(run: CLI, tmp_path: Path, snapshot: Callable[[], Any]) -> None:
    run("course", "add", "fsdl", "FSDL", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    path = tmp_path / "m.csv"
    path.write_text("label,minutes\n11,60\n")
    before = snapshot()
    result = run("course", "import", "fsdl", str(path), code=1)
    assert result.stderr == (
        f"Error: {path} line 2: lecture '11' is new: it needs a title (add a title column)\n"
    )
    assert snapshot() == before


def test_a_partial_member_file_leaves_other_columns(run: CLI, tmp_path: Path) -> None:
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--handle", "ada")
    run("member", "edit", "Ada", "--tz", "Europe/London")
    path = tmp_path / "m.csv"
    path.write_text("name;handle\nAda Lovelace;\n")  # handle present but empty: cleared
    run("member", "import", str(path))
    ada = run.json("member", "show", "Ada")
    assert (ada["email"], ada["handle"], ada["timezone"]) == (
        "ada@example.org",
        None,
        "Europe/London",
    )
