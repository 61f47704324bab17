"""`studygroup group ...`"""

from __future__ import annotations

import click

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

GROUP_COLUMNS = [
    ("slug", "slug"),
    ("name", "name"),
    ("courses", "courses"),
    ("members", "members"),
    ("status", "status"),
]


@click.group()
def group() -> None:
    """Groups: one database for many study groups, each with its own organisers.

    A single-group database never needs them: every command works on the only group.
    With several, choose one with --group SLUG or $STUDYGROUP_GROUP.

    \b
    Example:
      studygroup group add r4ds "R4DS book club"
      studygroup --group r4ds course add r4ds-c12 "R for Data Science, cohort 12" \\
          --weekday wed --time 17:00 --tz UTC
    """


@group.command("add")
@click.argument("slug")
@click.argument("name")
@json_option
@pass_app
def group_add(app: App, slug: str, name: str, as_json: bool) -> None:
    """Add a group.

    \b
    Example:
      studygroup group add dslc "DSLC: Mastering Shiny"
    """
    from studygroup import groups
    from studygroup.render.contracts import group_dict

    with app.write() as db:
        added = groups.add(db, slug, name)
        note(f"added group {added.slug}")
        data = group_dict(groups.summary(db, added.slug))
    if as_json:
        emit_json(data)


@group.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include archived groups.")
@output_options
@pass_app
def group_list(app: App, include_all: bool, output: str) -> None:
    """List the groups (on PostgreSQL: the ones you organise), with their courses and active
    members.

    \b
    Example:
      studygroup group list --json
    """
    from studygroup import groups
    from studygroup.render.contracts import group_dict

    with app.read() as db:
        rows = [group_dict(g) for g in groups.listed(db, include_all)]
    emit_rows(output, rows, GROUP_COLUMNS, "no groups; add one with 'studygroup group add'")


@group.command("show")
@click.argument("slug", required=False)
@json_option
@pass_app
def group_show(app: App, slug: str | None, as_json: bool) -> None:
    """Show a group (default: the one commands work on): its courses, members and
    organisers.

    \b
    Example:
      studygroup group show r4ds --json
    """
    from studygroup.views.group import show

    with app.read() as db:
        data = show(db, slug)
    if as_json:
        emit_json(data)
        return
    organisers = ", ".join(
        f"{o['role']} (read-only)" if o["read_only"] else o["role"] for o in data["organisers"]
    )
    emit_fields(
        {
            **data,
            "courses": ", ".join(data["courses"]) or "none",
            "organisers": organisers or "none (SQLite: whoever holds the file)",
        },
        [
            ("slug", "Slug"),
            ("name", "Name"),
            ("status", "Status"),
            ("courses", "Courses"),
            ("members", "Active members"),
            ("organisers", "Organisers"),
        ],
    )


@group.command("edit")
@click.argument("slug")
@click.option("--slug", "new_slug", help="A new slug.")
@click.option("--name", help="A new name.")
@pass_app
def group_edit(app: App, slug: str, new_slug: str | None, name: str | None) -> None:
    """Rename a group, or give it a new slug.

    \b
    Example:
      studygroup group edit main --slug fsdl-group --name "FSDL study group"
    """
    from studygroup import groups

    with app.write() as db:
        changed = groups.edit(db, slug, new_slug, name)
        note(f"group {changed.slug}: {changed.name}")


@group.command("archive")
@click.argument("slug")
@click.option("--restore", is_flag=True, help="Bring an archived group back.")
@pass_app
def group_archive(app: App, slug: str, restore: bool) -> None:
    """Archive a group: every row is kept, and it is no longer the default group nor served
    by --all-groups. --group still reaches it.

    \b
    Example:
      studygroup group archive dslc-2024
      studygroup group archive dslc-2024 --restore
    """
    from studygroup import groups

    with app.write() as db:
        changed = groups.archive(db, slug, restore)
        note(f"{'restored' if restore else 'archived'} group {changed.slug}")


@group.command("grant")
@click.argument("slug")
@click.argument("role")
@click.option("--read-only", is_flag=True, help="They may read the group, never change it.")
@pass_app
def group_grant(app: App, slug: str, role: str, read_only: bool) -> None:
    """Make the PostgreSQL login ROLE an organiser of the group (again, to change --read-only).

    Run by the database's administrator, after `studygroup db secure`; the role must exist
    (CREATE ROLE ana LOGIN PASSWORD '...'). The database then lets ROLE read and change only
    the groups it organises, through studygroup or any other client. SQLite has no rights:
    whoever holds the file has everything.

    \b
    Example:
      studygroup --db "$ORG_DB" group grant r4ds ana
      studygroup --db "$ORG_DB" group grant r4ds auditor --read-only
    """
    from studygroup import organisers

    with app.write() as db:
        said = organisers.grant(db, slug, role, read_only)
        note(said)


@group.command("revoke")
@click.argument("slug")
@click.argument("role")
@pass_app
def group_revoke(app: App, slug: str, role: str) -> None:
    """ROLE no longer organises the group.

    \b
    Example:
      studygroup --db "$ORG_DB" group revoke r4ds ana
    """
    from studygroup import organisers

    with app.write() as db:
        note(organisers.revoke(db, slug, role))
