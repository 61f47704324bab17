"""Exported fields cannot be escaped out of: iCalendar properties and email headers; and
passwords never appear in output."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from studygroup.io.delivery import build_email
from studygroup.render.ics import calendar_ics
from tests.conftest import CLIFactory

anything = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\r\n;,:\\\"'<>@=\t")), st.characters(blacklist_categories=("Cs",))
    ),
    min_size=1,
    max_size=50,
)


def raw_value(ics: bytes, name: str) -> str:
    """One property's TEXT value: unfolded, then unescaped as RFC 5545 says."""
    unfolded = ics.decode().replace("\r\n ", "").replace("\r\n\t", "")
    found = [line for line in unfolded.split("\r\n") if line.startswith(name + ":")]
    assert len(found) == 1, found
    return re.sub(
        r"\\([\\;,nN])",
        lambda m: "\n" if m.group(1) in "nN" else m.group(1),
        found[0][len(name) + 1 :],
    )


@settings(max_examples=150, deadline=None)
@given(title=anything, summary=anything, description=anything)
@example(title="T", summary="a\\Nb", description="c\\nd\\")  # a literal backslash-N
def test_ics_fields_cannot_add_properties_or_events(
    title: str, summary: str, description: str
) -> None:
    start = datetime(2026, 11, 3, 18, tzinfo=UTC)
    doc = {
        "course": {"title": title, "timezone": "Europe/London", "url": None},
        "events": [
            {
                "uid": "u1@studygroup",
                "number": 1,
                "status": "planned",
                "starts_at": start,
                "ends_at": start + timedelta(minutes=90),
                "timezone": "Europe/London",
                "summary": summary,
                "description": description,
                "sequence": 0,
                "call_url": None,
            }
        ],
    }
    ics = calendar_ics(doc, datetime(2026, 11, 23, tzinfo=UTC))
    parsed = Calendar.from_ical(ics)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert set(event) == {
        "UID",
        "SEQUENCE",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "DESCRIPTION",
        "STATUS",
    }

    def lines(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    # the values as RFC 5545 reads them (icalendar's parser mangles a literal backslash-N)
    assert raw_value(ics, "SUMMARY") == lines(summary)
    assert raw_value(ics, "DESCRIPTION") == lines(description)
    assert set(parsed) == {
        "PRODID",
        "VERSION",
        "CALSCALE",
        "METHOD",
        "X-WR-CALNAME",
        "X-WR-TIMEZONE",
        "REFRESH-INTERVAL",
        "X-PUBLISHED-TTL",
    }
    assert "\n" not in str(parsed["X-WR-CALNAME"]) and "\r" not in str(parsed["X-WR-CALNAME"])


LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def admitted_or_breaking(text: str) -> bool:
    """What can reach an email header: text validation admits no control characters, and a
    line break (the injection attempt) must be refused by the email policy as well. (Other
    controls never get in: the stdlib leaves e.g. ' \\x1f\\x80' as a raw encoded word.)"""
    return all(ch in LINE_BREAKS or unicodedata.category(ch) != "Cc" for ch in text)


@settings(max_examples=150, deadline=None)
@given(
    name=anything.filter(admitted_or_breaking),
    subject=anything.filter(admitted_or_breaking),
    body=anything,
)
@example(name="; é", subject="0", body="0")  # once re-parsed as an address group: To lost
@example(name='Eve | *bold* "x" <y>', subject="Bcc: all", body="0")
def test_email_headers_hold_exactly_what_was_given(name: str, subject: str, body: str) -> None:
    try:
        message = build_email("Group <group@example.org>", name, "ada@example.org", subject, body)
        data = bytes(message)
    except ValueError:  # refused outright: only ever for a line break in a header
        assert any(ch in name + subject for ch in LINE_BREAKS)
        return
    parsed = message_from_bytes(data, policy=policy.default)
    assert sorted(parsed.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Content-Type",
            "Content-Transfer-Encoding",
            "MIME-Version",
        ]
    )
    assert parsed["To"].addresses[0].addr_spec == "ada@example.org"
    # folding may move whitespace around (RFC 2047 encoded words); the text itself is intact
    assert "".join(parsed["To"].addresses[0].display_name.split()) == "".join(name.split())
    assert "".join(str(parsed["Subject"]).split()) == "".join(subject.split())


@pytest.mark.parametrize("bad", ["Eve\r\nBcc: all@example.org", "Eve\nX-Evil: 1"])
def test_email_refuses_line_breaks_in_headers(bad: str) -> None:
    with pytest.raises(ValueError):
        bytes(build_email("group@example.org", bad, "eve@example.org", "Hi", "body"))
    with pytest.raises(ValueError):
        bytes(build_email("group@example.org", "Eve", "eve@example.org", bad, "body"))


@pytest.mark.parametrize(
    "args",
    [
        ["course", "list"],
        ["member", "add", "Ada"],
        ["init"],
        ["db", "current"],
        ["db", "upgrade"],
        ["agenda"],
        ["db", "path", "--json"],
    ],
)
def test_passwords_never_appear(cli_for: CLIFactory, args: list[str]) -> None:
    run = cli_for("postgresql://organiser:s3cr%25et-pw@127.0.0.1:1/sg")
    result = run.runner.invoke(
        __import__("studygroup.cli", fromlist=["cli"]).cli, ["--db", run.target, *args]
    )
    assert "s3cr" not in result.output and "et-pw" not in result.output
    assert "Traceback" not in result.output
