"""Terminal text for the weekly loop: agenda, close summary, attendance. Pure functions."""

from __future__ import annotations

from datetime import datetime

from studygroup.render.contracts import SessionJSON, TalkJSON
from studygroup.render.documents import (
    AgendaEntry,
    AgendaView,
    CloseDocument,
    CourseShow,
    ImportDocument,
    TurnoutJSON,
)
from studygroup.render.labels import lecture_name, roles_line
from studygroup.render.table import table
from studygroup.rules.carry import flagged

LISTED = 20  # items named one by one in a close summary


def carried_mark(count: int) -> str:
    if flagged(count):
        return f" (carried ×{count} !)"
    return f" (carried ×{count})" if count else ""


def entry_label(entry: AgendaEntry) -> str:
    kind = entry["kind"]
    if kind == "lecture" and (label := entry["lecture"]) is not None:
        text = lecture_name(label, entry["title"], entry["lecture_kind"])
        if entry["part"]:
            text += f" (part {entry['part']})"
        if entry.get("carried"):
            text += " [carried over]"
        if entry.get("optional"):
            text += " [optional]"
        return text
    if kind == "talk":
        text = f"Talk #{entry['talk_id']}: {entry['title']}"
        if entry["postponed"]:
            text += f" [postponed ×{entry['postponed']}]"
        return text
    return str(entry["title"])


def call_line(url: str | None, call_note: str | None) -> str:
    """'Join: https://... (passcode 1234)', or the note alone."""
    if url:
        return f"Join: {url}" + (f" ({call_note})" if call_note else "")
    return f"Join: {call_note}"


def session_heading(session: SessionJSON, title: str | None = None) -> str:
    local = datetime.fromisoformat(session["local_start"])
    when = local.strftime("%a %d %b %Y %H:%M")
    name = title or session["course"]
    return (
        f"{name} — session {session['number']} ({session['status']}) — {when} "
        f"{session['timezone']}, {session['minutes']} min"
    )


def agenda_text(view: AgendaView) -> str:
    session = view["session"]
    lines = [session_heading(session)]
    if view.get("display_timezone") and view["display_timezone"] != session["timezone"]:
        lines.append(f"(times shown in {view['display_timezone']})")
    if view.get("call_url") or view.get("call_note"):
        lines.append(call_line(view.get("call_url"), view.get("call_note")))
    if view.get("host") or view.get("notes_by"):
        lines.append(roles_line(view.get("host"), view.get("notes_by")))
    rows = [
        {
            "n": e["position"],
            "start": e["start"],
            "min": e["minutes"],
            "item": entry_label(e) + ("  << overflows" if e["overflow"] else ""),
            "who": e["presenter"] or "",
            "pin": "*" if e["pinned"] else "",
        }
        for e in view["entries"]
    ]
    lines.append("")
    lines.append(
        table(
            rows,
            [
                ("n", "#"),
                ("start", "start"),
                ("min", "min"),
                ("item", "item"),
                ("who", "who"),
                ("pin", "pinned"),
            ],
        )
    )
    lines.append("")
    lines.append(f"total {view['total_minutes']} of {session['minutes']} minutes")
    if view["over_by_minutes"]:
        over = [str(e["position"]) for e in view["entries"] if e["overflow"]]
        lines.append(
            f"OVER by {view['over_by_minutes']} minutes; overflowing entries: " + ", ".join(over)
        )
    turnout = view.get("turnout")
    if turnout:
        lines.append(turnout_line(turnout))
    for flag in view.get("flags", ()):
        lines.append(f"! {flag}")
    if view["optional_lectures"]:
        lines.append("")
        lines.append(
            "Optional: "
            + "; ".join(
                f"{x['label']} {x['title']}" + (f" ({x['minutes']} min)" if x["minutes"] else "")
                for x in view["optional_lectures"]
            )
        )
    if view["not_fitting"]:
        lines.append("")
        lines.append(
            "Queued talks that do not fit: "
            + "; ".join(
                f"#{t['id']} {t['title']} ({t['presenter']}, {t['minutes']} min"
                + (
                    f", longer than any session can give: at most {view['talk_limit']} min)"
                    if "talk_limit" in view and t["minutes"] > view["talk_limit"]
                    else ")"
                )
                for t in view["not_fitting"]
            )
        )
    if view.get("waiting"):
        lines.append("")
        lines.append(
            "Talks waiting for a later week (first in line next time): "
            + "; ".join(
                f"#{t['id']} {t['title']} ({t['presenter']}, {t['minutes']} min)"
                for t in view["waiting"]
            )
        )
    if view["action_items"]:
        lines.append("")
        lines.append("Open action items:")
        for item in view["action_items"]:
            owner = item["owner"] or "everyone"
            lines.append(f"  #{item['id']} {item['text']} — {owner}{carried_mark(item['carried'])}")
    notes = session["notes"]
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  {line}".rstrip() for line in notes.split("\n"))
    return "\n".join(lines)


