"""The weekly agenda as GitHub-flavoured Markdown. Every user string is escaped."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from urllib.parse import quote

from studygroup.render.documents import AgendaDocument, Happened, NextLecture, Watch
from studygroup.render.labels import lecture_name, roles_line

_PUNCTUATION = frozenset(string.punctuation)
_URL_SAFE = ":/?#[]@!$&'*+,;=%-._~"
# Characters that can start an inline construct anywhere in a line: escapes, code spans,
# emphasis, links and images, raw HTML and autolinks, entities, table pipes, strikethrough,
# and the ':' and '@' of GFM's extended URL and email autolinks.
_ALWAYS_CHARS = "\\`*_[]<>!&|~:@"
# a backslash before each: the backslash itself first, so no later one doubles it; a replace
# per character that occurs measured about 4x faster than str.translate with a table that
# maps one character to two (which takes CPython's slow path)
_ESCAPES = tuple((ch, "\\" + ch) for ch in _ALWAYS_CHARS)

_LIST_NUMBER = re.compile(r"\d{1,9}[.)]")
_WWW = re.compile(r"(?i)www\.")
# a dot inside a word ('evil.com', 'ｗｗｗ.evil.com', 'a@b.c'): linkify-style renderers (and
# chat apps) make a link of a bare domain, so the dot is escaped; it still reads as a dot
_INNER_DOT = re.compile(r"(?<=\S)\.(?=\S)")


def _escape_always(text: str) -> str:
    for ch, escaped in _ESCAPES:
        if ch in text:
            text = text.replace(ch, escaped)
    return text


def escape(text: str) -> str:
    """User text as literal Markdown (CommonMark + GFM): no emphasis, link, autolink, image,
    HTML, entity, heading, list, quote, code or table cell can be formed from it.

    Only what can matter is escaped, so pasted text stays readable: the characters above
    anywhere; the first character when it is punctuation (a heading, list or quote marker);
    the '.' or ')' of a leading number (an ordered list); the '.' of 'www.' and every dot
    inside a word (an autolink, including linkify's bare domains such as 'evil.com/login').
    Line breaks become spaces, and outer whitespace (an indented code block) is dropped.
    """
    flat = " ".join(text.split())
    if not flat:
        return ""
    number = _LIST_NUMBER.match(flat)
    if "." not in flat and flat[0] not in _PUNCTUATION and not number:
        return _escape_always(flat)  # the common case: no position-dependent marks
    marks = {m.end() - 1 for m in _WWW.finditer(flat)}
    marks.update(m.start() for m in _INNER_DOT.finditer(flat))
    if number:
        marks.add(number.end() - 1)
    if flat[0] in _PUNCTUATION:
        marks.add(0)
    out: list[str] = []
    start = 0
    for index in sorted(marks):  # a marked character is escaped once, whatever it is
        out.append(_escape_always(flat[start:index]))
        out.append("\\" + flat[index])
        start = index + 1
    out.append(_escape_always(flat[start:]))
    return "".join(out)


def link(label: str, url: str | None) -> str:
    """[label](<url>), with the URL percent-encoded so it cannot close the link or a cell."""
    return _link_raw(escape(label), url)


def safe_url(url: str) -> str:
    """The URL percent-encoded so that it cannot end a link, an autolink, a Slack link or a
    table cell: quote() encodes every character outside _URL_SAFE, ( ) | < > included."""
    return quote(url, safe=_URL_SAFE)


def _link_raw(label: str, url: str | None) -> str:
    """A link around an already-escaped label."""
    if not url:
        return label
    return f"[{label}](<{safe_url(url)}>)"


def call_markdown(url: str | None, call_note: str | None) -> str:
    """'**Join the call:** <https://...> — passcode 1234': an autolink (the URL percent-encoded
    so that it cannot end it early), the note escaped."""
    note_text = escape(call_note) if call_note else ""
    if not url:
        return f"**Join the call:** {note_text}"
    return f"**Join the call:** <{safe_url(url)}>" + (f" — {note_text}" if note_text else "")


def _when(local_iso: str) -> str:
    return datetime.fromisoformat(local_iso).strftime("%a %d %b %Y, %H:%M")


def _lecture_name(entry: Watch | NextLecture) -> str:
    """Labels are validated ([A-Za-z0-9._-], starting alphanumeric): only titles need escaping."""
    name = lecture_name(entry["label"], entry["title"], entry.get("kind"), escape=escape)
    return name + (f" (part {entry['part']})" if entry.get("part") else "")


def agenda_markdown(doc: AgendaDocument) -> str:
    session = doc["session"]
    lines: list[str] = []
    lines.append(f"# {escape(doc['course']['title'])} — session {session['number']}")
    lines.append("")
    utc = datetime.fromisoformat(session["starts_at"]).astimezone(UTC)
    lines.append(
        f"**{_when(session['local_start'])} {session['timezone']}** "
        f"({utc:%H:%M} UTC), {session['minutes']} minutes"
    )
    if doc.get("call_url") or doc.get("call_note"):
        lines.append("")
        lines.append(call_markdown(doc.get("call_url"), doc.get("call_note")))
    if doc.get("host") or doc.get("notes_by"):
        lines.append("")
        lines.append(roles_line(doc.get("host"), doc.get("notes_by"), escape=escape))
    if session["status"] != "planned":
        lines.append("")
        lines.append(f"*This session is {session['status']}.*")
    lines.append("")
    lines.append("## Agenda")
    lines.append("")
    lines.append("| Start | Min | Item | Who |")
    lines.append("|---|--:|---|---|")
    for entry in doc["entries"]:
        if entry["kind"] == "lecture" and (label := entry["lecture"]) is not None:
            item = lecture_name(label, entry["title"], entry["lecture_kind"], escape=escape)
            if entry["part"]:
                item += f" (part {entry['part']})"
            if entry["carried"]:
                item += " — carried over"
        elif entry["kind"] == "talk":
            item = "Talk: " + escape(entry["title"])
            if entry["postponed"]:
                item += f" — postponed ×{entry['postponed']}"
        else:
            item = escape(entry["title"])  # our own words, or a custom title
        if entry["overflow"]:
            item += " ⚠️"
        who = escape(entry["presenter"]) if entry["presenter"] else ""
        lines.append(f"| {entry['start']} | {entry['minutes']} | {item} | {who} |")
    if doc["over_by_minutes"]:
        lines.append("")
        lines.append(
            f"⚠️ The agenda is **{doc['over_by_minutes']} minutes over**; "
            "the entries marked ⚠️ run past the end."
        )

    happened = doc.get("happened")
    if happened is not None:
        lines.extend(_what_happened(happened))
    if doc["watch"] and happened is None:
        lines.append("")
        lines.append("## Watch beforehand")
        lines.append("")
        for lecture in doc["watch"]:
            minutes = f" — {lecture['video_minutes']} min" if lecture["video_minutes"] else ""
            lines.append(f"- {_link_raw(_lecture_name(lecture), lecture['url'])}{minutes}")
    if doc["optional_lectures"]:
        lines.append("")
        lines.append("## Optional")
        lines.append("")
        for extra_lecture in doc["optional_lectures"]:
            minutes = f" — {extra_lecture['minutes']} min" if extra_lecture["minutes"] else ""
            name = f"{extra_lecture['label']}: {escape(extra_lecture['title'])}"
            lines.append(f"- {_link_raw(name, extra_lecture['url'])}{minutes}")
    if doc["talks"]:
        lines.append("")
        lines.append("## Talks")
        lines.append("")
        for talk in doc["talks"]:
            extra = (
                f" — postponed from session {talk['postponed_from']}"
                if talk["postponed_from"] and talk["postponed_from"] != session["number"]
                else ""
            )
            lines.append(
                f"- {talk['start']} **{escape(talk['presenter'])}**: "
                f"{link(talk['title'], talk['url'])} ({talk['minutes']} min){extra}"
            )
    if doc["not_fitting"]:
        lines.append("")
        lines.append(
            "Queued talks that did not fit this week: "
            + "; ".join(
                f"{escape(t['presenter'])}: {escape(t['title'])}" for t in doc["not_fitting"]
            )
            + "."
        )
    if doc.get("waiting"):
        lines.append("")
        lines.append(
            "Talks waiting for a later week (first in line next time): "
            + "; ".join(f"{escape(t['presenter'])}: {escape(t['title'])}" for t in doc["waiting"])
            + "."
        )
    if doc["items_by_owner"]:
        lines.append("")
        lines.append("## Open action items")
        for group in doc["items_by_owner"]:
            lines.append("")
            lines.append(f"**{escape(group['owner']) if group['owner'] else 'Everyone'}**")
            lines.append("")
            for open_item in group["items"]:
                carried = f" — carried ×{open_item['carried']}" if open_item["carried"] else ""
                lines.append(f"- {escape(open_item['text'])}{carried}")
    if happened is None:
        lines.append("")
        lines.append("## Attendance")
        lines.append("")
        previous = doc["previous"]
        lines.append(
            f"Last session ({previous['session']}): {previous['present']} present."
            if previous
            else "This is the first session."
        )
    poll = doc["poll"]
    if poll:
        lines.append("")
        lines.append("## Vote for the next course")
        lines.append("")
        lines.append(
            f"{escape(poll['title'])}: "
            + ", ".join(escape(o) for o in poll["options"])
            + (f" — voting closes {poll['closes']}" if poll["closes"] else "")
        )
    following = doc["next"]
    if happened is not None:
        return "\n".join(lines) + "\n"
    lines.append("")
    lines.append("## Next week")
    lines.append("")
    if following is None:
        lines.append("Nothing planned yet.")
    else:
        parts = [f"Session {following['session']}, {_when(following['local_start'])}"]
        if following["lectures"]:
            parts.append(", ".join(_lecture_name(x) for x in following["lectures"]))
        if following["presenters"]:
            parts.append("talks by " + ", ".join(escape(p) for p in following["presenters"]))
        lines.append(": ".join(parts[:2]) + ("; " + parts[2] if len(parts) > 2 else "") + ".")
    return "\n".join(lines) + "\n"


def _what_happened(happened: Happened) -> list[str]:
    """A held session's record: lectures covered and not, talks given, who came."""
    lines = ["", "## What happened", ""]
    for title, watched in (
        ("Covered", happened["covered"]),
        ("Not covered (moved on)", happened["not_covered"]),
    ):
        if watched:
            lines.append(f"- {title}: " + ", ".join(_lecture_name(x) for x in watched))
    if happened["talks_given"]:
        lines.append(
            "- Talks given: "
            + "; ".join(
                f"{escape(t['presenter'])}: {escape(t['title'])}" for t in happened["talks_given"]
            )
        )
    for title, names in (
        ("Present", happened["present"]),
        ("Absent", happened["absent"]),
        ("Excused", happened["excused"]),
    ):
        if names:
            lines.append(f"- {title} ({len(names)}): " + ", ".join(escape(n) for n in names))
    if len(lines) == 3:
        lines.append("Nothing was recorded.")
    return lines
