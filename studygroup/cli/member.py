"""`studygroup member ...`"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from studygroup import clock
from studygroup.cli import params
from studygroup.cli.app import (
    App,
    emit_fields,
    emit_json,
    emit_rows,
    json_option,
    note,
    output_options,
    pass_app,
)
from studygroup.cli.complete import member_names
from studygroup.store.rows import MemberRow

if TYPE_CHECKING:
    from sqlalchemy import Connection

MEMBER_COLUMNS = [
    ("name", "name"),
    ("email", "email"),
    ("handle", "handle"),
    ("timezone", "timezone"),
    ("active", "active"),
]
MEMBER_FIELDS = [
    ("name", "Name"),
    ("email", "Email"),
    ("handle", "Handle"),
    ("timezone", "Timezone"),
    ("active", "Active"),
    ("joined", "Joined"),
    ("greeting", "Greeted as"),
    ("rota_shown", "Rota"),
    ("aliases_shown", "Aliases"),
    ("archived_at", "Archived"),
]


@click.group()
def member() -> None:
    """Members: the people who attend and present.

    A member can be named by email, alias, exact name (any case), @handle (or the bare
    handle), the name without accents, a unique prefix of the name, or "Last, First".

    \b
    Example:
      studygroup member add "Ada Lovelace" --email ada@example.org --handle ada --tz Europe/London
      studygroup member show @ada
    """


@member.command("add")
@click.argument("name", shell_complete=member_names)
@click.option("--email", help="Email, for reminders.")
@click.option("--handle", help="Chat handle, e.g. @ada.")
@click.option(
    "--tz",
    "timezone",
    type=params.TIMEZONE,
    help="IANA timezone for reminders (default: the course's).",
)
@click.option("--joined", type=params.DATE, help="When they joined (default today).")
@click.option(
    "--greeting-name",
    "greeting",
    metavar="NAME",
    help="How reminders greet them (default: their first name; for 'Last, First' the part "
    "after the comma).",
)
@json_option
@pass_app
def member_add(
    app: App,
    name: str,
    email: str | None,
    handle: str | None,
    timezone: str | None,
    joined: date | None,
    greeting: str | None,
    as_json: bool,
) -> None:
    """Add a member (--json: the new member, as `member show --json`, id included).

    \b
    Example:
      studygroup member add "Grace Hopper" --email grace@example.org --tz America/New_York
    """
    from studygroup import members
    from studygroup.members import MemberFields

    with app.write() as db:
        added = members.add(
            db,
            name,
            MemberFields(email=email, handle=handle, timezone=timezone, greeting=greeting),
            joined or clock.today(),
        )
        note(f"added member {added.name}")
    if as_json:
        from studygroup.render.contracts import member_detail

        emit_json({"id": added.id} | dict(member_detail(added)))


@member.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include archived members.")
@output_options
@pass_app
def member_list(app: App, include_all: bool, output: str) -> None:
    """List active members (all with --all), as a table, CSV, TSV or JSON.

    \b
    Example:
      studygroup member list --all --json
      studygroup member list --format csv > members.csv
    """
    from studygroup import members
    from studygroup.render.contracts import member_dict

    with app.read() as db:
        rows = [member_dict(m) for m in members.listed(db, include_all)]
    emit_rows(output, rows, MEMBER_COLUMNS, "no members yet; add one with 'studygroup member add'")


@member.command("show")
@click.argument("name", shell_complete=member_names)
@json_option
@pass_app
def member_show(app: App, name: str, as_json: bool) -> None:
    """Show one member.

    \b
    Example:
      studygroup member show ada
    """
    from studygroup import members
    from studygroup.render.contracts import member_detail

    with app.read() as db:
        found = members.find(db, name)
        data = member_detail(found, [a.alias for a in members.aliases(db, found)])
    if as_json:
        emit_json(data)
    else:
        emit_fields(
            {**data, "aliases_shown": ", ".join(data["aliases"]), "rota_shown": data["rota"] or ""},
            MEMBER_FIELDS,
        )


@member.command("edit")
@click.argument("name", shell_complete=member_names)
@click.option("--name", "new_name", help="New name.")
@click.option("--email", help="New email ('' removes it).")
@click.option("--handle", help="New chat handle ('' removes it).")
@click.option("--tz", "timezone", help="New IANA timezone ('' uses the course's).")
@click.option(
    "--greeting-name",
    "greeting",
    metavar="NAME",
    help="How reminders greet them ('' goes back to their first name).",
)
@click.option(
    "--rota",
    metavar="ROLES",
    help="The roles they take in turn: host, notes or host,notes ('' takes them off).",
)
@pass_app
def member_edit(
    app: App,
    name: str,
    new_name: str | None,
    email: str | None,
    handle: str | None,
    timezone: str | None,
    greeting: str | None,
    rota: str | None,
) -> None:
    """Change a member. Only the options given change.

    \b
    Example:
      studygroup member edit ada --tz Asia/Kolkata --handle ada_l
    """
    from studygroup import members
    from studygroup.members import MemberFields

    fields = MemberFields(
        name=new_name, email=email, handle=handle, timezone=timezone, greeting=greeting, rota=rota
    )
    if not fields.cleaned() and not any(v == "" for v in (email, handle, timezone, greeting, rota)):
        raise click.UsageError("nothing to change: give at least one option")
    with app.write() as db:
        changed = members.edit(db, name, fields)
        note(f"updated member {changed.name}")


@member.command("archive")
@click.argument("name", shell_complete=member_names)
@pass_app
def member_archive(app: App, name: str) -> None:
    """Archive a member who left. Their attendance, talks and items are kept.

    \b
    Example:
      studygroup member archive "Grace Hopper"
    """
    from studygroup import members

    with app.write() as db:
        archived = members.archive(db, name)
        note(f"archived {archived.name}; their history is kept ('member restore' undoes this)")


@member.command("ignore")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--undo", is_flag=True, help="Take the names off the ignored list.")
@json_option
@pass_app
def member_ignore(app: App, names: tuple[str, ...], undo: bool, as_json: bool) -> None:
    """Ignore a name on call reports: a note-taking bot (Otter.ai, Fireflies, Read.ai) is
    nobody, never reported as unknown and never added by `attend import --add-unknown`.
    Known bots are ignored already. With no NAME, list the ignored names.

    \b
    Example:
      studygroup member ignore "Meeting Recorder"
      studygroup member ignore --json
    """
    from studygroup import members

    if not names:
        if undo:
            raise click.UsageError("give the NAME to stop ignoring")
        with app.read() as db:
            listed = members.ignored(db)
        if as_json:
            emit_json(listed)
        else:
            for name in listed:
                click.echo(name)
        return
    with app.write() as db:
        for name in names:
            if undo:
                members.unignore(db, name)
                note(f"{name!r} is no longer ignored")
            elif members.ignore(db, name):
                note(f"ignoring {name!r} on call reports")
            else:
                note(f"{name!r} was ignored already")


@member.command("restore")
@click.argument("name", shell_complete=member_names)
@pass_app
def member_restore(app: App, name: str) -> None:
    """Make an archived member active again.

    \b
    Example:
      studygroup member restore "Grace Hopper"
    """
    from studygroup import members

    with app.write() as db:
        restored = members.restore(db, name)
        note(f"{restored.name} is active again")


@contextmanager
def _confirmed(
    app: App,
    name: str,
    force: bool,
    what: str,
    check: Callable[[Connection, MemberRow], None] | None = None,
) -> Iterator[tuple[Connection, MemberRow]]:
    """A member to delete or erase: asked about first, holding no lock while a person reads
    the question, then found again in the write transaction (refused if the name means
    someone else by then). `check` refuses before anyone is asked."""
    from studygroup import members
    from studygroup.cli.app import confirm_delete
    from studygroup.errors import Conflict

    with app.read() as db:
        asked = members.find(db, name)
        if check is not None:
            check(db, asked)
    confirm_delete(what.format(asked.name), force)
    with app.write() as db:
        found = members.find(db, name)
        if found.id != asked.id:
            raise Conflict(f"{name!r} is {found.name} now, not {asked.name}; nothing changed")
        yield db, found


@member.command("erase")
@click.argument("name", shell_complete=member_names)
@click.option("--force", is_flag=True, help="Really erase (you will be asked to confirm).")
@pass_app
def member_erase(app: App, name: str, force: bool) -> None:
    """Erase a member's personal data: the right to erasure. Their name, email, handle, zone,
    greeting and aliases go, from the member list, the reminder log and the change journal;
    their record stays as "erased member N" so attendance and talks keep their counts. It
    cannot be undone, nor can the earlier entries that held their data.

    \b
    Example:
      studygroup member erase "Ada Lovelace" --force
    """
    from studygroup import members

    with _confirmed(
        app,
        name,
        force,
        "the personal data of {} (this cannot be undone)",
        members.require_erasable,
    ) as (
        db,
        found,
    ):
        done = members.erase(db, found)
    note(
        f"erased {done.name}'s personal data; the record is now '{done.placeholder}'. "
        f"This, and {done.entries} earlier journal entr{'y' if done.entries == 1 else 'ies'} "
        "that held their data, can no longer be undone"
    )


@member.command("delete")
@click.argument("name", shell_complete=member_names)
@click.option("--force", is_flag=True, help="Really delete (you will be asked to confirm).")
@pass_app
def member_delete(app: App, name: str, force: bool) -> None:
    """Delete a member added by mistake. Refused while they have any history (attendance,
    talks, items, votes, reminders): archive them instead. Someone who belongs to other
    groups too only leaves this one.

    \b
    Example:
      studygroup member delete "Ada Lovelce" --force
    """
    from studygroup import groups, members

    with _confirmed(app, name, force, "member {}") as (db, found):
        shown = found.name
        gone = members.delete_member(db, found)
        group = groups.current(db).slug
    note(
        f"deleted member {shown}"
        if gone
        else f"removed {shown} from group {group}; they stay in their other groups"
    )


@member.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@params.max_rows_option
@params.encoding_option
@pass_app
def member_import(app: App, file: Path, max_rows: int, encoding: str | None) -> None:
    """Add or update members from a CSV file; all rows or none.

    Columns: name,email,handle,timezone (name required), split by , ; or tab. A member who
    already exists (same name in any case, or same email) is updated, never duplicated, in
    the columns the file has: an absent column is left alone, an empty cell clears it.

    \b
    Example:
      printf 'name,email,handle,timezone\\nAda,ada@example.org,ada,Europe/London\\n' > m.csv
      studygroup member import m.csv
    """
    from studygroup import members

    with app.write() as db:
        summary = members.import_members(db, file, clock.today(), max_rows, encoding)
    note(f"imported {len(summary.added)} new and {len(summary.updated)} updated member(s)")


@member.group("alias")
def member_alias() -> None:
    """Other names a member goes by on calls ("Rohan's iPhone", a name in another script).
    An alias is matched right after the email, by every command and every import.

    \b
    Example:
      studygroup member alias add "Rohan Iyer" "Rohan's iPhone"
      studygroup member alias list
    """


@member_alias.command("add")
@click.argument("name", shell_complete=member_names)
@click.argument("alias")
@json_option
@pass_app
def member_alias_add(app: App, name: str, alias: str, as_json: bool) -> None:
    """Record that NAME also appears as ALIAS (--json: the member with their aliases, as
    `member show --json`).

    \b
    Example:
      studygroup member alias add "Arjun Sharma" "अर्जुन शर्मा"
    """
    from studygroup import members
    from studygroup.render.contracts import member_detail

    with app.write() as db:
        found = members.find(db, name)
        added = members.add_alias(db, found, alias)
        shown = (
            member_detail(found, [a.alias for a in members.aliases(db, found)]) if as_json else None
        )
    note(f"{alias.strip()!r} is {'now' if added else 'already'} an alias of {found.name}")
    if shown is not None:
        emit_json(shown)


@member_alias.command("list")
@click.argument("name", required=False, shell_complete=member_names)
@output_options
@pass_app
def member_alias_list(app: App, name: str | None, output: str) -> None:
    """List the aliases (of one member with NAME).

    \b
    Example:
      studygroup member alias list --json
    """
    from studygroup import members

    with app.read() as db:
        found = members.find(db, name) if name else None
        rows = [
            {"alias": a.alias, "member": a.member, "added_at": a.created_at.isoformat()}
            for a in members.aliases(db, found)
        ]
    emit_rows(
        output,
        rows,
        [("alias", "alias"), ("member", "member"), ("added_at", "added")],
        "no aliases; add one with 'studygroup member alias add'",
    )


@member_alias.command("remove")
@click.argument("alias")
@pass_app
def member_alias_remove(app: App, alias: str) -> None:
    """Forget an alias (add it again to undo).

    \b
    Example:
      studygroup member alias remove "Rohan's iPhone"
    """
    from studygroup import members

    with app.write() as db:
        gone = members.remove_alias(db, alias)
    note(f"removed the alias {gone.alias!r} of {gone.member}")
