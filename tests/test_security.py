"""PostgreSQL keeps each organiser to their own groups (`db secure`, `group grant`).

Real login roles on the throwaway cluster; the installed `studygroup` run as each of them,
and raw SQL through psql as each of them, with every statement an organiser might try.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.conftest import CLI, downgrade
from tests.test_rsvp import GROUP, Dovecot, gmail_reply, imap  # noqa: F401

STUDYGROUP = str(Path(sys.executable).parent / "studygroup")
NOW = {"STUDYGROUP_TEST_NOW": "2026-11-02T09:00:00+00:00"}
_serial = itertools.count()


class Org(NamedTuple):
    admin: CLI  # a superuser: sets up, grants
    url: sa.URL
    ana: str  # organises main
    ben: str  # organises r4ds
    carl: str  # reads main, read-only
    ids: dict[str, int]  # group slug -> id


def _as(url: sa.URL, role: str) -> str:
    return url.set(username=role, password=f"pw-{role}").render_as_string(hide_password=False)


def cli(
    org: Org, role: str, *args: str, code: int | None = 0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`studygroup` as `role`; `code`: the exit status it must end with (None: any)."""
    done = subprocess.run(
        [STUDYGROUP, "--db", _as(org.url, role), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **NOW, "STUDYGROUP_DB": "", **(env or {})},
    )
    assert code is None or done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done


def psql(org: Org, role: str, sql: str, data: str = "") -> tuple[int, str]:
    """One statement through psql as `role`: its exit code, and what it printed."""
    done = subprocess.run(
        [shutil.which("psql") or "psql", "-X", "-At", "-v", "ON_ERROR_STOP=1",
         "-h", org.url.host or "localhost", "-p", str(org.url.port or 5432),
         "-U", role, "-d", str(org.url.database), "-c", sql],
        capture_output=True,
        text=True,
        input=data,
        env={**os.environ, "PGPASSWORD": f"pw-{role}"},
    )  # fmt: skip
    return done.returncode, (done.stdout + done.stderr).strip()


@pytest.fixture
def org(run: CLI, db: str) -> Iterator[Org]:
    if not db.startswith("postgresql"):
        pytest.skip("rights are PostgreSQL's: SQLite has none")
    url = sa.make_url(db)
    tag = f"{os.getpid()}_{next(_serial)}"
    names = [f"ana_{tag}", f"ben_{tag}", f"carl_{tag}"]
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD 'pw-{name}'")
    try:
        run("course", "add", "fsdl", "FSDL", "--weekday", "tue", "--time", "18:00", "--tz",
            "UTC", env=NOW)  # fmt: skip
        run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
        run("session", "plan", "--from", "2026-11-03", "--weeks", "2", env=NOW)
        run("item", "add", "Homework", env=NOW)
        run("group", "add", "r4ds", "R4DS")
        run("--group", "r4ds", "course", "add", "r4c1", "R4DS", "--weekday", "wed", "--time",
            "17:00", "--tz", "UTC", env=NOW)  # fmt: skip
        run("--group", "r4ds", "member", "add", "Cleo Park", "--email", "cleo@example.org")
        with admin.connect() as conn:  # a view of the organisation's, made beside the tables
            conn.exec_driver_sql("CREATE VIEW course_titles AS SELECT slug, title FROM courses")
        run("db", "secure")
        run("group", "grant", "main", names[0])
        run("group", "grant", "r4ds", names[1])
        run("group", "grant", "main", names[2], "--read-only")
        with admin.connect() as conn:
            ids = dict(conn.exec_driver_sql("SELECT slug, id FROM groups").all())
        yield Org(run, url, *names, ids)
    finally:
        with admin.connect() as conn:
            listed = ", ".join(repr(n) for n in names)
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE usename IN ({listed})"
            )
            for name in names:
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
        admin.dispose()


