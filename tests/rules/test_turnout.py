"""A member's streak and whether they are lapsing (rules/turnout.py), directly."""

from __future__ import annotations

import pytest

from studygroup.rules.turnout import LAPSE_AFTER, Run, run

HELD = [10, 11, 12, 13, 14, 15]  # oldest first


@pytest.mark.parametrize(
    ("first", "excused", "seen", "expected"),
    [
        # every one attended: the streak is the whole history, not lapsing
        (0, set(), set(HELD), Run(6, False)),
        # missed the latest: no streak, but two misses is not yet lapsing
        (0, set(), {10, 11, 12, 13, 14}, Run(0, False)),
        # the last three missed: lapsing
        (0, set(), {10, 11, 12}, Run(0, True)),
        # an excused absence neither breaks the streak nor counts as a miss
        (0, {14}, {10, 11, 12, 13, 15}, Run(5, False)),
        (0, {15}, {10, 11}, Run(0, True)),  # 12, 13, 14 missed; 15 excused
        # sessions before they joined do not count: joined at 14, saw 14 and 15
        (4, set(), {14, 15}, Run(2, False)),
        # joined two sessions ago and missed both: too few to be lapsing
        (4, set(), set(), Run(0, False)),
        # the streak runs back past the lapse window
        (0, set(), {11, 12, 13, 14, 15}, Run(5, False)),
        # nothing held since they joined
        (6, set(), set(), Run(0, False)),
    ],
)
def test_streak_and_lapse(first: int, excused: set[int], seen: set[int], expected: Run) -> None:
    assert run(HELD, first, excused, seen) == expected


def test_lapsing_is_missing_the_last_three() -> None:
    assert LAPSE_AFTER == 3
    assert run([1, 2, 3], 0, set(), set()).lapsing
    assert not run([1, 2, 3], 0, set(), {1}).lapsing
