"""`studygroup rsvp ...`: members' answers to a session's invitation (see rsvps.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from studygroup.cli.app import (
    App,
    course_option,
    emit_json,
    emit_rows,
    json_option,
    note,
    output_options,
    pass_app,
)
from studygroup.cli.complete import member_names, session_refs

if TYPE_CHECKING:
    from studygroup.io.imip import Unread
    from studygroup.rsvps import Outcome
    from studygroup.rules.invite import Reply

ANSWER_COLUMNS = [
    ("session", "session"),
    ("member", "member"),
    ("answer", "answer"),
    ("source", "from"),
    ("answered_at", "answered"),
    ("earlier", "note"),
]


@click.group()
def rsvp() -> None:
    """Members' answers to a session's invitation: yes, no or maybe. Their calendar's reply
    comes back to the group's mailbox (`rsvp fetch`) or as files (`rsvp import`); an answer
    given in chat is set by hand.

    \b
    Example:
      studygroup rsvp fetch
      studygroup rsvp list --json
    """


@rsvp.command("set")
@click.argument("ref", metavar="REF", shell_complete=session_refs)
@click.argument("name", shell_complete=member_names)
@click.argument("answer", type=click.Choice(["yes", "no", "maybe"]))
@course_option
@pass_app
def rsvp_set(app: App, ref: str, name: str, answer: str, course_slug: str | None) -> None:
    """Record a member's answer given some other way (in chat, in person); it replaces
    their earlier one.

    \b
    Example:
      studygroup rsvp set next "Ada Lovelace" no
    """
    from studygroup import clock, courses, journal, members, rsvps
    from studygroup.errors import Conflict
    from studygroup.store.enums import Answer, AnswerSource, SessionStatus

    with app.write() as db:
        course, target = courses.with_session(db, course_slug, ref)
        if target.status is not SessionStatus.PLANNED:
            raise Conflict(
                f"session {target.number} is {target.status.value}: answers are for a session "
                "still to come"
            )
        if target.starts_at <= clock.now():
            raise Conflict(f"session {target.number} has started: answers are for before it")
        member = members.find(db, name)
        rsvps.set_answer(
            db, target, member, Answer(answer), AnswerSource.HAND, answered_at=clock.now()
        )
        said = f"{member.name} said {answer} to session {target.number}"
        journal.say(db, said)
    note(said)


@rsvp.command("list")
@click.argument("ref", required=False, metavar="[REF]", shell_complete=session_refs)
@course_option
@output_options
@pass_app
def rsvp_list(app: App, ref: str | None, course_slug: str | None, output: str) -> None:
    """The answers about a session (default: every session still to come): who said yes,
    no or maybe, how (mail or by hand), and whether they answered an earlier time of a
    session that has moved since.

    \b
    Example:
      studygroup rsvp list next --json
    """
    from studygroup import courses, rsvps, sessions

    with app.read() as db:
        course = courses.pick(db, course_slug)
        target = sessions.find(db, course, ref) if ref else None
        rows = rsvps.listed(db, course, target)
    shown = [
        {**row, "earlier": "answered an earlier time" if row["earlier_time"] else ""}
        for row in rows
    ]
    emit_rows(output, shown, ANSWER_COLUMNS, "no answers yet", json_data=rows)


@rsvp.command("fetch")
@json_option
@pass_app
def rsvp_fetch(app: App, as_json: bool) -> None:
    """Read the members' calendar replies from the group's mailbox over IMAPS and record
    their answers. Each message is read once (by its Message-ID), then marked read (and
    moved to $STUDYGROUP_IMAP_DONE if set); mail that holds no reply is left as it was, and
    so (on PostgreSQL) is a reply to another group's invitation, for its organiser.
    Settings come from the environment: STUDYGROUP_IMAP_HOST, _PORT (993), _USER,
    _PASSWORD, _MAILBOX (INBOX), _DONE.

    \b
    Example:
      studygroup rsvp fetch
      studygroup rsvp fetch --json   # from cron, before `remind`
    """
    from studygroup.io.imip import ImapSettings, Mailbox, replies_in
    from studygroup.rsvps import LEFT

    settings = ImapSettings.from_env()
    with Mailbox(settings) as box:
        read: list[tuple[str, str, list[Reply]]] = []  # (IMAP UID, Message-ID, replies)
        problems: list[Unread] = []
        for uid, raw in box.unread():
            replies, unread = replies_in(raw)
            problems.extend(unread)
            if replies:
                read.append((uid, replies[0].message_id, replies))
        outcomes = _record(app, [(mid, replies) for _, mid, replies in read])
        left = {o.message_id for o in outcomes if o.note == LEFT}  # another group's
        for uid, message_id, _ in read:  # only once their answers are in the database
            if message_id not in left:
                box.done_with(uid)
    _report(outcomes, problems, as_json)


@rsvp.command("import")
@click.argument(
    "paths", nargs=-1, required=True, metavar="FILE|DIR...", type=click.Path(path_type=Path)
)
@json_option
@pass_app
def rsvp_import(app: App, paths: tuple[Path, ...], as_json: bool) -> None:
    """Record the answers in replies kept as files, for a group whose mail arrives some
    other way: .eml files, an mbox, a Maildir, or a folder of .eml files. A message read
    before (by its Message-ID) is not recorded twice.

    \b
    Example:
      studygroup rsvp import ~/Mail/replies/
      studygroup rsvp import reply.eml
    """
    from studygroup.io.imip import messages_in, replies_in

    found: list[tuple[str, list[Reply]]] = []
    problems: list[Unread] = []
    for _, raw in messages_in(list(paths)):
        replies, unread = replies_in(raw)
        problems.extend(unread)
        if replies:
            found.append((replies[0].message_id, replies))
    _report(_record(app, found), problems, as_json)


def _record(app: App, messages: list[tuple[str, list[Reply]]]) -> list[Outcome]:
    from studygroup import clock, journal, rsvps

    if not messages:
        return []
    with app.write() as db:
        outcomes = rsvps.record_replies(db, messages, clock.now())
        recorded = sum(1 for o in outcomes if o.answer is not None)
        journal.say(db, f"recorded {recorded} answer(s) from {len(messages)} reply message(s)")
    return outcomes


def _report(outcomes: list[Outcome], problems: list[Unread], as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "replies": [o._asdict() for o in outcomes],
                "unread": [p._asdict() for p in problems],
            }
        )
        return
    for o in outcomes:
        if o.answer is not None:
            click.echo(f"{o.answer:<6} {o.member} ({o.session}): {o.note}")
        else:
            click.echo(f"{'-':<6} {o.message_id}: {o.note}")
    for p in problems:
        click.echo(f"{'-':<6} {p.message_id}: {p.why}")
    recorded = sum(1 for o in outcomes if o.answer is not None)
    note(f"{recorded} answer(s) recorded, {len(outcomes) - recorded + len(problems)} not")
