"""The studygroup command line: a thin layer over the domain functions.

Subcommand modules are imported only when used, and none of them imports SQLAlchemy at module
level, so `--help` and shell completion stay fast.
"""

from __future__ import annotations

import gc
import importlib
import os
from typing import Any

import click

from studygroup import __version__
from studygroup.cli.app import App

# command name -> ("module:attribute", summary). Modules load on first use; the summaries let
# `studygroup --help` list every command without importing any of them (a test keeps each
# summary equal to its command's own).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "studygroup.cli.dbcmd:init",
        "Create the database at the latest schema (does nothing if it is already there).",
    ),
    "db": (
        "studygroup.cli.dbcmd:db",
        "Where the database is, its schema revision, upgrades and backups.",
    ),
    "course": (
        "studygroup.cli.course:course",
        "Courses: what the group studies, and when it meets.",
    ),
    "lecture": (
        "studygroup.cli.lecture:lecture",
        "Lectures, labs and guest talks of a course, in course order.",
    ),
    "group": (
        "studygroup.cli.group:group",
        "Groups: one database for many study groups, each with its own organisers.",
    ),
    "member": ("studygroup.cli.member:member", "Members: the people who attend and present."),
    "session": ("studygroup.cli.session:session", "Sessions: the weekly meetings of a course."),
    "agenda": (
        "studygroup.cli.agenda:agenda",
        "The timed agenda of a session (default: the next one).",
    ),
    "talk": ("studygroup.cli.talk:talk", "Talks that members present."),
    "attend": ("studygroup.cli.attend:attend", "Record attendance."),
    "attendance": (
        "studygroup.cli.attend:attendance",
        "Who was present, absent and excused at a session, with counts.",
    ),
    "item": (
        "studygroup.cli.item:item",
        "Action items: homework and to-dos, carried to the next session until done.",
    ),
    "export": (
        "studygroup.cli.export:export",
        "Export what the group sees: the weekly agenda (Markdown) and the calendar.",
    ),
    "remind": (
        "studygroup.cli.remind:remind",
        "Remind every active member with an email of a session.",
    ),
    "stats": ("studygroup.cli.stats:stats", "Attendance statistics."),
    "rsvp": (
        "studygroup.cli.rsvp:rsvp",
        "Members' answers to a session's invitation: yes, no or maybe.",
    ),
    "site": (
        "studygroup.cli.site:site",
        "The group's own web pages: the next call in each member's time zone, the talk queue, "
        "the past calls, the progress and a calendar to subscribe to.",
    ),
    "demo": ("studygroup.cli.demo:demo", "Build a demo study group in a SQLite file."),
    "poll": ("studygroup.cli.poll:poll", "Choose the next course together."),
    "log": (
        "studygroup.cli.log:log",
        "The change journal: every write command, who ran it and when, and the rows it changed.",
    ),
    "undo": (
        "studygroup.cli.log:undo",
        "Undo one command exactly (default: your own newest entry that is not an undo and not "
        "undone; another organiser's entry only by its ID, and the output says whose it was).",
    ),
}


ARGV = "studygroup_argv"


class LazyGroup(click.Group):
    """A group whose subcommands are imported on demand, and which turns domain errors into
    one-line `Error: ...` messages in one place."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, _, attribute = entry[0].partition(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary) for name, (_, summary) in sorted(COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for position, arg in enumerate(args, start=1):
            undecodable = _undecodable(arg)
            if undecodable:
                raise click.UsageError(
                    f"argument {position} is not valid UTF-8 (byte {undecodable}): "
                    "type it again, or set your terminal to UTF-8",
                    ctx,
                )
        return super().parse_args(ctx, hoist_group(args))

    def invoke(self, ctx: click.Context) -> Any:
        from studygroup.cli.errors import translate

        # the words after the global options, before Click hands them to the subcommand:
        # the command line the journal records
        ctx.meta[ARGV] = ["studygroup", *getattr(ctx, "_protected_args", []), *ctx.args]
        with translate(ctx):
            return super().invoke(ctx)


def hoist_group(args: list[str]) -> list[str]:
    """`--group SLUG` may follow the command's name (`studygroup agenda --group r4ds`): it is
    moved to the front, where the main command reads it. Nothing after `--` is touched."""
    out: list[str] = []
    hoisted: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            out += [arg, *rest]
            break
        if arg == "--group" and rest:
            hoisted += [arg, rest.pop(0)]
        elif arg.startswith("--group="):
            hoisted.append(arg)
        else:
            out.append(arg)
    return hoisted + out if hoisted else args


def _undecodable(arg: str) -> str | None:
    """The first byte of an argument that was not valid UTF-8 (Python keeps it as a lone
    surrogate, which can be neither stored nor printed), as '0xE9'; None if there is none."""
    for ch in arg:
        if "\udc80" <= ch <= "\udcff":
            return f"0x{ord(ch) - 0xDC00:02X}"
        if "\ud800" <= ch <= "\udfff":
            return f"U+{ord(ch):04X}"
    return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_option",
    metavar="PATH|URL",
    help="Database file or postgresql+psycopg:// URL. Default: $STUDYGROUP_DB, else "
    "studygroup.db in your user data directory.",
)
@click.option(
    "--group",
    "group",
    metavar="SLUG",
    envvar="STUDYGROUP_GROUP",
    help="The group to work on, before or after the command's name. Default: "
    "$STUDYGROUP_GROUP, else the group a --course names, else the only group.",
)
@click.version_option(__version__, prog_name="studygroup")
@click.pass_context
def cli(ctx: click.Context, db_option: str | None, group: str | None) -> None:
    """Run a study group: courses, sessions, timed agendas, talks, attendance and homework.

    \b
    Example:
      studygroup course add fsdl "Full Stack Deep Learning" --weekday tue \\
          --time 18:00 --tz Europe/London
      studygroup member add "Ada Lovelace" --email ada@example.org --tz Europe/London
    """
    app = App(db_option, ctx.meta.get(ARGV, ["studygroup"]), group)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    # A command is a short process that imports a lot (SQLAlchemy, then its own modules) and
    # keeps nearly all of it: the cyclic collector would scan those objects again and again.
    # It is off until start-up ends, when the command begins its work (App.started): then
    # what start-up made is frozen out of every collection.
    gc.disable()
    _clean_environment()
    cli(prog_name="studygroup")


# Paths may hold any bytes; every other setting we read is text, and invalid UTF-8 in one
# (a mangled $STUDYGROUP_USER, $LOGNAME) must be an ordinary value, not a traceback.
_PATHS = frozenset({"STUDYGROUP_DB", "EDITOR", "VISUAL", "HOME", "PATH"})


def _clean_environment() -> None:
    for key, value in list(os.environ.items()):
        if key in _PATHS or not (key.startswith("STUDYGROUP_") or key in ("LOGNAME", "USER")):
            continue
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            os.environ[key] = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
