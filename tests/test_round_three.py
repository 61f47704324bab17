"""Nothing lost, nobody fooled, round three (issue 27): each reproduction as a test that
failed before its fix, through the CLI (in-process, and the installed console script where a
process, the environment or a terminal matters)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, SCRIPT


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--handle", "ada")
    run("member", "add", "Grace Hopper", "--email", "grace@example.org")
    run("session", "plan", "--from", "2026-10-31", "--weeks", "3")
    return run


def sh(db: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args],
        env={**os.environ, "STUDYGROUP_DB": db, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        errors="replace",
    )


# -- 16. notes from $EDITOR are never lost --------------------------------------------------


def test_notes_an_editor_saved_in_latin_1_are_kept_in_a_named_file(
    group: CLI, db: str, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nopen(sys.argv[1], 'wb').write('Résumé of the call, café'.encode('latin-1'))\n"
    )
    before = snapshot()
    result = sh(db, "session", "notes", "1", env={"EDITOR": f"{sys.executable} {editor}"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert line.startswith(
        "Error: the editor saved the notes in an encoding other than UTF-8; what you typed is "
        "kept in "
    )
    kept = Path(line.rsplit(" ", 1)[1])
    assert kept.read_bytes() == "Résumé of the call, café".encode("latin-1")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert snapshot() == before
    kept.unlink()


def test_notes_refused_after_the_editor_closed_are_kept(
    group: CLI, db: str, tmp_path: Path
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'w').write('bad \\x07 bell')\n")
    result = sh(db, "session", "notes", "1", env={"EDITOR": f"{sys.executable} {editor}"})
    assert result.returncode == 1 and "what you typed is kept in " in result.stderr
    kept = Path(result.stderr.strip().rsplit(" ", 1)[1])
    assert kept.read_text() == "bad \x07 bell"
    kept.unlink()
    good = tmp_path / "good.py"
    good.write_text("import sys\nopen(sys.argv[1], 'w').write('Covered lecture 1')\n")
    done = sh(db, "session", "notes", "1", env={"EDITOR": f"{sys.executable} {good}"})
    assert done.returncode == 0, done.stderr
    assert group.json("session", "show", "1")["session"]["notes"] == "Covered lecture 1"


# -- 17, 18. files that are no files, codecs that are no text encodings --------------------


def test_a_fifo_or_a_device_is_refused_at_once(group: CLI, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        for args in (
            ["member", "import", str(path)],
            ["course", "import", "c", str(path)],
            ["attend", "import", "1", str(path)],
            ["session", "notes", "1", "--file", str(path)],
        ):
            refused = group(*args, code=1)
            assert refused.stderr == (
                f"Error: {path} is not a regular file (a pipe or a device); save it first\n"
            ), args


def test_a_codec_that_is_no_text_encoding_is_one_line(group: CLI, tmp_path: Path) -> None:
    members = tmp_path / "m.csv"
    members.write_text("name\nBob\n")
    for codec in ("rot13", "base64", "zlib"):
        refused = group("member", "import", str(members), "--encoding", codec, code=2)
        assert refused.stderr.endswith(
            f"Error: Invalid value for '--encoding': {codec!r} is not a text encoding; "
            "try utf-8, utf-16 or cp1252\n"
        )


# -- 19. invalid UTF-8 in the environment ---------------------------------------------------


@pytest.mark.parametrize("name", ["STUDYGROUP_USER", "LOGNAME", "STUDYGROUP_COURSE"])
def test_invalid_utf8_in_the_environment_is_an_ordinary_value(
    group: CLI, db: str, name: str
) -> None:
    bad = b"\xff\xfeorg".decode("utf-8", "surrogateescape")
    env = {name: bad}
    if name == "LOGNAME":
        env |= {"USER": bad}
    result = sh(db, "item", "add", "Homework", "--due", "2", env=env)
    assert "Traceback" not in result.stderr
    if name == "STUDYGROUP_COURSE":
        assert result.returncode == 1
        assert result.stderr == "Error: no course '\ufffd\ufffdorg'; courses: c\n"
    else:
        assert result.returncode == 0, result.stderr
        assert group.json("log", "--limit", "1")[0]["who"] == "\ufffd\ufffdorg"


# -- 2. secrets in the journal ----------------------------------------------------------------


def test_secrets_typed_before_the_masker_are_masked_by_the_upgrade(
    group: CLI, db: str, engine_for: Callable[[str], Any]
) -> None:
    import sqlalchemy as sa

    group("course", "edit", "c", "--call-url", "https://zoom.us/j/1?pwd=SECRET")
    from tests.conftest import downgrade

    engine = engine_for(db)

    def as_older(conn: sa.Connection) -> None:
        stored = conn.execute(sa.text("SELECT command FROM journal ORDER BY id DESC")).first()
        assert stored is not None and "SECRET" not in stored[0] and "pwd=***" in stored[0]
        # as an older studygroup stored it
        conn.execute(
            sa.text("UPDATE journal SET command = :c WHERE command LIKE '%pwd=***%'"),
            {"c": "studygroup course edit c --call-url https://u:p/w@zoom.us/j/1?pwd=SECRET"},
        )

    downgrade(engine, "20261204_01", as_older)
    group("db", "upgrade")
    with engine.connect() as conn:
        lines = [r[0] for r in conn.execute(sa.text("SELECT command FROM journal"))]
    assert not [line for line in lines if "SECRET" in line or "p/w" in line]
    assert "studygroup course edit c --call-url https://u:***@zoom.us/j/1?pwd=***" in lines


# -- 4. formula injection through ';' ---------------------------------------------------------


def test_no_part_of_a_cell_can_start_a_formula(group: CLI) -> None:
    import csv
    import io

    from hypothesis import given
    from hypothesis import strategies as st

    from studygroup.render.sheet import safe_cell

    group("member", "add", "Eve;=cmd|' /C calc'!A0")
    group("member", "add", "Mallory, +1 ;@SUM(A1)")
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        out = group("member", "list", "--format", fmt).stdout
        for row in csv.reader(io.StringIO(out), delimiter=delimiter):
            for value in row:
                # as a spreadsheet splitting on ',' ';' or tab sees it: no part a formula
                for part in value.replace(";", ",").replace("\t", ",").split(","):
                    assert not part.lstrip(" ").startswith(("=", "+", "-", "@")), (fmt, value)

    @given(st.text(alphabet="=+-@;,\t a1", max_size=12))
    def parts_are_safe(text: str) -> None:
        shown = safe_cell(text)
        for part in shown.replace(";", ",").replace("\t", ",").split(","):
            assert not part.lstrip(" ").startswith(("=", "+", "-", "@"))

    parts_are_safe()


# -- 5. Mattermost mentions ---------------------------------------------------------------------


def mattermost_mentions(text: str) -> set[str]:
    """Mattermost's rule for which words mention, written from its source
    (server/channels/app/mention_parser_standard.go, ProcessText and checkForMention): split
    at any rune that is not a letter, a digit or one of `: . - _ @`; trim `: . - _` on the
    left; a word that starts with '@' (or is one after a trailing '.', '-' or ':') mentions."""
    import re as regex

    found: set[str] = set()
    for word in regex.split(r"[^\w:.\-@]|_(?!\w)", text):
        word = word.lstrip(":.-_")
        if not word or (word[0] == ":" and word[-1] == ":"):
            continue
        for candidate in {word.rstrip(".-:_"), *regex.split(r"[.\-:]", word)}:
            if candidate.startswith("@") and len(candidate) > 1:
                found.add(candidate.lower())
    return found


def test_a_generic_webhook_post_mentions_nobody(group: CLI) -> None:
    import json

    assert mattermost_mentions("hi \\@channel and @here.") == {"@channel", "@here"}  # the rule
    group("member", "add", "\\@channel")
    group("member", "add", "Zed @all")
    group("talk", "add", "\\@channel", "Talk @here", "--session", "1", "--minutes", "10")
    group("item", "add", "Ping @ada", "--due", "1")
    posted = group("export", "agenda", "1", "--format", "json").stdout  # the document
    assert "@here" in posted  # the hostile text is there to be neutralised
    from studygroup.render.chat import PAYLOADS

    doc = json.loads(posted)
    text = PAYLOADS["markdown"](doc)[0]["text"]
    assert mattermost_mentions(text) == set()
    assert "＠channel" in text and "＠here" in text and "＠ada" in text


# -- 11. the right word when undo is refused ----------------------------------------------------


def test_an_undo_refused_by_a_taken_value_says_what_is_taken(group: CLI) -> None:
    group("member", "edit", "Ada", "--email", "ada@new.example.org")
    group("member", "add", "Newcomer", "--email", "ada@example.org")  # the old address, taken
    edit = next(e for e in group.json("log", "--limit", "5") if "member edit" in e["command"])
    refused = group("undo", str(edit["id"]), code=1)
    assert refused.stderr.startswith(f"Error: entry {edit['id']} (")
    assert "it would bring back a value that is taken now (" in refused.stderr
    assert "email" in refused.stderr and "referenced" not in refused.stderr


# -- 7. undo never loses another organiser's work through a cascade ----------------------------


def test_undoing_a_member_add_is_refused_over_an_alias_added_later(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    group("member", "add", "Carol", env={"STUDYGROUP_USER": "ann"})
    added = group.json("log", "--limit", "1")[0]
    group("member", "alias", "add", "Carol", "Carol's iPad", env={"STUDYGROUP_USER": "bob"})
    alias = group.json("log", "--limit", "1")[0]
    before = snapshot()
    refused = group("undo", str(added["id"]), env={"STUDYGROUP_USER": "ann"}, code=1)
    assert refused.stderr.startswith(
        f'Error: entry {alias["id"]} (studygroup member alias add Carol "Carol\'s iPad") '
        "changed the same rows since"
    )
    assert snapshot() == before  # Bob's alias is still there
    group("undo", str(added["id"]), "--cascade", env={"STUDYGROUP_USER": "ann"})
    assert "Carol" not in [m["name"] for m in group.json("member", "list")]
    entries = {e["id"]: e for e in group.json("log", "--limit", "5")}
    assert entries[alias["id"]]["undone_by"] is not None  # undone on the record, not lost


# -- 9. prune by order, not by clock; the prune is on record -----------------------------------


def test_prune_takes_a_prefix_by_order_even_when_a_clock_was_off(
    group: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2027-03-01T12:00:00+00:00")
    group("item", "add", "Late", "--due", "2")  # recorded with the right time
    late = group.json("log", "--limit", "1")[0]
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-01-01T12:00:00+00:00")  # a clock far off
    group("item", "add", "Later, clock wrong", "--due", "2")
    wrong = group.json("log", "--limit", "1")[0]
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2027-03-01T12:00:00+00:00")
    pruned = group(
        "log", "prune", "--before", "2026-06-01", "--yes", env={"STUDYGROUP_USER": "ann"}
    )
    # the newest entry before the date is the mis-clocked one: every entry up to it goes
    assert pruned.stderr.startswith(f"pruned {wrong['id']} entries up to entry {wrong['id']}")
    entries = {e["id"]: e for e in group.json("log", "--limit", "50")}
    assert entries[late["id"]]["pruned"] and entries[wrong["id"]]["pruned"]
    mine = group.json("log", "--limit", "1")[0]
    assert mine["who"] == "ann" and mine["command"].startswith("studygroup log prune")
    assert mine["summary"].startswith(f"pruned the rows of {wrong['id']} entries up to entry")
    assert group("undo", str(mine["id"]), code=1).stderr.endswith("cannot be undone\n")


# -- 13. never hold the lock while a person thinks ----------------------------------------------


def test_a_delete_prompt_holds_no_lock(group: CLI, db: str, sqlite_only: None) -> None:
    import sqlite3

    group("member", "add", "Typo Name")
    proc = subprocess.Popen(
        [SCRIPT, "member", "delete", "Typo Name", "--force"],
        env={**os.environ, "STUDYGROUP_DB": db},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    prompt = ""
    while "permanently?" not in prompt:  # the question is being asked
        char = proc.stderr.read(1)
        assert char, "the prompt never came"
        prompt += char
    conn = sqlite3.connect(db, timeout=0)  # no waiting: a held lock fails at once
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("ROLLBACK")
    conn.close()
    group("item", "add", "Meanwhile", "--due", "2")  # another organiser writes meanwhile
    out, err = proc.communicate("y\n", timeout=60)
    assert proc.returncode == 0, err
    assert "Typo Name" not in [m["name"] for m in group.json("member", "list")]


# -- 3. forgetting a member ---------------------------------------------------------------------


def test_member_erase_removes_personal_data_everywhere_and_undo_cannot_bring_it_back(
    group: CLI, db: str, engine_for: Callable[[str], Any]
) -> None:
    import sqlalchemy as sa

    group("member", "add", "Zara Quist", "--email", "zara@example.org", "--handle", "zq")
    group("member", "alias", "add", "Zara", "Zara's Pixel")
    group("attend", "1", "Zara", "Ada")
    refused = group("member", "erase", "Zara", code=1)
    assert "add --force to confirm" in refused.stderr
    done = group("member", "erase", "Zara", "--force", input="y\n")
    assert "erased Zara Quist's personal data; the record is now 'erased member 3'" in (done.stderr)
    assert "can no longer be undone" in done.stderr
    engine = engine_for(db)
    with engine.connect() as conn:
        everything = "\n".join(
            repr(row)
            for table in ("members", "member_aliases", "journal", "journal_changes", "reminders")
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"'))
        )
    for secret in ("Zara", "zara@example.org", "zq", "Pixel"):
        assert secret not in everything, secret
    assert group.json("attendance", "1")["present"] == ["Ada Lovelace", "erased member 3"]
    # no undo brings her back: the erasure and the entries that held her data are pruned
    log = group.json("log", "--limit", "20")
    added = next(e for e in log if e["command"].startswith('studygroup member add "[erased]"'))
    erased = next(e for e in log if e["command"].startswith("studygroup member erase"))
    for entry in (added, erased):
        refused = group("undo", str(entry["id"]), code=1)
        assert refused.stderr.endswith("was pruned: its rows are gone, so it cannot be undone\n")
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(sa.text("SELECT name FROM members"))]
    assert "Zara Quist" not in names


# -- 10. ids are never reused -------------------------------------------------------------------


def test_an_undone_items_id_is_never_given_to_another(group: CLI) -> None:
    group("item", "add", "First", "--due", "2")
    group("item", "add", "Second", "--due", "2")
    group("undo")  # Second (item 2) is gone
    group("item", "add", "Third", "--due", "2")
    items = {i["id"]: i["text"] for i in group.json("item", "list")}
    assert items == {1: "First", 3: "Third"}  # not a new item 2
    refused = group("item", "done", "2", code=1)
    assert "Third" not in refused.stderr
    group("talk", "add", "Ada", "A talk", "--minutes", "5")
    group("undo")
    assert group.json("talk", "add", "Ada", "Another", "--minutes", "5")["id"] == 2
    group("poll", "create", "Next?", "--closes", "2099-12-31")
    group("poll", "create", "After that?", "--closes", "2099-12-31")
    group("undo")  # poll 2 is gone
    group("poll", "create", "And then?", "--closes", "2099-12-31")
    assert {p["id"]: p["title"] for p in group.json("poll", "list")} == {
        1: "Next?",
        3: "And then?",
    }


# -- 20. other tracebacks and wrong words -------------------------------------------------------


def test_a_backup_of_a_damaged_database_says_so_and_writes_nothing(
    group: CLI, db: str, tmp_path: Path, sqlite_only: None
) -> None:
    import sqlite3

    for n in range(40):
        group("member", "add", f"Member {n}", "--email", f"m{n}@example.org")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(db, "r+b") as handle:  # a damaged page in the middle of the file
        handle.seek(4096 * 6)
        handle.write(b"\xde\xad" * 2048)
    target = tmp_path / "backup.db"
    result = sh(db, "db", "backup", str(target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: the database {db} is damaged")
    assert "no backup was written" in result.stderr
    assert not target.exists() and not list(tmp_path.glob(".backup.db.*"))


def test_a_backup_onto_a_full_disk_says_so(group: CLI, db: str, sqlite_only: None) -> None:
    from tests.conftest import in_private_mount

    for n in range(200):
        group("member", "add", f"Member {n:03d} with a rather long name to fill pages")
    result = in_private_mount(
        "set -e; mkdir -p /tmp/full && mount -t tmpfs -o size=48k tmpfs /tmp/full; "
        f"{SCRIPT} --db {db} db backup /tmp/full/backup.db; echo rc=$?",
    )
    assert "Traceback" not in result.stderr
    assert "Error: disk full while writing the backup /tmp/full/backup.db" in result.stderr


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://u:secret@[::1/db", "Invalid IPv6 URL"),
        ("postgresql://u:secret@localhost:99999/db", "Port out of range 0-65535"),
        ("postgresql://u:secret@localhost:abc/db", "Port could not be cast"),
    ],
)
def test_a_broken_server_url_is_one_line(
    cli_for: Callable[[str], CLI], url: str, reason: str
) -> None:
    result = cli_for(url)("db", "current", code=2)
    assert "cannot read the database URL" in result.stderr and reason in result.stderr
    assert "secret" not in result.stderr


def test_db_current_and_every_command_agree_on_an_unknown_revision(
    group: CLI, db: str, engine_for: Callable[[str], Any], sqlite_only: None
) -> None:
    import sqlalchemy as sa

    engine = engine_for(db)
    for revision, current, other in (
        ("29991231_99", "written by a newer studygroup", "was written by a newer studygroup"),
        ("abc123", "not a studygroup revision", "belongs to another application"),
    ):
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        assert current in group("db", "current").stdout
        assert other in group("member", "list", code=1).stderr
        assert group.json("db", "current")["status"] == (
            "newer" if "newer" in current else "foreign"
        )


def test_a_co_presenter_made_the_presenter_is_listed_once(group: CLI) -> None:
    group("talk", "add", "Ada", "Paired", "--with", "Grace", "--minutes", "10")
    group("talk", "edit", "1", "--presenter", "Grace")
    assert group.json("talk", "show", "1")["presenter"] == "Grace Hopper"


# -- 21. read-only media with commits still in the write-ahead log -------------------------------


def test_read_only_media_with_a_live_wal_is_refused_not_read_stale(
    group: CLI, db: str, tmp_path: Path, sqlite_only: None
) -> None:
    import sqlite3

    from tests.conftest import in_private_mount

    keep = sqlite3.connect(db)  # holds the WAL open, so the last commits stay in it
    keep.execute("PRAGMA wal_autocheckpoint = 0")
    keep.execute("SELECT count(*) FROM members").fetchall()
    group("member", "add", "Carol Late")
    wal = Path(f"{db}-wal")
    assert wal.stat().st_size > 0
    mount = tmp_path / "media"
    mount.mkdir()
    result = in_private_mount(
        f"set -e; mount -t tmpfs tmpfs {mount}; cp {db} {wal} {mount}/; "
        f"mount -o remount,ro {mount}; {SCRIPT} member list --json; echo rc=$?",
        env={"STUDYGROUP_DB": str(mount / "studygroup.db")},
    )
    keep.close()
    assert "Carol Late" not in result.stdout  # never a list without her, silently
    assert "Traceback" not in result.stderr
    assert "is on read-only media with commits still in its write-ahead log" in result.stderr


def test_a_file_with_300000_unknown_columns_is_one_short_line(group: CLI, tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(
        "name,email," + ",".join(f"c{i}" for i in range(300_000)) + "\nAda,,"
        + ",".join("x" for _ in range(300_000)) + "\n"
    )  # fmt: skip
    result = group("member", "import", str(wide), code=1)
    assert result.stderr == (
        f"Error: {wide} line 1: unknown column(s) c0, c1, c2, c3, c4, c5, c6, c7 and 299992 "
        "more; expected name, email, handle, timezone\n"
    )