def turnout_line(turnout: TurnoutJSON) -> str:
    """'expected: 12 yes, 3 maybe, 2 no, 8 no answer' (rsvp)."""
    return (
        f"expected: {turnout['yes']} yes, {turnout['maybe']} maybe, {turnout['no']} no, "
        f"{turnout['no_answer']} no answer"
    )


def close_summary(summary: CloseDocument, verb: str = "closed") -> str:
    """One line for the journal: 'closed session 5: 2 lectures covered, 1 talk postponed,
    3 items carried'."""

    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    parts = [
        count(len(summary["covered"]), "lecture covered", "lectures covered"),
        count(len(summary["carried_lectures"]), "lecture moved on", "lectures moved on"),
        count(len(summary["talks_done"]), "talk done", "talks done"),
        count(len(summary["talks_postponed"]), "talk postponed", "talks postponed"),
        count(len(summary["items_carried"]), "item carried", "items carried"),
    ]
    shown = [p for p in parts if not p.startswith("0 ")]
    return f"{verb} session {summary['session']}" + (": " + ", ".join(shown) if shown else "")


def close_text(summary: CloseDocument, verb: str = "closed") -> str:
    lines = [
        f"session {summary['session']} {verb}; next is session {summary['next_session']}"
        + (" (created)" if summary["created_next"] else "")
    ]
    if summary["covered"]:
        lines.append("covered: " + ", ".join(summary["covered"]))
    if summary["carried_lectures"]:
        lines.append(
            f"lectures moved to session {summary['next_session']}: "
            + ", ".join(summary["carried_lectures"])
        )
    for talk in summary["talks_done"]:
        lines.append(f"talk #{talk['id']} done: {talk['title']} ({talk['presenter']})")
    for talk in summary["talks_postponed"]:
        lines.append(
            f"talk #{talk['id']} moved to session {summary['next_session']}: "
            f"{talk['title']} ({talk['presenter']}, postponed ×{talk['postponed']})"
        )
    carried = summary["items_carried"]
    for item in carried[:LISTED]:
        owner = item["owner"] or "everyone"
        lines.append(
            f"item #{item['id']} carried: {item['text']} — {owner}{carried_mark(item['carried'])}"
        )
    if len(carried) > LISTED:
        lines.append(
            f"... and {len(carried) - LISTED} more items carried "
            "(all of them with --json or 'studygroup item list')"
        )
    for number, role, name in summary["roles_filled"]:
        lines.append(f"session {number}: {name} {'hosts' if role == 'host' else 'takes notes'}")
    return "\n".join(lines)


