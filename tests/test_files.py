"""Files, secrets and text that go out (issue #11, items 4-9 and 14): outputs never follow a
planted symlink and are private, URL secrets never show, encoded words never reach a header,
user text never becomes a link."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from studygroup.errors import Invalid
from studygroup.io.delivery import build_email
from studygroup.io.files import write_file
from studygroup.render.markdown import escape
from tests.conftest import CLI, SCRIPT, CLIFactory, in_private_mount


@pytest.fixture(autouse=True)
def before_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs are made before the call: the day before session 1 (Tue 3 Nov)."""
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-02T09:00:00+00:00")


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "60")
    run("member", "add", "Ada", "--email", "ada@example.org")
    run("session", "plan", "--from", "2026-11-03")
    return run


# -- 5 and 9. outputs: never through a symlink, atomic, private ---------------------------


def test_export_never_writes_through_a_planted_symlink(group: CLI, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    victim.chmod(0o640)
    out = tmp_path / "agenda.md"
    out.symlink_to(victim)
    (tmp_path / "agenda.md.tmp").symlink_to(victim)  # the old fixed temporary name
    result = group("export", "agenda", "-o", str(out), code=1)
    assert result.stderr == (
        f"Error: {out} is a symbolic link; refusing to write through it "
        "(--force replaces the link itself with a regular file)\n"
    )
    group("export", "agenda", "-o", str(out), "--force")
    assert victim.read_text() == "precious"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o640
    assert not out.is_symlink() and out.read_text().startswith("# Course")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".agenda.md.")]


