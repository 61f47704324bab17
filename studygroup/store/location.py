"""Where the database is: --db, then STUDYGROUP_DB, then the platform's user data dir.

Kept free of SQLAlchemy so that `db path`, `--help` and completion stay fast.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

ENV_VAR = "STUDYGROUP_DB"
FILENAME = "studygroup.db"

_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<netloc>[^/?#\s]*)(?P<rest>\S*)")
# query parameters that carry credentials (libpq's ?password=, Zoom's ?pwd=, API tokens)
_SECRET_PARAM = re.compile(
    r"(?i)(?P<key>(?:^|[?&;])(?:password|passwd|pass|pwd|token|access_token|secret|key|"
    r"api_key|apikey|sig|signature|auth|sslpassword)=)(?P<value>[^&;#\s]*)"
)
# a path segment that looks like a token (Slack's and Discord's webhook secrets are such
# segments): 20 or more letters, digits, '_' or '-', with a digit or a capital letter
_TOKEN_SEGMENT = re.compile(r"(?<=/)(?=[a-z_-]*[A-Z0-9])[A-Za-z0-9_-]{20,}(?=/|$|\?|#)")


# webhook secrets by where they stand, whatever their shape: Slack's third /services/ segment,
# Discord's token after /api/webhooks/<id>/, and any /hooks/<secret>
_WEBHOOK_PATH = re.compile(
    r"(?i)(?P<keep>/services/[^/\s]+/[^/\s]+/|/api/webhooks/[^/\s]+/|/hooks?/)"
    r"(?P<secret>[^/?#\s]+)"
)
# a password in a URL's userinfo may hold '/', '?', '#' (unencoded, as typed): everything
# from the user's ':' to the last '@' before the host is the password
_USERINFO = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#\s@]*:)(?P<password>\S*)@(?=[^@\s]*(?:\s|$))"
)


def mask_word(word: str) -> str:
    """`mask` for one word of a command line, where a password may hold a space too."""
    if "://" in word and "@" in word:
        found = re.match(
            r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#\s@]*:)(?P<password>.*)@(?=[^@]*$)", word
        )
        if found:
            word = found["head"] + "***@" + word[found.end() :]
    return mask(word)


def mask(text: str) -> str:
    """Hide the secrets in any URL inside `text`: the password in its userinfo
    (postgresql://ann:secret@h/db -> postgresql://ann:***@h/db, whatever characters it holds),
    credential query parameters (?password=***, ?pwd=, ?token=, ?key=, ?secret=, ?sig=),
    webhook secrets (/services/T0/B0/***, /api/webhooks/1/***) and other token-like path
    segments. The one masker: command lines in the journal, errors and log output."""
    text = _USERINFO.sub(lambda m: m["head"] + "***@", text)

    def hide(match: re.Match[str]) -> str:
        netloc = match["netloc"]
        userinfo, at, host = netloc.rpartition("@")
        if at and ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            netloc = f"{user}:***@{host}"
        path, mark, query = match["rest"].partition("?")
        path = _WEBHOOK_PATH.sub(lambda m: m["keep"] + "***", path)
        path = _TOKEN_SEGMENT.sub("***", path)
        if mark:
            query = _SECRET_PARAM.sub(lambda m: m["key"] + "***", "?" + query)[1:]
        return match["scheme"] + netloc + path + mark + query

    return _URL.sub(hide, text)


class Location(NamedTuple):
    url: str
    path: Path | None  # the SQLite file, or None for a server database

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    def display(self) -> str:
        return str(self.path) if self.path is not None else mask(self.url)


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("studygroup", appauthor=False)) / FILENAME


def resolve(option: str | None, environ: dict[str, str] | None = None) -> Location:
    env = os.environ if environ is None else environ
    raw = option or env.get(ENV_VAR) or ""
    if not raw:
        return _sqlite(default_path())
    if "://" not in raw:
        return _sqlite(Path(raw).expanduser())
    scheme, _, rest = raw.partition("://")
    scheme = scheme.lower()
    if scheme in ("sqlite", "sqlite+pysqlite"):
        # sqlite:///relative.db or sqlite:////absolute.db
        if not rest.startswith("/") or rest == "/":
            raise ValueError("a SQLite URL needs a file: sqlite:///path/to/studygroup.db")
        return _sqlite(Path(rest[1:]).expanduser())
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        _check_server_url(raw)
        return Location(url="postgresql+psycopg://" + rest, path=None)
    raise ValueError(
        f"unsupported database URL {mask(raw)!r}: use a file path or postgresql+psycopg://..."
    )


def _check_server_url(raw: str) -> None:
    """A server URL whose host or port cannot be read is a one-line error, masked."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(raw)
        port = parts.port  # raises for a port that is no number or out of range
        host = parts.hostname
    except ValueError as exc:
        raise ValueError(f"cannot read the database URL {mask(raw)!r}: {exc}") from None
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"cannot read the database URL {mask(raw)!r}: port {port} is out of range")
    if "[" in parts.netloc and host is None:
        raise ValueError(f"cannot read the database URL {mask(raw)!r}: a broken IPv6 host")


def _sqlite(path: Path) -> Location:
    path = path.absolute()
    return Location(url=f"sqlite:///{path}", path=path)


def prepare_sqlite_file(path: Path) -> list[Path]:
    """Create the directory (0700) and an empty database file (0600) if they are missing;
    return what was created (the file last), so a command that fails can take it away.

    SQLite would otherwise create a world-readable file under umask 022; member emails are
    personal data. The -wal and -shm files inherit the database file's mode.
    """
    created: list[Path] = []
    missing: list[Path] = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:  # another process got there first
            continue
        os.chmod(directory, 0o700)
        created.append(directory)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return created
    os.close(fd)
    os.chmod(path, 0o600)
    created.append(path)
    return created


def remove_if_unused(path: Path, created: list[Path]) -> None:
    """Take away a database file (and the directories) a failed command created, unless it
    holds anything now (another command may have written to it meanwhile)."""
    import sqlite3

    if path not in created:
        return
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as conn:
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                return
    except sqlite3.Error:
        return
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    for directory in reversed([c for c in created if c != path]):
        try:
            directory.rmdir()
        except OSError:
            break
