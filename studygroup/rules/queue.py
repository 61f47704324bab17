"""The talk queue: first come, first served; and the longest talk a session can take."""

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


def talk_limit(session_minutes: int, intro: int, wrapup: int, discussion: int) -> int:
    """The longest talk a session can ever give time to: the session less its intro, its
    wrap-up and one lecture's discussion. A longer talk could never be planned."""
    return session_minutes - intro - wrapup - discussion
