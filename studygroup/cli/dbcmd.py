"""`studygroup init` and `studygroup db ...`: where the database is and its schema."""

from __future__ import annotations

from pathlib import Path

import click

from studygroup.cli.app import App, emit_json, json_option, note, pass_app


@click.command()
@click.option(
    "--adopt",
    is_flag=True,
    help="Add studygroup's tables to a database that already holds another "
    "application's tables (refused without this).",
)
@pass_app
def init(app: App, adopt: bool) -> None:
    """Create the database at the latest schema (does nothing if it is already there).

    A SQLite file or PostgreSQL database that holds another application's tables is refused,
    unless --adopt says studygroup's tables may be added beside them.

    \b
    Example:
      studygroup init
      studygroup --db ./fsdl.db init
      studygroup --db ./shared.db init --adopt
    """
    from studygroup.store.db import schema_revision

    app.database.adopt = adopt
    with app.write() as connection:
        revision = schema_revision(connection)
    note(f"database ready at {app.location.display()} (schema {revision})")


@click.group()
def db() -> None:
    """Where the database is, its schema revision, upgrades and backups.

    \b
    Example:
      studygroup db path
      studygroup db upgrade
    """


@db.command("path")
@json_option
@pass_app
def db_path(app: App, as_json: bool) -> None:
    """Print where the database is (any password masked).

    The database is --db, else $STUDYGROUP_DB, else studygroup.db in your user data directory.

    \b
    Example:
      studygroup db path
    """
    location = app.location
    if as_json:
        emit_json(
            {
                "location": location.display(),
                "engine": "sqlite" if location.is_sqlite else "postgresql",
                "exists": app.database.exists() if location.is_sqlite else None,
            }
        )
    else:
        click.echo(location.display())


@db.command("current")
@json_option
@pass_app
def db_current(app: App, as_json: bool) -> None:
    """Show the database's schema revision and whether it is up to date.

    \b
    Example:
      studygroup db current --json
    """
    from studygroup.store.db import reading, schema_revision
    from studygroup.store.schema import HEAD_REVISION

    revision = None
    if app.database.exists():
        app.database.check_file(write=False)
        with reading(app.database.engine) as connection:
            revision = schema_revision(connection)
    status = (
        "missing" if revision is None else "current" if revision == HEAD_REVISION else "outdated"
    )
    if status == "outdated":
        from studygroup.store import migrate

        if not migrate.is_known_revision(revision):
            from studygroup.store.db import newer_studygroup

            status = "newer" if newer_studygroup(revision) else "foreign"
    if as_json:
        emit_json({"revision": revision, "head": HEAD_REVISION, "status": status})
        return
    if revision is None:
        click.echo(f"no database yet at {app.location.display()} (head is {HEAD_REVISION})")
    elif revision == HEAD_REVISION:
        click.echo(f"{revision} (head)")
    elif status == "newer":
        click.echo(
            f"{revision} (written by a newer studygroup; this one knows up to "
            f"{HEAD_REVISION}: upgrade studygroup)"
        )
    elif status == "foreign":
        click.echo(
            f"{revision} (not a studygroup revision: the database belongs to another "
            "application; 'studygroup init --adopt' adds studygroup's tables to it)"
        )
    else:
        click.echo(f"{revision} (head is {HEAD_REVISION}: run 'studygroup db upgrade')")


@db.command("upgrade")
@pass_app
def db_upgrade(app: App) -> None:
    """Upgrade the database to the latest schema.

    The write lock is held from start to end. On SQLite, when there is something to upgrade,
    a verified backup is taken first, beside the database; if the upgrade fails, its
    transaction rolls back, the database is exactly as it was, and the backup is removed.

    \b
    Example:
      studygroup db upgrade
    """
    from studygroup.store import migrate

    result = migrate.upgrade_database(app.database)
    if result.backup is not None:
        note(f"backup: {result.backup}")
    if result.before == result.after:
        note(f"already at {result.after}; nothing to do")
    else:
        note(f"upgraded {result.before or 'empty database'} -> {result.after}")


@db.command("secure")
@pass_app
def db_secure(app: App) -> None:
    """PostgreSQL: let the database keep each organiser to their own groups.

    Run by the administrator (a superuser) once, and again after `db upgrade` adds tables
    (the upgrade does it by itself on a secured database). The tables then belong to the
    NOLOGIN role studygroup_owner, row-level security is forced on every group-owned table,
    and a login role reads and changes only the groups `group grant` gave it. SQLite has no
    rights: whoever holds the file has everything.

    \b
    Example:
      studygroup --db postgresql+psycopg://admin@db.example.org/studygroups db secure
      studygroup --db postgresql+psycopg://admin@db.example.org/studygroups group grant r4ds ana
    """
    from studygroup.store import security

    app.started()
    with app.database.write() as connection:
        done = security.secure(connection)
    for line in done:
        note(line)


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def db_backup(app: App, file: Path) -> None:
    """Copy the SQLite database safely to FILE (a new file, mode 0600), and verify the copy.

    For PostgreSQL use pg_dump.

    \b
    Example:
      studygroup db backup ~/backups/studygroup-2026-11-22.db
    """
    from studygroup.errors import StudygroupError
    from studygroup.store import migrate

    path = app.location.path
    if path is None:
        raise StudygroupError("db backup works on SQLite only; for PostgreSQL use pg_dump")
    if not app.database.exists():
        raise StudygroupError(f"no database at {path} to back up")
    app.database.check_file(write=False)
    if file.exists() or file.is_symlink():
        raise StudygroupError(f"{file} already exists; choose a new file name")
    if not file.parent.is_dir():
        raise StudygroupError(f"no such directory: {file.parent}")
    migrate.backup_sqlite(path, file)
    note(f"backed up {path} -> {file}")
