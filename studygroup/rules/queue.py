"""The talk queue: first come, first served."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol


class Queued(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def requested_on(self) -> date: ...
    @property
    def created_at(self) -> datetime: ...


def queue_order(talk: Queued) -> tuple[date, datetime, int]:
    """A talk's place in the queue: the day it was asked for, then when it was added."""
    return (talk.requested_on, talk.created_at, talk.id)
