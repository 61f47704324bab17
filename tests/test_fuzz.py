"""Hostile input, fuzzed with hypothesis: every failure is one `Error:` line with exit 1 or 2,
never a traceback, and the database is unchanged."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CLI

# 50 examples per test in the everyday suite; CI runs this file again on its own with
# STUDYGROUP_FUZZ_EXAMPLES=1250 (8 tests: 10,000 generated cases) so the suite stays fast.
EXAMPLES = int(os.environ.get("STUDYGROUP_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

nasty_chars = st.sampled_from(list("\r\n\x00\t\x1b\u2028\u2029\ufeff|*_[]()<>&;,\"'\\@:/%"))
# lone surrogates included: that is how Python hands over bytes that are not valid UTF-8
words = st.text(
    alphabet=st.one_of(
        nasty_chars,
        st.characters(blacklist_categories=()),
        st.sampled_from(["\udce9", "\udcff", "\ud800"]),
    ),
    max_size=30,
)
huge = st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "😀"]), st.integers(190, 12_000))
numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers().map(str),
    st.sampled_from(
        [
            "0",
            "-5",
            "1e3",
            "99999999999999999999",
            "NaN",
            "",
            "15",
            str(2**31),
            str(2**63),
            "9" * 5000,
            "²",
            "١٢",
            "\uff11\uff15",
        ]
    ),
)
zones = st.one_of(
    st.sampled_from(
        [
            "Europe/London",
            "Mars/Olympus",
            "UTC",
            "../etc/passwd",
            "",
            "Europe/London\n",
            "EST5EDT",
            "/etc/localtime",
        ]
    ),
    words,
)
dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2026-02-30", "2026-13-01", "today", "", "2026-11-3"]),
    words,
)
text = st.one_of(
    words,
    huge,
    numbers,
    st.sampled_from(
        [
            "",
            " ",
            "Ada",
            "ada",
            "next",
            "last",
            "0",
            "-1",
            "2026-02-30",
            "9999-99-99",
            "=?utf-8?b?eA0KQmNjOiB4QHkuego=?=",
            # issue 27: encoded words with whitespace, folding, B and Q, nested
            "Eve =?utf-8?q?x =0D=0ABcc:_victim@evil.example=0D=0A=0D=0Abody?=",
            "Eve\t=?UTF-8?B?eA0KQmNjOiB2QGV2aWwuZXhhbXBsZQ==?=",
            "=?utf-8?q?=3D=3Futf-8=3Fq=3Fx=3D0D=3D0ABcc=3A_v=40e.x=3F=3D?=",
            # invisible code points, and names that need their joiners
            "Ada\u00adLovelace",
            "\u3164",
            "Ada\U000e0041",
            "\u2800 ",
            "👩\u200d💻 Dana",
            "علی\u200cرضا احمدی",
            "\u200dAda",
            "evil.com/login",
        ]
    ),
)


def check(run: CLI, snapshot: Callable[[], Any], *args: str) -> None:
    before = snapshot()
    result = run.runner.invoke(
        __import__("studygroup.cli", fromlist=["cli"]).cli, ["--db", run.target, *args]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, (args, result.stderr)
        assert snapshot() == before, args


@pytest.fixture
def snapshot(db: str, engine_for: Callable[[str], Any]) -> Iterator[Callable[[], Any]]:
    """What "unchanged" means here, at a constant cost per example (not two full dumps of a
    database that grows with every example): nothing was committed. Every change to a tracked
    table files a journal row (the triggers), and the untracked tables' ids only grow, so
    their highest ids change with any commit; on SQLite, `PRAGMA data_version` on a
    connection of its own changes whenever another connection commits anything."""
    import sqlalchemy as sa

    engine = engine_for(db)
    watcher = engine.connect()
    sqlite = engine.dialect.name == "sqlite"

    def fingerprint() -> tuple[Any, ...]:
        with engine.connect() as conn:
            highest = tuple(
                conn.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar()
                for table in ("journal", "journal_changes", "reminders")
            )
        version = watcher.exec_driver_sql("PRAGMA data_version").scalar() if sqlite else None
        if not sqlite:
            watcher.rollback()
        return (*highest, version)

    yield fingerprint
    watcher.close()


@pytest.fixture
def base(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("member", "add", "Ada", "--email", "ada@example.org")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "2")
    return run


@FUZZ
@given(name=text, email=text, handle=text, zone=zones)
def test_fuzz_member_add(
    base: CLI, snapshot: Callable[[], Any], name: str, email: str, handle: str, zone: str
) -> None:
    check(base, snapshot, "member", "add", name, "--email", email, "--handle", handle, "--tz", zone)


@FUZZ
@given(slug=text, title=text, day=text, at=text, zone=zones, minutes=numbers, pace=numbers)
def test_fuzz_course_add(
    base: CLI,
    snapshot: Callable[[], Any],
    slug: str,
    title: str,
    day: str,
    at: str,
    zone: str,
    minutes: str,
    pace: str,
) -> None:
    check(
        base,
        snapshot,
        "course",
        "add",
        slug,
        title,
        "--weekday",
        day,
        "--time",
        at,
        "--tz",
        zone,
        "--minutes",
        minutes,
        "--pace",
        pace,
    )


@FUZZ
@given(label=text, title=text, minutes=numbers, url=text)
def test_fuzz_lecture_add(
    base: CLI, snapshot: Callable[[], Any], label: str, title: str, minutes: str, url: str
) -> None:
    check(base, snapshot, "lecture", "add", "c", label, title, "--minutes", minutes, "--url", url)


@FUZZ
@given(what=text, owner=text, ref=text, presenter=text, minutes=numbers)
def test_fuzz_items_and_talks(
    base: CLI,
    snapshot: Callable[[], Any],
    what: str,
    owner: str,
    ref: str,
    presenter: str,
    minutes: str,
) -> None:
    check(base, snapshot, "item", "add", what, "--owner", owner, "--due", ref)
    check(base, snapshot, "talk", "add", presenter, what, "--minutes", minutes, "--session", ref)


@FUZZ
@given(ref=text, names=st.lists(text, max_size=3), weeks=numbers, start=dates, at=text)
def test_fuzz_sessions_and_attendance(
    base: CLI,
    snapshot: Callable[[], Any],
    ref: str,
    names: list[str],
    weeks: str,
    start: str,
    at: str,
) -> None:
    check(base, snapshot, "attend", ref, *names, "--absent", "Ada")
    check(base, snapshot, "session", "plan", "--weeks", weeks, "--from", start)
    check(base, snapshot, "session", "move", ref, "--to", f"{start} {at}")
    check(base, snapshot, "session", "close", ref, "--not-covered", at)


cells = st.one_of(
    words,
    huge,
    numbers,
    st.sampled_from(["yes", "no", "lab", "guest", "", "https://example.org/x", "-5"]),
)


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str, bom: bool) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    return (b"\xef\xbb\xbf" if bom else b"") + data


encodings = st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16", "cp1252"])


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=6),
    encoding=encodings,
    bom=st.booleans(),
    duplicate=st.booleans(),
)
def test_fuzz_course_import(
    base: CLI,
    snapshot: Callable[[], Any],
    tmp_path: Path,
    rows: list[list[str]],
    encoding: str,
    bom: bool,
    duplicate: bool,
) -> None:
    if duplicate and rows:
        rows = rows + [rows[0]]
    path = tmp_path / "syllabus.csv"
    path.write_bytes(
        csv_bytes(["label", "title", "kind", "minutes", "optional", "url"], rows, encoding, bom)
    )
    check(base, snapshot, "course", "import", "c", str(path))


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=5), max_size=6),
    encoding=encodings,
    bom=st.booleans(),
)
def test_fuzz_member_import(
    base: CLI,
    snapshot: Callable[[], Any],
    tmp_path: Path,
    rows: list[list[str]],
    encoding: str,
    bom: bool,
) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(csv_bytes(["name", "email", "handle", "timezone"], rows, encoding, bom))
    check(base, snapshot, "member", "import", str(path))


REPORT_HEADERS = [
    ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"],
    ["Name (Original Name)", "User Email", "Total Duration (Minutes)", "Guest"],
    [
        "Name (original name)",
        "Email",
        "Join time",
        "Leave time",
        "Duration (minutes)",
        "Guest",
        "In waiting room",
    ],
    ["First name", "Last name", "Email", "Duration", "Time joined", "Time exited"],
    ["Full Name", "User Action", "Timestamp"],
    ["name", "email"],
]
stamps = st.one_of(
    cells,
    st.sampled_from(
        [
            "11/03/2026 06:00:00 PM",
            "03/11/26, 18:00:00",
            "2026-11-03 18:00",
            "6:00 PM",
            "31/02/2026 10:00",
            "1 hr 57 min",
            "1h 2m 10s",
            "Joined",
            "Left",
            "Yes",
        ]
    ),
)


@FUZZ
@given(
    rows=st.lists(st.lists(stamps, min_size=0, max_size=7), max_size=6),
    header=st.sampled_from(REPORT_HEADERS),
    teams=st.booleans(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=encodings,
    bom=st.booleans(),
    cut=st.integers(0, 400),
    raw=st.binary(max_size=200),
)
def test_fuzz_attendance_import(
    base: CLI,
    snapshot: Callable[[], Any],
    tmp_path: Path,
    rows: list[list[str]],
    header: list[str],
    teams: bool,
    delimiter: str,
    encoding: str,
    bom: bool,
    cut: int,
    raw: bytes,
) -> None:
    """Every reader, every delimiter and encoding, truncated files and raw bytes."""
    import csv
    import io

    buffer = io.StringIO()
    if teams:
        buffer.write("1. Summary\nStart time\t03/11/26, 18:00:00\n\n2. Participants\n")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    data = (b"\xef\xbb\xbf" if bom else b"") + data
    path = tmp_path / "participants.csv"
    path.write_bytes(data)
    check(base, snapshot, "attend", "import", str(path), "--add-unknown")
    path.write_bytes(data[: cut % (len(data) + 1)])
    check(base, snapshot, "attend", "import", str(path), "--add-unknown")
    path.write_bytes(raw)
    check(base, snapshot, "attend", "import", str(path), "--add-unknown")
