"""The small application object that travels on the Click context."""

from __future__ import annotations

import functools
import gc
import io
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from studygroup.store.db import Database
    from studygroup.store.location import Location

F = TypeVar("F", bound=Callable[..., Any])


ENTRY = "studygroup_journal_entry"


class App:
    def __init__(
        self, db_option: str | None, argv: Sequence[str] = (), group: str | None = None
    ) -> None:
        self.db_option = db_option
        self.group = group  # --group / $STUDYGROUP_GROUP
        self.argv = list(argv)  # the command line, for the journal
        self._started = False

    @cached_property
    def location(self) -> Location:
        from studygroup.store.location import resolve

        try:
            return resolve(self.db_option)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--db'") from None

    @cached_property
    def database(self) -> Database:
        from studygroup.store.db import Database

        return Database(self.location, group=self.group)

    def started(self) -> None:
        """Start-up is over: the command has imported what it runs and is about to work on
        the database. What start-up made lives as long as the process, so it is frozen out
        of every collection, and the collector (off since main) runs again for the rest.
        Called where a command begins its work: `read`, `write`, and `remind` (which runs
        transactions of its own)."""
        if not self._started:
            self._started = True
            gc.freeze()
            gc.enable()

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """The command's read transaction."""
        self.started()
        with self.database.read() as connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """The command's one write transaction: one journal entry for all it changes, the
        planned agendas of the courses it changed re-planned once before the commit, and
        what it prints shown only once it has committed."""
        from studygroup import journal

        self.started()
        with (
            held_output(),
            self._saying_if_new(),
            self.database.write(settle=self._settle) as connection,
        ):
            connection.info[ENTRY] = journal.open_entry(connection, journal.command(self.argv))
            yield connection

    def _settle(self, connection: Connection) -> None:
        from studygroup import journal

        settle(connection)
        journal.close_entry(connection, connection.info.pop(ENTRY), held_notes())

    @contextmanager
    def _saying_if_new(self) -> Iterator[None]:
        new = not self.database.exists()
        yield
        if new:  # say so: a mistyped --db path should not go unnoticed
            note(f"created a new studygroup database at {self.location.display()}")


def settle(connection: Connection) -> None:
    """Re-plan what the command changed (the planner is imported only when there is any)."""
    from studygroup.store.changes import any_changed

    if any_changed(connection):
        from studygroup.agenda import settle as replan_changed

        replan_changed(connection)


pass_app = click.make_pass_decorator(App)

_REAL_STREAMS: list[tuple[IO[str], IO[str]]] = []


@contextmanager
def held_output() -> Iterator[None]:
    """Hold what is printed (stdout and stderr) until the block ends without an error, that
    is, until the transaction around it has committed: a command never says "added item 7"
    and then fails to commit it. On an error, what was held is dropped and only the error is
    shown. Nested blocks hold into the outermost one."""
    if _REAL_STREAMS:
        yield
        return
    out = io.TextIOWrapper(
        io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True
    )
    err = io.TextIOWrapper(
        io.BytesIO(), encoding="utf-8", errors="backslashreplace", write_through=True
    )
    _REAL_STREAMS.append((sys.stdout, sys.stderr))
    try:
        with redirect_stdout(out), redirect_stderr(err):
            yield
    finally:
        real_out, real_err = _REAL_STREAMS.pop()
    for held, real in ((out, real_out), (err, real_err)):
        data = held.buffer.getvalue()
        if data:
            real.write(data.decode("utf-8", errors="backslashreplace"))
            real.flush()


def held_notes() -> str | None:
    """What the command has said so far on stderr (held until the commit), as one line: the
    journal's summary of what it did."""
    if not _REAL_STREAMS:
        return None
    buffer = getattr(sys.stderr, "buffer", None)
    if not isinstance(buffer, io.BytesIO):
        return None
    said = buffer.getvalue().decode("utf-8", errors="replace").strip()
    return "; ".join(line.strip() for line in said.splitlines() if line.strip()) or None


@contextmanager
def unheld_output() -> Iterator[None]:
    """Talk to the terminal directly inside a held block (a confirmation prompt)."""
    if not _REAL_STREAMS:
        yield
        return
    real_out, real_err = _REAL_STREAMS[-1]
    with redirect_stdout(real_out), redirect_stderr(real_err):
        yield


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


OUTPUTS = ("table", "csv", "tsv", "json")


def output_options(func: F) -> F:
    """`--json` and `--format table|csv|tsv|json` for a list command, given to it as one
    `output` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, as_json: bool, output: str | None, **kwargs: Any) -> Any:
        if as_json and output not in (None, "json"):
            raise click.UsageError(f"--json and --format {output} can't be combined")
        return func(*args, output="json" if as_json else (output or "table"), **kwargs)

    wrapper = click.option(
        "--format",
        "output",
        type=click.Choice(OUTPUTS),
        default=None,
        help="table (the default), csv or tsv for a spreadsheet, or json.",
    )(wrapper)
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON for scripts (--format json)."
    )(wrapper)  # type: ignore[return-value]


def emit_rows(
    output: str,
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[tuple[str, str]],
    empty: str,
    json_data: Any = None,
) -> None:
    """A list as the table, a CSV or TSV sheet (headings first, even when empty), or JSON
    (`json_data`, else the rows themselves)."""
    if output == "json":
        emit_json(rows if json_data is None else json_data)
    elif output in ("csv", "tsv"):
        from studygroup.render.sheet import sheet

        click.echo(sheet(rows, columns, "," if output == "csv" else "\t"), nl=False)
    else:
        emit_table(rows, columns, empty)


def course_option(func: F) -> F:
    from studygroup.cli.complete import course_slugs

    return click.option(
        "--course",
        "course_slug",
        metavar="SLUG",
        envvar="STUDYGROUP_COURSE",
        shell_complete=course_slugs,
        help="The course (default: $STUDYGROUP_COURSE, or the only active course).",
    )(func)


def emit_json(data: Any) -> None:
    from studygroup.render.jsonout import dumps

    click.echo(dumps(data))


def emit_table(
    rows: Sequence[Mapping[str, object]], columns: Sequence[tuple[str, str]], empty: str
) -> None:
    if not rows:
        click.echo(empty, err=True)
        return
    from itertools import islice

    from studygroup.render.table import lines

    laid_out = lines(rows, columns)  # written in batches: a long list is never one string
    while batch := list(islice(laid_out, 2000)):
        click.echo("\n".join(batch))


def emit_fields(record: Mapping[str, object], labels: Sequence[tuple[str, str]]) -> None:
    from studygroup.render.table import fields

    click.echo(fields(record, labels))


def confirm_delete(what: str, force: bool) -> None:
    """Hard deletes need --force and an answer at the prompt (refused without a terminal
    answer); archiving is the everyday way to retire something."""
    from studygroup.errors import StudygroupError

    if not force:
        raise StudygroupError(f"deleting {what} is permanent: add --force to confirm")
    with unheld_output():
        if not click.confirm(f"Delete {what} permanently?", default=False, err=True):
            raise StudygroupError("not deleted")


def note(message: str) -> None:
    """Progress and confirmations go to stderr; stdout is for data."""
    click.echo(message, err=True)


class DefaultGroup(click.Group):
    """A group that runs `default` when the first word is not one of its subcommands, so that
    `attend Ada Bob` and `attend import report.csv` both work."""

    def __init__(self, *args: Any, default: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


def split_ref(words: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """[REF] NAME...: the first word is a session reference when it looks like one."""
    from studygroup.sessions import is_ref

    if words and is_ref(words[0]):
        return words[0], list(words[1:])
    return None, list(words)
