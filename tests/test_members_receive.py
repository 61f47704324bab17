"""What members receive: chat posts that render and are safe, reminders with an HTML part and
the session's calendar event, change notices once. A real local SMTP server and a real local
HTTP server; payloads asserted exactly and parsed back with the real libraries."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import CLI
from tests.test_remind import Inbox, smtp  # noqa: F401  (a fixture)

HOSTILE = "Mallory @everyone <!here> *x* [a](b) <script>"
ZOOM = "https://zoom.us/j/98765?pwd=Zm9vYmFy"


@pytest.fixture(autouse=True)
def before_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Monday before the first session (Tue 27 Oct 2026, 18:00 London)."""
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-10-26T09:00:00+00:00")


@pytest.fixture
def group(run: CLI) -> CLI:
    run(
        "course",
        "add",
        "fsdl",
        "FSDL",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--call-url",
        ZOOM,
        "--call-note",
        "passcode 4242",
    )
    run("lecture", "add", "fsdl", "1", "Intro & <setup>", "--minutes", "20", "--url",
        "https://example.org/1?a=1&b=<2>")  # fmt: skip
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--tz", "Asia/Kolkata")
    run("member", "add", HOSTILE, "--email", "mallory@example.org")
    run("session", "plan", "--from", "2026-10-27", "--weeks", "2")
    run("talk", "add", "Mallory", "Pwn <@U123> http://evil.example", "--session", "1")
    return run


def test_a_slack_post_is_exact_and_can_mention_or_link_nothing(group: CLI) -> None:
    payloads = json.loads(group("export", "agenda", "--format", "slack").stdout)
    start = int(datetime(2026, 10, 27, 18, 0, tzinfo=UTC).timestamp())  # GMT since 25 Oct
    assert payloads == [
        {
            "text": "FSDL — session 1, Tue 27 Oct 18:00 Europe/London",
            "blocks": [
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*FSDL — session 1*\n"
                        f"<!date^{start}^{{date_short_pretty}} {{time}}|Tue 27 Oct 18:00 "
                        "Europe/London> · 90 min\n"
                        f"<{ZOOM}|Join the call> — passcode 4242",
                        "verbatim": True,
                    },
                },
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*Agenda*\n"
                        f"<!date^{start}^{{time}}|18:00>  Intro (5 min)\n"
                        f"<!date^{start + 300}^{{time}}|18:05>  Lecture 1: Intro &amp; "
                        "&lt;setup&gt; (15 min)\n"
                        f"<!date^{start + 1200}^{{time}}|18:20>  Talk: Pwn &lt;@U123&gt; "
                        "http://evil.example — Mallory @everyone &lt;!here&gt; *x* [a](b) "
                        "&lt;script&gt; (25 min)\n"
                        f"<!date^{start + 2700}^{{time}}|18:45>  Wrap-up (5 min)",
                        "verbatim": True,
                    },
                },
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*Watch beforehand*\n"
                        "• <https://example.org/1?a=1&b=%3C2%3E|Lecture 1: Intro &amp; "
                        "&lt;setup&gt;> — 20 min",
                        "verbatim": True,
                    },
                },
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*Next*: session 2, "
                        f"<!date^{start + 7 * 86400}^{{date_short_pretty}} {{time}}|Tue 03 Nov "
                        "18:00>",
                        "verbatim": True,
                    },
                },
            ],
        }
    ]
    # every control sequence in the post is one of ours: a date, or a link we made
    for block in payloads[0]["blocks"]:
        for token in re.findall(r"<[^>]*>", block["text"]["text"]):
            assert token.startswith(("<!date^", "<https://")), token
        assert "<!here>" not in block["text"]["text"] and "<@U" not in block["text"]["text"]


def test_a_discord_post_is_exact_and_pings_nobody(group: CLI) -> None:
    payloads = json.loads(group("export", "agenda", "--format", "discord").stdout)
    start = int(datetime(2026, 10, 27, 18, 0, tzinfo=UTC).timestamp())
    assert payloads == [
        {
            "content": "**FSDL — session 1**\n"
            f"<t:{start}:F> · 90 min\n"
            f"[Join the call](<{ZOOM}>) — passcode 4242\n"
            "\n"
            "**Agenda**\n"
            f"<t:{start}:t>  Intro (5 min)\n"
            f"<t:{start + 300}:t>  Lecture 1: Intro \\& \\<setup\\> (15 min)\n"
            f"<t:{start + 1200}:t>  Talk: Pwn \\<\\@U123\\> http\\://evil\\.example — Mallory "
            "\\@everyone \\<\\!here\\> \\*x\\* \\[a\\](b) \\<script\\> (25 min)\n"
            f"<t:{start + 2700}:t>  Wrap-up (5 min)\n"
            "\n"
            "**Watch beforehand**\n"
            "• [Lecture 1: Intro \\& \\<setup\\>](<https://example.org/1?a=1&b=%3C2%3E>) — 20 min\n"
            "\n"
            f"**Next**: session 2, <t:{start + 7 * 86400}:F>",
            "allowed_mentions": {"parse": []},
        }
    ]


