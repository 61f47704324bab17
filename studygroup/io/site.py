"""Putting a built site in place (`site build DIR`): whole, or not at all.

- The new site is made in a temporary folder next to DIR, then swapped in with one atomic
  exchange (Linux's renameat2 RENAME_EXCHANGE; elsewhere two renames, a moment apart): a web
  server serves the old site or the new one, never half of one. A failure leaves DIR as it
  was and no temporary folder behind.
- A file whose bytes did not change is the same file afterwards (hard-linked into the new
  folder): its modification time and inode stay, so a host or a sync tool sees no change.
  When nothing changed at all, DIR is not touched.
- DIR is replaced, so it must be new, empty, or a site this command built (it holds the
  `.studygroup-site` list of the files it wrote). Files someone else put there (a CNAME for
  GitHub Pages, a .nojekyll) are carried over; files of ours the new build no longer has
  (stats.html after a --private build) are removed.
- The site is for the public: files are 0644 and folders 0755, less the umask.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

from studygroup import faults
from studygroup.errors import Invalid

MARKER = ".studygroup-site"
RENAME_EXCHANGE = 2


class Published(NamedTuple):
    written: list[str]  # new or changed
    kept: list[str]  # the same bytes: left as they were
    removed: list[str]  # ours before, not any more
    swapped: bool  # False: nothing changed, DIR untouched


def publish(files: dict[str, bytes], target: Path) -> Published:
    """Make `target` hold exactly `files` (path inside the site -> bytes), and what others
    put there (see the module). One build at a time per folder: a second waits for the
    first; a build that was killed left its temporary folder, which the next one removes."""
    target = Path(os.path.abspath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(target.parent / f".{target.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in target.parent.glob(f".{target.name}.*.new"):
            shutil.rmtree(stale, ignore_errors=True)
        return _publish(files, target)
    finally:
        os.close(lock)


def _publish(files: dict[str, bytes], target: Path) -> Published:
    ours, theirs = _existing(target)
    umask = os.umask(0)
    os.umask(umask)
    files = {**files, MARKER: "".join(f"{p}\n" for p in sorted(files)).encode()}
    written: list[str] = []
    kept: list[str] = []
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    try:
        os.chmod(work, 0o777 & ~umask)
        for rel, data in sorted(files.items()):
            dest = work / rel
            _folder(dest.parent, work, umask)
            old = target / rel
            if rel in ours and _same(old, data):
                os.link(old, dest)
                kept.append(rel)
            else:
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                written.append(rel)
        for rel in theirs:
            dest = work / rel
            _folder(dest.parent, work, umask)
            os.link(target / rel, dest, follow_symlinks=False)
        removed = sorted(set(ours) - set(files))
        changed = bool(removed) or any(rel != MARKER for rel in written)
        if not changed and target.is_dir():
            shutil.rmtree(work)
            return Published([], [r for r in kept if r != MARKER], [], False)
        faults.point("site-before-swap")
        _swap(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)  # now the old site
    return Published(
        [r for r in written if r != MARKER], [r for r in kept if r != MARKER], removed, True
    )


def _existing(target: Path) -> tuple[set[str], list[str]]:
    """The files of ours in `target` (from its marker), and everyone else's."""
    if not target.exists():
        return set(), []
    if target.is_symlink() or not target.is_dir():
        raise Invalid(f"{target} is not a folder; choose a folder for the site")
    everything = sorted(
        str(path.relative_to(target))
        for path in target.rglob("*")
        if path.is_file() or path.is_symlink()
    )
    marker = target / MARKER
    if not marker.is_file():
        if everything:
            raise Invalid(
                f"{target} holds files and no site built by studygroup; choose a new or "
                "empty folder (the site replaces the folder's contents)"
            )
        return set(), []
    ours = {line for line in marker.read_text().splitlines() if line} | {MARKER}
    return ours, [rel for rel in everything if rel not in ours]


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _folder(path: Path, root: Path, umask: int) -> None:
    if path != root and not path.is_dir():
        _folder(path.parent, root, umask)
        path.mkdir()
        os.chmod(path, 0o777 & ~umask)


def _swap(new: Path, target: Path) -> None:
    """Put `new` at `target`; the old site, if any, ends up at `new`."""
    if not target.exists():
        os.rename(new, target)
        new.mkdir()  # an empty "old site", for the caller to remove
        return
    if _exchange(new, target):
        return
    old = new.with_suffix(".old")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)
        raise
    os.rename(old, new)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux 3.15+); False where the system cannot."""
    with contextlib.suppress(OSError, AttributeError):
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+, musl 1.2.5+
        renameat2.argtypes = [
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_uint,
        ]
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
            return True
    return False
