"""The one place where exceptions become `Error: ...` lines and exit codes.

Domain errors carry their own message. Database and operating-system errors are described
here, once, with what to do about them; URLs in them are masked. A failed command has written
nothing: every command runs in one transaction, and files are written under a temporary name
and renamed into place only when complete."""

from __future__ import annotations

import errno
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
    except BrokenPipeError:
        raise  # `studygroup ... | head`: Click ends quietly
    except OSError as exc:
        raise click.ClickException(describe_os_error(exc)) from None
    except OverflowError:
        raise click.ClickException(
            "a number is too large for the database; nothing was written"
        ) from None
    except Exception as exc:
        module = type(exc).__module__
        if not module.startswith("sqlalchemy"):
            raise
        raise click.ClickException(describe_database_error(exc, ctx)) from None


def describe(exc: BaseException) -> str:
    """The one line `translate` would show for `exc`, for a message that adds to it."""
    if isinstance(exc, StudygroupError):
        return str(exc)
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    ctx = click.get_current_context(silent=True)
    if type(exc).__module__.startswith("sqlalchemy") and ctx is not None:
        return describe_database_error(exc, ctx)  # type: ignore[arg-type]
    return f"{type(exc).__name__}: {exc}"


def describe_os_error(exc: OSError) -> str:
    """One line for a file that could not be read or written, and what to do."""
    from studygroup.store.location import mask

    where = exc.filename if exc.filename is not None else ""
    where = mask(str(where)) if where else "a file"
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing {where}: nothing was written"
    if exc.errno == errno.EROFS:
        return f"{where} is on a read-only file system: copy it somewhere writable"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied: {where}"
    if exc.errno == errno.ENOENT:
        return f"no such file or directory: {where}"
    return f"{where}: {reason}"


# a member's unique value held by a person the organiser cannot see (row-level security):
# what to say instead of the database's words
_TAKEN_ELSEWHERE = {
    "uq_members_name_key": (
        "is already called that: add this member under a name that tells them apart (or by "
        "their email, if it is the same person)"
    ),
    "uq_members_handle": (
        "already has that handle: give this member another, or add them by their email, if "
        "it is the same person"
    ),
    "uq_members_email": (
        "already has that email: add the member by it ('member add NAME --email ...'), which "
        "brings that person into this group"
    ),
    "uq_member_aliases_alias_key": "already goes by that alias on calls: choose another",
}


def _constraint(exc: Exception) -> str | None:
    """The constraint a PostgreSQL error names (None elsewhere)."""
    diag = getattr(getattr(exc, "orig", None), "diag", None)
    return getattr(diag, "constraint_name", None)


def describe_database_error(exc: Exception, ctx: click.Context) -> str:
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError

    from studygroup.store.location import mask

    app = ctx.obj
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    first = mask(detail[0]) if detail else type(exc).__name__
    where = f" at {app.location.display()}" if app is not None else ""
    lowered = first.lower()
    if "disk is full" in lowered or "no space left" in lowered:
        return f"disk full: the database{where} is unchanged, nothing was written"
    if "readonly" in lowered or "read-only" in lowered:
        return f"the database{where} is read-only: copy it somewhere writable"
    if "row-level security" in lowered or "permission denied" in lowered:
        return refused(app)
    if isinstance(exc, IntegrityError):
        taken = _TAKEN_ELSEWHERE.get(_constraint(exc) or "")
        if taken is not None:  # PostgreSQL: the one who has it is in a group not in sight
            return f"someone in another group of this database {taken}; nothing was written"
        return f"the change conflicts with data already recorded ({first}); nothing was written"
    if isinstance(exc, DataError):
        return f"a value is out of range for the database ({first}); nothing was written"
    if isinstance(exc, OperationalError) and app is not None:
        from studygroup.store.db import describe_operational_error

        return describe_operational_error(exc, app.location)
    if "not a database" in lowered or "malformed" in lowered:
        return (
            f"the database{where} is damaged or not a SQLite database ({first}): "
            "restore it from a backup"
        )
    return f"cannot use the database{where}: {first}"


def refused(app: object) -> str:
    """PostgreSQL refused a row or a table to this role: one line, naming the group."""
    from studygroup.store.db import GROUP_CURRENT

    database = getattr(app, "__dict__", {}).get("database")
    info = getattr(database, "last_info", {}) if database is not None else {}
    group = info.get(GROUP_CURRENT)
    what = f"group {group.slug}" if group is not None else "this group"
    return (
        f"refused: you don't organise {what}, or may only read it (PostgreSQL's row-level "
        "security); nothing was written"
    )