def test_an_organiser_sees_and_changes_only_their_group(org: Org) -> None:
    listed = json.loads(cli(org, org.ana, "group", "list", "--json").stdout)
    assert [g["slug"] for g in listed] == ["main"]  # their only group: no --group needed
    members = json.loads(cli(org, org.ana, "member", "list", "--json").stdout)
    assert [m["name"] for m in members] == ["Ada Lovelace"]
    cli(org, org.ana, "talk", "add", "Ada", "A talk")
    cli(org, org.ana, "member", "add", "Dee Fox")
    assert cli(org, org.ana, "--group", "r4ds", "course", "list", code=1).stderr == (
        "Error: no group 'r4ds'; see 'studygroup group list'\n"
    )
    assert [
        m["name"] for m in json.loads(cli(org, org.ben, "member", "list", "--json").stdout)
    ] == ["Cleo Park"]
    # the journal: each sees their own group's entries, and undoes them
    assert "added talk 1 by Ada" in cli(org, org.ana, "log").stdout
    assert "added talk" not in cli(org, org.ben, "log").stdout
    assert "added member Ada" not in cli(org, org.ben, "log").stdout
    cli(org, org.ana, "undo")


def test_a_read_only_organiser_cannot_write_at_all(org: Org) -> None:
    assert "fsdl" in cli(org, org.carl, "course", "list").stdout
    for args in (
        ("member", "add", "Eve"),
        ("course", "edit", "fsdl", "--title", "Mine"),
        ("item", "add", "More homework"),
    ):
        refused = cli(org, org.carl, *args, code=1)
        assert refused.stderr == (
            f"Error: {org.carl} may read group main but not change it (read-only)\n"
        ), args
    code, out = psql(org, org.carl, "UPDATE courses SET title = 'Mine'")
    assert (code, out) == (0, "UPDATE 0")
    code, out = psql(org, org.carl, "DELETE FROM action_items")
    assert (code, out) == (0, "DELETE 0")


def test_a_person_of_another_group_joins_by_email_and_nothing_else_shows(
    org: Org, tmp_path: Path
) -> None:
    """ana cannot see Cleo (r4ds), but knows her email: adding it joins the person as she
    is, never a copy; so does an import. Nobody joins a group they may not change."""
    joined = cli(org, org.ana, "member", "add", "Cleo P.", "--email", "cleo@example.org")
    assert "Cleo Park" in joined.stdout + joined.stderr
    shown = json.loads(cli(org, org.ana, "member", "list", "--json").stdout)
    assert [(m["name"], m["email"]) for m in shown] == [
        ("Ada Lovelace", "ada@example.org"),
        ("Cleo Park", "cleo@example.org"),
    ]
    assert [
        m["name"] for m in json.loads(cli(org, org.ben, "member", "list", "--json").stdout)
    ] == ["Cleo Park"]  # still hers too: one person
    code, out = psql(org, org.ana, "SELECT count(*) FROM members WHERE email = 'cleo@example.org'")
    assert (code, out) == (0, "1")
    # ben imports a sheet naming Ada by her email: she joins r4ds, nobody is copied
    sheet = tmp_path / "r4ds.csv"
    sheet.write_text("name,email\nAda Lovelace,ADA@example.org\nDee Fox,dee@example.org\n")
    cli(org, org.ben, "member", "import", str(sheet))
    assert [
        m["name"] for m in json.loads(cli(org, org.ben, "member", "list", "--json").stdout)
    ] == [
        "Ada Lovelace",
        "Cleo Park",
        "Dee Fox",
    ]
    cli(org, org.ben, "undo")  # the import, Ada's joining included (the journal has it)
    listed = json.loads(cli(org, org.ben, "member", "list", "--json").stdout)
    assert [m["name"] for m in listed] == ["Cleo Park"]
    assert "Ada Lovelace" in cli(org, org.ana, "member", "list").stdout  # still main's
    cli(org, org.ben, "member", "import", str(sheet))
    # the function joins only into a group one may change, and shows nothing otherwise
    main, r4ds = org.ids["main"], org.ids["r4ds"]
    for role, group in ((org.ben, main), (org.carl, main)):
        code, out = psql(
            org, role, "SELECT count(*) FROM studygroup_join_by_email("
            f"{group}, ARRAY['dee@example.org'], now())"
        )  # fmt: skip
        assert (code, out) == (0, "0"), role
    assert "Dee Fox" not in cli(org, org.ana, "member", "list").stdout
    # how many groups someone belongs to: only of a person one sees
    dee = psql(org, org.ben, "SELECT id FROM members WHERE name = 'Dee Fox'")[1]
    assert psql(org, org.ana, f"SELECT studygroup_unseen_groups({dee})") == (0, "0")
    code, out = psql(
        org, org.ben, f"INSERT INTO group_members (group_id, member_id) VALUES ({main}, 1)"
    )
    assert code != 0 and "row-level security" in out
    assert r4ds != main


