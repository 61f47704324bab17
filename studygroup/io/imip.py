"""Members' answers as their calendars send them: iMIP replies (RFC 6047), METHOD:REPLY
calendar parts in mail. Read from an IMAP mailbox (`rsvp fetch`) or from files (`rsvp
import`: .eml files, an mbox, a Maildir). Nothing here touches the database: it turns
messages into rules.invite.Reply values, and says in one line what it could not read.
"""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import mailbox
import os
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import Message
from email.utils import parseaddr
from pathlib import Path
from typing import NamedTuple

from studygroup.errors import Invalid
from studygroup.io.delivery import port_setting
from studygroup.rules.invite import Reply, address

ENV = "STUDYGROUP_IMAP_"
MAX_MESSAGE = 5_000_000  # bytes: a reply is a few kB; anything this big is not one


class Unread(NamedTuple):
    """A message, or a calendar part of one, that gave no reply: why, in one line."""

    message_id: str
    why: str


def message_id_of(message: Message, raw: bytes) -> str:
    """The Message-ID, or (a message without one) a fingerprint of its bytes: either way, the
    same message is known again."""
    found = str(message.get("Message-ID") or "").strip()
    if found:
        return found[:300]
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@studygroup.invalid>"


def replies_in(raw: bytes) -> tuple[list[Reply], list[Unread]]:
    """Every reply a message holds (a calendar part and its attached copy count once)."""
    if len(raw) > MAX_MESSAGE:
        return [], [Unread(f"<{len(raw)} bytes>", "too large to be a calendar reply")]
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the email parser is lenient; anything else is unreadable
        return [], [Unread("<unreadable>", f"not an email message ({exc.__class__.__name__})")]
    mid = message_id_of(message, raw)
    sender = address(parseaddr(str(message.get("From") or ""))[1])
    found: dict[tuple[str, str], Reply] = {}
    problems: list[Unread] = []
    saw_calendar = False
    for part in message.walk():
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind not in ("text/calendar", "application/ics") and not name.endswith(".ics"):
            continue
        saw_calendar = True
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            problems.append(Unread(mid, "a calendar part with no content"))
            continue
        try:
            for reply in _replies(payload, mid, sender):
                found.setdefault((reply.uid, reply.attendee), reply)
        except Exception as exc:  # hostile or broken calendar data: reported, never raised
            problems.append(Unread(mid, f"unreadable calendar data ({_short(exc)})"))
    if not saw_calendar:
        problems.append(Unread(mid, "no calendar reply in it"))
    elif not found and not problems:
        problems.append(Unread(mid, "its calendar part is not a reply (METHOD:REPLY)"))
    return list(found.values()), problems


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:80]
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _replies(data: bytes, mid: str, sender: str) -> Iterator[Reply]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    if str(calendar.get("METHOD", "")).upper() != "REPLY":
        return
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "")).strip()
        if not uid:
            raise ValueError("an event without a UID")
        sequence = int(event.get("SEQUENCE", 0))
        stamp = event.get("DTSTAMP")
        when = stamp.dt if stamp is not None else None
        if isinstance(when, datetime):
            when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
        else:
            when = None
        attendees = event.get("ATTENDEE")
        if attendees is None:
            raise ValueError("a reply without an ATTENDEE")
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            partstat = str(attendee.params.get("PARTSTAT", "")).upper()
            yield Reply(mid, sender, uid[:300], sequence, address(str(attendee)), partstat, when)


# -- where messages come from -----------------------------------------------------------------


