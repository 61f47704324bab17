"""Groups: one database for many study groups, on SQLite and PostgreSQL alike.

A single-group database (every database before groups) needs no flag; with several, each
command works on the group --group or $STUDYGROUP_GROUP names, and sees nothing of another.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from studygroup.store.location import resolve
from tests.conftest import CLI, downgrade, dump, raw_dump

NOW = {"STUDYGROUP_TEST_NOW": "2026-11-02T09:00:00+00:00"}
BEFORE_GROUPS = "20261204_04"


def course(run: CLI, slug: str, *group: str) -> None:
    run(*group, "course", "add", slug, f"Course {slug}", "--weekday", "tue", "--time", "18:00",
        "--tz", "Europe/London", env=NOW)  # fmt: skip


def two_groups(run: CLI) -> None:
    course(run, "fsdl")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
    run("member", "add", "Bob Stone")
    run("group", "add", "r4ds", "R4DS book club")
    course(run, "fsdl", "--group", "r4ds")  # the same slug, another group's course
    run("--group", "r4ds", "member", "add", "Cleo Park", "--email", "cleo@example.org")


def test_a_single_group_database_needs_no_flag(run: CLI) -> None:
    course(run, "fsdl")
    run("member", "add", "Ada Lovelace")
    assert run.json("group", "list") == [
        {"slug": "main", "name": "Study group", "courses": 1, "members": 1, "status": "active"}
    ]
    assert run.json("group", "show")["courses"] == ["fsdl"]
    assert [c["slug"] for c in run.json("course", "list")] == ["fsdl"]


def test_each_command_sees_only_its_group(run: CLI) -> None:
    two_groups(run)
    refused = run("course", "list", code=1)
    assert refused.stderr == (
        "Error: several groups (main, r4ds): choose one with --group SLUG or STUDYGROUP_GROUP\n"
    )
    assert [m["name"] for m in run.json("--group", "main", "member", "list")] == [
        "Ada Lovelace",
        "Bob Stone",
    ]
    # --group after the command's name, and the variable, choose it too
    assert [m["name"] for m in run.json("member", "list", "--group", "r4ds")] == ["Cleo Park"]
    env = {"STUDYGROUP_GROUP": "r4ds"}
    assert [m["name"] for m in run.json("member", "list", env=env)] == ["Cleo Park"]
    assert run("--group", "main", "member", "show", "Cleo", code=1).stderr.startswith(
        "Error: no member 'Cleo'"
    )
    # the same course slug in two groups: each group its own
    run("--group", "r4ds", "course", "edit", "fsdl", "--title", "R4DS cohort 1")
    assert run.json("--group", "r4ds", "course", "show", "fsdl")["title"] == "R4DS cohort 1"
    assert run.json("--group", "main", "course", "show", "fsdl")["title"] == "Course fsdl"


def test_a_course_slug_in_one_group_chooses_that_group(run: CLI) -> None:
    two_groups(run)
    course(run, "r4c2", "--group", "r4ds")
    assert run.json("course", "show", "r4c2")["title"] == "Course r4c2"
    run("session", "plan", "--course", "r4c2", "--from", "2026-11-03", "--weeks", "1", env=NOW)
    assert run("agenda", "--course", "r4c2", env=NOW).stdout.startswith("r4c2 — session 1")
    # a slug two groups have still needs the group
    assert "several groups" in run("course", "show", "fsdl", code=1).stderr


def test_a_person_may_belong_to_several_groups(run: CLI) -> None:
    two_groups(run)
    # the same email: the same person joins, as they are
    run("--group", "r4ds", "member", "add", "Ada L.", "--email", "ada@example.org")
    assert [m["name"] for m in run.json("--group", "r4ds", "member", "list")] == [
        "Ada Lovelace",
        "Cleo Park",
    ]
    assert run.json("--group", "main", "group", "show")["members"] == 2
    # reminders and stats of a group address its own members only
    for slug, group in (("fsdl", "main"), ("fsdl", "r4ds")):
        run("--group", group, "session", "plan", "--course", slug, "--from", "2026-11-03",
            "--weeks", "1", env=NOW)  # fmt: skip
    dry = run("--group", "main", "remind", "--course", "fsdl", env=NOW).stdout
    assert "Ada Lovelace" in dry and "Cleo" not in dry
    dry = run("--group", "r4ds", "remind", "--course", "fsdl", env=NOW).stdout
    assert "Cleo Park" in dry and "Bob" not in dry


def test_a_member_import_joins_its_group(run: CLI, tmp_path: Path) -> None:
    two_groups(run)
    sheet = tmp_path / "members.csv"
    sheet.write_text(
        "name,email\nBob Stone,\nDee Fox,dee@example.org\nAda Lovelace,ADA@Example.org\n",
        encoding="utf-8",
    )
    run("--group", "r4ds", "member", "import", str(sheet))
    assert [m["name"] for m in run.json("--group", "r4ds", "member", "list")] == [
        "Ada Lovelace",  # by her email: the same person, not a copy
        "Bob Stone",
        "Cleo Park",
        "Dee Fox",
    ]
    assert [m["name"] for m in run.json("--group", "main", "member", "list")] == [
        "Ada Lovelace",
        "Bob Stone",
    ]
    assert run.json("--group", "main", "group", "show")["members"] == 2
    run("--group", "r4ds", "undo")  # the import, joins and all
    assert [m["name"] for m in run.json("--group", "r4ds", "member", "list")] == ["Cleo Park"]
    assert [m["name"] for m in run.json("--group", "main", "member", "list")] == [
        "Ada Lovelace",
        "Bob Stone",
    ]


def test_polls_belong_to_their_group(run: CLI) -> None:
    two_groups(run)
    run("--group", "main", "poll", "create", "Next course?")
    assert [p["title"] for p in run.json("--group", "main", "poll", "list")] == ["Next course?"]
    assert run.json("--group", "r4ds", "poll", "list") == []
    assert "no poll 1" in run("--group", "r4ds", "poll", "show", "1", code=1).stderr


def test_edit_archive_and_restore(run: CLI) -> None:
    two_groups(run)
    run("group", "edit", "r4ds", "--name", "R for Data Science")
    assert run.json("group", "show", "r4ds")["name"] == "R for Data Science"
    run("group", "archive", "r4ds")
    # the only live group is the default again; the archived one is still there by name
    assert [c["slug"] for c in run.json("course", "list")] == ["fsdl"]
    assert [g["slug"] for g in run.json("group", "list")] == ["main"]
    assert [g["status"] for g in run.json("group", "list", "--all")] == ["active", "archived"]
    assert run.json("--group", "r4ds", "member", "list")[0]["name"] == "Cleo Park"
    run("group", "archive", "r4ds", "--restore")
    assert len(run.json("group", "list")) == 2
    run("undo")  # the restore, exactly
    assert len(run.json("group", "list")) == 1


def test_bad_input_is_one_line_and_writes_nothing(run: CLI, db: str, engine_for: Any) -> None:
    two_groups(run)
    before = dump(engine_for(db))
    for args, message in (
        (("group", "add", "Bad Slug!", "X"), "Error: invalid group slug 'Bad Slug!'"),
        (("group", "add", "r4ds", "Again"), "Error: group 'r4ds' already exists\n"),
        (("group", "show", "nope"), "Error: no group 'nope'; see 'studygroup group list'\n"),
        (("--group", "nope", "agenda"), "Error: no group 'nope'; see 'studygroup group list'\n"),
        (("group", "edit", "r4ds"), "Error: nothing to change: give --slug or --name\n"),
        (("group", "archive", "main", "--restore"), "Error: group main is not archived\n"),
    ):
        assert run(*args, code=1).stderr.startswith(message), args
    assert dump(engine_for(db)) == before


def test_grants_need_postgresql(run: CLI, sqlite_only: None) -> None:
    course(run, "fsdl")
    refused = run("group", "grant", "main", "ana", code=1)
    assert refused.stderr.startswith("Error: SQLite has no rights: whoever holds the file")
    assert run("db", "secure", code=1).stderr.startswith("Error: SQLite has no rights")


def _downgrade(target: str, revision: str) -> None:
    engine = sa.create_engine(resolve(target).url)
    try:
        downgrade(engine, revision)
    finally:
        engine.dispose()


def test_a_member_is_archived_in_one_group_and_stays_active_in_another(
    run: CLI, db: str, engine_for: Any
) -> None:
    two_groups(run)
    run("--group", "r4ds", "member", "add", "Ada L.", "--email", "ada@example.org")  # shared
    for group in ("main", "r4ds"):
        run("--group", group, "session", "plan", "--course", "fsdl", "--from", "2026-11-03",
            "--weeks", "1", env=NOW)  # fmt: skip
    run("--group", "r4ds", "member", "archive", "Ada")  # she left the book club
    assert [m["name"] for m in run.json("--group", "r4ds", "member", "list")] == ["Cleo Park"]
    shown = run.json("--group", "r4ds", "member", "show", "Ada")
    assert shown["active"] is False and shown["archived_at"] is not None
    assert run.json("--group", "main", "member", "show", "Ada")["active"] is True
    assert [m["name"] for m in run.json("--group", "main", "member", "list")] == [
        "Ada Lovelace",
        "Bob Stone",
    ]
    # reminders, counts and talks: main's still has her, r4ds's does not
    assert "Ada Lovelace" in run("--group", "main", "remind", "--course", "fsdl", env=NOW).stdout
    assert "Ada" not in run("--group", "r4ds", "remind", "--course", "fsdl", env=NOW).stdout
    assert {g["slug"]: g["members"] for g in run.json("group", "list")} == {"main": 2, "r4ds": 1}
    assert "archived" in run("--group", "r4ds", "talk", "add", "Ada", "A talk", code=1).stderr
    run("--group", "main", "talk", "add", "Ada", "A talk", env=NOW)
    # a session held after she left (she joined, and left r4ds, at the suite's instant):
    # absent in main, not counted in r4ds
    later = {"STUDYGROUP_TEST_NOW": "2027-03-10T09:00:00+00:00"}
    for group in ("main", "r4ds"):
        run("--group", group, "session", "plan", "--course", "fsdl", "--from", "2027-03-02",
            "--weeks", "1")  # fmt: skip
        run("--group", group, "session", "close", "2", env=later)
    assert "Ada Lovelace" in run.json("--group", "main", "attendance", "2", env=later)["absent"]
    absent_in_r4ds = run.json("--group", "r4ds", "attendance", "2", env=later)["absent"]
    assert "Ada Lovelace" not in absent_in_r4ds
    assert (
        "is already archived" in run("--group", "r4ds", "member", "archive", "Ada", code=1).stderr
    )
    # the older schema cannot say "archived here, active there": its downgrade refuses
    before = dump(engine_for(db))
    try:
        _downgrade(db, "20261205_02")
    except RuntimeError as exc:
        assert str(exc).startswith("1 person is archived in some groups and active in others")
    else:
        raise AssertionError("the downgrade lost an archive")
    assert dump(engine_for(db)) == before
    run("--group", "r4ds", "member", "restore", "Ada")
    assert run.json("--group", "r4ds", "member", "show", "Ada")["active"] is True
    # archived in every group she belongs to: an archived person, before groups kept archives
    run("--group", "r4ds", "member", "archive", "Ada")
    run("--group", "main", "member", "archive", "Ada")
    _downgrade(db, "20261205_02")
    with engine_for(db).connect() as conn:
        active, archived_at = conn.execute(
            sa.text("SELECT active, archived_at FROM members WHERE email = 'ada@example.org'")
        ).one()
    assert not active and archived_at is not None


def test_deleting_a_shared_person_only_takes_them_out_of_this_group(run: CLI) -> None:
    two_groups(run)
    run("--group", "r4ds", "member", "add", "Ada L.", "--email", "ada@example.org")
    done = run("--group", "r4ds", "member", "delete", "Ada", "--force", input="y\n")
    assert "removed Ada Lovelace from group r4ds; they stay in their other groups" in done.stderr
    assert [m["name"] for m in run.json("--group", "r4ds", "member", "list")] == ["Cleo Park"]
    assert "Ada Lovelace" in [m["name"] for m in run.json("--group", "main", "member", "list")]
    run("--group", "r4ds", "undo")
    assert "Ada Lovelace" in [m["name"] for m in run.json("--group", "r4ds", "member", "list")]
    run("--group", "r4ds", "member", "delete", "Ada", "--force", input="y\n")
    gone = run("--group", "main", "member", "delete", "Ada", "--force", input="y\n")
    assert "deleted member Ada Lovelace" in gone.stderr
    assert "Ada" not in run("--group", "main", "member", "list", "--all").stdout  # gone


def test_the_migration_keeps_every_row_both_ways(
    run: CLI, db: str, engine_for: Any, tmp_path: Path
) -> None:
    course(run, "fsdl")
    run("lecture", "add", "fsdl", "1", "One", "--minutes", "60")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
    run("member", "add", "Bob Stone")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "2", env=NOW)
    run("talk", "add", "Ada", "A talk", env=NOW)
    run("item", "add", "Homework", "--owner", "Bob", env=NOW)
    run("poll", "create", "Next?")
    run("poll", "add-option", "1", "fast.ai")
    _downgrade(db, BEFORE_GROUPS)
    before = raw_dump(engine_for(db))
    assert before["courses"] and before["members"] and before["polls"]
    assert "groups" not in before
    run("db", "upgrade")
    after = dump(engine_for(db))
    # one group, `main`, owns every course and poll and has every member
    assert after["groups"] == [(1, "main", "Study group", after["groups"][0][3], None)]
    assert {row[1] for row in after["courses"]} == {1}
    assert len(after["group_members"]) == len(before["members"])
    run("group", "show")
    _downgrade(db, BEFORE_GROUPS)
    assert raw_dump(engine_for(db)) == before  # and back: every row as it was


def test_the_downgrade_refuses_to_merge_groups(run: CLI, db: str, engine_for: Any) -> None:
    two_groups(run)
    before = dump(engine_for(db))
    try:
        _downgrade(db, BEFORE_GROUPS)
    except RuntimeError as exc:
        assert "this database holds 2 groups" in str(exc)
    else:
        raise AssertionError("the downgrade merged two groups")
    assert dump(engine_for(db)) == before


def test_one_line_serves_the_organisation(run: CLI, tmp_path: Path) -> None:
    two_groups(run)
    run("--group", "r4ds", "member", "add", "Dee Fox", "--email", "dee@example.org")
    for group in ("main", "r4ds"):
        run("--group", group, "session", "plan", "--course", "fsdl", "--from", "2026-10-27",
            "--weeks", "2", env={"STUDYGROUP_TEST_NOW": "2026-10-20T09:00:00+00:00"})  # fmt: skip
    run("--group", "r4ds", "attend", "1", "Cleo", "--absent", "Dee", env=NOW)
    run("--group", "r4ds", "session", "close", "1", env=NOW)
    summary = run.json("stats", "--all-groups", env=NOW)
    assert [(s["group"], s["course"], s["members"], s["held"]) for s in summary] == [
        ("main", "fsdl", 2, 0),
        ("r4ds", "fsdl", 2, 1),
    ]
    assert summary[1]["last_turnout"] == 1
    # the reminders of every group, each to its own members
    dry = run("remind", "--all-groups", env=NOW)
    assert "== main / fsdl" in dry.stderr and "== r4ds / fsdl" in dry.stderr
    main_part, r4ds_part = dry.stdout.split("Cleo", 1)[0], dry.stdout
    assert "Ada Lovelace" in main_part and "Cleo Park" in r4ds_part
    listed = run.json("remind", "--all-groups", env=NOW)
    assert [
        (d["group"], d["course"], d["mode"], sorted(r["member"] for r in d["reminders"]))
        for d in listed
    ] == [
        ("main", "fsdl", "dry-run", ["Ada Lovelace"]),
        ("r4ds", "fsdl", "dry-run", ["Cleo Park", "Dee Fox"]),
    ]
    # the options given reach every group's run: here, an outbox instead of SMTP
    outbox = tmp_path / "outbox"
    for args in (("--group", "r4ds"), ()):  # every group, or that one? not a guess to make
        refused = run(*args, "remind", "--all-groups", "--outbox", str(outbox), code=1,
                      env={**NOW, "STUDYGROUP_GROUP": "r4ds" if not args else ""})  # fmt: skip
        assert refused.stderr == (
            "Error: --all-groups works on every group, but group 'r4ds' was chosen too "
            "(--group or STUDYGROUP_GROUP): leave out one of them\n"
        )
    assert not outbox.exists()
    run("--group", "main", "session", "close", "1", env=NOW)
    run("remind", "--all-groups", "--outbox", str(outbox), env=NOW)
    sent = sorted(p.read_text() for p in outbox.iterdir())
    assert len(sent) == 3
    assert [any(f"To: {who}" in m for m in sent) for who in ("Ada", "Cleo", "Dee")] == [True] * 3
    # a site for every group's course
    run("site", "build", str(tmp_path / "www"), "--all-groups", env=NOW)
    uids = {}
    for group in ("main", "r4ds"):
        assert (tmp_path / "www" / group / "fsdl" / "index.html").is_file()
        feed = (tmp_path / "www" / group / "fsdl" / "calendar.ics").read_text(encoding="utf-8")
        uids[group] = {line for line in feed.splitlines() if line.startswith("UID:")}
        assert len(uids[group]) == 2, group
    assert not uids["main"] & uids["r4ds"]  # each group's own sessions
