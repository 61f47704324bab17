"""Reminders against a real local SMTP server (aiosmtpd) and a real local HTTP server."""

from __future__ import annotations

import json
import os
import socket
import ssl
import stat
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import CLI


class Inbox:
    def __init__(self, refuse: set[str] | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = refuse or set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def bodies(self) -> dict[str, str]:
        out = {}
        for message in self.messages:
            body = message.get_body(("plain",))
            assert body is not None
            out[str(message["To"])] = body.get_content().replace("\r\n", "\n")
        return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def before_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reminders go out before the call: the Monday before the first session (Tue 27 Oct)."""
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-10-26T09:00:00+00:00")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, dict[str, str]]]:
    inbox = Inbox(refuse={"bob@example.org"})
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {
        "STUDYGROUP_SMTP_HOST": "127.0.0.1",
        "STUDYGROUP_SMTP_PORT": str(controller.port),
        "STUDYGROUP_SMTP_FROM": "Study group <group@example.org>",
        "STUDYGROUP_SMTP_STARTTLS": "0",
    }
    yield inbox, env
    controller.stop()


@pytest.fixture
def group(run: CLI) -> CLI:
    # 27 Oct 2026: the UK is back on GMT (since 25 Oct), New York is still on EDT (until 1 Nov)
    run(
        "course",
        "add",
        "fsdl",
        "Full Stack Deep Learning",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
    )
    run(
        "lecture",
        "add",
        "fsdl",
        "5",
        "Deployment",
        "--minutes",
        "75",
        "--url",
        "https://example.org/5",
    )
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--tz", "Europe/London")
    run("member", "add", "Grace Hopper", "--email", "grace@example.org", "--tz", "America/New_York")
    run("member", "add", "Priya Raman", "--email", "priya@example.org", "--tz", "Asia/Kolkata")
    run("member", "add", "Bob Kahn", "--email", "bob@example.org")
    run("member", "add", "No Mail")
    run("session", "plan", "--from", "2026-10-27")
    run(
        "talk",
        "add",
        "Grace",
        "Transformers in twenty minutes",
        "--minutes",
        "20",
        "--session",
        "next",
    )
    run("item", "add", "Finish labs 6-7", "--owner", "Priya")
    return run


def test_reminders_arrive_in_each_members_time_and_never_twice(
    group: CLI, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    result = group("remind", "--send", env=env, code=1)
    assert result.stderr.splitlines()[-1].startswith("Error: reminders failed for Bob Kahn (")
    assert "no such mailbox" in result.stderr
    bodies = inbox.bodies()
    assert sorted(bodies) == [
        "Ada Lovelace <ada@example.org>",
        "Grace Hopper <grace@example.org>",
        "Priya Raman <priya@example.org>",
    ]
    assert (
        "is on Tue 27 Oct 18:00 London, for 90 minutes.\n"
        in bodies["Ada Lovelace <ada@example.org>"]
    )
    grace = bodies["Grace Hopper <grace@example.org>"]
    assert "Tue 27 Oct 18:00 London — 14:00 your time (America/New_York)" in grace
    assert (
        'You present "Transformers in twenty minutes" (20 min) at Tue 27 Oct 18:20 '
        "London — 14:20 your time (America/New_York)"
    ) in grace
    priya = bodies["Priya Raman <priya@example.org>"]
    assert "Tue 27 Oct 18:00 London — 23:30 your time (Asia/Kolkata)" in priya
    assert "Finish labs 6-7" in priya
    assert "Lecture 5: Deployment, 75 min  https://example.org/5" in priya
    subjects = {str(m["Subject"]) for m in inbox.messages}
    assert subjects == {"Full Stack Deep Learning: session 1, Tue 27 Oct 18:00 London"}

    # a second run sends nothing new (Bob is tried again and still fails)
    second = group("remind", "--send", "--json", env=env, code=1)
    statuses = {r["member"]: r["status"] for r in json.loads(second.stdout)["reminders"]}
    assert statuses == {
        "Ada Lovelace": "already sent",
        "Bob Kahn": "failed",
        "Grace Hopper": "already sent",
        "Priya Raman": "already sent",
    }
    assert len(inbox.messages) == 3
    group("remind", "--send", "--force", "--member", "ada", env=env)
    assert len(inbox.messages) == 4


def test_a_members_offset_changing_on_another_date(
    group: CLI, smtp: tuple[Inbox, dict[str, str]]
) -> None:
    inbox, env = smtp
    group("session", "plan", "--from", "2026-11-03")  # both on standard time now
    group("remind", "2", "--send", "--member", "grace", env=env)
    grace = inbox.bodies()["Grace Hopper <grace@example.org>"]
    assert "Tue 03 Nov 18:00 London — 13:00 your time (America/New_York)" in grace


def test_dry_run_prints_and_sends_nothing(
    group: CLI, smtp: tuple[Inbox, dict[str, str]], snapshot: Any
) -> None:
    inbox, env = smtp
    before = snapshot()
    result = group("remind", env=env)
    # one line per message: the session, the kind, the channel, who, and the time in their zone
    assert result.stdout.splitlines() == [
        "session 1  reminder      email   Ada Lovelace <ada@example.org>  "
        "Tue 27 Oct 18:00 Europe/London",
        "session 1  reminder      email   Bob Kahn <bob@example.org>  "
        "Tue 27 Oct 18:00 Europe/London",
        "session 1  reminder      email   Grace Hopper <grace@example.org>  "
        "Tue 27 Oct 14:00 America/New_York",
        "session 1  reminder      email   Priya Raman <priya@example.org>  "
        "Tue 27 Oct 23:30 Asia/Kolkata",
    ]
    assert "4 would send" in result.stderr and "no email for No Mail" in result.stderr
    full = group("remind", "--full", env=env)
    assert "To: Grace Hopper <grace@example.org>" in full.stdout
    assert full.stdout.count("Subject: ") == 4
    one = group("remind", "--member", "grace", env=env)
    assert one.stdout.startswith("To: Grace Hopper <grace@example.org>\nSubject: ")
    assert inbox.messages == [] and snapshot() == before


def test_a_cancellation_reaches_those_already_reminded(
    group: CLI, smtp: tuple[Inbox, dict[str, str]], snapshot: Any
) -> None:
    """The cron line reminds, the week is cancelled, and the next unattended run tells those
    already reminded before it moves on to the next session (issue 26, item 1)."""
    inbox, env = smtp
    group("remind", "--send", env=env, code=1)  # Bob's mailbox refuses: he is never told
    assert len(inbox.messages) == 3
    cancelled = group("session", "cancel", "1")
    assert cancelled.stderr.endswith(
        "3 members were reminded of session 1; the next 'studygroup remind' tells them "
        "it is cancelled\n"
    )
    dry = group("remind", env=env)
    lines = dry.stdout.splitlines()
    assert lines[:3] == [
        "session 1  cancellation  email   Ada Lovelace <ada@example.org>  "
        "Tue 27 Oct 18:00 Europe/London",
        "session 1  cancellation  email   Grace Hopper <grace@example.org>  "
        "Tue 27 Oct 14:00 America/New_York",
        "session 1  cancellation  email   Priya Raman <priya@example.org>  "
        "Tue 27 Oct 23:30 Asia/Kolkata",
    ]
    assert [line.split()[:3] for line in lines[3:]] == [["session", "2", "reminder"]] * 4
    assert dry.stderr.splitlines()[:2] == [
        "session 1: 3 would send",
        "session 2: 4 would send; no email for No Mail",
    ]
    inbox.refuse.clear()
    sent = group("remind", "--send", "--json", env=env)
    report = json.loads(sent.stdout)
    assert report["session"] == 2
    assert [(r["member"], r["status"]) for r in report["notices"][0]["reminders"]] == [
        ("Ada Lovelace", "sent"),
        ("Grace Hopper", "sent"),
        ("Priya Raman", "sent"),
    ]
    subjects = [str(m["Subject"]) for m in inbox.messages[3:]]
    assert subjects[:3] == ["Full Stack Deep Learning: session 1 on Tue 27 Oct is cancelled"] * 3
    assert len(subjects) == 7 and all("session 2" in s for s in subjects[3:])
    # told once: the next run owes nothing more
    again = group("remind", "--send", "--json", env=env)
    assert json.loads(again.stdout)["notices"] == []
    assert len(inbox.messages) == 10


def test_outbox_writes_private_eml_files(group: CLI, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    group("remind", "--outbox", str(outbox))
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 4
    assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert str(message["From"]) and "session 1" in str(message["Subject"])
    group("remind", "--outbox", str(outbox))
    assert len(sorted(outbox.glob("*.eml"))) == 4


def test_smtp_settings_come_from_the_environment(group: CLI) -> None:
    result = group("remind", "--send", env={"STUDYGROUP_SMTP_HOST": ""}, code=1)
    assert result.stderr == (
        "Error: set STUDYGROUP_SMTP_HOST (and STUDYGROUP_SMTP_FROM) to send mail\n"
    )


def test_starttls_verifies_the_certificate(group: CLI, tmp_path: Path) -> None:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=server_context,
        require_starttls=True,
        server_hostname="localhost",
    )
    controller.start()
    try:
        env = {
            "STUDYGROUP_SMTP_HOST": "localhost",
            "STUDYGROUP_SMTP_PORT": str(controller.port),
            "STUDYGROUP_SMTP_FROM": "group@example.org",
            "STUDYGROUP_SMTP_USER": "org",
            "STUDYGROUP_SMTP_PASSWORD": "hunter2",
        }
        refused = group("remind", "--send", env=env, code=1)
        assert "certificate verify failed" in refused.stderr
        assert "hunter2" not in refused.output
        assert inbox.messages == []
        ca_file = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        trusted = {k: v for k, v in env.items() if "USER" not in k and "PASSWORD" not in k}
        group("remind", "--send", "--member", "ada", env=trusted | {"SSL_CERT_FILE": str(ca_file)})
        assert len(inbox.messages) == 1
    finally:
        controller.stop()


class Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        Hook.received.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
        self.send_response(204 if "fail" not in self.path else 500)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_webhook_gets_the_markdown_agenda_once(group: CLI, webhook: str) -> None:
    url = webhook + "/services/T000/B000/secret-token"
    result = group("remind", "--send", "--webhook", url, "--webhook-only")
    assert "secret-token" not in result.output
    assert len(Hook.received) == 1
    text = Hook.received[0]["body"]["text"]
    assert text.startswith("# Full Stack Deep Learning — session 1")
    group("remind", "--send", "--webhook", url, "--webhook-only")
    assert len(Hook.received) == 1  # never twice
    failing = group("remind", "--send", "--webhook", webhook + "/fail", "--webhook-only", code=1)
    assert "Error: reminders failed for webhook (the webhook answered HTTP 500)" in (failing.stderr)
