"""A member's run of attendance: their streak, and whether they are lapsing. Pure.

Sessions are given oldest first, as ids; `first` is the index of the first one held since the
member joined. An excused absence is not a miss: it counts neither for nor against them.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import NamedTuple

LAPSE_AFTER = 3  # missing this many sessions in a row, the last ones, is lapsing


class Run(NamedTuple):
    streak: int  # sessions attended in a row, up to the latest
    lapsing: bool  # missed the last LAPSE_AFTER sessions they were expected at


def run(held: Sequence[int], first: int, excused: Container[int], seen: Container[int]) -> Run:
    """Looks back from the latest session only as far as it must (the streak, and the last
    LAPSE_AFTER sessions they were expected at), so a long history costs nothing more."""
    streak = 0
    streaking = True
    recent = 0  # how many of the latest expected sessions have been looked at
    missed = 0  # and how many of those they missed
    for index in range(len(held) - 1, first - 1, -1):
        sid = held[index]
        if sid in excused:
            continue
        attended = sid in seen
        if streaking:
            if attended:
                streak += 1
            else:
                streaking = False
        if recent < LAPSE_AFTER:
            recent += 1
            missed += not attended
        elif not streaking:
            break
    return Run(streak, missed == LAPSE_AFTER)
