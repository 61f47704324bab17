"""Syllabus order (rules/order.py), directly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studygroup.rules import order


@pytest.mark.parametrize(
    ("existing", "from_file", "expected"),
    [
        ([], ["1", "2", "3"], ["1", "2", "3"]),
        # 2b inserted mid-file goes where the file puts it, not at the end
        (["1", "2", "3"], ["1", "2", "2b", "3"], ["1", "2", "2b", "3"]),
        # a partial file: what it lacks stays after what it followed
        (["1", "2", "3", "4"], ["3", "3a"], ["1", "2", "3", "3a", "4"]),
        # the file reorders what it has
        (["1", "2", "3"], ["3", "1"], ["3", "1", "2"]),
        # a label that led stays first
        (["0", "1", "2"], ["1", "1a", "2"], ["0", "1", "1a", "2"]),
        # labels appear once even if the file repeats one
        (["1"], ["1", "2", "1"], ["1", "2"]),
    ],
)
def test_merged(existing: list[str], from_file: list[str], expected: list[str]) -> None:
    assert order.merged(existing, from_file) == expected


@given(
    st.lists(st.text(min_size=1, max_size=3), unique=True),
    st.lists(st.text(min_size=1, max_size=3)),
)
def test_merged_keeps_every_label_once_and_the_files_order(
    existing: list[str], from_file: list[str]
) -> None:
    result = order.merged(existing, from_file)
    assert sorted(result) == sorted(set(existing) | set(from_file))
    in_file = [x for x in result if x in set(from_file)]
    assert in_file == list(dict.fromkeys(from_file))


def test_moved() -> None:
    assert order.moved(["1", "2", "3"], "3", "1", after=False) == ["3", "1", "2"]
    assert order.moved(["1", "2", "3"], "1", "3", after=True) == ["2", "3", "1"]
    assert order.moved(["1", "2", "3"], "2", "2", after=True) == ["1", "2", "3"]
