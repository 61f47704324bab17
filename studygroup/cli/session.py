"""`studygroup session ...`: the schedule, closing a week and undoing it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from studygroup.cli import params
from studygroup.cli.app import (
    App,
    course_option,
    emit_json,
    emit_rows,
    json_option,
    note,
    output_options,
    pass_app,
    split_ref,
)
from studygroup.cli.complete import session_refs

if TYPE_CHECKING:
    from studygroup.render.contracts import SessionJSON

SESSION_COLUMNS = [
    ("number", "#"),
    ("local", "local time"),
    ("status", "status"),
    ("minutes", "min"),
    ("notes", "notes"),
]
REF = click.argument("ref", required=False, metavar="[REF]", shell_complete=session_refs)


@click.group()
def session() -> None:
    """Sessions: the weekly meetings of a course.

    REF is next (the earliest planned session, the default), last (the latest held one), a
    session number, or a local date YYYY-MM-DD.

    \b
    Example:
      studygroup session plan --weeks 4
      studygroup session close --not-covered 10
    """


@session.command("plan")
@click.option(
    "--weeks",
    default=1,
    show_default=True,
    type=click.IntRange(1, 520),
    help="How many weekly sessions should exist from the start date.",
)
@click.option(
    "--from",
    "start",
    type=params.DATE,
    help="Start date (default today, in the course's timezone); a past date "
    "back-fills a course already under way.",
)
@course_option
@json_option
@pass_app
def session_plan(
    app: App, weeks: int, start: date | None, course_slug: str | None, as_json: bool
) -> None:
    """Make sure the next N weekly sessions exist, each with a planned agenda.

    Sessions fall on the course's weekday at its local time: 18:00 London stays 18:00 across
    daylight-saving changes. Planned sessions without a host or note-taker get one, in turn,
    from the members on the rota (`member edit NAME --rota host,notes`).

    \b
    Example:
      studygroup session plan --weeks 4
      studygroup session plan --from 2026-09-01 --weeks 12 --course fsdl
    """
    from studygroup import courses, roles, sessions
    from studygroup.clock import today
    from studygroup.render.contracts import session_dict

    with app.write() as db:
        course = courses.pick(db, course_slug)
        created = sessions.plan(db, course, weeks, start, today(course.timezone))
        filled = roles.fill(db, course)
        rows = [session_dict(course, s) for s in created]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        note(f"planned session {row['number']}: {_local(row)}")
    if not rows:
        note("those sessions exist already")
    for number, role, name in filled:
        note(f"session {number}: {name} {'hosts' if role == 'host' else 'takes notes'}")


def _local(row: SessionJSON) -> str:
    local = datetime.fromisoformat(row["local_start"])
    return f"{local:%a %d %b %Y %H:%M} {row['timezone']}"


@session.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include held and cancelled sessions.")
@course_option
@output_options
@pass_app
def session_list(app: App, include_all: bool, course_slug: str | None, output: str) -> None:
    """List planned sessions (all sessions with --all).

    \b
    Example:
      studygroup session list --all --json
    """
    from studygroup import courses, sessions
    from studygroup.render.contracts import session_dict

    with app.read() as db:
        course = courses.pick(db, course_slug)
        found = sessions.of_course(db, course) if include_all else sessions.planned(db, course)
        rows = [session_dict(course, s) for s in found]
    from studygroup.render.text import shortened

    emit_rows(
        output,
        [
            {**row, "local": _local(row), "notes": shortened(row["notes"])}
            if output == "table"
            else {**row, "local": _local(row)}
            for row in rows
        ],
        SESSION_COLUMNS,
        "no sessions; plan some with 'studygroup session plan'",
        json_data=rows,
    )


@session.command("show")
@REF
@course_option
@json_option
@pass_app
def session_show(app: App, ref: str | None, course_slug: str | None, as_json: bool) -> None:
    """Show a session and its agenda.

    \b
    Example:
      studygroup session show 3
    """
    from studygroup.cli.agenda import show_agenda

    show_agenda(app, ref, course_slug, None, as_json)


@session.command("move")
@REF
@click.option(
    "--to",
    "when",
    required=True,
    metavar='"YYYY-MM-DD HH:MM"',
    type=params.LOCAL_DATETIME,
    help="The new local date and time, in the course's timezone.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Move it even onto (overlapping) another session, or into the past.",
)
@course_option
@pass_app
def session_move(
    app: App, ref: str | None, when: datetime, force: bool, course_slug: str | None
) -> None:
    """Move a planned session to another local date and time. A move that would overlap
    another session of the course, or that goes into the past, is refused unless --force.
    Sessions are numbered in time order, so the message gives the session's new number.

    \b
    Example:
      studygroup session move next --to "2026-12-03 19:00"
    """
    from studygroup import clock, courses, sessions

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        number = sessions.move(db, course, target, when, now=clock.now(), force=force)
        renumbered = f" (now session {number})" if number != target.number else ""
        note(
            f"session {target.number}{renumbered} now starts "
            f"{when:%a %d %b %Y %H:%M} {course.timezone}"
        )


@session.command("edit")
@REF
@click.option(
    "--call-url",
    metavar="URL",
    help="This session's own call link, instead of the course's ('' goes back to it).",
)
@click.option("--call-note", metavar="TEXT", help="This session's note beside the link.")
@click.option("--minutes", type=params.MINUTES, help="This session's length.")
@course_option
@pass_app
def session_edit(
    app: App,
    ref: str | None,
    call_url: str | None,
    call_note: str | None,
    minutes: int | None,
    course_slug: str | None,
) -> None:
    """Change one planned session: its call link, the note beside it, or its length.
    Calendars see the change (the event's SEQUENCE rises), and the next `remind` tells the
    members it already reminded.

    \b
    Example:
      studygroup session edit next --call-url https://meet.jit.si/fsdl-backup
      studygroup session edit 5 --minutes 120
    """
    from studygroup import courses, sessions

    if call_url is None and call_note is None and minutes is None:
        raise click.UsageError("nothing to change: give --call-url, --call-note or --minutes")
    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        sessions.edit(db, course, target, call_url=call_url, call_note=call_note, minutes=minutes)
        note(f"updated session {target.number}")


@session.command("cancel")
@REF
@course_option
@json_option
@pass_app
def session_cancel(app: App, ref: str | None, course_slug: str | None, as_json: bool) -> None:
    """Cancel a week. The session is kept, marked cancelled; its lectures, talks and due
    items move to the next planned session. `session uncancel` reverses it.

    \b
    Example:
      studygroup session cancel 2026-12-22
    """
    from studygroup import courses, journal, reminders, rollover
    from studygroup.render.text import close_summary, close_text

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        result = rollover.cancel_session(db, course, target).as_dict()
        journal.say(db, close_summary(result, "cancelled"))
        told = reminders.reminded(db, target.id)
    if as_json:
        emit_json(result)
    else:
        click.echo(close_text(result, "cancelled"))
    if told:
        who = "1 member was" if told == 1 else f"{told} members were"
        note(
            f"{who} reminded of session {target.number}; the next 'studygroup remind' tells "
            "them it is cancelled"
        )


@session.command("uncancel")
@click.argument("ref", metavar="REF", shell_complete=session_refs)
@course_option
@pass_app
def session_uncancel(app: App, ref: str, course_slug: str | None) -> None:
    """Reverse a cancellation: the session is planned again and gets back what moved.

    \b
    Example:
      studygroup session uncancel 2026-12-22
    """
    from studygroup import courses, rollover

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        rollover.uncancel_session(db, course, target)
        note(f"session {target.number} is planned again")


@session.command("close")
@REF
@click.option(
    "--covered",
    multiple=True,
    metavar="LABEL",
    help="Only these lectures were covered (repeatable).",
)
@click.option(
    "--not-covered",
    multiple=True,
    metavar="LABEL",
    help="These lectures were not covered and move on (repeatable).",
)
@click.option(
    "--done-talk",
    "done_talks",
    multiple=True,
    type=params.ID,
    metavar="ID",
    help="Mark this talk done (repeatable); talks not done are postponed.",
)
@click.option(
    "--early",
    is_flag=True,
    help="Close a session before its end (the group met earlier, or the call ended early).",
)
@course_option
@json_option
@pass_app
def session_close(
    app: App,
    ref: str | None,
    covered: tuple[str, ...],
    not_covered: tuple[str, ...],
    done_talks: tuple[int, ...],
    early: bool,
    course_slug: str | None,
    as_json: bool,
) -> None:
    """Close a session after the call and roll everything unfinished forward.

    In one transaction: the session is marked held; lectures not covered move to the next
    session; talks not done are postponed (their count goes up); open items due now are
    carried (their count goes up); the next session is created if needed and re-planned.
    Every move is logged, and `session reopen` undoes it exactly. A session that has not
    started yet, or is still in progress, is refused (--early if the group really met
    earlier or the call ended before its time), so two organisers closing at once close the
    session that just happened, once.

    \b
    Example:
      studygroup talk done 4
      studygroup session close --not-covered 10 --done-talk 5
    """
    from studygroup import clock, courses, journal, rollover
    from studygroup.render.text import close_summary, close_text

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        result = rollover.close_session(
            db,
            course,
            target,
            list(covered) if covered else None,
            list(not_covered),
            list(done_talks),
            clock.now(),
            early,
        ).as_dict()
        journal.say(db, close_summary(result))
    if as_json:
        emit_json(result)
    else:
        click.echo(close_text(result))


@session.command("reopen")
@click.argument("ref", required=False, default="last", metavar="[REF]", shell_complete=session_refs)
@course_option
@pass_app
def session_reopen(app: App, ref: str, course_slug: str | None) -> None:
    """Undo a session's close exactly (default: the last held session), as long as the
    session it rolled into has not been closed since.

    \b
    Example:
      studygroup session reopen last
    """
    from studygroup import courses, rollover

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        rollover.reopen_session(db, course, target)
        note(f"session {target.number} is open again; everything it moved is back")


@session.command("notes")
@click.argument("words", nargs=-1, metavar="[REF] [TEXT]")
@click.option(
    "--file",
    "from_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the notes from this file.",
)
@click.option("--clear", is_flag=True, help="Remove the session's notes.")
@course_option
@pass_app
def session_notes(
    app: App, words: tuple[str, ...], from_file: Path | None, clear: bool, course_slug: str | None
) -> None:
    """Write the record of a call: the minutes, links kept as written. With no TEXT and no
    --file, $EDITOR opens with the notes so far. REF defaults to the latest session that has
    started. `session show` shows them.

    \b
    Example:
      studygroup session notes "Covered lecture 10; Akash presented, Sanyam took questions."
      studygroup session notes 5 --file minutes.md
      studygroup session notes 5
    """
    from studygroup import attendance, clock, sessions
    from studygroup.errors import Invalid

    ref, rest = split_ref(words)
    if len(rest) > 1:
        raise click.UsageError("give the notes as one quoted argument")
    given = [x for x in (rest, from_file, clear) if x]
    if len(given) > 1:
        raise click.UsageError("give TEXT, --file or --clear, not more than one")
    text: str | None
    if clear:
        text = None
    elif rest:
        text = rest[0]
    elif from_file is not None:
        from studygroup.io.csvfile import read_text

        text = read_text(from_file)
    else:
        with app.read() as db:
            _, target = attendance.session_for(db, course_slug, ref, clock.now())
            current = target.notes or ""
        draft = _edit_notes(current)
        try:
            text = _read_draft(draft)
        except Invalid as exc:
            raise Invalid(f"{exc}; what you typed is kept in {draft}") from None
        if not text.strip():
            draft.unlink(missing_ok=True)
            raise Invalid("no notes written: the editor's buffer was empty")
        try:
            with app.write() as db:
                _, target = attendance.session_for(db, course_slug, ref, clock.now())
                sessions.set_notes(db, target, text)
                note(f"wrote notes of session {target.number}")
        except Exception as exc:  # what was typed is never lost: the file stays, named
            from studygroup.cli.errors import describe

            raise Invalid(f"{describe(exc)}; what you typed is kept in {draft}") from None
        draft.unlink(missing_ok=True)
        return
    with app.write() as db:
        _, target = attendance.session_for(db, course_slug, ref, clock.now())
        sessions.set_notes(db, target, text)
        note(f"{'cleared the' if text is None else 'wrote'} notes of session {target.number}")


def _edit_notes(current: str) -> Path:
    """$EDITOR on a private file holding the notes so far; the file, once it is closed."""
    import os
    import tempfile

    from studygroup.errors import Invalid

    fd, name = tempfile.mkstemp(prefix="studygroup-notes-", suffix=".md")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(current)
    before = os.stat(name).st_mtime_ns
    click.edit(filename=name)
    if os.stat(name).st_mtime_ns == before:
        os.unlink(name)
        raise Invalid("no notes written: the editor was closed without saving")
    return Path(name)


def _read_draft(draft: Path) -> str:
    from studygroup.errors import Invalid
    from studygroup.io.csvfile import read_bytes

    data = read_bytes(draft)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise Invalid("the editor saved the notes in an encoding other than UTF-8") from None
    return text


def _set_role(app: App, ref: str, name: str, role: str, course_slug: str | None) -> None:
    from studygroup import courses, members, roles

    with app.write() as db:
        _, target = courses.with_session(db, course_slug, ref)
        who = None if name.strip().lower() == "none" else members.find(db, name)
        roles.set_role(db, target, role, who)
        what = "host" if role == "host" else "note-taker"
        note(f"session {target.number}: {who.name if who else 'no one'} is the {what}")


@session.command("host")
@click.argument("ref", metavar="REF", shell_complete=session_refs)
@click.argument("name")
@course_option
@pass_app
def session_host(app: App, ref: str, name: str, course_slug: str | None) -> None:
    """Make NAME the session's host ('none': no one).

    \b
    Example:
      studygroup session host next Michael
    """
    _set_role(app, ref, name, "host", course_slug)


@session.command("notes-by")
@click.argument("ref", metavar="REF", shell_complete=session_refs)
@click.argument("name")
@course_option
@pass_app
def session_notes_by(app: App, ref: str, name: str, course_slug: str | None) -> None:
    """Make NAME the session's note-taker ('none': no one).

    \b
    Example:
      studygroup session notes-by next Priya
    """
    _set_role(app, ref, name, "notes", course_slug)


@session.command("swap-host")
@click.argument("ref", metavar="REF", shell_complete=session_refs)
@click.argument("name")
@course_option
@pass_app
def session_swap_host(app: App, ref: str, name: str, course_slug: str | None) -> None:
    """NAME hosts REF; REF's host takes NAME's next planned hosting in exchange.

    \b
    Example:
      studygroup session swap-host next Grace
    """
    from studygroup import courses, members, roles

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        who = members.find(db, name)
        other = roles.swap_host(db, course, target, who)
        note(f"{who.name} hosts session {target.number}; session {other.number} has its host")
