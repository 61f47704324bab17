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

from studygroup.io.delivery import build_email, header_text
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


# The attack of issue 27 (an encoded word with a space inside, which a shape-matching regex
# missed) and its variants: whitespace, folding, B and Q encodings, nested words.
ENCODED_ATTACKS = [
    "Eve =?utf-8?q?x =0D=0ABcc:_victim@evil.example=0D=0A=0D=0Abody?=",
    "Eve =?utf-8?Q?x=0D=0ABcc:_victim@evil.example?=",
    "Eve =?UTF-8?B?eA0KQmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl?=",
    "Eve =?utf-8?b?eA0KQmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl?= tail",
    "=?utf-8?q?=3D=3Futf-8=3Fq=3Fx=3D0D=3D0ABcc=3A_v=40evil.example=3F=3D?=",
    "Eve =?iso-8859-1?q?x=0ABcc:_v@evil.example?=",
    "Eve\t=?utf-8?q?x_=0D=0A_Bcc:_v@evil.example?=",
    "Eve =?utf-8?q?x?= =?utf-8?q?=0D=0ABcc:_v@evil.example?=",
]
OUR_HEADERS = sorted(
    ["From", "To", "Subject", "Date", "Message-ID", "Content-Type",
     "Content-Transfer-Encoding", "MIME-Version"]
)  # fmt: skip


def shown(text: str) -> str:
    """What a member sees of header text, whitespace folded."""
    return "".join(text.split())


@settings(max_examples=150, deadline=None)
@given(
    name=anything.filter(admitted_or_breaking),
    subject=anything.filter(admitted_or_breaking),
    body=anything,
)
@example(name="; é", subject="0", body="0")  # once re-parsed as an address group: To lost
@example(name='Eve | *bold* "x" <y>', subject="Bcc: all", body="0")
@example(name=ENCODED_ATTACKS[0], subject=ENCODED_ATTACKS[1], body="0")
@example(name=ENCODED_ATTACKS[4], subject=ENCODED_ATTACKS[2], body="0")
def test_email_headers_hold_exactly_what_was_given(name: str, subject: str, body: str) -> None:
    message = build_email("Group <group@example.org>", name, "ada@example.org", subject, body)
    parsed = message_from_bytes(bytes(message), policy=policy.default)
    assert sorted(parsed.keys()) == OUR_HEADERS  # no header we did not set, ever
    assert len(parsed.get_all("To") or []) == 1
    assert parsed["To"].addresses[0].addr_spec == "ada@example.org"
    # the text as it reads (a line break in it shown as a space): intact, and no line break
    display = parsed["To"].addresses[0].display_name
    assert shown(display) == shown(header_text(name))
    assert shown(str(parsed["Subject"])) == shown(header_text(subject))
    for text in (display, str(parsed["Subject"])):
        assert not any(ch in text for ch in LINE_BREAKS)
    if not any(ch in name + subject for ch in LINE_BREAKS) and "=?" not in name + subject:
        assert shown(display) == shown(name) and shown(str(parsed["Subject"])) == shown(subject)


@pytest.mark.parametrize("bad", ["Eve\r\nBcc: all@example.org", "Eve\nX-Evil: 1", *ENCODED_ATTACKS])
def test_no_name_or_title_can_add_a_header(bad: str) -> None:
    for name, subject in ((bad, "Hi"), ("Eve", bad)):
        message = build_email("group@example.org", name, "eve@example.org", subject, "body")
        parsed = message_from_bytes(bytes(message), policy=policy.default)
        assert sorted(parsed.keys()) == OUR_HEADERS
        assert parsed.get_content().strip() == "body"  # no body of the attacker's
        assert (
            "victim" not in str(parsed["Subject"]).split("Bcc")[0]
            or "Bcc:" not in (parsed.as_string().split("\n\n", 1)[0].split("Subject:")[0])
        )


@pytest.mark.parametrize("attack", ENCODED_ATTACKS)
def test_an_encoded_word_of_any_shape_is_refused_as_a_name_title_or_note(
    cli_for: CLIFactory, db: str, attack: str
) -> None:
    run = cli_for(db)
    for args in (
        ["member", "add", attack],
        ["course", "add", "c", attack, "--weekday", "sat", "--time", "17:00", "--tz", "UTC"],
    ):
        refused = run(*args, code=1)
        assert refused.stderr.startswith("Error: ") and (
            "must not contain an encoded word" in refused.stderr
            or "must not contain control characters" in refused.stderr
        )


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
