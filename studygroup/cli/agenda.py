"""`studygroup agenda ...`: the timed agenda of a session, and small manual edits."""

from __future__ import annotations

import click

from studygroup.cli import params
from studygroup.cli.app import (
    App,
    DefaultGroup,
    course_option,
    emit_json,
    json_option,
    note,
    pass_app,
)
from studygroup.cli.complete import session_refs

REF = click.argument("ref", required=False, metavar="[REF]", shell_complete=session_refs)
REF_OPTION = click.option(
    "--session",
    "ref",
    metavar="REF",
    shell_complete=session_refs,
    help="The session (default: next).",
)


def show_agenda(
    app: App, ref: str | None, course_slug: str | None, tz: str | None, as_json: bool
) -> None:
    from studygroup import clock, courses, sessions
    from studygroup.render.text import agenda_text
    from studygroup.views.agenda import agenda_view

    with app.read() as db:
        course, target = courses.with_session(db, course_slug, ref)
        view = agenda_view(db, course, target, tz)
        warning = sessions.unclosed_warning(db, course, clock.now())
    if warning:
        note(warning)
    if as_json:
        emit_json(view)
    else:
        click.echo(agenda_text(view))


@click.group(cls=DefaultGroup, default="show")
def agenda() -> None:
    """The timed agenda of a session (default: the next one).

    The agenda is planned automatically: intro, carried-over lectures, the next lectures up to
    the course's pace, talks, an action-item review and a wrap-up. Manual edits pin an entry,
    and re-planning keeps pinned entries.

    \b
    Example:
      studygroup agenda
      studygroup agenda 3 --tz Asia/Kolkata --json
      studygroup agenda move 5 --to 3
    """


@agenda.command("show")
@REF
@click.option("--tz", type=params.TIMEZONE, help="Show times in this timezone instead.")
@course_option
@json_option
@pass_app
def agenda_show(
    app: App, ref: str | None, tz: str | None, course_slug: str | None, as_json: bool
) -> None:
    """Show a session's agenda with start times.

    \b
    Example:
      studygroup agenda show next --tz America/New_York
    """
    show_agenda(app, ref, course_slug, tz, as_json)


@agenda.command("plan")
@REF
@click.option("--reset", is_flag=True, help="Drop this session's manual edits too.")
@course_option
@pass_app
def agenda_plan(app: App, ref: str | None, reset: bool, course_slug: str | None) -> None:
    """Re-plan a session's agenda (and the planned sessions after it), keeping pinned edits.

    \b
    Example:
      studygroup agenda plan
      studygroup agenda plan 4 --reset
    """
    from studygroup import agenda as agenda_mod
    from studygroup import courses

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        agenda_mod.plan_again(db, course, target, reset)
        note(f"re-planned session {target.number}")


@agenda.command("add-lecture")
@click.argument("label")
@click.option("--part", type=click.IntRange(1, 100), help="Only this part of a long lecture.")
@REF_OPTION
@course_option
@pass_app
def agenda_add_lecture(
    app: App, label: str, part: int | None, ref: str | None, course_slug: str | None
) -> None:
    """Put a lecture on a session's agenda (pinned), e.g. an optional guest lecture.

    \b
    Example:
      studygroup agenda add-lecture 9 --session next
    """
    from studygroup import agenda as agenda_mod
    from studygroup import courses

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        moved = agenda_mod.pin_lecture(db, course, target, label, part)
        note(f"lecture {label} is on session {target.number}'s agenda")
        for lecture in moved:
            where = f"session {lecture.to}" if lecture.to else "no planned session yet"
            note(f"lecture {lecture.lecture} moved out of session {target.number}, to {where}")


@agenda.command("remove")
@click.argument("position", type=click.IntRange(1, 1000))
@REF_OPTION
@course_option
@pass_app
def agenda_remove(app: App, position: int, ref: str | None, course_slug: str | None) -> None:
    """Take the lecture or talk at POSITION off this session; it moves to the next one.

    \b
    Example:
      studygroup agenda remove 3
    """
    from studygroup import agenda as agenda_mod
    from studygroup import courses

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        note(agenda_mod.remove_entry(db, course, target, position))


@agenda.command("move")
@click.argument("position", type=click.IntRange(1, 1000))
@click.option("--to", "to", required=True, type=click.IntRange(1, 1000), help="The new position.")
@REF_OPTION
@course_option
@pass_app
def agenda_move(app: App, position: int, to: int, ref: str | None, course_slug: str | None) -> None:
    """Move the entry at POSITION to another position (pins it).

    \b
    Example:
      studygroup agenda move 6 --to 2
    """
    from studygroup import agenda as agenda_mod
    from studygroup import courses

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        agenda_mod.move_entry(db, course, target, position, to)
        note(f"moved entry {position} to {to}")


@agenda.command("minutes")
@click.argument("position", type=click.IntRange(1, 1000))
@click.argument("minutes", type=params.MINUTES_OR_ZERO)
@REF_OPTION
@course_option
@pass_app
def agenda_minutes(
    app: App, position: int, minutes: int, ref: str | None, course_slug: str | None
) -> None:
    """Give the entry at POSITION a different length (pins it).

    \b
    Example:
      studygroup agenda minutes 4 20
    """
    from studygroup import agenda as agenda_mod
    from studygroup import courses

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        agenda_mod.set_minutes(db, course, target, position, minutes)
        note(f"entry {position} now takes {minutes} minutes")
