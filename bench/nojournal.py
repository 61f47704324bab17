"""studygroup with the change journal switched off, for `bench/run.py --journal-cost` only:
the same command, with no journal entry opened, so the triggers fire and file nothing. The
difference between the two is what the journal costs a command. Never part of the tool."""

from __future__ import annotations

import sys

from studygroup import journal
from studygroup.cli import main


def _no_entry(db: object, command: object) -> int:
    return 0


def _no_close(db: object, entry_id: int, summary: str | None) -> None:
    return None


journal.open_entry = _no_entry  # type: ignore[assignment]
journal.close_entry = _no_close
sys.argv[0] = "studygroup"
main()
