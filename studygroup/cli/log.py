"""`studygroup log ...` and `studygroup undo`: the change journal."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import click

from studygroup.cli import params
from studygroup.cli.app import (
    App,
    DefaultGroup,
    emit_json,
    emit_rows,
    json_option,
    note,
    output_options,
    pass_app,
)
from studygroup.cli.complete import member_names

if TYPE_CHECKING:
    from studygroup.render.documents import LogEntry

LOG_COLUMNS = [
    ("id", "#"),
    ("when", "when"),
    ("who", "who"),
    ("what", "what"),
]


def _line(entry: LogEntry) -> dict[str, object]:
    what = entry["summary"] or entry["command"]
    if entry["undone_by"]:
        what += f"  [undone by #{entry['undone_by']}]"
    if entry["pruned"]:
        what += "  [pruned]"
    return {
        **entry,
        "when": entry["at"][:16].replace("T", " "),
        "who": entry["who"] + (f" ({entry['db_user']})" if entry["db_user"] else ""),
        "what": what,
    }


@click.group(cls=DefaultGroup, default="list")
def log() -> None:
    """The change journal: every write command, who ran it and when, and the rows it
    changed. `studygroup undo` reverts an entry.

    \b
    Example:
      studygroup log --limit 5
      studygroup log show 12
    """


@log.command("list")
@click.option("--course", "course_slug", metavar="SLUG", help="Only entries about this course.")
@click.option(
    "--member",
    metavar="NAME",
    shell_complete=member_names,
    help="Only entries that changed this member or their rows.",
)
@click.option("--since", type=params.DATE, help="Only entries from this date (UTC) on.")
@click.option(
    "--limit", default=20, show_default=True, type=params.COUNT, help="At most this many entries."
)
@output_options
@pass_app
def log_list(
    app: App,
    course_slug: str | None,
    member: str | None,
    since: date | None,
    limit: int,
    output: str,
) -> None:
    """What changed, newest first: one line per command.

    \b
    Example:
      studygroup log --member ada --since 2026-11-01 --json
    """
    from studygroup import journal, members

    with app.read() as db:
        who = members.find(db, member) if member else None
        found = journal.entries(
            db,
            course=course_slug,
            member_id=who.id if who else None,
            since=since,
            limit=limit,
        )
    rows = [e.as_dict() for e in found]
    emit_rows(
        output,
        [_line(r) for r in rows],
        LOG_COLUMNS,
        "nothing recorded yet",
        json_data=rows,
    )


@log.command("show")
@click.argument("entry_id", metavar="[ID]", required=False, type=params.ID)
@json_option
@pass_app
def log_show(app: App, entry_id: int | None, as_json: bool) -> None:
    """The rows one entry (default: the newest) inserted, updated or deleted, with their
    values before and after.

    \b
    Example:
      studygroup log show 12
    """
    from studygroup import journal
    from studygroup.render.documents import LogEntryShown

    with app.read() as db:
        entry = journal.get(db, entry_id) if entry_id else journal.newest(db)
        rows = [c.as_dict() for c in journal.changes(db, entry.id)]
    data = LogEntryShown(**entry.as_dict(), changes=rows)
    if as_json:
        emit_json(data)
        return
    line = _line(data)
    click.echo(f"#{line['id']}  {line['when']}  {line['who']}  {data['command']}")
    if data["summary"]:
        click.echo(f"  {data['summary']}")
    for change in rows:
        head = f"  {change['op']:<6} {change['table']} {change['row_id']}"
        if change["changed"] is not None:
            shown = ", ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in change["changed"].items())
            click.echo(f"{head}  {shown}" if shown else f"{head}  (no change)")
        else:
            click.echo(head)
    if entry.pruned:
        click.echo("  (its rows were pruned)")


@log.command("prune")
@click.option(
    "--before",
    type=params.DATE,
    help="Prune every entry up to the newest one recorded before this date (UTC).",
)
@click.option("--upto", "upto", type=params.ID, metavar="ID", help="Prune entries 1 to ID.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def log_prune(app: App, before: date | None, upto: int | None, yes: bool) -> None:
    """Remove the changed rows of old entries, keeping their one-line entries. Pruned
    entries can no longer be undone. What is pruned is always a prefix of the journal, by
    entry order (never by clock, which may be off): every entry up to one, so an undo can
    never write over a later change that was pruned. The prune is an entry of its own: who
    pruned, up to which entry.

    \b
    Example:
      studygroup log prune --before 2026-01-01
      studygroup log prune --upto 120 --yes
    """
    from studygroup import journal
    from studygroup.errors import StudygroupError

    if (before is None) == (upto is None):
        raise click.UsageError("give one of --before DATE and --upto ID")
    with app.read() as db:  # ask first, holding no lock while a person reads the question
        journal.require_whole_journal(db)
        last = upto if before is None else journal.last_before(db, before)
    if last is None:
        note(f"no journal entry was recorded before {before}: nothing to prune")
        return
    if not yes and not click.confirm(
        f"Prune the rows of journal entries 1 to {last}? They can no longer be undone.",
        default=False,
        err=True,
    ):
        raise StudygroupError("nothing pruned")
    with app.write() as db:
        count, removed = journal.prune(db, last)
    note(
        f"pruned {count} entr{'y' if count == 1 else 'ies'} up to entry {last} ({removed} rows); "
        "their lines stay"
    )


@click.command()
@click.argument("entry_id", metavar="[ID]", required=False, type=params.ID)
@click.option(
    "--cascade",
    is_flag=True,
    help="Undo the later entries that changed the same rows first, newest first.",
)
@click.option("--dry-run", is_flag=True, help="Show what the undo would revert; write nothing.")
@json_option
@pass_app
def undo(app: App, entry_id: int | None, cascade: bool, dry_run: bool, as_json: bool) -> None:
    """Undo one command exactly (default: your own newest entry that is not an undo and not
    undone; another organiser's entry only by its ID, and the output says whose it was). An
    undo is journalled too: undoing it redoes. Reminders already sent stay on record: a sent
    message is a fact. --dry-run shows what would be reverted, row counts per table, and
    writes nothing.

    \b
    Example:
      studygroup undo --dry-run
      studygroup undo
      studygroup undo 12 --cascade
    """
    from studygroup import journal

    class _WouldDo(Exception):
        pass

    me = journal.who()
    try:
        with app.write() as db:
            result = journal.undo(db, entry_id, cascade=cascade)
            reverted = {e.id: journal.reverted_counts(db, e.id) for e in result.undone}
            verb = "redid" if result.redo else "undid"
            done = [
                f"#{e.id} ({e.command})" + (f", {e.who}'s" if e.who != me else "")
                for e in result.undone
            ]
            if dry_run:
                raise _WouldDo
            note(f"{verb} {', '.join(done)}")
    except _WouldDo:
        verb = "would redo" if result.redo else "would undo"
        if as_json:
            emit_json(
                {
                    "dry_run": True,
                    "redo": result.redo,
                    "undone": [
                        {"id": e.id, "who": e.who, "command": e.command, "rows": reverted[e.id]}
                        for e in result.undone
                    ],
                }
            )
        else:
            for entry, text in zip(result.undone, done, strict=True):
                rows = "; ".join(f"{t}: {what}" for t, what in reverted[entry.id].items())
                click.echo(f"{verb} {text}: {rows or 'no rows'}")
        note("dry run: nothing written")
        return
    if as_json:
        emit_json(
            {"entry": result.entry, "redo": result.redo, "undone": [e.id for e in result.undone]}
        )
