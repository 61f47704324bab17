"""The studygroup command line: a thin layer over the domain functions.

Subcommand modules are imported only when used, and none of them imports SQLAlchemy at module
level, so `--help` and shell completion stay fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from studygroup import __version__
from studygroup.cli.app import App

# command name -> "module:attribute", loaded on first use
COMMANDS: dict[str, str] = {
    "init": "studygroup.cli.dbcmd:init",
    "db": "studygroup.cli.dbcmd:db",
    "course": "studygroup.cli.course:course",
    "lecture": "studygroup.cli.lecture:lecture",
    "member": "studygroup.cli.member:member",
    "session": "studygroup.cli.session:session",
    "agenda": "studygroup.cli.agenda:agenda",
    "talk": "studygroup.cli.talk:talk",
    "attend": "studygroup.cli.attend:attend",
    "attendance": "studygroup.cli.attend:attendance",
    "item": "studygroup.cli.item:item",
    "export": "studygroup.cli.export:export",
    "remind": "studygroup.cli.remind:remind",
    "stats": "studygroup.cli.stats:stats",
    "demo": "studygroup.cli.demo:demo",
    "poll": "studygroup.cli.poll:poll",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on demand, and which turns domain errors into
    one-line `Error: ...` messages in one place."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from studygroup.cli.errors import translate

        with translate(ctx):
            return super().invoke(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_option",
    metavar="PATH|URL",
    help="Database file or postgresql+psycopg:// URL. Default: $STUDYGROUP_DB, else "
    "studygroup.db in your user data directory.",
)
@click.version_option(__version__, prog_name="studygroup")
@click.pass_context
def cli(ctx: click.Context, db_option: str | None) -> None:
    """Run a study group: courses, sessions, timed agendas, talks, attendance and homework.

    \b
    Example:
      studygroup course add fsdl "Full Stack Deep Learning" --weekday tue \\
          --time 18:00 --tz Europe/London
      studygroup member add "Ada Lovelace" --email ada@example.org --tz Europe/London
    """
    app = App(db_option)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    cli(prog_name="studygroup")
