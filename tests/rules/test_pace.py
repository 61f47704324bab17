"""The pace rule: lectures cut into parts, units packed into sessions (rules/pace.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from studygroup.rules.pace import (
    course_units,
    covered_after_each,
    fits,
    part_minutes,
    sessions_needed,
    split,
)


def lecture(
    lecture_id: int = 1,
    minutes: int | None = None,
    *,
    optional: bool = False,
    skipped: bool = False,
    covered_before: bool = False,
) -> SimpleNamespace:
    return SimpleNamespace(
        id=lecture_id,
        label=str(lecture_id),
        video_minutes=minutes,
        optional=optional,
        skipped=skipped,
        covered_before=covered_before,
    )


@pytest.mark.parametrize(
    ("minutes", "pace", "expected"),
    [
        (None, 120, [(None, 120)]),
        (90, 120, [(None, 90)]),
        (120, 120, [(None, 120)]),
        (121, 120, [(1, 61), (2, 60)]),
        (150, 60, [(1, 50), (2, 50), (3, 50)]),
        (100, 30, [(1, 25), (2, 25), (3, 25), (4, 25)]),
    ],
)
def test_split_into_near_equal_parts(
    minutes: int | None, pace: int, expected: list[tuple[int | None, int]]
) -> None:
    parts = split(lecture(1, minutes), pace)  # type: ignore[arg-type]
    assert [(u.part, u.minutes) for u in parts] == expected
    if minutes:
        assert sum(u.minutes for u in parts) == minutes


@pytest.mark.parametrize(
    ("units", "pace", "needed"),
    [([], 100, 0), ([60, 60], 100, 2), ([40, 60, 75, 75], 100, 3), ([120], 100, 1)],
)
def test_sessions_needed(units: list[int], pace: int, needed: int) -> None:
    assert sessions_needed(units, pace) == needed


@pytest.mark.parametrize(
    ("used", "minutes", "pace", "have_one", "expected"),
    [
        (0, 200, 120, False, True),  # a session always takes its first unit, however long
        (60, 60, 120, True, True),  # exactly the pace fits
        (61, 60, 120, True, False),  # one minute over does not
        (0, 121, 120, True, False),
    ],
)
def test_fits(used: int, minutes: int, pace: int, have_one: bool, expected: bool) -> None:
    assert fits(used, minutes, pace, have_one) is expected


def test_course_units_leave_out_optional_and_skipped_lectures_in_order() -> None:
    lectures = [
        lecture(1, 50),
        lecture(2, 30, optional=True),
        lecture(3, 200),
        lecture(4, 40, skipped=True),
        lecture(5),
    ]
    units = course_units(lectures, 120)  # type: ignore[arg-type]
    assert [(u.lecture.id, u.part, u.parts, u.minutes) for u in units] == [
        (1, None, None, 50),
        (3, 1, 2, 100),
        (3, 2, 2, 100),
        (5, None, None, 120),
    ]


@pytest.mark.parametrize(
    ("video", "part", "pace", "expected"),
    [
        (None, None, 120, None),
        (90, None, 120, 90),
        (150, 1, 60, 50),
        (121, 2, 120, 60),
        (121, 3, 120, 121),  # a part the lecture does not have: the whole video
    ],
)
def test_part_minutes(video: int | None, part: int | None, pace: int, expected: int | None) -> None:
    assert part_minutes(video, part, pace) == expected


def test_covered_after_each_session_counts_a_lecture_once_all_its_parts_are_done() -> None:
    lectures = [
        lecture(1, 60, covered_before=True),
        lecture(2, 150),  # three parts at a pace of 60
        lecture(3, 30, optional=True),  # optional: not in the count
        lecture(4, 30, skipped=True),
        lecture(5, None),
    ]
    sessions = [{(2, 1), (3, None)}, {(2, 2)}, set(), {(2, 3), (5, None)}]
    assert covered_after_each(lectures, 60, sessions) == [1, 1, 1, 3]


def test_covered_after_each_with_no_sessions_is_empty() -> None:
    assert covered_after_each([lecture(1, 30)], 60, []) == []
