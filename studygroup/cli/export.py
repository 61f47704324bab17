"""`studygroup export ...`: the weekly agenda as Markdown, the course calendar as .ics."""

from __future__ import annotations

from pathlib import Path

import click

from studygroup.cli.app import App, course_option, note, pass_app

OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout (a new file is 0600; the old "
    "one stays whole until the new one is complete).",
)
FORCE = click.option(
    "--force", is_flag=True, help="Replace a symbolic link at the output path with a regular file."
)


def _write(output: Path | None, data: bytes, force: bool) -> None:
    if output is None:
        click.echo(data, nl=False)
        return
    from studygroup.io.files import write_file

    write_file(output, data, force=force)
    note(f"wrote {output}")


@click.group()
def export() -> None:
    """Export what the group sees: the weekly agenda (Markdown) and the calendar (.ics).

    \b
    Example:
      studygroup export agenda > agenda.md
      studygroup export ics -o fsdl.ics
    """


@export.command("agenda")
@click.argument("ref", required=False, metavar="[REF]")
@OUTPUT
@FORCE
@course_option
@pass_app
def export_agenda(
    app: App, ref: str | None, output: Path | None, force: bool, course_slug: str | None
) -> None:
    """The session's agenda as Markdown to paste into Slack or Discord, or commit to a repo:
    time (course zone and UTC), the timed agenda, lectures to watch, optional lectures,
    talks, open action items by owner, last week's attendance and what comes next.

    \b
    Example:
      studygroup export agenda next -o agenda.md
    """
    from studygroup import clock, exports, sessions
    from studygroup.render.markdown import agenda_markdown

    with app.read() as db:
        course, target = sessions.with_course(db, course_slug, ref)
        doc = exports.agenda_document(db, course, target)
        warning = sessions.unclosed_warning(db, course, clock.now())
    _write(output, agenda_markdown(doc).encode(), force)
    if warning:
        note(warning)


@export.command("ics")
@OUTPUT
@FORCE
@course_option
@pass_app
def export_ics(app: App, output: Path | None, force: bool, course_slug: str | None) -> None:
    """The course's sessions as an iCalendar file. UIDs are stable, so a calendar app updates
    events instead of duplicating them; cancelled sessions are marked CANCELLED.

    \b
    Example:
      studygroup export ics --course fsdl -o fsdl.ics
    """
    from studygroup import clock, courses, exports
    from studygroup.render.ics import calendar_ics

    with app.read() as db:
        doc = exports.calendar_document(db, courses.pick(db, course_slug))
    _write(output, calendar_ics(doc, clock.now()), force)
