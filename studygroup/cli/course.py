"""`studygroup course ...`"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from studygroup.cli import params
from studygroup.cli.app import (
    App,
    emit_fields,
    emit_json,
    emit_rows,
    emit_table,
    json_option,
    note,
    output_options,
    pass_app,
)
from studygroup.cli.complete import course_slugs

F = TypeVar("F", bound=Callable[..., Any])

COURSE_COLUMNS = [
    ("slug", "slug"),
    ("title", "title"),
    ("weekday", "day"),
    ("time", "time"),
    ("timezone", "timezone"),
    ("minutes", "min"),
    ("pace", "pace"),
    ("status", "status"),
]
COURSE_FIELDS = [
    ("slug", "Slug"),
    ("title", "Title"),
    ("status", "Status"),
    ("weekday", "Weekday"),
    ("time", "Time"),
    ("timezone", "Timezone"),
    ("minutes", "Session minutes"),
    ("pace", "Pace (video min/session)"),
    ("discussion", "Discussion per lecture"),
    ("intro", "Intro minutes"),
    ("wrapup", "Wrap-up minutes"),
    ("max_talks", "Talks per session at most"),
    ("url", "URL"),
    ("call_url", "Call link"),
    ("call_note", "Call note"),
]


def _settings_options(required: bool) -> Callable[[F], F]:
    """The options shared by `course add` and `course edit`, each named as the CourseFields
    setting it fills, so that a command passes them on as they are."""

    def decorate(func: F) -> F:
        options = [
            click.option(
                "--weekday",
                type=params.WEEKDAY,
                required=required,
                help="Day of the weekly session, e.g. tue or Tuesday.",
            ),
            click.option(
                "--time",
                "start_time",
                type=params.HHMM,
                required=required,
                help="Local start time, HH:MM (24-hour).",
            ),
            click.option(
                "--tz",
                "timezone",
                type=params.TIMEZONE,
                required=required,
                help="IANA timezone of the session time, e.g. Europe/London.",
            ),
            click.option(
                "--minutes",
                "session_minutes",
                type=params.MINUTES,
                help="Session length in minutes (default 90).",
            ),
            click.option(
                "--pace",
                "pace_minutes",
                type=params.MINUTES,
                help="Minutes of lecture video covered per session (default 120).",
            ),
            click.option(
                "--discussion",
                "discussion_minutes",
                type=params.MINUTES_OR_ZERO,
                help="Discussion minutes per lecture (default 15).",
            ),
            click.option(
                "--intro",
                "intro_minutes",
                type=params.MINUTES_OR_ZERO,
                help="Intro minutes (default 5).",
            ),
            click.option(
                "--wrapup",
                "wrapup_minutes",
                type=params.MINUTES_OR_ZERO,
                help="Wrap-up minutes (default 5).",
            ),
            click.option(
                "--max-talks",
                "max_talks",
                type=params.MAX_TALKS,
                help="At most N talks a session, postponed ones included; the rest wait, first "
                "in line next time ('none': no cap, the default).",
            ),
            click.option("--url", type=params.URL, help="Course home page."),
            click.option(
                "--call-url",
                metavar="URL",
                help="The video call's link (Zoom, Meet, Jitsi: http or https), shown in the "
                "agenda, reminders, chat posts and the calendar. '' removes it.",
            ),
            click.option(
                "--call-note",
                metavar="TEXT",
                help="Shown beside the link: a passcode, a dial-in, 'link in #general'.",
            ),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@click.group()
def course() -> None:
    """Courses: what the group studies, and when it meets.

    \b
    Example:
      studygroup course add fsdl "Full Stack Deep Learning" --weekday tue \\
          --time 18:00 --tz Europe/London
      studygroup course import fsdl syllabus.csv
    """


@course.command("add")
@click.argument("slug", type=params.SLUG)
@click.argument("title")
@_settings_options(required=True)
@json_option
@pass_app
def course_add(app: App, /, slug: str, title: str, as_json: bool, **settings: Any) -> None:
    """Add a course that meets weekly on WEEKDAY at TIME in timezone TZ.

    \b
    Example:
      studygroup course add fsdl "Full Stack Deep Learning" \\
          --weekday tue --time 18:00 --tz Europe/London --pace 120 --minutes 90

    With --json, the new course as `course show --json` gives its settings.
    """
    from studygroup import courses
    from studygroup.courses import CourseFields
    from studygroup.render.contracts import course_detail

    with app.write() as db:
        created = courses.add(db, slug, CourseFields(title=title, **settings))
        note(f"added course {created.slug}")
    if as_json:
        emit_json(course_detail(created))


@course.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include archived courses.")
@output_options
@pass_app
def course_list(app: App, include_all: bool, output: str) -> None:
    """List courses.

    \b
    Example:
      studygroup course list --json
    """
    from studygroup import courses
    from studygroup.render.contracts import course_dict

    with app.read() as db:
        rows = [course_dict(c) for c in courses.listed(db, include_all)]
    emit_rows(output, rows, COURSE_COLUMNS, "no courses yet; add one with 'studygroup course add'")


@course.command("show")
@click.argument("slug", shell_complete=course_slugs)
@click.option(
    "--with-optional", is_flag=True, help="Forecast as if the optional lectures were covered too."
)
@json_option
@pass_app
def course_show(app: App, slug: str, with_optional: bool, as_json: bool) -> None:
    """Show a course's settings, its lectures, and its progress: lectures covered and
    remaining, remaining video minutes, sessions still needed at the current pace, and the
    projected date of the final session (cancelled weeks skipped).

    \b
    Example:
      studygroup course show fsdl
      studygroup course show fsdl --with-optional --json
    """
    from studygroup.render.text import progress_lines
    from studygroup.views.course import show

    with app.read() as db:
        data = show(db, slug, with_optional)
    if as_json:
        emit_json(data)
        return
    emit_fields(
        {**data, "max_talks": "no limit" if data["max_talks"] is None else data["max_talks"]},
        COURSE_FIELDS,
    )
    click.echo()
    from studygroup.cli.lecture import LECTURE_COLUMNS

    emit_table(data["lectures"], LECTURE_COLUMNS, "no lectures yet; see 'course import'")
    click.echo()
    for line in progress_lines(data):
        click.echo(line)


@course.command("edit")
@click.argument("slug", shell_complete=course_slugs)
@click.option("--title", help="New title.")
@click.option(
    "--status",
    type=click.Choice(["active", "finished", "archived", "upcoming"]),
    help="Mark the course finished or archived (or active again).",
)
@click.option(
    "--reschedule",
    is_flag=True,
    help="Also move the sessions already planned (those still to come) to the new weekday "
    "and time, in their own week, with the new length.",
)
@_settings_options(required=False)
@pass_app
def course_edit(
    app: App,
    /,
    slug: str,
    title: str | None,
    status: str | None,
    reschedule: bool,
    **settings: Any,
) -> None:
    """Change a course's settings. Only the options given change.

    A new weekday, time, timezone or length applies to sessions planned from then on; the
    command says how many planned sessions kept their old schedule, and --reschedule moves
    those still to come to the new one (calendars and reminded members are told).

    \b
    Example:
      studygroup course edit fsdl --time 18:30 --pace 100
      studygroup course edit fsdl --weekday sun --time 15:00 --reschedule
      studygroup course edit fsdl --status finished
    """
    from studygroup import clock, courses
    from studygroup.courses import CourseFields
    from studygroup.store.enums import CourseStatus

    fields = CourseFields(title=title, status=CourseStatus(status) if status else None, **settings)
    if not fields.cleaned():
        raise click.UsageError("nothing to change: give at least one option")
    with app.write() as db:
        _, change = courses.edit(db, slug, fields, now=clock.now(), reschedule=reschedule)
    note(f"updated course {slug}")
    if change is not None and change.planned:
        if change.moved:
            note(f"moved {change.moved} planned session(s) to {change.schedule}")
        if change.kept:
            advice = (
                "(their new day this week has passed)"
                if reschedule
                else f"('--reschedule' moves them to {change.schedule})"
            )
            note(f"{change.kept} planned session(s) keep their day, time and length {advice}")


@course.command("start")
@click.argument("slug", shell_complete=course_slugs)
@pass_app
def course_start(app: App, slug: str) -> None:
    """Start an upcoming course (one chosen by a poll, say): it becomes the active course
    that commands use without --course. It also counts as active by itself once its first
    session has started.

    \b
    Example:
      studygroup course start fastai2
    """
    from studygroup import courses

    with app.write() as db:
        started = courses.start(db, slug)
    note(f"course {started.slug} is active")


@course.command("start-at")
@click.argument("slug", shell_complete=course_slugs)
@click.argument("label")
@click.option("--undo", is_flag=True, help="Unmark the lectures before LABEL.")
@pass_app
def course_start_at(app: App, slug: str, label: str, undo: bool) -> None:
    """The group joins the course at lecture LABEL: every lecture before it was covered
    before studygroup, and progress, the forecast and the planner count them as done.

    \b
    Example:
      studygroup course start-at fsdl 7
      studygroup course start-at fsdl 7 --undo
    """
    from studygroup import courses

    with app.write() as db:
        changed = courses.start_at(db, courses.get(db, slug), label, undo=undo)
    verb = "no longer marked covered" if undo else "marked covered before studygroup"
    note(f"{len(changed)} lecture(s) {verb}")


@course.command("delete")
@click.argument("slug", shell_complete=course_slugs)
@click.option("--force", is_flag=True, help="Really delete (you will be asked to confirm).")
@pass_app
def course_delete(app: App, slug: str, force: bool) -> None:
    """Delete a course added by mistake, with its lectures. Refused once it has sessions,
    talks, items or polls: archive it instead (course edit SLUG --status archived).

    \b
    Example:
      studygroup course delete fsld --force
    """
    from studygroup import courses
    from studygroup.cli.app import confirm_delete

    with app.read() as db:  # ask first, holding no lock while a person reads the question
        asked = courses.get(db, slug)
    confirm_delete(f"course {asked.slug}", force)
    with app.write() as db:
        found = courses.get(db, slug)  # again: it may have changed while they answered
        courses.delete_course(db, found)
    note(f"deleted course {slug}")


@course.command("import")
@click.argument("slug", shell_complete=course_slugs)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@params.max_rows_option
@params.encoding_option
@pass_app
def course_import(app: App, slug: str, file: Path, max_rows: int, encoding: str | None) -> None:
    """Import lectures from a CSV syllabus; all rows or none.

    Columns: label,title,kind,minutes,optional,url, split by , ; or tab (label required, and
    a title for a new lecture). kind is lecture, lab or guest; optional is
    yes/no/true/false/1/0. A label already in the course is updated in the columns the file
    has (an absent column is left alone, an empty cell clears it); new labels are added in
    file order.

    \b
    Example:
      printf 'label,title,kind,minutes,optional,url\\n1,Intro,lecture,60,no,\\n' > s.csv
      studygroup course import fsdl s.csv
    """
    from studygroup import courses

    with app.write() as db:
        summary = courses.import_lectures(db, courses.get(db, slug), file, max_rows, encoding)
    note(f"imported {len(summary.added)} new and {len(summary.updated)} updated lecture(s)")