def import_report_lines(report: ImportDocument) -> list[str]:
    """`attend import`: the format and session, then one line per person in the report:
    present (and how they were matched), short, unknown (with suggestions), added."""
    read = {"dmy": ", read day first", "mdy": ", read month first"}.get(
        report["date_order"] or "", ""
    )
    chosen = {
        "date": f"chosen by the report's date, {report['report_date']}{read}",
        "ref": f"the report is from {report['report_date']}{read}" if report["report_date"] else "",
        "latest": "the latest session that has started",
    }[report["chosen_by"]]
    lines = [
        f"format   {report['format']}",
        f"session  {report['session']}" + (f" ({chosen})" if chosen else ""),
    ]
    for alias in report["learned"]:
        lines.append(f"alias    {alias['alias']!r} is {alias['member']}")
    for row in report["skipped"]:
        lines.append(f"skipped  line {row['line']}: {row['name']!r} ({row['reason']})")
    if report["caution"] and report["dry_run"]:
        lines.append(f"caution  {report['caution']} (--yes to go ahead)")
    needed = report["min_minutes"]
    for person in report["people"]:
        minutes = f", {person['minutes']} min" if person["minutes"] is not None else ""
        status = person["status"]
        if status == "ignored":  # a bot, or a name `member ignore` was given: nobody
            continue
        if status == "present":
            lines.append(
                f"present  {person['member']}  ({person['name']!r} by {person['by']}{minutes})"
            )
        elif status == "short":
            lines.append(
                f"short    {person['member'] or person['name']}  "
                f"({person['minutes']} min < {needed})"
            )
        elif status == "added":
            verb = "would add" if report["dry_run"] else "added"
            lines.append(
                f"{verb}  {person['name']}" + (f" <{person['email']}>" if person["email"] else "")
            )
        else:
            shown = person["name"] + (f" <{person['email']}>" if person["email"] else "")
            hint = ""
            if person["suggestions"]:
                word = "could be" if status == "ambiguous" else "did you mean"
                hint = f"  ({word} {' or '.join(person['suggestions'])}?)"
            lines.append(f"{status:<8} {shown}{hint}")
    return lines


def import_report_summary(report: ImportDocument) -> str:
    """`attend import`: what was recorded (or, in a dry run, that nothing was)."""
    number = report["session"]
    if report["dry_run"]:
        return f"dry run: nothing written for session {number}"
    unknown = len(report["unknown"])
    skipped = [str(row["line"]) for row in report["skipped"]]
    return (
        f"recorded {report['recorded']} present for session {number}"
        + (f'; {unknown} unknown (use --match "NAME=MEMBER" or --add-unknown)' if unknown else "")
        + (f"; skipped line(s) {', '.join(skipped)}" if skipped else "")
    )


def progress_lines(course: CourseShow) -> list[str]:
    """`course show`: lectures covered, what remains, and the forecast final session."""
    progress = course["progress"]
    required, optional = progress["lectures"]["required"], progress["lectures"]["optional"]
    what_if = " (with optional lectures)" if progress["with_optional"] else ""
    lines = [
        f"Progress: {required['covered']} of {required['covered'] + required['remaining']}"
        f" required lectures covered; {optional['covered']} of "
        f"{optional['covered'] + optional['remaining']} optional",
        f"Remaining{what_if}: {progress['remaining_video_minutes']} min of video, "
        f"{progress['sessions_needed']} session(s) at {course['pace']} min per session",
    ]
    if progress["forecast_end"]:
        lines.append(f"Final session expected on {progress['forecast_end']}")
    return lines


def talk_row(talk: TalkJSON) -> dict[str, object]:
    """A talk as the terminal shows it: 'queued, on hold'; a queued talk's session is the one
    whose agenda it is on ('3 (planned)')."""
    row: dict[str, object] = dict(talk)
    if talk.get("on_hold"):
        row["status"] = f"{talk['status']}, on hold"
    if talk.get("session") is None and talk.get("planned") is not None:
        row["session"] = f"{talk['planned']} (planned)"
    return row


def shortened(text: str | None, width: int = 40) -> str | None:
    """A long text as a table cell: its first line, cut at a word to `width` characters."""
    if not text:
        return text
    first = text.strip().split("\n", 1)[0]
    if len(first) <= width and "\n" not in text.strip():
        return first
    cut = first[: width - 1]
    if len(first) >= width and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
