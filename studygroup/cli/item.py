"""`studygroup item ...`: action items (homework and to-dos)."""

from __future__ import annotations

from typing import cast

import click

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

ITEM_COLUMNS = [
    ("id", "id"),
    ("text", "text"),
    ("owner", "owner"),
    ("status", "status"),
    ("carried_text", "carried"),
    ("due_session", "due"),
]
IDS = click.argument("item_ids", metavar="ID...", nargs=-1, required=True, type=params.ID)


@click.group()
def item() -> None:
    """Action items: homework and to-dos, carried to the next session until done.

    \b
    Example:
      studygroup item add "Finish labs 6-7" --owner ada
      studygroup item list --open --owner ada
    """


@item.command("add")
@click.argument("text")
@click.option(
    "--owner",
    shell_complete=member_names,
    help="Who owes it ('everyone' or none: the whole group).",
)
@click.option(
    "--due",
    "ref",
    metavar="REF",
    shell_complete=session_refs,
    help="Due session (default: the next one that has not started yet).",
)
@course_option
@json_option
@pass_app
def item_add(
    app: App,
    text: str,
    owner: str | None,
    ref: str | None,
    course_slug: str | None,
    as_json: bool,
) -> None:
    """Add an action item, due at the next session that has not started yet (so an item added
    during or after a call is due next week), unless --due names the session. --json prints
    the new item as `item show --json` does, id included.

    \b
    Example:
      studygroup item add "Read the ZeRO paper" --owner "Grace" --due 2026-12-08
    """
    from studygroup import clock, courses, items, members, sessions

    now = clock.now()
    with app.write() as db:
        course = courses.pick(db, course_slug)
        who = members.find_owner(db, owner) if owner else None
        due = sessions.find(db, course, ref) if ref else sessions.upcoming(db, course, now)
        # made in the call that is on or just happened, before the one it is due at
        created_in = sessions.latest_started(db, course, now, before=due.starts_at if due else None)
        added = items.add(db, course, text, who, due, created_in)
        when = f"session {due.number}" if due else "no particular session"
        note(f"added item {added.id}, due {when}")
        shown = items.detail(db, course, added.id) if as_json else None
    if shown is not None:
        emit_json(shown)


@item.command("list")
@click.option("--open", "which", flag_value="open", default=True, help="Open items (default).")
@click.option("--all", "which", flag_value="all", help="Open, done and dropped items.")
@click.option("--owner", shell_complete=member_names, help="Only this member's items.")
@click.option(
    "--session",
    "ref",
    metavar="REF",
    shell_complete=session_refs,
    help="Only items due at (or made in) REF.",
)
@course_option
@output_options
@pass_app
def item_list(
    app: App, which: str, owner: str | None, ref: str | None, course_slug: str | None, output: str
) -> None:
    """List action items; items carried 3 or more times are flagged.

    \b
    Example:
      studygroup item list --open --owner ada --json
    """
    from studygroup import courses, items, sessions
    from studygroup.render.text import carried_mark
    from studygroup.store.enums import ItemStatus

    with app.read() as db:
        course = courses.pick(db, course_slug)
        who = None
        if owner:
            from studygroup import members  # and its name matching, only when it is used

            who = members.find(db, owner)
        due = sessions.find(db, course, ref) if ref else None
        status = ItemStatus.OPEN if which == "open" else None
        rows = items.listed(db, course, status, who, due)
    if output == "json":
        emit_json(rows)
        return
    # the rows are not printed as JSON: they become the table's rows in place (a copy of
    # 50,000 items would cost 13 MiB more at the x10 benchmark)
    table = cast("list[dict[str, object]]", rows)
    for row in table:
        row["carried_text"] = carried_mark(cast(int, row["carried"])).strip(" ()") or ""
        row["owner"] = row["owner"] or "everyone"
    emit_rows(output, table, ITEM_COLUMNS, "no action items")


def _close(app: App, course_slug: str | None, ids: tuple[int, ...], status: str) -> None:
    from studygroup import courses, items
    from studygroup.store.enums import ItemStatus

    with app.write() as db:
        course = courses.pick(db, course_slug)
        if status == "open":
            items.reopen(db, course, list(ids))
        else:
            items.close(db, course, list(ids), ItemStatus(status))
    note(f"item(s) {', '.join(map(str, ids))}: {status}")