def test_export_refuses_devices_and_keeps_an_existing_files_mode(
    group: CLI, tmp_path: Path
) -> None:
    result = group("export", "agenda", "-o", "/dev/null", "--force", code=1)
    assert result.stderr == "Error: /dev/null is a device; choose a file name\n"
    shared = tmp_path / "feed.ics"
    shared.write_text("old")
    shared.chmod(0o644)  # published on purpose: its owner's mode is kept
    group("export", "ics", "-o", str(shared))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert shared.read_text().startswith("BEGIN:VCALENDAR")
    fresh = tmp_path / "new.ics"
    group("export", "ics", "-o", str(fresh))
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_outbox_never_writes_through_a_planted_symlink(group: CLI, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    outbox = tmp_path / "outbox"
    outbox.mkdir(mode=0o700)
    (outbox / "session-1-1.tmp").symlink_to(victim)
    group("remind", "--outbox", str(outbox))
    assert victim.read_text() == "precious"
    eml = outbox / "session-1-1.eml"
    assert eml.read_bytes().startswith(b"From: studygroup@localhost")
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600


def test_export_to_a_missing_directory_is_one_error_line(group: CLI, tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "x.md"
    result = group("export", "agenda", "-o", str(missing), code=1)
    assert result.stderr == f"Error: no such directory: {missing.parent}\n"


def test_a_full_disk_writes_nothing_and_says_so(group: CLI, db: str, tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = in_private_mount(
        f"""set -e
mount -t tmpfs -o size=64k tmpfs {mount}
echo old > {mount}/agenda.md
dd if=/dev/zero of={mount}/filler bs=4k count=64 2>/dev/null || true
{SCRIPT} export agenda -o {mount}/agenda.md || echo "exit $?"
cat {mount}/agenda.md
ls -a {mount}
""",
        env={"STUDYGROUP_DB": db},
    )
    assert "exit 1" in result.stdout, (result.stdout, result.stderr)
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: disk full while writing {mount}/agenda.md: nothing was written"
    )
    lines = result.stdout.splitlines()
    assert "old" in lines  # the old file is whole
    assert sorted(lines[lines.index("old") + 1 :]) == [".", "..", "agenda.md", "filler"]


def test_write_file_leaves_nothing_when_it_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(Invalid):
        write_file(tmp_path, b"data")  # a directory
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(Invalid):
        write_file(tmp_path / "link", b"data")
    assert list(tmp_path.iterdir()) == [tmp_path / "link"]


# -- 6. secrets ----------------------------------------------------------------------------


class Hook(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        Hook.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    import threading

    server = HTTPServer(("127.0.0.1", 0), Hook)
    Hook.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/services/T0AAA/B0BBB/S3cr3tT0kenS3cr3tT0ken"
    server.shutdown()


def test_the_webhook_url_comes_from_the_environment_or_a_file(
    group: CLI, db: str, webhook: str, tmp_path: Path
) -> None:
    env = {**os.environ, "STUDYGROUP_DB": db, "MY_HOOK": webhook}
    result = subprocess.run(
        [SCRIPT, "remind", "--send", "--webhook", "env:MY_HOOK", "--webhook-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert len(Hook.received) == 1
    assert "S3cr3t" not in result.stdout + result.stderr
    secret_file = tmp_path / "hook"
    secret_file.write_text(webhook + "\n")
    again = group("remind", "--send", "--webhook", f"@{secret_file}", "--webhook-only", "--json")
    assert '"status": "already posted"' in again.stdout  # the same webhook, whatever source
    assert len(Hook.received) == 1
    missing = group("remind", "--webhook", "env:NOT_SET_ANYWHERE", code=1)
    assert missing.stderr == (
        "Error: the webhook variable NOT_SET_ANYWHERE is not set "
        "(from --webhook env:NOT_SET_ANYWHERE)\n"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T0/B0/S3cr3t S3cr3t",
        "http://[x",
        "ftp://hooks.example.org/S3cr3t",
    ],
)
def test_a_bad_webhook_url_is_one_line_without_its_secret(group: CLI, url: str) -> None:
    result = group("remind", "--webhook", url, code=1)
    assert result.stderr.splitlines()[-1] == (
        "Error: the webhook URL is not a valid webhook URL: use https://... "
        "(or http:// for a local relay)"
    )
    assert "S3cr3t" not in result.stderr and "[x" not in result.stderr


def test_a_password_in_the_database_url_query_is_masked(cli_for: CLIFactory) -> None:
    run = cli_for("postgresql://ann@127.0.0.1:1/sg?password=hunter2&sslmode=disable")
    assert run("db", "path").stdout == (
        "postgresql+psycopg://ann@127.0.0.1:1/sg?password=***&sslmode=disable\n"
    )
    result = run("course", "list", code=1)
    assert "hunter2" not in result.output
    assert result.stderr.count("\n") == 1


def test_a_non_ascii_smtp_password_is_one_error_line(group: CLI) -> None:
    env = {
        "STUDYGROUP_SMTP_HOST": "127.0.0.1",
        "STUDYGROUP_SMTP_PORT": "9",
        "STUDYGROUP_SMTP_FROM": "g@example.org",
        "STUDYGROUP_SMTP_USER": "group",
        "STUDYGROUP_SMTP_PASSWORD": "pässwörd",
        "STUDYGROUP_SMTP_STARTTLS": "0",
    }
    result = group("remind", "--send", env=env, code=1)
    assert result.stderr.splitlines()[-1] == (
        "Error: STUDYGROUP_SMTP_USER and STUDYGROUP_SMTP_PASSWORD must be ASCII (SMTP login "
        "sends them as ASCII); ask your provider for an app password"
    )
    assert "pässwörd" not in result.output


# -- 4. encoded words ----------------------------------------------------------------------


def _encoded(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


@pytest.mark.parametrize(
    "args",
    [
        ("member", "add", "Mallory " + _encoded("x\r\nBcc: victim@evil.example\r\n\r\nlocked")),
        (
            "course",
            "add",
            "d",
            "Bcc: a@b.c=?utf-8?q?x?=",
            "--weekday",
            "tue",
            "--time",
            "18:00",
            "--tz",
            "UTC",
        ),
        ("member", "add", "Eve\u202egnp.exe"),
        ("member", "add", "Zero\u200bWidth"),
    ],
)
def test_encoded_words_and_invisible_characters_are_refused_in_names_and_titles(
    group: CLI, snapshot: Callable[[], Any], args: tuple[str, ...]
) -> None:
    before = snapshot()
    result = group(*args, code=1)
    assert (
        "must not contain an encoded word" in result.stderr
        or "must not contain invisible characters" in result.stderr
    )
    assert snapshot() == before


def test_names_are_stored_nfc_normalised(group: CLI) -> None:
    group("member", "add", "Zoe\u0308 A\u030angstro\u0308m")  # decomposed, as macOS types it
    assert group.json("member", "show", "Zoë Ångström")["name"] == "Zoë Ångström"
    result = group("member", "add", "Zoë Ångström", code=1)
    assert result.stderr == "Error: a member named 'Zoë Ångström' already exists\n"


encoded_words = st.builds(
    lambda pre, payload, post: f"{pre}{_encoded(payload)}{post}",
    st.text(max_size=10),
    st.text(max_size=40),
    st.text(max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(name=encoded_words, subject=st.one_of(encoded_words, st.just("Course: session 1")))
def test_an_encoded_word_never_reaches_a_header(name: str, subject: str) -> None:
    try:
        message = build_email("g@example.org", name, "m@example.org", subject, "body")
    except Invalid as exc:
        assert "encoded word" in str(exc)
        return
    parsed = message_from_bytes(bytes(message), policy=policy.default)
    assert set(parsed.keys()) == {
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    }


# -- 8. no link from user text, bare domains and look-alikes included ----------------------


@pytest.mark.parametrize(
    "title",
    [
        "evil.com/login",
        "ｗｗｗ.evil.com",
        "see evil.co.uk now",
        "mail admin@evil.com",
        "www.evil.com",
    ],
)
def test_a_bare_domain_in_user_text_never_becomes_a_link(title: str) -> None:
    md = MarkdownIt("gfm-like")  # linkify on, fuzzy_link at its default
    html = md.render(escape(title))
    assert "<a " not in html, html
    assert md.render(escape(title)).strip() == f"<p>{title.replace('&', '&amp;')}</p>"
