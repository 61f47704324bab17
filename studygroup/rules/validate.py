"""Input validation shared by the CLI options, the CSV imports and the domain functions.

Every function returns the cleaned value or raises Invalid with a one-line message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time

from studygroup.errors import Invalid

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_HANDLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")

MAX_TEXT = 200
MAX_LONG_TEXT = 2000
MAX_NOTES = 20_000
MAX_MINUTES = 10_000


def _has_control(value: str) -> bool:
    # Cc: C0/C1 controls (CR, LF, NUL, ESC...); Zl/Zp: Unicode line/paragraph separators;
    # Cs: lone surrogates (undecodable bytes from the command line or a file).
    if value.isascii():  # the common case, at C speed: ASCII's only such characters are Cc
        return not value.isprintable()
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") for ch in value)


# Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt): code points
# a font shows as nothing. With the format characters (Cf), private use (Co) and the blank
# fillers below, these let someone make a name that looks exactly like another's.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
_BLANK = frozenset("\u2800\u3164\uffa0\u115f\u1160")  # glyphs that draw nothing
_ZWNJ, _ZWJ = "\u200c", "\u200d"
_VARIATION = frozenset(chr(c) for c in range(0xFE00, 0xFE10))


def _ignorable(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _DEFAULT_IGNORABLE)


def _joins(before: str, after: str) -> bool:
    """A joiner inside a word: between two letters or marks (Persian, Indic scripts), or
    between two symbols (an emoji sequence like 👩‍💻)."""
    kinds = {unicodedata.category(before)[0], unicodedata.category(after)[0]}
    return kinds <= {"L", "M"} or kinds <= {"S"}


def invisible(value: str) -> str | None:
    """The first code point of `value` that shows as nothing or changes how the text
    around it shows (by Unicode property, not by a list of known tricks), if any. ZWJ and
    ZWNJ are real spelling inside a word (علی‌رضا, 👩‍💻), and a variation selector after a
    symbol picks its emoji style: those are allowed there."""
    if value.isascii():
        return None
    for index, ch in enumerate(value):
        if ch.isascii():
            continue
        before = value[index - 1] if index else " "
        after = value[index + 1] if index + 1 < len(value) else " "
        if ch in (_ZWJ, _ZWNJ):
            if _joins(before, after):
                continue
            return ch
        if ch in _VARIATION and unicodedata.category(before)[0] == "S":
            continue
        category = unicodedata.category(ch)
        if category in ("Cf", "Co", "Cs") or _ignorable(ch) or ch in _BLANK:
            return ch
    return None


def text(value: str, what: str = "text", max_len: int = MAX_TEXT) -> str:
    """A single-line, non-empty, printable string (names, titles, notes), NFC-normalised.

    This is the one gate for text that goes out to members (email headers, chat, calendars):
    no control characters, no invisible direction or zero-width characters, and no RFC 2047
    encoded words."""
    if _has_control(value):
        raise Invalid(f"{what} must not contain control characters or line breaks")
    hidden = invisible(value)
    if hidden is not None:
        raise Invalid(
            f"{what} must not contain invisible characters (U+{ord(hidden):04X}, "
            f"{unicodedata.name(hidden, 'unnamed')})"
        )
    value = unicodedata.normalize("NFC", value)
    if not header_literal(value):
        raise Invalid(f"{what} must not contain an encoded word ('=?...?=')")
    cleaned = value.strip()
    if not cleaned:
        raise Invalid(f"{what} must not be empty")
    if len(cleaned) > max_len:
        raise Invalid(f"{what} is longer than {max_len} characters")
    return cleaned


_EMAIL_LIKE = re.compile(r"^\S+@\S+\.\S+$")


def member_name(value: str) -> str:
    """A member's name: text, and not an email address (that goes in --email)."""
    name = text(value, "member name")
    if _EMAIL_LIKE.match(name):
        raise Invalid(f"{name!r} is an email address, not a name; give it as --email")
    return name


def header_decoded(value: str) -> str:
    """What an email header holding `value` says once a mail client decodes it: the email
    library's own parser (RFC 2047 encoded words, with or without spaces inside, B or Q)."""
    if "=?" not in value:
        return value
    from email import policy

    return str(policy.SMTP.header_factory("subject", value))


def header_literal(value: str) -> bool:
    """Whether `value` in an email header reads as itself: no encoded word, of any shape,
    that a mail client would decode into something else."""
    return header_decoded(value) == value


