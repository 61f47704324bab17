"""`studygroup export ...`: the weekly agenda as Markdown, the course calendar as .ics."""

from __future__ import annotations

from pathlib import Path

import click

from studygroup.cli.app import App, course_option, note, pass_app
from studygroup.cli.complete import session_refs

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
@click.argument("ref", required=False, metavar="[REF]", shell_complete=session_refs)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "slack", "discord", "text", "json"]),
    default="markdown",
    show_default=True,
    help="markdown (GitHub), slack or discord (the exact webhook payloads, as a JSON array: "
    "one element per post), text (as `agenda` prints it) or json.",
)
@click.option("--json", "fmt", flag_value="json", help="The same as --format json.")
@OUTPUT
@FORCE
@course_option
@pass_app
def export_agenda(
    app: App, ref: str | None, fmt: str, output: Path | None, force: bool, course_slug: str | None
) -> None:
    """The session's agenda for the group: time (course zone and UTC) and call link, the
    timed agenda, lectures to watch, optional lectures, talks, open action items by owner,
    last week's attendance and what comes next. A held session shows what happened.

    Slack posts use mrkdwn and `<!date^...>` times, Discord posts `<t:...>` times, so every
    reader sees their own local time; user text can never mention anyone or make a link.

    \b
    Example:
      studygroup export agenda next -o agenda.md
      studygroup export agenda --format slack | jq '.[0]' | \
          curl -sS -H 'Content-Type: application/json' -d @- "$SLACK_WEBHOOK_URL"
    """
    from studygroup import clock, courses, sessions
    from studygroup.views.agenda import agenda_document

    with app.read() as db:
        course, target = courses.with_session(db, course_slug, ref)
        doc = agenda_document(db, course, target)
        warning = sessions.unclosed_warning(db, course, clock.now())
    if fmt == "markdown":
        from studygroup.render.markdown import agenda_markdown

        data = agenda_markdown(doc)
    elif fmt == "text":
        from studygroup.render.text import agenda_text

        data = agenda_text(doc) + "\n"
    else:
        from studygroup.render.jsonout import dumps

        if fmt == "json":
            data = dumps(doc) + "\n"
        else:
            from studygroup.render.chat import PAYLOADS

            data = dumps(PAYLOADS[fmt](doc)) + "\n"
    _write(output, data.encode(), force)
    if warning:
        note(warning)


@export.command("recap")
@click.argument("ref", required=False, default="last", metavar="[REF]", shell_complete=session_refs)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "slack", "discord", "json"]),
    default="markdown",
    show_default=True,
    help="markdown, slack or discord (the exact webhook payloads, as a JSON array), or json.",
)
@click.option("--json", "fmt", flag_value="json", help="The same as --format json.")
@click.option("--names", is_flag=True, help="Name who was present, not only how many.")
@OUTPUT
@FORCE
@course_option
@pass_app
def export_recap(
    app: App,
    ref: str,
    fmt: str,
    names: bool,
    output: Path | None,
    force: bool,
    course_slug: str | None,
) -> None:
    """The recap of a call (default: the last held session): what was covered and what
    moved on, the talks given with their links and presenters, attendance, decisions (polls
    closed), new and finished action items, and the notes. A session not closed yet says so.

    \b
    Example:
      studygroup export recap last --names -o recap.md
      studygroup export recap 5 --format slack | jq '.[0]' | \
          curl -sS -H 'Content-Type: application/json' -d @- "$SLACK_WEBHOOK_URL"
    """
    from studygroup import courses
    from studygroup.render.jsonout import dumps
    from studygroup.views.recap import recap_document

    with app.read() as db:
        course, target = courses.with_session(db, course_slug, ref)
        doc = recap_document(db, course, target, names=names)
    if fmt == "markdown":
        from studygroup.render.recap import recap_markdown

        data = recap_markdown(doc)
    elif fmt == "json":
        data = dumps(doc) + "\n"
    else:
        from studygroup.render.recap import recap_payloads

        data = dumps(recap_payloads(doc, fmt)) + "\n"
    _write(output, data.encode(), force)


@export.command("ics")
@OUTPUT
@FORCE
@click.option(
    "--alarm",
    "alarm_minutes",
    type=click.IntRange(0, 7 * 24 * 60),
    metavar="MINUTES",
    help="Add a reminder this many minutes before each session (a VALARM).",
)
@course_option
@pass_app
def export_ics(
    app: App, output: Path | None, force: bool, alarm_minutes: int | None, course_slug: str | None
) -> None:
    """The course's sessions as an iCalendar feed to subscribe to. UIDs are stable and each
    event's SEQUENCE rises with every move, cancel, uncancel, length or call-link change, so a
    calendar app updates events instead of duplicating them or keeping an old time. Cancelled
    weeks stay in the feed, marked CANCELLED. The call link is the event's location.

    To subscribe, publish the file where members' calendars can fetch it (any static web
    host; calendars fetch it again about every 12 hours) and share its https:// address; or
    import it once.

    \b
    Example:
      studygroup export ics --course fsdl -o fsdl.ics
      studygroup export ics -o /var/www/cal/fsdl.ics --alarm 30   # from cron, hourly
    """
    from studygroup import clock, courses
    from studygroup.render.ics import calendar_ics
    from studygroup.views.calendar import calendar_document

    with app.read() as db:
        doc = calendar_document(db, courses.pick(db, course_slug))
    _write(output, calendar_ics(doc, clock.now(), alarm_minutes=alarm_minutes), force)
