"""The weekly clock and its daylight-saving rule (rules/weekly.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from studygroup.rules import weekly


@pytest.mark.parametrize(
    ("day", "zone", "utc"),
    [
        # 18:00 in London is 17:00 UTC in summer and 18:00 UTC in winter: the local time stays
        (date(2026, 10, 20), "Europe/London", datetime(2026, 10, 20, 17, 0, tzinfo=UTC)),
        (date(2026, 10, 27), "Europe/London", datetime(2026, 10, 27, 18, 0, tzinfo=UTC)),
        # Washington changes a week later than London
        (date(2026, 10, 27), "America/New_York", datetime(2026, 10, 27, 22, 0, tzinfo=UTC)),
        (date(2026, 11, 3), "America/New_York", datetime(2026, 11, 3, 23, 0, tzinfo=UTC)),
        # Bangalore has no daylight saving
        (date(2026, 10, 27), "Asia/Kolkata", datetime(2026, 10, 27, 12, 30, tzinfo=UTC)),
    ],
)
def test_a_weekly_session_keeps_its_local_time(day: date, zone: str, utc: datetime) -> None:
    assert weekly.instant(day, time(18, 0), zone) == utc
    assert weekly.local(utc, zone).time() == time(18, 0)


def test_a_time_in_the_spring_gap_takes_the_offset_before_the_change() -> None:
    # 01:30 on 29 March 2026 does not exist in London; it is read as GMT
    assert weekly.instant(date(2026, 3, 29), time(1, 30), "Europe/London") == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("start", "weekday", "expected"),
    [
        (date(2026, 11, 23), 0, date(2026, 11, 23)),  # a Monday is its own next Monday
        (date(2026, 11, 23), 1, date(2026, 11, 24)),
        (date(2026, 11, 24), 0, date(2026, 11, 30)),
    ],
)
def test_next_weekday(start: date, weekday: int, expected: date) -> None:
    assert weekly.next_weekday(start, weekday) == expected


def test_slots_and_the_slot_after_a_session() -> None:
    assert weekly.slots(date(2026, 11, 23), 1, 3) == [
        date(2026, 11, 24),
        date(2026, 12, 1),
        date(2026, 12, 8),
    ]
    assert weekly.following_slot(date(2026, 11, 24), 1) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("day", "taken"),
    [(date(2026, 12, 1), True), (date(2026, 12, 4), True), (date(2026, 12, 5), False)],
)
def test_a_slot_is_taken_by_a_session_moved_within_three_days(day: date, taken: bool) -> None:
    assert weekly.slot_taken(day, [date(2026, 12, 1)]) is taken


@pytest.mark.parametrize(
    ("day", "weekday", "expected"),
    [
        (date(2026, 11, 14), 6, date(2026, 11, 15)),  # Sat -> the Sunday after, same week
        (date(2026, 11, 14), 0, date(2026, 11, 9)),  # Sat -> that week's Monday, before it
        (date(2026, 11, 9), 0, date(2026, 11, 9)),  # already there
        (date(2026, 12, 31), 4, date(2027, 1, 1)),  # across a year
    ],
)
def test_same_week_moves_within_monday_to_sunday(day: date, weekday: int, expected: date) -> None:
    assert weekly.same_week(day, weekday) == expected
