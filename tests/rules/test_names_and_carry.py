"""How names are compared and found by prefix (rules/names.py); when a carried item is
flagged (rules/carry.py)."""

from __future__ import annotations

import pytest

from studygroup.rules.carry import flagged
from studygroup.rules.names import name_key, prefix_pattern


@pytest.mark.parametrize(
    ("name", "key"),
    [("Ada Lovelace", "ada lovelace"), ("STRASSE", "strasse"), ("Straße", "strasse")],
)
def test_name_key_ignores_case(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("text", "pattern"),
    [("Ad", "ad%"), ("50%", "50\\%%"), ("a_b", "a\\_b%"), ("back\\", "back\\\\%")],
)
def test_prefix_pattern_escapes_like_wildcards(text: str, pattern: str) -> None:
    assert prefix_pattern(text) == pattern


@pytest.mark.parametrize(("times", "expected"), [(0, False), (2, False), (3, True), (7, True)])
def test_an_item_carried_three_times_is_flagged(times: int, expected: bool) -> None:
    assert flagged(times) is expected


def test_the_queue_is_first_come_first_served() -> None:
    from datetime import UTC, date, datetime
    from types import SimpleNamespace

    from studygroup.rules.queue import queue_order

    early = datetime(2026, 11, 1, tzinfo=UTC)
    talks = [
        SimpleNamespace(id=3, requested_on=date(2026, 11, 2), created_at=early),
        SimpleNamespace(id=2, requested_on=date(2026, 11, 1), created_at=early.replace(hour=9)),
        SimpleNamespace(id=1, requested_on=date(2026, 11, 1), created_at=early.replace(hour=9)),
        SimpleNamespace(id=4, requested_on=date(2026, 11, 1), created_at=early),
    ]
    assert [t.id for t in sorted(talks, key=queue_order)] == [4, 1, 2, 3]
