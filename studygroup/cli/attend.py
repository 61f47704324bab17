"""`studygroup attend ...` and `studygroup attendance`: who came."""

from __future__ import annotations

from pathlib import Path

import click

from studygroup import clock
from studygroup.cli import params
from studygroup.cli.app import (
    App,
    DefaultGroup,
    course_option,
    emit_json,
    emit_rows,
    emit_table,
    json_option,
    note,
    output_options,
    pass_app,
    split_ref,
)
from studygroup.cli.complete import member_names, session_refs


@click.group(cls=DefaultGroup, default="record")
def attend() -> None:
    """Record attendance: `attend [REF] NAME... [--absent NAME...] [--excused NAME...]`, or
    import a Zoom participant report with `attend import`.

    \b
    Example:
      studygroup attend Ada Grace @linus --absent Alan --excused Priya
      studygroup attend import 3 participants.csv --min-minutes 15
    """


@attend.command("record")
@click.argument("words", nargs=-1, metavar="[REF] NAME...", shell_complete=member_names)
@click.option(
    "--absent",
    multiple=True,
    metavar="NAME",
    help="Absent (repeatable).",
    shell_complete=member_names,
)
@click.option(
    "--excused",
    multiple=True,
    metavar="NAME",
    help="Excused (repeatable).",
    shell_complete=member_names,
)
@course_option
@pass_app
def attend_record(
    app: App,
    words: tuple[str, ...],
    absent: tuple[str, ...],
    excused: tuple[str, ...],
    course_slug: str | None,
) -> None:
    """Record who was present (and absent or excused) at a session (default: the latest
    session that has started and was not cancelled, so attendance recorded after the close
    lands on the call that just happened).

    Recording a member again changes their status; it never duplicates. An unknown name is an
    error and nothing is written. Present and absent need a session that has started;
    --excused can be recorded ahead, when a member says they can't come.

    \b
    Example:
      studygroup attend 3 Ada Grace --absent Alan
    """
    from studygroup import attendance, members
    from studygroup.store.enums import AttendanceStatus

    ref, names = split_ref(words)
    if not names and not absent and not excused:
        raise click.UsageError("name at least one member")
    now = clock.now()
    with app.write() as db:
        course, target = attendance.session_for(db, course_slug, ref, now)
        count = attendance.record(
            db,
            target,
            {
                status: [members.find(db, name) for name in given]
                for status, given in (
                    (AttendanceStatus.PRESENT, names),
                    (AttendanceStatus.ABSENT, absent),
                    (AttendanceStatus.EXCUSED, excused),
                )
            },
            now=now,
            course_zone=course.timezone,
        )
        note(f"recorded {count} member(s) for session {target.number}")


