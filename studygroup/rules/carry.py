"""The carry rule: an open item carried forward this many times is flagged for attention."""

from __future__ import annotations

CARRIED_FLAG = 3


def flagged(times_carried: int) -> bool:
    """Whether an item has been carried often enough that the group should look at it."""
    return times_carried >= CARRIED_FLAG