def test_an_undo_never_loses_another_groups_later_change_to_a_shared_person(org: Org) -> None:
    """ana cannot see ben's journal entries, but ben changed Ada (in both groups) after her:
    her undo would put back Ada's row as it was before, losing ben's change unseen."""
    cli(org, org.ben, "member", "add", "Ada L", "--email", "ada@example.org")  # Ada joins r4ds
    cli(org, org.ana, "member", "edit", "Ada", "--tz", "Europe/London")
    cli(org, org.ben, "member", "edit", "Ada", "--handle", "ada_l")
    refused = cli(org, org.ana, "undo", code=1)
    assert refused.stderr.startswith("Error: entry ") and refused.stderr.count("\n") == 1
    assert "another group's organiser has changed since" in refused.stderr
    ada = json.loads(cli(org, org.ana, "member", "show", "Ada", "--json").stdout)
    assert (ada["timezone"], ada["handle"]) == ("Europe/London", "ada_l")  # nothing lost
    cli(org, org.ben, "undo")  # ben takes his back: ana's undo may go now
    cli(org, org.ana, "undo")
    ada = json.loads(cli(org, org.ben, "member", "show", "Ada", "--json").stdout)
    assert (ada["timezone"], ada["handle"]) == (None, None)


def test_an_upgrade_secures_again_what_a_secured_database_lacked(org: Org) -> None:
    """A database secured by an older studygroup lacks the newer functions: `db upgrade`
    (as the administrator) makes them, and organisers share people by email again."""
    engine = sa.create_engine(org.url, poolclass=sa.pool.NullPool)
    newer = (
        "studygroup_join_by_email(integer,text[],timestamptz)",
        "studygroup_later_entries(integer)",
    )
    downgrade(engine, "20261205_01")
    with engine.begin() as conn:
        for function in newer:
            conn.exec_driver_sql(f"DROP FUNCTION {function}")
    assert "upgraded 20261205_01 ->" in org.admin("db", "upgrade").stderr
    with engine.connect() as conn:
        for function in newer:
            assert conn.exec_driver_sql(f"SELECT to_regprocedure('{function}')").scalar()
    engine.dispose()
    cli(org, org.ben, "member", "add", "Ada", "--email", "ada@example.org")
    assert "Ada Lovelace" in cli(org, org.ben, "member", "list").stdout


def test_a_shared_person_is_erased_by_the_administrator_who_sees_everywhere(org: Org) -> None:
    """Their data is in rows of groups ana cannot see (reminders, the journal): her erasure
    could not scrub them, so it is refused; the administrator's goes everywhere."""
    cli(org, org.ben, "member", "add", "Ada L", "--email", "ada@example.org")  # Ada joins r4ds
    refused = cli(org, org.ana, "member", "erase", "Ada", "--force", code=1)
    assert refused.stderr == (
        "Error: Ada Lovelace also belongs to 1 group you do not organise: the administrator, "
        "who sees every group, can erase them everywhere\n"
    )
    org.admin("--group", "main", "member", "erase", "Ada", "--force", input="y\n")
    assert "Ada" not in cli(org, org.ben, "member", "list", "--all").stdout
    code, out = psql(org, org.ben, "SELECT count(*) FROM journal_changes WHERE before LIKE '%Ada%'")
    assert (code, out) == (0, "0")


def test_only_the_administrator_prunes_a_shared_journal(org: Org) -> None:
    """A prune must be a prefix of the whole journal; an organiser sees only part of it."""
    cli(org, org.ana, "item", "add", "More homework")
    refused = cli(org, org.ana, "log", "prune", "--upto", "100", "--yes", code=1)
    assert refused.stderr == (
        f"Error: {org.ana} sees only their groups' part of the journal, and a prune must take "
        "the oldest entries of every group: the administrator prunes a shared database\n"
    )
    assert "added item" in cli(org, org.ana, "log").stdout  # nothing pruned
    org.admin("log", "prune", "--upto", "3", "--yes")


