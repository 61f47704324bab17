"""Writing files safely: the one function every output goes through (`export -o`, the
reminder outbox, backups' final names).

- The data is written to an unpredictable temporary name in the target's own directory
  (`tempfile.mkstemp`: O_CREAT|O_EXCL, so a symlink planted there is never followed), synced,
  and renamed over the target with `os.replace`: readers see the old file or the new one,
  never half of one, and a failure (a full disk) leaves the old file and no temporary behind.
- A symlink at the target is refused (`force` replaces the link itself, never its target);
  a directory, device or pipe is always refused.
- New files are 0600 (outputs hold members' names and emails); a regular file being replaced
  keeps the mode its owner gave it. Directories created for outputs are 0700.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from studygroup.errors import Invalid

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    return "not a regular file"


def write_file(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` atomically and privately (see the module)."""
    try:
        current: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        current = None
    mode = PRIVATE_FILE
    if current is not None:
        if stat.S_ISLNK(current.st_mode) and not force:
            raise Invalid(
                f"{path} is a symbolic link; refusing to write through it "
                "(--force replaces the link itself with a regular file)"
            )
        if not stat.S_ISREG(current.st_mode) and not stat.S_ISLNK(current.st_mode):
            raise Invalid(f"{path} is {_kind(current.st_mode)}; choose a file name")
        if stat.S_ISREG(current.st_mode):
            mode = stat.S_IMODE(current.st_mode)
    parent = path.parent
    if not parent.is_dir():
        raise Invalid(f"no such directory: {parent}")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # name the target, not the temporary
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    return path


def private_dir(path: Path) -> Path:
    """A directory for outputs that hold personal data: created 0700 with any missing parents
    (0700 too); an existing one is used as it is, unless it is not a directory."""
    try:
        current = os.lstat(path)
    except FileNotFoundError:
        missing: list[Path] = []
        parent = path
        while not parent.exists():
            missing.append(parent)
            parent = parent.parent
        for directory in reversed(missing):
            with contextlib.suppress(FileExistsError):  # another process got there first
                directory.mkdir(mode=PRIVATE_DIR)
                os.chmod(directory, PRIVATE_DIR)
        return path
    if not stat.S_ISDIR(current.st_mode):
        raise Invalid(f"{path} is {_kind(current.st_mode)}, not a directory")
    return path