def slug(value: str, what: str = "course") -> str:
    cleaned = value.strip()
    if not _SLUG.fullmatch(cleaned):
        raise Invalid(
            f"invalid {what} slug {value!r}: use 1-40 lowercase letters, digits and dashes"
        )
    return cleaned


def label(value: str) -> str:
    cleaned = value.strip()
    if not _LABEL.fullmatch(cleaned):
        raise Invalid(f"invalid lecture label {value!r}: use 1-32 letters, digits, '.', '_' or '-'")
    return cleaned


def handle(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    cleaned = value.strip().removeprefix("@")
    if not _HANDLE.fullmatch(cleaned):
        raise Invalid(f"invalid chat handle {value!r}: use letters, digits, '.', '_' or '-'")
    return cleaned


def email(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    cleaned = value.strip()
    if (
        _has_control(cleaned)
        or len(cleaned) > 254
        or not _EMAIL.fullmatch(cleaned)
        or not deliverable(cleaned)
    ):
        raise Invalid(f"invalid email address {value!r}")
    return cleaned.lower()


# an address of plain dot-atoms, which the email library takes exactly as written (a property
# test holds this against the library); anything else is asked of the library itself
_LABEL_CHARS = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
PLAIN_ADDRESS = re.compile(
    rf"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@{_LABEL_CHARS}(?:\.{_LABEL_CHARS})+"
)


def deliverable(address: str) -> bool:
    """Whether the email library that sends reminders takes the address exactly as written
    (the same parser as the send: 'a;b@x.com' or 'a(c)@x.com' would fail or change there)."""
    if PLAIN_ADDRESS.fullmatch(address):  # dot-atoms only: the parser keeps them as they are
        return True
    from email.headerregistry import Address

    try:
        return Address(addr_spec=address).addr_spec == address
    except Exception:  # the parser raises several types (ValueError, HeaderParseError...)
        return False


def url(value: str | None) -> str | None:
    """An http(s) URL with a host; empty means none."""
    return _url(value, lambda why: f"invalid URL {value!r}{why}")


def call_url(value: str | None) -> str | None:
    """A video call's link (Zoom, Meet, Jitsi...): an http(s) URL with a host; empty means
    none. It may embed a passcode (Zoom's ?pwd=), so an error never repeats it."""
    return _url(
        value,
        lambda _why: (
            "the call link must be an http:// or https:// URL with a host and no "
            "spaces (it is not repeated here: a link may hold a passcode)"
        ),
    )


def call_note(value: str | None) -> str | None:
    """What members need beside the call link: a passcode, a dial-in, 'link in #general'."""
    if value is None or value.strip() == "":
        return None
    return text(value, "call note", 500)


def _url(value: str | None, error: Callable[[str], str]) -> str | None:
    if value is None or value.strip() == "":
        return None
    cleaned = value.strip()
    if _has_control(cleaned) or any(ch.isspace() for ch in cleaned) or len(cleaned) > MAX_LONG_TEXT:
        raise Invalid(error(""))
    if not (cleaned.startswith("https://") or cleaned.startswith("http://")):
        raise Invalid(error(": it must start with http:// or https://"))
    from urllib.parse import urlsplit

    try:
        host = urlsplit(cleaned).hostname
    except ValueError:
        host = None
    if not host:
        raise Invalid(error(": it has no host"))
    return cleaned


def timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    cleaned = value.strip()
    if not cleaned or _has_control(cleaned) or cleaned.startswith("/") or ".." in cleaned:
        raise Invalid(f"unknown timezone {value!r}: use an IANA name such as Europe/London")
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            f"unknown timezone {value!r}: use an IANA name such as Europe/London"
        ) from None
    return cleaned


def weekday(value: str) -> int:
    """'mon', 'Monday', 'MON' -> 0 ... 'sun' -> 6."""
    cleaned = value.strip().lower()
    if len(cleaned) >= 3:
        for index, name in enumerate(WEEKDAYS):
            if name.startswith(cleaned):
                return index
    raise Invalid(f"invalid weekday {value!r}: use a day name such as Tuesday or tue")


def weekday_name(index: int) -> str:
    return WEEKDAYS[index].capitalize()


def hhmm(value: str) -> time:
    match = _HHMM.fullmatch(value.strip())
    if not match:
        raise Invalid(f"invalid time {value!r}: use HH:MM, 24-hour, e.g. 18:00")
    return time(int(match.group(1)), int(match.group(2)))


EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)


def parse_date(value: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"invalid date {value!r}: use YYYY-MM-DD") from None
    if not EARLIEST <= day <= LATEST:
        raise Invalid(f"date {value!r} is out of range ({EARLIEST} to {LATEST})")
    return day


