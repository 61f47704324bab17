"""Click parameter types that validate on parse (a bad value is a usage error, exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from studygroup.errors import Invalid
from studygroup.rules import validate


class Validated(click.ParamType):  # type: ignore[type-arg]
    def __init__(self, name: str, check: Callable[[str], Any]) -> None:
        self.name = name
        self._check = check

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self._check(value)
        except Invalid as exc:
            self.fail(str(exc), param, ctx)


TIMEZONE = Validated("zone", validate.timezone)
WEEKDAY = Validated("day", validate.weekday)
HHMM = Validated("HH:MM", validate.hhmm)
DATE = Validated("YYYY-MM-DD", validate.parse_date)
LOCAL_DATETIME = Validated("YYYY-MM-DD HH:MM", validate.parse_datetime)
URL = Validated("url", validate.url)
SLUG = Validated("slug", validate.slug)
LABEL = Validated("label", validate.label)
MINUTES = click.IntRange(1, validate.MAX_MINUTES)
MINUTES_OR_ZERO = click.IntRange(0, validate.MAX_MINUTES)
# ids and counts as the database stores them (a 32-bit SQL INTEGER): a larger value is a usage
# error here, not an overflow in the driver
ID = click.IntRange(1, validate.MAX_INT)
COUNT = click.IntRange(1, validate.MAX_INT)


def max_rows_option(func: Any) -> Any:
    from studygroup.io.csvfile import MAX_ROWS

    return click.option(
        "--max-rows",
        default=MAX_ROWS,
        show_default=True,
        type=COUNT,
        help="Refuse a file with more rows than this (a bound on how long the import holds "
        "the write lock).",
    )(func)


def _encoding(value: str) -> str:
    from studygroup.io.csvfile import check_encoding

    return check_encoding(value)


ENCODING = Validated("encoding", _encoding)


def encoding_option(func: Any) -> Any:
    return click.option(
        "--encoding",
        type=ENCODING,
        default=None,
        help="The file's text encoding when it is not UTF-8 or UTF-16 with a byte-order mark "
        "(e.g. cp1252 from older Excel).",
    )(func)


def _max_talks(value: str) -> int:
    """A positive number of talks, or 'none' (0: no cap)."""
    if value.strip().lower() == "none":
        return 0
    count = validate.integer(value, "--max-talks", 1, 100)
    return count


MAX_TALKS = Validated("N|none", _max_talks)
