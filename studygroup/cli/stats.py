"""`studygroup stats`: attendance per member and per session."""

from __future__ import annotations

import click

from studygroup.cli.app import (
    App,
    course_option,
    emit_json,
    emit_rows,
    emit_table,
    output_options,
    pass_app,
)

MEMBER_COLUMNS = [
    ("name", "member"),
    ("attended_text", "attended"),
    ("rate_text", "rate"),
    ("streak", "streak"),
    ("last_seen", "last seen"),
    ("talks_given", "talks"),
    ("hosted", "hosted"),
    ("took_notes", "notes"),
    ("open_items", "open items"),
    ("flag", "lapsing"),
]
SHEET_COLUMNS = [
    ("name", "member"),
    ("attended", "attended"),
    ("held", "held"),
    ("excused", "excused"),
    ("rate", "rate"),
    ("streak", "streak"),
    ("last_seen", "last seen"),
    ("talks_given", "talks"),
    ("hosted", "hosted"),
    ("took_notes", "notes"),
    ("open_items", "open items"),
    ("lapsing", "lapsing"),
]


GROUP_COLUMNS = [
    ("group", "group"),
    ("course", "course"),
    ("members", "members"),
    ("held", "held"),
    ("average_turnout", "avg turnout"),
    ("last_turnout", "last"),
    ("lapsing", "lapsing"),
    ("open_items", "open items"),
]


@click.command()
@course_option
@click.option(
    "--all-groups",
    is_flag=True,
    help="A summary line per course of every group (on PostgreSQL: every group you organise).",
)
@output_options
@pass_app
def stats(app: App, course_slug: str | None, all_groups: bool, output: str) -> None:
    """Attendance statistics: per member (sessions attended out of those held since they
    joined, rate, current streak, last seen, talks given, open items), turnout per session
    with a sparkline, and members who missed the last 3 held sessions.

    \b
    Example:
      studygroup stats --json
      studygroup stats --all-groups --format csv
    """
    from studygroup import courses
    from studygroup.views.stats import course_stats

    if all_groups:
        from studygroup.views.stats import organisation

        with app.read() as db:
            summary = organisation(db)
        emit_rows(output, summary, GROUP_COLUMNS, "no groups with courses")
        return

    with app.read() as db:
        data = course_stats(db, courses.pick(db, course_slug))
    if output == "json":
        emit_json(data)
        return
    if output in ("csv", "tsv"):  # the per-member table, with numbers a spreadsheet can sum
        emit_rows(output, data["members"], SHEET_COLUMNS, "")
        return
    rows = [
        m
        | {
            "attended_text": f"{m['attended']}/{m['held']}",
            "rate_text": f"{m['rate']:.0%}" if m["rate"] is not None else "",
            "flag": "yes" if m["lapsing"] else "",
        }
        for m in data["members"]
    ]
    emit_table(rows, MEMBER_COLUMNS, "no members")
    click.echo()
    turnout = " ".join(str(s["turnout"]) for s in data["sessions"])
    click.echo(
        f"turnout  {data['sparkline']}  ({turnout})" if data["sessions"] else "no held sessions yet"
    )
    if data["lapsing"]:
        from studygroup.rules.turnout import LAPSE_AFTER

        click.echo(f"lapsing (missed the last {LAPSE_AFTER}): " + ", ".join(data["lapsing"]))
    kept = data["answers"]
    if kept["said_yes"] or kept["said_no"]:
        click.echo(
            f"answers  {kept['yes_came']} of {kept['said_yes']} who said yes came; "
            f"{kept['no_stayed_away']} of {kept['said_no']} who said no stayed away"
        )
