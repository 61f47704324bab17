"""Delivering reminders: SMTP (settings from the environment only), .eml files, webhooks."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import smtplib
import ssl
import unicodedata
import urllib.error
import urllib.request
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from studygroup import clock
from studygroup.errors import Invalid
from studygroup.rules import validate
from studygroup.store.location import mask

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from studygroup.render.reminder import Draft

ENV = "STUDYGROUP_SMTP_"


def port_setting(env: dict[str, str], key: str, default: int) -> int:
    """A port number from the environment (SMTP's, IMAP's), or a one-line error naming it."""
    text = env.get(key, str(default)).strip()
    try:
        return validate.integer(text, key, 1, 65535)
    except Invalid:
        raise Invalid(f"{key} must be a port number, not {text[:20]!r}") from None


class SmtpSettings(NamedTuple):
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str
    starttls: bool

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SmtpSettings:
        env = dict(os.environ if environ is None else environ)
        host = env.get(ENV + "HOST", "").strip()
        sender = env.get(ENV + "FROM", "").strip()
        if not host:
            raise Invalid(f"set {ENV}HOST (and {ENV}FROM) to send mail")
        if not sender:
            raise Invalid(f"set {ENV}FROM to the address reminders come from")
        port = port_setting(env, ENV + "PORT", 587)
        starttls = env.get(ENV + "STARTTLS", "1").strip()
        if starttls not in ("0", "1"):
            raise Invalid(f"{ENV}STARTTLS must be 1 (verified TLS, the default) or 0")
        return cls(
            host=host,
            port=port,
            user=env.get(ENV + "USER") or None,
            password=env.get(ENV + "PASSWORD") or None,
            sender=sender,
            starttls=starttls == "1",
        )


def header_text(value: str) -> str:
    """Header text that a mail client shows as it is: the text as the email library decodes
    it, with every control character (a line break above all) made a space, until decoding
    changes nothing. A stored name or title that still holds an encoded word of any shape
    can then never carry a header of its own into a message."""
    from studygroup.rules.validate import header_decoded

    for _ in range(4):
        decoded = header_decoded(value)
        cleaned = "".join(
            " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in decoded
        )
        if cleaned == value:
            return value
        value = cleaned
    return value.replace("=?", "= ?")


HEADERS_WE_SET = frozenset(
    {"from", "to", "subject", "date", "message-id", "content-type", "mime-version",
     "content-transfer-encoding", "content-disposition"}
)  # fmt: skip


def build_email(
    sender: str,
    name: str,
    address: str,
    subject: str,
    body: str,
    html: str | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> EmailMessage:
    """Every header is built by the email library (its header registry, policy SMTP) from
    text that reads as itself (`header_text`), and the message is parsed back before it is
    sent: a header we did not set is never sent."""
    name, subject = header_text(name), header_text(subject)
    message = EmailMessage()
    message["From"] = sender
    # an Address object, not a formatted string: the policy quotes or encodes the display name
    # itself (formataddr output like '; é <a@b>' is re-parsed as a group and loses the address)
    message["To"] = Address(display_name=name, addr_spec=address)
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())  # the one clock; "+0000", a known zone
    message["Message-ID"] = make_msgid(domain="studygroup.invalid")
    message.set_content(body)
    if html is not None:  # multipart/alternative: the plain text first, then the HTML
        message.add_alternative(html, subtype="html")
    if attachment is not None:  # the session's event, to add to a calendar in one click
        filename, data = attachment
        method = _method(data)
        if method == "PUBLISH":
            message.add_attachment(
                data,
                maintype="text",
                subtype="calendar",
                filename=filename,
                params={"method": "PUBLISH"},
            )
        else:
            # an invitation (REQUEST) or its cancellation (CANCEL), laid out as Google
            # Calendar's own (recorded in jnphilipp/gpgmail's tests.py) and as Outlook reads
            # it: a text/calendar part with the method inside multipart/alternative, after
            # the text and the HTML, and the same file attached as invite.ics
            message.add_alternative(
                data,
                maintype="text",
                subtype="calendar",
                params={"method": method, "charset": "UTF-8"},
            )
            message.add_attachment(
                data, maintype="application", subtype="ics", filename="invite.ics"
            )
    _require_only_our_headers(message)
    return message


def _method(ics: bytes) -> str:
    """The METHOD line of an iCalendar file we made."""
    for line in ics.splitlines():
        if line.startswith(b"METHOD:"):
            return line[7:].decode().strip()
    return "PUBLISH"


def _require_only_our_headers(message: EmailMessage) -> None:
    from email import message_from_bytes
    from email import policy as email_policy

    parsed = message_from_bytes(
        message.as_bytes(policy=email_policy.SMTP), policy=email_policy.default
    )
    names = {key.lower() for part in parsed.walk() for key in part}
    if not names <= HEADERS_WE_SET or len(parsed.get_all("To") or []) != 1:
        raise ValueError(f"refusing to send a message with headers it should not have: {names}")


class Mailer:
    """One SMTP connection for a batch. STARTTLS always verifies the server's certificate."""

    def __init__(self, settings: SmtpSettings, context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.context = context or ssl.create_default_context()
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        try:
            if s.user and not (s.user + (s.password or "")).isascii():
                raise Invalid(
                    f"{ENV}USER and {ENV}PASSWORD must be ASCII (SMTP login "
                    "sends them as ASCII); ask your provider for an app password"
                )
            if s.port == 465:
                self.client = smtplib.SMTP_SSL(s.host, s.port, timeout=30, context=self.context)
            else:
                self.client = smtplib.SMTP(s.host, s.port, timeout=30)
                if s.starttls:
                    self.client.starttls(context=self.context)
            if s.user:
                self.client.login(s.user, s.password or "")
        except Invalid:
            self.close()
            raise
        except (OSError, smtplib.SMTPException, UnicodeError) as exc:
            self.close()
            raise Invalid(
                f"cannot use the SMTP server {s.host}:{s.port}: {_safe(exc, s.password)}"
            ) from None
        return self

    def send(self, message: EmailMessage) -> None:
        assert self.client is not None
        self.client.send_message(message)

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.client.quit()
            self.client = None

    def __exit__(self, *exc: object) -> None:
        self.close()


def _safe(exc: BaseException, secret: str | None = None) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if secret:
        text = text.replace(secret, "***")
    return mask(text)


def describe_error(exc: BaseException, secret: str | None = None) -> str:
    return _safe(exc, secret)


MAX_TARGET = 300  # the reminder log's target column


def outbox_target(path: Path) -> str:
    """What the log keeps for an .eml file: its absolute path (so another outbox directory is
    another delivery), or a fingerprint of it if the path is too long for the column."""
    shown = str(path)
    if len(shown) <= MAX_TARGET:
        return shown
    return f"…/{path.name}#{hashlib.sha256(shown.encode()).hexdigest()[:16]}"


@contextlib.contextmanager
def email_transport(
    settings: SmtpSettings | None,
    outbox: Path | None,
    drafts: dict[str, Draft],
    files: dict[str, Path],
    attachment: Callable[[Draft], tuple[str, bytes]] | None = None,
) -> Iterator[Callable[[str], str]]:
    """How one batch of reminders goes out, by log target: one .eml file each into `outbox`
    (target -> file in `files`), else SMTP over one connection, opened when the batch starts.
    The callable sends one target's draft and returns its Message-ID."""
    from studygroup.io.files import write_file

    sender = settings.sender if settings else "studygroup@localhost"
    mailer = Mailer(settings) if settings is not None and outbox is None else None

    def send(target: str) -> str:
        draft = drafts[target]
        message = build_email(
            sender,
            draft.name,
            draft.email,
            draft.subject,
            draft.body,
            draft.html(),
            attachment(draft) if attachment is not None else None,
        )
        if outbox is not None:
            write_file(files[target], bytes(message))
        else:
            assert mailer is not None, "nothing was to be sent over SMTP"
            mailer.send(message)
        return str(message["Message-ID"])

    if mailer is None:
        yield send
        return
    with mailer:
        yield send


def webhook_target(url: str) -> str:
    """What the reminder log keeps for a webhook: never the secret URL, only a fingerprint."""
    parts = urlsplit(url)
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return f"{parts.scheme}://{parts.hostname}/…#{digest}"


def resolve_webhook(value: str, environ: dict[str, str] | None = None) -> tuple[str, bool]:
    """The webhook URL from `env:NAME` (an environment variable), `@FILE` (the file's first
    line) or the URL itself; and whether it was the URL itself. A URL given directly on the
    command line can be read by any local user while the command runs, so `env:` and `@`
    are the documented ways. Errors name the source, never the URL's secret."""
    env = os.environ if environ is None else environ
    if value.startswith("env:"):
        name = value[4:]
        shown = f"env:{name}"
        url = env.get(name, "")
        if not url.strip():
            raise Invalid(f"the webhook variable {name} is not set (from --webhook {shown})")
    elif value.startswith("@"):
        shown = value
        path = Path(value[1:]).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise Invalid(f"no such file: {path} (from --webhook {shown})") from None
        except (OSError, UnicodeError) as exc:
            raise Invalid(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
        url = lines[0] if lines else ""
    else:
        shown, url = "the webhook URL", value
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not host
        or any(ch.isspace() or ord(ch) < 32 for ch in url)
    ):
        raise Invalid(
            f"{shown} is not a valid webhook URL: use https://... (or http:// for a local relay)"
        )
    return url, not value.startswith(("env:", "@"))


CHAT_NAMES = {"slack": "Slack", "discord": "Discord", "markdown": "the webhook"}
MAX_RETRIES = 3  # after HTTP 429
MAX_WAIT = 60.0  # seconds: a longer Retry-After fails the post (a rerun posts what is missing)


def chat_for(url: str) -> str:
    """Which chat a webhook URL belongs to, from its host: slack, discord, or markdown (any
    other: Mattermost, Rocket.Chat, a relay, which take Markdown as `text`)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "hooks.slack.com" or host.endswith(".slack.com"):
        return "slack"
    if host in ("discord.com", "discordapp.com") or host.endswith(
        (".discord.com", ".discordapp.com")
    ):
        return "discord"
    return "markdown"


def _retry_after(exc: urllib.error.HTTPError) -> float:
    """Seconds to wait, from Retry-After (Slack, Discord) or Discord's JSON retry_after."""
    header = exc.headers.get("Retry-After") if exc.headers else None
    if header is not None:
        with contextlib.suppress(ValueError):
            return max(0.0, float(header))
    with contextlib.suppress(Exception):
        return max(0.0, float(json.loads(exc.read() or b"{}")["retry_after"]))
    return 1.0


def post_webhook(
    url: str,
    payload: dict[str, object],
    chat: str = "markdown",
    timeout: float = 15,
) -> None:
    """POST one payload. HTTP 429 is honoured: wait as long as Retry-After says (at most
    MAX_WAIT seconds), at most MAX_RETRIES times. Errors name the chat and the status, never
    the URL, whose path is the secret."""
    import time

    who = CHAT_NAMES.get(chat, "the webhook")
    data = json.dumps(payload).encode()
    for attempt in range(MAX_RETRIES + 1):
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                if response.status >= 300:
                    raise Invalid(f"{who} answered HTTP {response.status}")
                return
        except urllib.error.HTTPError as exc:
            if exc.code != 429:
                raise Invalid(f"{who} answered HTTP {exc.code}") from None
            delay = _retry_after(exc)
            if attempt == MAX_RETRIES or delay > MAX_WAIT:
                raise Invalid(
                    f"{who} answered HTTP 429 (rate limited) {attempt + 1} times; "
                    f"it asked to wait {delay:g} s: run remind again later"
                ) from None
            time.sleep(delay)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Invalid(
                f"cannot reach {who} at {webhook_target(url)}: {mask(str(reason))}"
            ) from None