@attend.command("import")
@click.argument("words", nargs=-1, metavar="[REF] FILE")
@click.option(
    "--min-minutes",
    default=0,
    show_default=True,
    type=click.IntRange(0, 1440),
    help="Count someone present only after this many minutes on the call.",
)
@click.option(
    "--min-percent",
    default=0,
    show_default=True,
    type=click.IntRange(0, 100),
    help="... or after this share of the session's length (the larger of the two wins).",
)
@click.option(
    "--match",
    "matches",
    multiple=True,
    metavar='"SHOWN=MEMBER"',
    help="Who a name in the report is; recorded as an alias, so next time it matches by "
    "itself (repeatable).",
)
@click.option("--add-unknown", is_flag=True, help="Add people who are not members yet.")
@click.option(
    "--dry-run", is_flag=True, help="Show the format, session and matching; write nothing."
)
@click.option(
    "--format",
    "fmt",
    metavar="NAME",
    help="Read the file with this reader instead of recognising it (see --formats).",
)
@click.option("--formats", "list_formats", is_flag=True, help="List the report formats and exit.")
@click.option(
    "--tz",
    "host_zone",
    type=params.TIMEZONE,
    help="The zone the report's times are in (default: the course's).",
)
@click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    help="Read the report's dates day first (dmy) or month first (mdy), where the file "
    "cannot tell (12/08/2026). Default: the order that puts the report on a session's day.",
)
@click.option(
    "--yes",
    "confirmed",
    is_flag=True,
    help="Go ahead where the import needs a second look: the session already has imported "
    "attendance, or an undated list goes to a session more than a week from today.",
)
@params.encoding_option
@params.max_rows_option
@course_option
@json_option
@pass_app
def attend_import(
    app: App,
    words: tuple[str, ...],
    min_minutes: int,
    min_percent: int,
    matches: tuple[str, ...],
    add_unknown: bool,
    dry_run: bool,
    fmt: str | None,
    list_formats: bool,
    host_zone: str | None,
    encoding: str | None,
    max_rows: int,
    date_order: str | None,
    confirmed: bool,
    course_slug: str | None,
    as_json: bool,
) -> None:
    """Import attendance from a call report: Zoom, Google Meet or Microsoft Teams, or a plain
    list of names. The format is recognised from the content (--formats lists them).

    Without REF, a report that carries dates goes to the session held on its day; with
    REF, a report from another day is refused. An import into a session that already has
    imported attendance, or of an undated list into a session more than a week from today,
    shows what it would change and writes nothing without --yes. A file without a minutes
    column never erases the minutes already recorded. A person's joins from several devices count
    once: time on the call is the union of their intervals, capped at the session's
    length. People are matched by the one matching rule (email, alias, name, handle,
    accents, prefix, "Last, First"); unknown people get suggestions. Try --dry-run first.

    \b
    Example:
      studygroup attend import participants_8123.csv --min-minutes 15 --dry-run
      studygroup attend import 3 teams.csv --match "Rohan's iPhone=Rohan Iyer"
    """
    from studygroup.errors import Invalid

    if list_formats:
        from studygroup.io.reports import formats

        rows = [{"format": name, "reads": what} for name, what in formats()]
        if as_json:
            emit_json(rows)
        else:
            emit_table(rows, [("format", "format"), ("reads", "reads")], "")
        return
    from studygroup import attendance_import, courses
    from studygroup.render.text import import_report_lines, import_report_summary

    ref, rest = split_ref(words)
    if len(rest) != 1:
        raise click.UsageError("give one report file, optionally after a session REF")
    try:
        pairs = tuple(attendance_import.parse_match(m) for m in matches)
    except Invalid as exc:
        raise click.BadParameter(str(exc), param_hint="'--match'") from None
    options = attendance_import.ImportOptions(
        min_minutes=min_minutes,
        min_percent=min_percent,
        add_unknown=add_unknown,
        dry_run=dry_run,
        fmt=fmt,
        encoding=encoding,
        host_zone=host_zone,
        matches=pairs,
        max_rows=max_rows,
        confirmed=confirmed,
        date_order=date_order,
    )
    try:
        with app.read() if dry_run else app.write() as db:
            course = courses.pick(db, course_slug)
            result = attendance_import.import_attendance(
                db, course, ref, Path(rest[0]), options, now=clock.now(), today=clock.today()
            )
            data = result.as_dict(dry_run)
    except attendance_import.NeedsConfirmation as exc:  # rolled back: show what it would do
        if not as_json:
            for line in import_report_lines(exc.report.as_dict(dry_run=True)):
                click.echo(line)
        raise
    if as_json:
        emit_json(data)
        return
    for line in import_report_lines(data):
        click.echo(line)
    note(import_report_summary(data))


@click.command()
@click.argument("ref", required=False, metavar="[REF]", shell_complete=session_refs)
@click.option(
    "--matrix",
    is_flag=True,
    help="Every active member against every held session: P, A, E, and their rate.",
)
@course_option
@output_options
@pass_app
def attendance(
    app: App, ref: str | None, matrix: bool, course_slug: str | None, output: str
) -> None:
    """Who was present, absent and excused at a session, with counts (default: the next
    session if anything is recorded for it, else the last held one); or, with --matrix, the
    whole course as a grid for a spreadsheet.

    \b
    Example:
      studygroup attendance last --json
      studygroup attendance --matrix --format csv > attendance.csv
    """
    from studygroup import attendance as attendance_mod
    from studygroup import courses, sessions

    if matrix:
        if ref:
            raise click.UsageError("--matrix shows every held session: leave out REF")
        from studygroup.views.stats import attendance_matrix

        with app.read() as db:
            grid = attendance_matrix(db, courses.pick(db, course_slug))
        columns = [("name", "member")]
        columns += [(f"s{s['number']}", f"{s['number']} {s['date'][5:]}") for s in grid["sessions"]]
        columns.append(("rate_text" if output == "table" else "rate", "rate"))
        rows = [
            {"name": m["name"], "rate": m["rate"]}
            | {f"s{n}": mark for n, mark in m["marks"].items()}
            | {"rate_text": f"{m['rate']:.0%}" if m["rate"] is not None else ""}
            for m in grid["members"]
        ]
        emit_rows(output, rows, columns, "no members", json_data=grid)
        return
    with app.read() as db:
        course = courses.pick(db, course_slug)
        target = (
            sessions.find(db, course, ref) if ref else attendance_mod.default_session(db, course)
        )
        view = attendance_mod.view(db, target)
    if output == "json":
        emit_json(view)
        return
    if output in ("csv", "tsv"):
        listed = [
            {"member": name, "status": status}
            for status in ("present", "absent", "excused")
            for name in view[status]
        ]
        emit_rows(output, listed, [("member", "member"), ("status", "status")], "")
        return
    counts = view["counts"]
    click.echo(
        f"session {view['session']} ({view['status']}): {counts['present']} present, "
        f"{counts['absent']} absent, {counts['excused']} excused"
    )
    for status in ("present", "absent", "excused"):
        if view[status]:
            click.echo(f"{status}: " + ", ".join(view[status]))