def test_a_name_taken_in_another_group_is_one_line(org: Org) -> None:
    # ana may write main, but the person called Cleo Park is in r4ds: not ana's to see
    refused = cli(org, org.ana, "member", "add", "Cleo Park", code=1)
    assert refused.stderr == (
        "Error: someone in another group of this database is already called that: add this "
        "member under a name that tells them apart (or by their email, if it is the same "
        "person); nothing was written\n"
    )
    cli(org, org.ben, "member", "alias", "add", "Cleo", "CP iPhone")
    for args, said in (
        (("member", "edit", "Ada", "--email", "cleo@example.org"), "already has that email"),
        (("member", "alias", "add", "Ada", "CP iPhone"), "already goes by that alias"),
    ):
        done = cli(org, org.ana, *args, code=1)
        assert done.stderr.startswith("Error: someone in another group") and said in done.stderr
        assert done.stderr.count("\n") == 1


def test_raw_sql_cannot_cross_groups(org: Org) -> None:
    main, r4ds = org.ids["main"], org.ids["r4ds"]
    ben = org.ben
    for sql, expected in (
        # reads: nothing of main
        ("SELECT count(*) FROM courses", "1"),
        ("SELECT string_agg(slug, ',') FROM course_titles", "r4c1"),  # a view: as the reader
        (f"SELECT count(*) FROM courses WHERE group_id = {main}", "0"),
        ("SELECT string_agg(name, ',') FROM members", "Cleo Park"),
        ("SELECT count(*) FROM sessions", "0"),
        ("SELECT count(*) FROM action_items", "0"),
        ("SELECT count(*) FROM groups", "1"),
        ("SELECT count(*) FROM group_members", "1"),
        ("SELECT string_agg(role_name, ',') FROM group_organisers", ben),
        (
            "SELECT count(*) FROM journal_changes WHERE table_name = 'courses' AND before LIKE "
            "'%fsdl%'",
            "0",
        ),  # fmt: skip
        # writes on main's rows touch nothing
        ("UPDATE courses SET title = 'x' WHERE slug = 'fsdl'", "UPDATE 0"),
        ("DELETE FROM sessions", "DELETE 0"),
        ("DELETE FROM members WHERE name = 'Ada Lovelace'", "DELETE 0"),
        # a spoofed setting, and SET ROLE to the organisers' role: session_user still rules
        (
            f"SELECT set_config('app.group', '{main}', false); SELECT count(*) FROM courses",
            f"{main}\n1",
        ),  # fmt: skip
        ("SET ROLE studygroup_organiser; SELECT count(*) FROM courses", "SET\n1"),
    ):
        code, out = psql(org, ben, sql)
        assert (code, out) == (0, expected), sql
    for sql, error in (
        (
            f"INSERT INTO courses (group_id, slug, title, status, timezone, weekday, start_time, "
            f"session_minutes, pace_minutes, discussion_minutes, intro_minutes, wrapup_minutes, "
            f"created_at) VALUES ({main}, 'evil', 'Evil', 'active', 'UTC', 1, '18:00', 90, 120, "
            f"15, 5, 5, now())",
            "row-level security",
        ),  # fmt: skip
        (f"UPDATE courses SET group_id = {main} WHERE group_id = {r4ds}", "row-level security"),
        (
            f"INSERT INTO group_members (group_id, member_id) VALUES ({main}, 1)",
            "row-level security",
        ),  # fmt: skip
        (
            f"INSERT INTO group_organisers (group_id, role_name, read_only, granted_at) VALUES "
            f"({main}, '{ben}', false, now())",
            "permission denied",
        ),  # fmt: skip
        (
            "INSERT INTO journal_changes (entry_id, table_name, op, row_id) "
            "VALUES (1, 'x', 'I', 1)",
            "permission denied",
        ),  # fmt: skip
        ("SET ROLE studygroup_owner", "permission denied"),
        ("ALTER TABLE courses DISABLE ROW LEVEL SECURITY", "must be owner"),
        ("ALTER TABLE courses NO FORCE ROW LEVEL SECURITY", "must be owner"),
        ("DROP POLICY studygroup_read ON courses", "must be owner"),
    ):
        code, out = psql(org, ben, sql)
        assert code != 0 and error in out, (sql, out)
    # COPY into a table with row-level security is refused whole
    code, out = psql(
        org, ben, "COPY courses (group_id, slug, title, status, timezone, weekday, start_time, "
        "session_minutes, pace_minutes, discussion_minutes, intro_minutes, wrapup_minutes, "
        "created_at) FROM STDIN",
        f"{main}\tevil\tEvil\tactive\tUTC\t1\t18:00\t90\t120\t15\t5\t5\t2026-11-01\n\\.\n",
    )  # fmt: skip
    assert code != 0 and "row-level security" in out, out
    # COPY out reads through the policies: only ben's course
    code, out = psql(org, ben, "COPY (SELECT slug FROM courses) TO STDOUT")
    assert (code, out) == (0, "r4c1")
    code, out = psql(org, ben, "COPY courses TO STDOUT")
    assert code == 0 and "\tr4c1\t" in out and "fsdl" not in out  # through the policies too
    # nobody forges a journal entry's author
    code, out = psql(
        org, ben, "INSERT INTO journal (at, who, command, pruned, db_user) VALUES "
        f"(now(), 'x', 'y', false, '{org.ana}') RETURNING db_user"
    )  # fmt: skip
    assert code == 0 and out.splitlines()[0] == ben
    # and main is as it was
    assert [
        c["title"] for c in json.loads(cli(org, org.ana, "course", "list", "--json").stdout)
    ] == ["FSDL"]


