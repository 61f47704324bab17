"""`studygroup talk ...`: members' talks, their queue and their slots."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from studygroup import clock
from studygroup.cli import params
from studygroup.cli.app import (
    App,
    course_option,
    emit_fields,
    emit_json,
    emit_rows,
    json_option,
    note,
    output_options,
    pass_app,
)
from studygroup.cli.complete import member_names, session_refs
from studygroup.store.rows import CourseRow, TalkRow

if TYPE_CHECKING:
    from sqlalchemy import Connection

TALK_COLUMNS = [
    ("id", "id"),
    ("title", "title"),
    ("presenter", "presenter"),
    ("minutes", "min"),
    ("status", "status"),
    ("session", "session"),
    ("postponed", "postponed"),
]
TALK_ID = click.argument("talk_id", metavar="ID", type=params.ID)


@click.group()
def talk() -> None:
    """Talks that members present. With no session a talk waits in the queue, and the
    planner gives queued talks the next free slots, first come first served.

    \b
    Example:
      studygroup talk add ada "Transformers from scratch" --minutes 25
      studygroup talk list --queue
    """


@talk.command("add")
@click.argument("presenter", shell_complete=member_names)
@click.argument("title")
@click.option("--minutes", default=25, show_default=True, type=params.MINUTES)
@click.option("--url", type=params.URL, help="Slides or a write-up.")
@click.option(
    "--session",
    "ref",
    metavar="REF",
    shell_complete=session_refs,
    help="Schedule it for this session.",
)
@click.option(
    "--with",
    "with_",
    multiple=True,
    metavar="NAME",
    shell_complete=member_names,
    help='A co-presenter (repeatable); or name them all: "Sanyam, Akash".',
)
@course_option
@json_option
@pass_app
def talk_add(
    app: App,
    presenter: str,
    title: str,
    minutes: int,
    url: str | None,
    ref: str | None,
    with_: tuple[str, ...],
    course_slug: str | None,
    as_json: bool,
) -> None:
    """Add a talk by PRESENTER (or by several: "Sanyam, Akash", or --with); it waits in the
    queue unless --session is given. Each presenter sees it in their reminder and stats.
    --json prints the new talk as `talk show --json` does, id included.

    \b
    Example:
      studygroup talk add "Ada Lovelace" "Training at scale" --minutes 20 --session next
    """
    from studygroup import courses, members, sessions, talks

    with app.write() as db:
        course = courses.pick(db, course_slug)
        people = members.find_several(db, presenter) + [members.find(db, w) for w in with_]
        target = sessions.find(db, course, ref) if ref else None
        added = talks.add(db, course, people[0], title, minutes, url, target, clock.today())
        talks.add_co_presenters(db, added, people[1:])
        where = f"session {target.number}" if target else "the queue"
        names = talks.presenters_text([p.name for p in people])
        note(f"added talk {added.id} by {names} to {where}")
        shown = talks.shown(db, course, added.id) if as_json else None
    if shown is not None:
        emit_json(shown)


@talk.command("list")
@click.option("--queue", "queue_only", is_flag=True, help="Only talks waiting in the queue.")
@click.option("--all", "include_all", is_flag=True, help="Include done and withdrawn talks.")
@course_option
@output_options
@pass_app
def talk_list(
    app: App, queue_only: bool, include_all: bool, course_slug: str | None, output: str
) -> None:
    """List open talks (queued, scheduled, postponed), oldest request first.

    \b
    Example:
      studygroup talk list --queue --json
    """
    from studygroup import courses, talks
    from studygroup.render.text import talk_row

    with app.read() as db:
        rows = talks.listed(db, courses.pick(db, course_slug), queue_only, include_all)
    shown = rows if output == "json" else [talk_row(t) for t in rows]
    emit_rows(output, shown, TALK_COLUMNS, "no talks")


@contextmanager
def _changing(
    app: App, course_slug: str | None, talk_id: int
) -> Iterator[tuple[Connection, CourseRow, TalkRow]]:
    """One write transaction with the course and the talk to change."""
    from studygroup import courses, talks

    with app.write() as db:
        course = courses.pick(db, course_slug)
        yield db, course, talks.get(db, course, talk_id)


@talk.command("schedule")
@TALK_ID
@click.option(
    "--session",
    "ref",
    required=True,
    metavar="REF",
    shell_complete=session_refs,
    help="The session.",
)
@course_option
@pass_app
def talk_schedule(app: App, talk_id: int, ref: str, course_slug: str | None) -> None:
    """Give a talk a slot in a session.

    \b
    Example:
      studygroup talk schedule 7 --session 2026-12-08
    """
    from studygroup import sessions, talks

    with _changing(app, course_slug, talk_id) as (db, course, found):
        target = sessions.find(db, course, ref)
        talks.schedule(db, course, found, target)
    note(f"talk {talk_id} is scheduled for session {target.number}")


@talk.command("done")
@click.argument("talk_ids", metavar="ID...", nargs=-1, required=True, type=params.ID)
@course_option
@pass_app
def talk_done(app: App, talk_ids: tuple[int, ...], course_slug: str | None) -> None:
    """Mark talks as given, once their session has started; all of them or none.

    \b
    Example:
      studygroup talk done 7 8
    """
    from studygroup import clock, courses, talks

    given = []
    with app.write() as db:
        course = courses.pick(db, course_slug)
        for talk_id in dict.fromkeys(talk_ids):
            found = talks.get(db, course, talk_id)
            given.append((talk_id, talks.mark_done(db, course, found, clock.now())))
    for talk_id, session in given:
        note(f"talk {talk_id} is done (session {session.number})")


@talk.command("postpone")
@TALK_ID
@course_option
@pass_app
def talk_postpone(app: App, talk_id: int, course_slug: str | None) -> None:
    """Move a talk to the next session and count the postponement; postponed talks go first.

    \b
    Example:
      studygroup talk postpone 7
    """
    from studygroup import talks

    with _changing(app, course_slug, talk_id) as (db, course, found):
        following, times = talks.postpone(db, course, found)
    note(f"talk {talk_id} moved to session {following.number} (postponed ×{times})")


@talk.command("withdraw")
@TALK_ID
@course_option
@pass_app
def talk_withdraw(app: App, talk_id: int, course_slug: str | None) -> None:
    """Withdraw a talk. It is kept on record, marked withdrawn.

    \b
    Example:
      studygroup talk withdraw 7
    """
    from studygroup import talks

    with _changing(app, course_slug, talk_id) as (db, course, found):
        talks.withdraw(db, course, found)
    note(f"talk {talk_id} is withdrawn; it stays on record")


TALK_FIELDS = [
    ("id", "Talk"),
    ("title", "Title"),
    ("presenter", "Presenter"),
    ("minutes", "Minutes"),
    ("status", "Status"),
    ("session", "Session"),
    ("postponed", "Postponed"),
    ("url", "Link"),
    ("requested", "Requested"),
]


@talk.command("show")
@TALK_ID
@course_option
@json_option
@pass_app
def talk_show(app: App, talk_id: int, course_slug: str | None, as_json: bool) -> None:
    """One talk: presenter, length, status, session, times postponed, link.

    \b
    Example:
      studygroup talk show 3 --json
    """
    from studygroup import courses, talks

    with app.read() as db:
        data = talks.shown(db, courses.pick(db, course_slug), talk_id)
    if as_json:
        emit_json(data)
    else:
        from studygroup.render.text import talk_row

        emit_fields(talk_row(data), TALK_FIELDS)


@talk.command("edit")
@TALK_ID
@click.option("--title", help="New title.")
@click.option("--minutes", type=params.MINUTES, help="New length.")
@click.option("--url", help="Slides or a write-up ('' removes it).")
@click.option("--presenter", metavar="NAME", shell_complete=member_names, help="New presenter.")
@course_option
@pass_app
def talk_edit(
    app: App,
    talk_id: int,
    title: str | None,
    minutes: int | None,
    url: str | None,
    presenter: str | None,
    course_slug: str | None,
) -> None:
    """Change a talk's title, length, link or presenter; it keeps its place in the queue.

    \b
    Example:
      studygroup talk edit 3 --minutes 30 --url https://example.org/slides
    """
    from studygroup import courses, members, talks

    if title is None and minutes is None and url is None and presenter is None:
        raise click.UsageError("give --title, --minutes, --url or --presenter")
    with app.write() as db:
        course = courses.pick(db, course_slug)
        talk_row = talks.get(db, course, talk_id)
        who = members.find(db, presenter) if presenter else None
        talks.edit(db, course, talk_row, title=title, minutes=minutes, url=url, presenter=who)
        note(f"talk {talk_id} updated")


@talk.command("hold")
@TALK_ID
@course_option
@pass_app
def talk_hold(app: App, talk_id: int, course_slug: str | None) -> None:
    """Put a talk on hold: it keeps its place in the queue but is not planned.

    \b
    Example:
      studygroup talk hold 3
    """
    _set_hold(app, talk_id, course_slug, True)


@talk.command("resume")
@TALK_ID
@course_option
@pass_app
def talk_resume(app: App, talk_id: int, course_slug: str | None) -> None:
    """Take a talk off hold: it is planned again, in its place in the queue.

    \b
    Example:
      studygroup talk resume 3
    """
    _set_hold(app, talk_id, course_slug, False)


def _set_hold(app: App, talk_id: int, course_slug: str | None, on_hold: bool) -> None:
    from studygroup import courses, talks

    with app.write() as db:
        course = courses.pick(db, course_slug)
        talks.hold(db, course, talks.get(db, course, talk_id), on_hold)
        note(f"talk {talk_id} is {'on hold' if on_hold else 'back in the queue'}")
