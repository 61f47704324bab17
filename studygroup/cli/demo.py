"""`studygroup demo`: a ready-made group to look around in."""

from __future__ import annotations

from pathlib import Path

import click

from studygroup import clock
from studygroup.cli.app import App, note, pass_app

DEFAULT = "studygroup-demo.db"


@click.command()
@click.option("--force", is_flag=True, help="Replace the demo file if it exists.")
@pass_app
def demo(app: App, force: bool) -> None:
    """Build a demo study group in a SQLite file (the global --db, else ./studygroup-demo.db)
    and print the next session's Markdown agenda.

    The group follows a course modelled on Full Stack Deep Learning (lectures, optional labs
    and guest lectures, one unavailable video), six members in four timezones, and three
    held sessions with attendance, a postponed talk and homework carried once.

    \b
    Example:
      studygroup demo
      studygroup --db /tmp/try.db demo --force && studygroup --db /tmp/try.db agenda
    """
    from studygroup import journal
    from studygroup.agenda import settle
    from studygroup.demo import build_demo
    from studygroup.errors import StudygroupError
    from studygroup.render.markdown import agenda_markdown
    from studygroup.store.db import Database
    from studygroup.store.location import resolve
    from studygroup.views.agenda import agenda_document

    location = resolve(app.db_option or DEFAULT)  # never $STUDYGROUP_DB: that is real data
    if location.path is None:
        raise StudygroupError("the demo builds a SQLite file; give --db a file path")
    path: Path = location.path
    if path.exists():
        if not force:
            raise StudygroupError(f"{path} exists; use --force to replace it with a new demo")
        for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            extra.unlink(missing_ok=True)
    database = Database(location)
    try:
        with database.write() as db:
            # one journal entry, like any write: its rows tell each step what to re-plan
            entry = journal.open_entry(db, journal.command(app.argv))
            course, following = build_demo(db, clock.today())
            settle(db)
            journal.close_entry(db, entry, "built the demo group")
        with database.read() as connection:
            doc = agenda_document(connection, course, following)
    finally:
        database.dispose()
    note(f"demo group written to {path}; try: studygroup --db {path} agenda")
    click.echo(agenda_markdown(doc), nl=False)