def messages_in(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(where, raw message) for every message in the files and folders given: an .eml file,
    an mbox file, a Maildir (cur/, new/), or a folder of .eml files."""
    for path in paths:
        if path.is_dir():
            if (path / "cur").is_dir() and (path / "new").is_dir():
                box = mailbox.Maildir(path, create=False)
                for key in sorted(box.keys()):
                    yield f"{path}/{key}", box.get_bytes(key)
            else:
                for file in sorted(path.glob("*.eml")):
                    yield str(file), _read(file)
        elif path.is_file():
            with path.open("rb") as handle:
                head = handle.read(5)
            if head == b"From ":
                mbox = mailbox.mbox(path, create=False)
                for number, key in enumerate(mbox.keys(), 1):
                    yield f"{path} message {number}", mbox.get_bytes(key)
            else:
                yield str(path), _read(path)
        else:
            raise Invalid(f"no such file or folder: {path}")


def _read(path: Path) -> bytes:
    if path.stat().st_size > MAX_MESSAGE:
        return b""  # replies_in reports an empty message as holding no reply
    return path.read_bytes()


class ImapSettings(NamedTuple):
    host: str
    port: int
    user: str
    password: str
    mailbox: str  # where replies arrive
    done: str | None  # where read replies are moved; None: they are only marked read

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ImapSettings:
        env = dict(os.environ if environ is None else environ)
        host = env.get(ENV + "HOST", "").strip()
        user = env.get(ENV + "USER", "").strip()
        password = env.get(ENV + "PASSWORD", "")
        if not host or not user or not password:
            raise Invalid(f"set {ENV}HOST, {ENV}USER and {ENV}PASSWORD to read replies")
        port = port_setting(env, ENV + "PORT", 993)
        return cls(
            host=host,
            port=port,
            user=user,
            password=password,
            mailbox=env.get(ENV + "MAILBOX", "INBOX").strip() or "INBOX",
            done=env.get(ENV + "DONE", "").strip() or None,
        )


class Mailbox:
    """The group's mailbox over IMAPS (TLS, the certificate verified): the messages not read
    yet, and, once their replies are recorded, each marked read or moved to `done`."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.imap: imaplib.IMAP4_SSL | None = None

    def __enter__(self) -> Mailbox:
        s = self.settings
        try:
            self.imap = imaplib.IMAP4_SSL(
                s.host, s.port, ssl_context=ssl.create_default_context(), timeout=60
            )
            self.imap.login(s.user, s.password)
            kind, _ = self.imap.select(_quoted(s.mailbox))
            if kind != "OK":
                raise Invalid(f"the mailbox {s.mailbox!r} cannot be opened")
            if s.done is not None:
                self.imap.create(_quoted(s.done))  # NO when it is there already: fine
        except imaplib.IMAP4.error as exc:
            raise Invalid(f"IMAP server {s.host} refused: {_imap_text(exc)}") from None
        except (OSError, ssl.SSLError) as exc:
            raise Invalid(
                f"cannot reach the IMAP server {s.host}:{s.port}: {_short(exc)}"
            ) from None
        return self

    def unread(self) -> Iterator[tuple[str, bytes]]:
        """(IMAP UID, raw message) of every message not yet marked read."""
        assert self.imap is not None
        kind, data = self.imap.uid("SEARCH", "UNSEEN")
        if kind != "OK" or not data or not data[0]:
            return
        for uid in data[0].decode().split():
            kind, fetched = self.imap.uid("FETCH", uid, "(BODY.PEEK[])")
            for item in fetched or ():
                if isinstance(item, tuple) and len(item) == 2:
                    yield uid, bytes(item[1])

    def done_with(self, uid: str) -> None:
        """Mark a message read, and move it to `done` if there is one."""
        assert self.imap is not None
        self.imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        if self.settings.done is not None:
            kind, _ = self.imap.uid("MOVE", uid, _quoted(self.settings.done))
            if kind != "OK":  # a server without MOVE: copy, then delete
                self.imap.uid("COPY", uid, _quoted(self.settings.done))
                self.imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
                self.imap.expunge()

    def __exit__(self, *exc: object) -> None:
        if self.imap is not None:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                self.imap.logout()


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_text(exc: Exception) -> str:
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return " ".join(text.split())[:120]
