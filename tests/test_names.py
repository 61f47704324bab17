"""Names that match the first time: NFC keys, aliases, the matching rule in every command,
suggestions, and the migration that normalises existing names without merging anyone."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from studygroup.store import migrate
from studygroup.store.location import resolve
from tests.conftest import CLI

NFD = unicodedata.normalize("NFD", "Zoë Ångström")


def test_a_decomposed_name_is_the_same_member(run: CLI, snapshot: Callable[[], Any]) -> None:
    run("member", "add", "Zoë Ångström", "--email", "zoe@example.org")
    assert run.json("member", "show", NFD)["email"] == "zoe@example.org"
    before = snapshot()
    refused = run("member", "add", NFD, code=1)
    assert refused.stderr == "Error: a member named 'Zoë Ångström' already exists\n"
    assert snapshot() == before


def test_every_command_uses_the_one_rule(run: CLI) -> None:
    run("course", "add", "c", "Course", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    run("member", "add", "Siobhán O'Neill", "--handle", "siobhan_o")
    run("member", "add", "Daniel Okafor")
    run("member", "add", "Zoë Ångström")
    assert run.json("member", "show", "siobhan")["name"] == "Siobhán O'Neill"
    assert run.json("member", "show", "siobhan_o")["name"] == "Siobhán O'Neill"
    assert run.json("member", "show", "Zoe")["name"] == "Zoë Ångström"
    assert run.json("member", "show", "Okafor, Daniel")["name"] == "Daniel Okafor"
    run("item", "add", "Read the paper", "--owner", "zoe angstrom")
    assert run.json("item", "list")[0]["owner"] == "Zoë Ångström"


def test_a_typo_gets_a_suggestion(run: CLI) -> None:
    run("member", "add", "Ada Lovelace")
    run("member", "add", "Priya Raman")
    result = run("member", "show", "Priya Ramen", code=1)
    assert result.stderr == "Error: no member 'Priya Ramen'; did you mean Priya Raman?\n"


def test_aliases_are_added_listed_matched_and_removed(
    run: CLI, snapshot: Callable[[], Any]
) -> None:
    run("member", "add", "Arjun Sharma")
    run("member", "add", "Rohan Iyer")
    run("member", "alias", "add", "Arjun", "अर्जुन शर्मा")
    run("member", "alias", "add", "Rohan", "Rohan's iPhone")
    again = run("member", "alias", "add", "Rohan", "rohan's iphone")
    assert again.stderr == '"rohan\'s iphone" is already an alias of Rohan Iyer\n'
    assert run.json("member", "show", "अर्जुन शर्मा")["name"] == "Arjun Sharma"
    assert run.json("member", "show", "Arjun")["aliases"] == ["अर्जुन शर्मा"]
    listed = run.json("member", "alias", "list")
    assert [(a["member"], a["alias"]) for a in listed] == [
        ("Arjun Sharma", "अर्जुन शर्मा"),
        ("Rohan Iyer", "Rohan's iPhone"),
    ]
    before = snapshot()
    taken = run("member", "alias", "add", "Arjun", "Rohan's iPhone", code=1)
    assert taken.stderr == 'Error: "Rohan\'s iPhone" is already an alias of Rohan Iyer\n'
    named = run("member", "alias", "add", "Arjun", "rohan iyer", code=1)
    assert named.stderr == "Error: 'rohan iyer' is the name of the member Rohan Iyer\n"
    clash = run("member", "add", "Rohan's iPhone", code=1)
    assert clash.stderr == (
        'Error: "Rohan\'s iPhone" is an alias of Rohan Iyer; remove it first with '
        "'studygroup member alias remove'\n"
    )
    assert snapshot() == before
    run("member", "alias", "remove", "ROHAN'S IPHONE")
    assert [a["alias"] for a in run.json("member", "alias", "list", "Rohan")] == []
    sheet = list(csv.reader(io.StringIO(run("member", "alias", "list", "--format", "csv").stdout)))
    assert sheet == [
        ["alias", "member", "added"],
        ["अर्जुन शर्मा", "Arjun Sharma", "2027-03-01T12:00:00+00:00"],
    ]


def test_the_upgrade_normalises_names_and_merges_no_one(run: CLI, db: str, capfd: Any) -> None:
    run("member", "add", "Zoë Ångström", "--email", "zoe@example.org")
    run("member", "add", "Bob")
    engine = sa.create_engine(resolve(db).url)
    try:
        with engine.begin() as conn:
            migrate.downgrade_connection(conn, "20261123_03")
            # as an older version could store them: one decomposed, one a second Zoë
            conn.execute(
                sa.text("UPDATE members SET name = :n, name_key = :k WHERE name = 'Bob'"),
                {"n": NFD, "k": NFD.casefold()},
            )
        capfd.readouterr()
        upgraded = run("db", "upgrade")
        with engine.connect() as conn:
            found = conn.execute(sa.text("SELECT id, name, name_key FROM members ORDER BY id"))
            stored = [tuple(r) for r in found]
    finally:
        engine.dispose()
    assert [name for _, name, _ in stored] == ["Zoë Ångström", "Zoë Ångström"]
    assert stored[0][2] == "zoë ångström" and stored[1][2] == NFD.casefold()
    assert (
        f"warning: members 1 (Zoë Ångström) and 2 ({NFD}) now have the same name"
        in upgraded.stderr + capfd.readouterr().err
    )


def test_deleting_a_member_takes_their_aliases(run: CLI) -> None:
    run("member", "add", "Rohan Iyer")
    run("member", "alias", "add", "Rohan", "Rohan's iPhone")
    run("member", "delete", "Rohan", "--force", input="y\n")
    assert run.json("member", "alias", "list") == []
    run("member", "add", "Rohan's iPhone")  # the alias is free again
