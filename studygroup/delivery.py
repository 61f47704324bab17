"""Delivering reminders: SMTP (settings from the environment only), .eml files, webhooks."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from studygroup.errors import Invalid
from studygroup.location import mask

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from studygroup.reminders import Draft

ENV = "STUDYGROUP_SMTP_"


@dataclass(frozen=True)
class SmtpSettings:
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
        port_text = env.get(ENV + "PORT", "587").strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise Invalid(f"{ENV}PORT must be a port number, not {port_text!r}")
        starttls = env.get(ENV + "STARTTLS", "1").strip()
        if starttls not in ("0", "1"):
            raise Invalid(f"{ENV}STARTTLS must be 1 (verified TLS, the default) or 0")
        return cls(host=host, port=int(port_text), user=env.get(ENV + "USER") or None,
                   password=env.get(ENV + "PASSWORD") or None, sender=sender,
                   starttls=starttls == "1")


def build_email(sender: str, name: str, address: str, subject: str, body: str) -> EmailMessage:
    """Names and subjects were validated on input (no CR/LF), and the default policy refuses
    header injection anyway."""
    message = EmailMessage()
    message["From"] = sender
    # an Address object, not a formatted string: the policy quotes or encodes the display name
    # itself (formataddr output like '; é <a@b>' is re-parsed as a group and loses the address)
    message["To"] = Address(display_name=name, addr_spec=address)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="studygroup.invalid")
    message.set_content(body)
    return message


class Mailer:
    """One SMTP connection for a batch. STARTTLS always verifies the server's certificate."""

    def __init__(self, settings: SmtpSettings, context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.context = context or ssl.create_default_context()
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        s = self.settings
        try:
            if s.port == 465:
                self.client = smtplib.SMTP_SSL(s.host, s.port, timeout=30, context=self.context)
            else:
                self.client = smtplib.SMTP(s.host, s.port, timeout=30)
                if s.starttls:
                    self.client.starttls(context=self.context)
            if s.user:
                self.client.login(s.user, s.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise Invalid(f"cannot use the SMTP server {s.host}:{s.port}: "
                          f"{_safe(exc, s.password)}") from None
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


@contextlib.contextmanager
def email_transport(settings: SmtpSettings | None, outbox: Path | None, session_number: int,
                    connect: bool) -> Iterator[Callable[[Draft], str]]:
    """How one batch of reminders goes out: one .eml file each into `outbox`, else SMTP over
    one connection, opened only when `connect` (something is still to be sent). The callable
    sends one draft and returns its Message-ID."""
    sender = settings.sender if settings else "studygroup@localhost"
    mailer = Mailer(settings) if settings is not None and outbox is None and connect else None

    def send(draft: Draft) -> str:
        message = build_email(sender, draft.name, draft.email, draft.subject, draft.body)
        if outbox is not None:
            write_eml(outbox, f"session-{session_number}-{draft.member_id}.eml", message)
        else:
            assert mailer is not None, "nothing was to be sent over SMTP"
            mailer.send(message)
        return str(message["Message-ID"])

    if mailer is None:
        yield send
        return
    with mailer:
        yield send


def write_eml(directory: Path, filename: str, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(bytes(message))
    os.replace(tmp, path)
    return path


def webhook_target(url: str) -> str:
    """What the reminder log keeps for a webhook: never the secret URL, only a fingerprint."""
    parts = urlsplit(url)
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return f"{parts.scheme}://{parts.hostname}/…#{digest}"


def webhook_payload(url: str, markdown: str) -> dict[str, str]:
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("discord.com") or host.endswith("discordapp.com"):
        return {"content": markdown[:2000]}
    return {"text": markdown}


def post_webhook(url: str, markdown: str, timeout: float = 15) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise Invalid("the webhook URL must start with https:// (or http:// for a local relay)")
    data = json.dumps(webhook_payload(url, markdown)).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            if response.status >= 300:
                raise Invalid(f"the webhook answered HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        raise Invalid(f"the webhook answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Invalid(f"cannot reach the webhook at {webhook_target(url)}: {reason}") from None