def parse_datetime(value: str) -> datetime:
    """'YYYY-MM-DD HH:MM' as a naive local datetime."""
    parts = value.strip().split()
    if len(parts) != 2:
        raise Invalid(f"invalid date and time {value!r}: use 'YYYY-MM-DD HH:MM'")
    return datetime.combine(parse_date(parts[0]), hhmm(parts[1]))


def require_in_range(day: date, what: str = "date") -> date:
    """Dates studygroup computes (a plan's last week, a move) stay in the documented range."""
    if not EARLIEST <= day <= LATEST:
        raise Invalid(f"{what} {day.isoformat()} is out of range ({EARLIEST} to {LATEST})")
    return day


# SQL INTEGER (32-bit signed on PostgreSQL): every id, number and count fits in it
MAX_INT = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def integer(value: str, what: str = "number", low: int = 0, high: int = MAX_INT) -> int:
    """A whole number written in ASCII digits, within [low, high]. One parser for every number
    read from text (REFs, CSV cells, poll options, settings): str.isdigit() admits '²' and
    int() would then fail, and an unbounded value overflows the database's integer."""
    cleaned = value.strip()
    if not _DIGITS.fullmatch(cleaned):
        if cleaned.isascii() and cleaned.isdigit():
            raise Invalid(
                f"{what} must be between {low} and {high}, not {cleaned[:20]}"
                + ("..." if len(cleaned) > 20 else "")
            )
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise Invalid(f"invalid {what} {shown!r}: use a whole number")
    number = int(cleaned)
    if not low <= number <= high:
        raise Invalid(f"{what} must be between {low} and {high}, not {number}")
    return number


def is_integer(value: str) -> bool:
    """Whether text is written as a plain ASCII whole number (of any size)."""
    cleaned = value.strip()
    return cleaned.isascii() and cleaned.isdigit()


def minutes(value: int, what: str = "minutes", allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if value < low or value > MAX_MINUTES:
        raise Invalid(f"{what} must be between {low} and {MAX_MINUTES}, not {value}")
    return value


# What Excel writes for TRUE and FALSE when it saves a CSV in another language, and yes/no
# as people type them: English, German, French, Spanish, Italian, Dutch, Portuguese.
TRUE_WORDS = frozenset(
    {"yes", "y", "true", "1", "x", "wahr", "ja", "vrai", "oui", "verdadero", "sí", "si",
     "vero", "waar", "verdadeiro", "sim"}
)  # fmt: skip
FALSE_WORDS = frozenset(
    {"no", "n", "false", "0", "", "falsch", "nein", "faux", "non", "falso", "onwaar", "nee",
     "não", "nao"}
)  # fmt: skip


def boolean(value: str, what: str = "value") -> bool:
    """A yes/no cell: yes/no, true/false, 1/0, or Excel's TRUE/FALSE in English, German,
    French, Spanish, Italian, Dutch or Portuguese (WAHR, VRAI, VERDADERO, VERO, WAAR,
    VERDADEIRO; FALSCH, FAUX, FALSO, ONWAAR); any case."""
    cleaned = unicodedata.normalize("NFC", value).strip().casefold()
    if cleaned in TRUE_WORDS:
        return True
    if cleaned in FALSE_WORDS:
        return False
    raise Invalid(f"invalid {what} {value!r}: use yes/no, true/false or 1/0")


def notes(value: str, what: str = "notes") -> str:
    """Several lines of text (a session's minutes): newlines and tabs kept, CR LF made LF,
    NFC-normalised, trailing blanks stripped; any other control character refused."""
    value = value.replace("\r\n", "\n")
    if any(_has_control(line.replace("\t", " ")) for line in value.split("\n")):
        raise Invalid(f"{what} must not contain control characters other than newlines and tabs")
    hidden = next((x for x in map(invisible, value.split("\n")) if x is not None), None)
    if hidden is not None:
        raise Invalid(
            f"{what} must not contain invisible characters (U+{ord(hidden):04X}, "
            f"{unicodedata.name(hidden, 'unnamed')})"
        )
    cleaned = unicodedata.normalize("NFC", value).strip()
    if not cleaned:
        raise Invalid(f"{what} are empty")
    if len(cleaned) > MAX_NOTES:
        raise Invalid(f"{what} are longer than {MAX_NOTES:,} characters")
    return "\n".join(line.rstrip() for line in cleaned.split("\n"))