@item.command("done")
@IDS
@course_option
@pass_app
def item_done(app: App, item_ids: tuple[int, ...], course_slug: str | None) -> None:
    """Mark items done.

    \b
    Example:
      studygroup item done 12 13
    """
    _close(app, course_slug, item_ids, "done")


@item.command("drop")
@IDS
@course_option
@pass_app
def item_drop(app: App, item_ids: tuple[int, ...], course_slug: str | None) -> None:
    """Drop items that no longer matter (kept on record; `item reopen` undoes it).

    \b
    Example:
      studygroup item drop 12
    """
    _close(app, course_slug, item_ids, "dropped")


@item.command("reopen")
@IDS
@course_option
@pass_app
def item_reopen(app: App, item_ids: tuple[int, ...], course_slug: str | None) -> None:
    """Open done or dropped items again.

    \b
    Example:
      studygroup item reopen 12
    """
    _close(app, course_slug, item_ids, "open")


@item.command("assign")
@click.argument("item_id", metavar="ID", type=params.ID)
@click.argument("name")
@course_option
@pass_app
def item_assign(app: App, item_id: int, name: str, course_slug: str | None) -> None:
    """Give an item to a member (NAME 'everyone' gives it to the whole group).

    \b
    Example:
      studygroup item assign 12 grace
    """
    from studygroup import courses, items, members

    with app.write() as db:
        course = courses.pick(db, course_slug)
        who = members.find_owner(db, name)
        items.assign(db, course, item_id, who)
        note(f"item {item_id} now belongs to {who.name if who else 'everyone'}")


@item.command("edit")
@click.argument("item_id", metavar="ID", type=params.ID)
@click.argument("text")
@course_option
@pass_app
def item_edit(app: App, item_id: int, text: str, course_slug: str | None) -> None:
    """Change an item's text.

    \b
    Example:
      studygroup item edit 12 "Finish labs 6 and 7"
    """
    from studygroup import courses, items

    with app.write() as db:
        items.edit(db, courses.pick(db, course_slug), item_id, text)
    note(f"item {item_id} updated")


ITEM_FIELDS = [
    ("id", "Item"),
    ("text", "Text"),
    ("owner_shown", "Owner"),
    ("status", "Status"),
    ("due_shown", "Due"),
    ("carried", "Carried"),
    ("created_shown", "Made"),
    ("closed_at", "Closed"),
]


@item.command("show")
@click.argument("item_id", metavar="ID", type=params.ID)
@course_option
@json_option
@pass_app
def item_show(app: App, item_id: int, course_slug: str | None, as_json: bool) -> None:
    """One action item: its owner, status, due session, how often it was carried, and when
    it was made.

    \b
    Example:
      studygroup item show 12 --json
    """
    from studygroup import courses, items

    with app.read() as db:
        data = items.detail(db, courses.pick(db, course_slug), item_id)
    if as_json:
        emit_json(data)
        return
    shown = dict(data) | {
        "owner_shown": data["owner"] or "everyone",
        "due_shown": (
            f"session {data['due_session']} ({data['due_date']})" if data["due_session"] else ""
        ),
        "created_shown": data["created_at"][:16].replace("T", " ")
        + (f", in session {data['created_session']}" if data["created_session"] else ""),
    }
    emit_fields(shown, ITEM_FIELDS)


@item.command("due")
@click.argument("item_id", metavar="ID", type=params.ID)
@click.argument("ref", metavar="REF", shell_complete=session_refs)
@course_option
@pass_app
def item_due(app: App, item_id: int, ref: str, course_slug: str | None) -> None:
    """Make an open item due at another planned session. A change of plan, not a carry:
    its carried count stays.

    \b
    Example:
      studygroup item due 12 next
      studygroup item due 12 2026-12-08
    """
    from studygroup import courses, items, sessions

    with app.write() as db:
        course = courses.pick(db, course_slug)
        target = sessions.find(db, course, ref)
        items.set_due(db, course, item_id, target)
        note(f"item {item_id} is now due at session {target.number}")