class Hook(BaseHTTPRequestHandler):
    """A chat's incoming webhook: /ok answers 204; /busy answers 429 (Retry-After: 0) to every
    other request; /slow always 429 with Retry-After: 120; /gone 404."""

    received: list[dict[str, Any]] = []
    calls = 0

    def do_POST(self) -> None:  # noqa: N802
        Hook.calls += 1
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        if self.path.startswith("/busy") and Hook.calls % 2 == 1:
            self.send_response(429)
            self.send_header("Retry-After", "0")
        elif self.path.startswith("/slow"):
            self.send_response(429)
            self.send_header("Retry-After", "120")
        elif self.path.startswith("/gone"):
            self.send_response(404)
        else:
            Hook.received.append({"path": self.path, "body": body})
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    Hook.received, Hook.calls = [], 0
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_long_agenda_reaches_discord_in_parts_posted_once(group: CLI, hook: str) -> None:
    for n in range(1, 31):
        group("item", "add", f"Homework {n}: " + "read the chapter and write notes " * 8)
    url = hook + "/ok/api/webhooks/1/secret-token"
    result = group("remind", "--send", "--webhook", url, "--chat", "discord", "--webhook-only",
                   "--json")  # fmt: skip
    assert "secret-token" not in result.output
    posted = [r["body"] for r in Hook.received]
    assert len(posted) >= 3
    assert all(len(p["content"]) <= 2000 for p in posted)
    assert all(p["allowed_mentions"] == {"parse": []} for p in posted)
    whole = "\n".join(p["content"] for p in posted)
    assert whole == "\n".join(
        p["content"] for p in json.loads(group("export", "agenda", "--format", "discord").stdout)
    )
    assert whole.count("• Everyone: Homework") == 25  # the rest are counted
    slack = json.loads(group("export", "agenda", "--format", "slack").stdout)
    sections = [block["text"]["text"] for post in slack for block in post["blocks"]]
    assert len(slack) == 1 and len(sections) <= 50
    assert max(len(text) for text in sections) <= 3000
    assert sum("• Everyone: Homework" in text for text in sections) >= 2  # items split in two
    assert "… and 5 more on the agenda" in whole
    statuses = [r["status"] for r in json.loads(result.stdout)["reminders"]]
    assert statuses == ["posted"] * len(posted)
    again = group.json("remind", "--send", "--webhook", url, "--chat", "discord", "--webhook-only")
    assert {r["status"] for r in again["reminders"]} == {"already posted"}
    assert len(Hook.received) == len(posted)


def test_rate_limits_are_honoured_and_failures_name_the_chat(group: CLI, hook: str) -> None:
    busy = hook + "/busy/services/T0/B0/secret-token"
    group("remind", "--send", "--webhook", busy, "--chat", "slack", "--webhook-only")
    assert len(Hook.received) == 1 and Hook.calls == 2  # one 429, then posted

    slow = hook + "/slow/services/T0/B0/secret-token"
    failed = group("remind", "--send", "--webhook", slow, "--chat", "slack", "--webhook-only",
                   code=1)  # fmt: skip
    assert "Slack answered HTTP 429 (rate limited) 1 times; it asked to wait 120 s" in (
        failed.stderr
    )
    assert "secret-token" not in failed.output + failed.stderr
    gone = group("remind", "--send", "--webhook", hook + "/gone/secret-token", "--chat",
                 "discord", "--webhook-only", code=1)  # fmt: skip
    assert "Discord answered HTTP 404" in gone.stderr
    assert "secret-token" not in gone.output + gone.stderr


