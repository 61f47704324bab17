"""A held call's recap, for the group: Markdown, or the exact Slack and Discord payloads.
Written once, line by line, in terms of a chat `Style` (render/chat.py); Markdown is one more
style. Pure: the recap document in, text or payloads out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from studygroup.render.chat import DISCORD, SLACK, Style, discord_post, slack_post
from studygroup.render.documents import (
    CarriedItem,
    MovedTalk,
    Payload,
    RecapDocument,
    TalkLine,
    Watch,
)
from studygroup.render.labels import lecture_name
from studygroup.render.markdown import escape as markdown_escape
from studygroup.render.markdown import safe_url
from studygroup.render.notes import no_html, note_line

MARKDOWN = Style(
    name="markdown",
    escape=markdown_escape,
    bold=lambda text: f"**{text}**",
    link=lambda label, url: f"[{label}](<{safe_url(url)}>)",
    when=lambda _moment, fallback: markdown_escape(fallback),
    clock=lambda _moment, fallback: markdown_escape(fallback),
)


def recap_lines(doc: RecapDocument, style: Style) -> Iterator[str]:
    e, b = style.escape, style.bold
    session = doc["session"]
    local = datetime.fromisoformat(session["local_start"])
    start = datetime.fromisoformat(session["starts_at"]).astimezone(UTC)
    yield b(f"Recap: {e(doc['course']['title'])} — session {session['number']}")
    yield style.when(start, f"{local:%a %d %b %Y %H:%M} {session['timezone']}")
    if session["status"] == "cancelled":
        yield ""
        moved = f"session {doc['moved_to']}" if doc["moved_to"] else "the next session"
        yield f"Session {session['number']} was cancelled; what it had moved to {moved}."
    elif not doc["closed"]:
        yield ""
        yield (
            f"Session {session['number']} is {session['status']}, not closed yet: this is the "
            "plan, not what happened ('studygroup session close' records what was covered)."
        )

    def name(x: Watch) -> str:
        text = lecture_name(x["label"], x["title"], x["kind"], escape=e, escape_label=e)
        text += f" (part {x['part']})" if x["part"] else ""
        return style.link(text, x["url"]) if x["url"] else text

    def talk(t: TalkLine | MovedTalk) -> str:
        title = style.link(e(t["title"]), t["url"]) if t["url"] else e(t["title"])
        return f"{title} — {e(t['presenter'])}" if t["presenter"] else title

    def carried(item: CarriedItem) -> str:
        owner = e(item["owner"]) if item["owner"] else "everyone"
        return f"#{item['id']} {e(item['text'])} — {owner} (carried)"

    sections: list[tuple[str, list[str]]] = [
        ("Covered", [name(x) for x in doc["covered"]]),
        (
            "Moved on" + (f" to session {doc['moved_to']}" if doc["moved_to"] else ""),
            [name(x) for x in doc["moved_on"]]
            + [f"{talk(t)} (talk postponed)" for t in doc["talks_moved_on"]]
            + [carried(i) for i in doc["items_carried"]],
        ),
        ("Planned", [name(x) for x in doc["planned"]]),
        ("Talks given", [talk(t) for t in doc["talks_given"]]),
        ("Talks planned", [talk(t) for t in doc["talks_planned"]]),
    ]
    for title, lines in sections:
        if lines:
            yield ""
            yield b(title)
            for line in lines:
                yield f"• {line}"
    seen = doc["attendance"]
    yield ""
    yield b("Attendance")
    yield f"{seen['present']} present, {seen['absent']} absent, {seen['excused']} excused"
    names = seen.get("names")
    if names:
        yield ", ".join(e(n) for n in names)
    if doc["decisions"]:
        yield ""
        yield b("Decisions")
        for poll in doc["decisions"]:
            winner = f": {e(poll['winner'])}" if poll["winner"] else ": no winner"
            yield f"• {e(poll['title'])}{winner}"
    for title, listed in (
        ("New action items", doc["items_new"]),
        ("Finished", doc["items_finished"]),
    ):
        if listed:
            yield ""
            yield b(title)
            for item in listed:
                owner = e(item["owner"]) if item["owner"] else "everyone"
                yield f"• #{item['id']} {e(item['text'])} — {owner}"
    if doc["notes"]:
        yield ""
        yield b("Notes")
        # the organiser's Markdown, kept as written in Markdown; a chat escapes the text
        keep = no_html if style.name == "markdown" else e
        for line in doc["notes"].split("\n"):
            yield note_line(line, keep, style.link) if line.strip() else ""


def recap_markdown(doc: RecapDocument) -> str:
    """The recap as Markdown: the title a heading, each section's title a subheading, bullets
    a list, and the lines of a paragraph (the notes) kept apart with hard breaks."""
    lines = list(recap_lines(doc, MARKDOWN))
    out = ["# " + lines[0].strip("*"), ""]
    for index, line in enumerate(lines[1:], 1):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.startswith("**") and line.endswith("**") and lines[index - 1] == "":
            out.append("## " + line.strip("*"))
            out.append("")
        elif line.startswith("• "):
            out.append("- " + line[2:])
        elif line and following and not following.startswith("• "):
            out.append(line + "  ")  # a hard line break
        else:
            out.append(line)
    return "\n".join(out).rstrip() + "\n"


def recap_payloads(doc: RecapDocument, chat: str) -> list[Payload]:
    session = doc["session"]
    if chat == "slack":
        text = f"Recap: {doc['course']['title']} — session {session['number']}"
        return slack_post(list(recap_lines(doc, SLACK)), text)
    return discord_post(list(recap_lines(doc, DISCORD)))
