"""The close rule (rules/close.py), directly: what was covered, which talks were given and
which are postponed, and what a postponement does to a talk."""

from __future__ import annotations

import pytest

from studygroup.errors import Invalid
from studygroup.rules import close
from studygroup.rules.close import TalkState
from studygroup.store.enums import TalkStatus

SCHEDULED = TalkState(TalkStatus.SCHEDULED, 3, 0, None)


def test_a_postponement_counts_once_and_remembers_where_it_began() -> None:
    once = close.postponed(SCHEDULED, 4)
    assert once == TalkState(TalkStatus.POSTPONED, 4, 1, 3)
    twice = close.postponed(once, 5)
    assert twice == TalkState(TalkStatus.POSTPONED, 5, 2, 3)  # first postponed from 3


@pytest.mark.parametrize(
    ("covered", "not_covered", "expected"),
    [
        (None, [], {"1": True, "2": True}),
        (None, ["2"], {"1": True, "2": False}),
        (["2"], [], {"1": False, "2": True}),
        ([], [], {"1": False, "2": False}),
    ],
)
def test_covered_lectures(
    covered: list[str] | None, not_covered: list[str], expected: dict[str, bool]
) -> None:
    assert close.covered_lectures(["1", "2"], covered, not_covered, 7) == expected


def test_a_label_not_on_the_agenda_or_both_options_are_refused() -> None:
    with pytest.raises(
        Invalid, match=r"lecture '9' is not on session 7's agenda \(lectures on it: 1, 2\)"
    ):
        close.covered_lectures(["1", "2"], None, ["9"], 7)
    with pytest.raises(Invalid, match="give --covered or --not-covered, not both"):
        close.covered_lectures(["1"], ["1"], ["1"], 7)
    with pytest.raises(Invalid, match="talk 5 is not on session 7"):
        close.check_done_talks([1, 2], [5], 7)


def test_talks_are_given_or_postponed_to_the_next_session() -> None:
    talks = [
        (1, SCHEDULED),  # marked done at the close
        (2, TalkState(TalkStatus.DONE, 3, 0, None)),  # done before the close
        (3, TalkState(TalkStatus.POSTPONED, 3, 1, 2)),  # not given again
        (4, TalkState(TalkStatus.QUEUED, None, 0, None)),  # from the queue, given
    ]
    assert close.talk_outcomes(talks, [1, 4], 3, 4) == [
        close.TalkOutcome(1, True, TalkState(TalkStatus.DONE, 3, 0, None)),
        close.TalkOutcome(2, True, None),
        close.TalkOutcome(3, False, TalkState(TalkStatus.POSTPONED, 4, 2, 2)),
        close.TalkOutcome(4, True, TalkState(TalkStatus.DONE, 3, 0, None)),
    ]
