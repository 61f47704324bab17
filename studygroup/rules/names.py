"""How members are recognised by name: the stored key for comparing names, the accent-blind
form, the noise a call's display name carries, and the prefix pattern that finds a member
from the start of their name (commands and shell completion alike)."""

from __future__ import annotations

import re
import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def name_key(name: str) -> str:
    """Member names are unique regardless of case and of how the accents were typed (NFC or
    NFD, as macOS can produce): this is the stored key."""
    return nfc(nfc(name).casefold()).strip()


def folded(name: str) -> str:
    """Accents and case dropped, spaces collapsed: 'Zoë  Ångström' -> 'zoe angstrom'."""
    if name.isascii():  # the same answer, at C speed: ASCII has nothing to decompose
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


_PARENTHETICAL = re.compile(
    r"\s*[\(\[](?:he|she|they|ze|xe|any)(?:\s*/\s*\w+)+[\)\]]"  # (he/him), [they/them]
    r"|\s*[\(\[](?:guest|host|co-?host|me|external|ext|organi[sz]er|presenter)[\)\]]",
    re.IGNORECASE,
)
_DEVICE = re.compile(
    r"^(?P<owner>.+?)['’]s\s+(?:iphone|ipad|android|pixel|galaxy|samsung|phone|mobile|"
    r"macbook|laptop|pc|computer|mac|surface|tablet|zoom room)\b.*$",
    re.IGNORECASE,
)
_RENAMED = re.compile(r"^(?P<new>.+?)\s*\((?P<original>[^()]+)\)$")
# a device in brackets after the name: "Rohan Iyer (Rohan's iPhone)", "Ada (iPad)"
_DEVICE_AFTER = re.compile(
    r"\s*[\(\[](?:[^()\[\]]*['’]s\s+)?(?:iphone|ipad|android|pixel|galaxy|samsung|phone|"
    r"mobile|macbook|laptop|pc|computer|mac|surface|tablet|zoom room)\b[^()\[\]]*[\)\]]\s*$",
    re.IGNORECASE,
)


def _symbolic(ch: str) -> bool:
    """An emoji, a pictograph or another symbol (Unicode So, Sk), or what joins them."""
    return unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn") or 0xFE00 <= ord(ch) <= 0xFE0F


def without_symbols(text: str) -> str:
    """'AJ 🎧' -> 'AJ', '🎉 Dana' -> 'Dana': emoji and symbols at either end dropped."""
    if text.isascii():
        return text.strip()
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or _symbolic(text[start])):
        start += 1
    while end > start and (text[end - 1].isspace() or _symbolic(text[end - 1])):
        end -= 1
    return text[start:end]


def _without_noise(shown: str) -> str:
    plain = _PARENTHETICAL.sub("", without_symbols(shown)).strip()
    plain = _DEVICE_AFTER.sub("", plain).strip() or plain
    device = _DEVICE.match(plain)
    return without_symbols(device.group("owner")) if device else plain


def display_variants(shown: str) -> list[str]:
    """The names a call's display name may stand for, best first: as shown; without
    pronouns and (Guest); a device's owner ("Rohan's iPhone" -> "Rohan"); and both halves of
    a renamed participant ("New (Original)")."""
    plain = _without_noise(shown)
    found = [shown.strip(), plain]
    renamed = _RENAMED.match(plain)
    if renamed:
        found += [renamed.group("new").strip(), renamed.group("original").strip()]
    out: list[str] = []
    for name in found:
        if name and name not in out:
            out.append(name)
    return out


def reversed_name(name: str) -> str | None:
    """'Okafor, Daniel' -> 'Daniel Okafor'; None when the name has no single comma."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) != 2 or not all(parts):
        return None
    return f"{parts[1]} {parts[0]}"


_FIELDS = re.compile(r"[,;\t|]|\S+@\S+\.\S+")


def member_name_from_display(shown: str) -> str | None:
    """The name a new member gets from a call's display name (`attend import --add-unknown`):
    a renamed participant's original name, without pronouns, "(Guest)", a device or emoji,
    and "Last, First" turned round. None when what is left still holds a delimiter, an email
    address or an unbalanced bracket: that is a mis-read line of a file, not a name."""
    name = _without_noise(shown) or shown.strip()
    renamed = _RENAMED.match(name)
    if renamed:
        name = renamed.group("original").strip()
    name = reversed_name(name) or name
    if _FIELDS.search(name) or not _balanced(name) or not name:
        return None
    return name


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def like_literal(text: str) -> str:
    """`text` for a LIKE pattern whose escape character is backslash: matched as written."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) for names that start with `text`."""
    return like_literal(name_key(text)) + "%"


def greeting_name(name: str, greeting: str | None = None) -> str:
    """How a reminder greets a member: their own greeting name if they have one
    (`member edit --greeting-name`), else their first name: the first word of the name, or
    the part after the comma of 'Last, First' ('Okafor, Daniel' -> 'Daniel')."""
    if greeting and greeting.strip():
        return greeting.strip()
    given = name.split(",", 1)[1] if "," in name else name
    words = given.split() or name.split()
    return words[0] if words else name


# note-taking bots that join calls under these names ("Otter.ai", "Fireflies.ai Notetaker",
# "Read.ai meeting notes", "Fathom Notetaker"): nobody, never a member to add
BOTS = ("otter.ai", "fireflies.ai", "fireflies notetaker", "read.ai", "notetaker")


def is_bot(shown: str) -> bool:
    """Whether a call's display name is a known note-taking bot."""
    plain = folded(shown)
    return any(bot in plain for bot in BOTS)


NAME_MODES = ("full", "first", "handle")


def shown_names(people: list[tuple[str, str | None]], mode: str) -> dict[str, str]:
    """How each member is named on a public page, by their full name: `full` as stored;
    `first` their first name, with their last name's initial where two members share one
    ("Sam K.", "Sam L."), or the full name if that is shared too; `handle` their handle
    ("@sanyam"), else as `first`. `people`: (name, handle) of every member."""
    if mode not in NAME_MODES:
        raise ValueError(f"unknown name mode {mode!r}")
    if mode == "full":
        return {name: name for name, _ in people}

    def first(name: str) -> str:
        return (name.split() or [name])[0]

    def initialled(name: str) -> str:
        words = name.split()
        return f"{words[0]} {words[-1][0]}." if len(words) > 1 else name

    # names are stored NFC (validate.member_name): casefold alone compares them
    firsts = [(name, handle, first(name), initialled(name)) for name, handle in people]
    by_first: dict[str, int] = {}
    by_initial: dict[str, int] = {}
    for _, _, short, initial in firsts:
        by_first[short.casefold()] = by_first.get(short.casefold(), 0) + 1
        by_initial[initial.casefold()] = by_initial.get(initial.casefold(), 0) + 1
    out: dict[str, str] = {}
    for name, handle, short, initial in firsts:
        if mode == "handle" and handle:
            out[name] = f"@{handle}"
        elif by_first[short.casefold()] == 1:
            out[name] = short
        elif by_initial[initial.casefold()] == 1:
            out[name] = initial
        else:
            out[name] = name
    return out
