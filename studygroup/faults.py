"""Crash points for the crash-safety tests.

`STUDYGROUP_TEST_CRASH_AT=<point>` makes the process SIGKILL itself when it reaches that
point: no exception handler, no rollback, no cleanup — exactly like a power cut or the OOM
killer. It is read only by the tests; unset, a crash point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "STUDYGROUP_TEST_CRASH_AT"


def point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