def test_no_policy_is_left_off(org: Org) -> None:
    """Every group-owned table has row-level security on and forced, and belongs to the
    NOLOGIN owner."""
    from studygroup.store.security import KEYS, OWNER

    engine = sa.create_engine(org.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, r.rolname "
            "FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
        ).all()
        owner_logs_in = conn.exec_driver_sql(
            f"SELECT rolcanlogin FROM pg_roles WHERE rolname = '{OWNER}'"
        ).scalar()
    engine.dispose()
    found = {name: (rls, forced, owner) for name, rls, forced, owner in rows}
    for table in [*KEYS, "members", "journal", "journal_open", "group_organisers"]:
        assert found[table] == (True, True, OWNER), table
    assert all(owner == OWNER for *_, owner in found.values())
    assert owner_logs_in is False


def test_a_reply_to_another_groups_invitation_is_left_for_its_organiser(
    org: Org,
    imap: Dovecot,  # noqa: F811
    tmp_path: Path,
) -> None:
    """One mailbox for the organisation: ana's fetch cannot see r4ds's sessions, so Cleo's
    answer to r4ds is left unread for ben, never claimed nor moved away from him."""
    org.admin("--group", "r4ds", "session", "plan", "--course", "r4c1", "--from",
              "2026-11-04", "--weeks", "1", env=NOW)  # fmt: skip
    out = tmp_path / "out"
    org.admin("--group", "r4ds", "remind", "--outbox", str(out), "--organizer", GROUP, env=NOW)
    (sent,) = out.glob("*.eml")
    message = message_from_bytes(sent.read_bytes(), policy=email_policy.default)
    invite = Calendar.from_ical(
        next(p for p in message.walk() if p.get_content_type() == "text/calendar").get_content()
    )
    imap.deliver(gmail_reply(invite, "cleo@example.org", "Cleo Park", "ACCEPTED",
                             "<cleo-1@mail.gmail.com>"))  # fmt: skip
    ana = cli(org, org.ana, "rsvp", "fetch", env=imap.env())
    assert "left unread for its group's organiser" in ana.stdout
    box = imap.connect()
    box.select("INBOX")
    assert box.search(None, "UNSEEN")[1][0].split() == [b"1"]  # still ben's to read
    box.logout()
    ben = cli(org, org.ben, "rsvp", "fetch", env=imap.env())
    assert "yes    Cleo Park (r4c1 1): recorded" in ben.stdout
    assert "Cleo Park" in cli(org, org.ben, "rsvp", "list", "1").stdout
