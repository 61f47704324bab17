"""The one place where exceptions become `Error: ...` lines and exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from studygroup.errors import StudygroupError


@contextmanager
def translate(ctx: click.Context) -> Iterator[None]:
    try:
        yield
    except StudygroupError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        module = type(exc).__module__
        if not module.startswith("sqlalchemy"):
            raise
        from sqlalchemy.exc import IntegrityError, OperationalError

        app = ctx.obj
        if isinstance(exc, OperationalError) and app is not None:
            from studygroup.db import describe_operational_error

            raise click.ClickException(
                describe_operational_error(exc, app.location)
            ) from None
        if isinstance(exc, IntegrityError):
            detail = str(exc.orig).strip().splitlines()[0]
            raise click.ClickException(
                f"the change conflicts with data already recorded ({detail}); nothing was written"
            ) from None
        raise