def test_the_chat_is_known_from_the_webhook_host() -> None:
    from studygroup.io.delivery import chat_for

    assert chat_for("https://hooks.slack.com/services/T/B/x") == "slack"
    assert chat_for("https://discord.com/api/webhooks/1/x") == "discord"
    assert chat_for("https://discordapp.com/api/webhooks/1/x") == "discord"
    assert chat_for("https://chat.example.org/hooks/x") == "markdown"
    assert chat_for("https://hooks.slack.com.evil.example/x") == "markdown"


def _parts(message: EmailMessage) -> dict[str, Any]:
    return {part.get_content_type(): part for part in message.walk()}


def test_a_reminder_has_html_and_the_sessions_event(
    group: CLI,
    smtp: tuple[Inbox, dict[str, str]],  # noqa: F811
    tmp_path: Path,
) -> None:
    inbox, env = smtp
    group("remind", "--send", env=env)
    by_to = {str(m["To"]): m for m in inbox.messages}
    ada = by_to["Ada Lovelace <ada@example.org>"]
    assert ada.get_content_type() == "multipart/mixed"
    parts = _parts(ada)
    assert set(parts) == {"multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                          "text/calendar", "application/ics"}  # fmt: skip
    text = parts["text/plain"].get_content().replace("\r\n", "\n")
    assert text.startswith(
        "Hi Ada,\n\nSession 1 of FSDL is on Tue 27 Oct 18:00 London — 23:30 your time "
        "(Asia/Kolkata), for 90 minutes.\n\n"
        f"Join the call: {ZOOM} (passcode 4242)\n\n"
    )
    assert re.match(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} 2026 09:00:00 \+0000$", str(ada["Date"]))

    # an invitation, laid out as Google Calendar's own: text/calendar; method=REQUEST inside
    # multipart/alternative, after the text and the HTML, and invite.ics attached
    alternative = [p.get_content_type() for p in parts["multipart/alternative"].iter_parts()]
    assert alternative == ["text/plain", "text/html", "text/calendar"]
    invite = parts["text/calendar"]
    assert invite.get_param("method") == "REQUEST"
    assert parts["application/ics"].get_filename() == "invite.ics"
    assert parts["application/ics"].get_content() == invite.get_content().encode()
    calendar = Calendar.from_ical(invite.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:" + env["STUDYGROUP_SMTP_FROM"].split("<")[-1].rstrip(
        ">"
    )
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:ada@example.org"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    assert attendee.params["CN"] == "Ada Lovelace"
    assert event.decoded("DTSTART") == datetime(2026, 10, 27, 18, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == ZOOM
    group("export", "ics", "-o", str(tmp_path / "feed.ics"))
    feed = {str(e["UID"]): e for e in Calendar.from_ical((tmp_path / "feed.ics").read_bytes())
            .walk("VEVENT")}  # fmt: skip
    assert int(feed[str(event["UID"])]["SEQUENCE"]) == int(event["SEQUENCE"]) == 0

    # each member's invitation names them, and only them
    others = [m for m in inbox.messages if "ada@" not in str(m["To"])]
    for other in others:
        (theirs,) = Calendar.from_ical(_parts(other)["text/calendar"].get_content()).walk("VEVENT")
        assert str(theirs["ATTENDEE"]) == "mailto:" + other["To"].addresses[0].addr_spec
    mallory = _parts(by_to[str(next(m["To"] for m in inbox.messages if "mallory" in m["To"]))])
    html = mallory["text/html"].get_content()
    assert "<p>Hi Mallory,</p>" in html
    assert "Pwn &lt;@U123&gt; http://evil.example" in html
    assert "<script>" not in html and "<@U123>" not in html
    assert f'<a href="{ZOOM}">{ZOOM}</a>' in html
    assert '<a href="https://example.org/1?a=1&amp;b=&lt;2&gt;">' in html


def test_method_publish_keeps_a_plain_calendar_file(
    group: CLI,
    smtp: tuple[Inbox, dict[str, str]],  # noqa: F811
) -> None:
    inbox, env = smtp
    group("remind", "--send", "--method", "publish", env=env)
    parts = _parts(inbox.messages[0])
    assert "application/ics" not in parts
    invite = parts["text/calendar"]
    assert invite.get_filename() == "session-1.ics" and invite.get_param("method") == "PUBLISH"
    (event,) = Calendar.from_ical(invite.get_content()).walk("VEVENT")
    assert "ATTENDEE" not in event and "ORGANIZER" not in event


def test_an_invitation_needs_a_mailbox_for_the_answers(group: CLI, tmp_path: Path) -> None:
    result = group("remind", "--outbox", str(tmp_path / "out"), "--method", "request", code=1)
    assert "an invitation needs the group's mailbox" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    group("remind", "--outbox", str(tmp_path / "out"), "--organizer", "fsdl@example.org")
    sent = sorted((tmp_path / "out").glob("*.eml"))
    assert sent
    message = message_from_bytes(sent[0].read_bytes(), policy=email_policy.default)
    calendar = Calendar.from_ical(_parts(message)["text/calendar"].get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar.walk("VEVENT")[0]["ORGANIZER"]) == "mailto:fsdl@example.org"


def test_a_member_is_greeted_by_their_first_or_chosen_name(
    group: CLI,
    smtp: tuple[Inbox, dict[str, str]],  # noqa: F811
) -> None:
    inbox, env = smtp
    group("member", "add", "Okafor, Daniel", "--email", "daniel@example.org")
    group("member", "edit", "Ada", "--greeting-name", "Countess")
    assert group.json("member", "show", "ada")["greeting"] == "Countess"
    assert group.json("member", "show", "okafor")["greeting"] == "Daniel"
    group("remind", "--send", env=env)
    greetings = {
        m["To"].addresses[0].addr_spec: m.get_body(("plain",)).get_content().split("\r\n")[0]
        for m in inbox.messages
    }
    assert greetings == {
        "ada@example.org": "Hi Countess,",
        "daniel@example.org": "Hi Daniel,",
        "mallory@example.org": "Hi Mallory,",
    }


def test_a_move_is_announced_once_to_those_already_reminded(
    group: CLI,
    smtp: tuple[Inbox, dict[str, str]],  # noqa: F811
) -> None:
    inbox, env = smtp
    group("remind", "--send", "--member", "ada", env=env)
    group("session", "move", "1", "--to", "2026-10-28 15:00")
    group("member", "add", "Zoe", "--email", "zoe@example.org")
    moved = group.json("remind", "--send", env=env)
    subjects = {r["member"]: (r["subject"], r["status"]) for r in moved["reminders"]}
    assert subjects["Ada Lovelace"] == (
        "FSDL: session 1 moved to Wed 28 Oct 15:00 London — 20:30 your time (Asia/Kolkata)",
        "sent",
    )
    assert subjects["Zoe"] == (
        "FSDL: session 1, Wed 28 Oct 15:00 London",
        "sent",
    )  # new: a reminder
    notice = inbox.messages[-3:]
    ada = next(m for m in notice if "ada@" in str(m["To"]))
    body = ada.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith(
        "Hi Ada,\n\nSession 1 has moved: it is now Wed 28 Oct 15:00 London — 20:30 your time "
        "(Asia/Kolkata) (it was Tue 27 Oct 18:00 London — 23:30 your time (Asia/Kolkata)).\n\n"
    )
    again = group.json("remind", "--send", env=env)
    assert {r["status"] for r in again["reminders"]} == {"already sent"}
    count = len(inbox.messages)

    group("session", "cancel", "1")
    cancelled = group.json("remind", "1", "--send", env=env)
    assert {r["status"] for r in cancelled["reminders"]} == {"sent"}
    assert all("is cancelled" in r["subject"] for r in cancelled["reminders"])
    group("session", "uncancel", "1")
    back = group.json("remind", "1", "--send", "--member", "ada", env=env)
    assert back["reminders"][0]["subject"].startswith("FSDL: session 1 is back on, ")
    assert len(inbox.messages) == count + 3 + 1


def test_a_reminder_says_how_to_vote_in_an_open_poll(group: CLI) -> None:
    group("poll", "create", "What next?", "--closes", "2026-11-10")
    group("poll", "add-option", "1", "fast.ai Part 2")
    group("poll", "add-option", "1", "Made With ML")
    dry = group("remind", "--member", "ada").stdout
    assert (
        "Vote for the next course: What next?. Reply with the numbers of the options in your "
        'order of preference (e.g. "2 1"). Voting closes 2026-11-10.\n'
        "  1. fast.ai Part 2\n"
        "  2. Made With ML\n\n"
        "See you there!\n"
    ) in dry
    # and the call link and the member's own time come before everything else
    body = dry.split("\n\n", 1)[1]
    assert body.startswith("Hi Ada,\n\nSession 1 of FSDL is on Tue 27 Oct 18:00 London — 23:30")
    assert body.index("Join the call:") < body.index("Please watch beforehand:")
