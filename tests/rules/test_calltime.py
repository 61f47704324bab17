"""Durations, timestamps and time on the call, as the platforms write them."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from studygroup.rules.calltime import (
    Stamp,
    at,
    minutes_of,
    near,
    orders_that_fit,
    stamp_of,
    union_minutes,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("93", 93),
        ("93.5", 93.5),
        ("1 hr 57 min", 117),
        ("1h 57m 8s", 117 + 8 / 60),
        ("57 min", 57),
        ("45 sec", 0.75),
        ("2 hours", 120),
        ("1:57:08", 117 + 8 / 60),
        ("1:57", 117),
        ("", None),
        ("ten", None),
        ("-5", None),
        ("1 hr lots", None),
    ],
)
def test_minutes_of(text: str, minutes: float | None) -> None:
    assert minutes_of(text) == minutes


@pytest.mark.parametrize(
    ("text", "stamp"),
    [
        ("11/07/2026 05:00:10 PM", Stamp((11, 7, 2026), time(17, 0, 10))),
        ("15/11/22, 09:30:47", Stamp((15, 11, 22), time(9, 30, 47))),
        ("2026-11-07 17:00", Stamp((2026, 11, 7), time(17, 0))),
        ("2026-11-07T17:00:00Z", Stamp((2026, 11, 7), time(17, 0))),
        ("07.11.2026 17:00", Stamp((7, 11, 2026), time(17, 0))),
        ("6:58 PM", Stamp(None, time(18, 58))),
        ("12:05 AM", Stamp(None, time(0, 5))),
        ("2026-10-31", Stamp((2026, 10, 31), time(0, 0), timed=False)),
        ("13:00 PM", None),
        ("25:00", None),
        ("yesterday", None),
    ],
)
def test_stamp_of(text: str, stamp: Stamp | None) -> None:
    assert stamp_of(text) == stamp


def test_orders_that_fit() -> None:
    def stamps(*texts: str) -> list[Stamp]:
        return [s for s in map(stamp_of, texts) if s]

    assert orders_that_fit(stamps("03/04/2026 10:00")) == ["mdy", "dmy"]
    assert orders_that_fit(stamps("03/04/2026 10:00", "17/04/2026 10:00")) == ["dmy"]
    assert orders_that_fit(stamps("04/17/2026 10:00")) == ["mdy"]
    assert orders_that_fit(stamps("2026-04-17 10:00")) == ["ymd"]
    assert orders_that_fit(stamps("10:00")) == []


def test_union_counts_overlaps_once_and_wraps_midnight() -> None:
    def span(a: str, b: str) -> tuple[datetime, datetime]:
        day = date(2026, 11, 7)
        first, second = stamp_of(a), stamp_of(b)
        assert first and second
        return at(first, None, day), at(second, None, day)

    assert union_minutes([span("17:00", "18:30"), span("17:10", "18:00")]) == 90
    assert union_minutes([span("17:00", "17:20"), span("17:50", "18:10")]) == 40
    assert union_minutes([span("17:00", "17:20"), span("17:20", "17:30")]) == 30
    assert union_minutes([span("23:30", "00:30")]) == 60
    assert union_minutes([]) == 0


def test_near_allows_a_day_for_time_zones() -> None:
    assert near(date(2026, 11, 7), date(2026, 11, 8))
    assert not near(date(2026, 11, 7), date(2026, 11, 9))
