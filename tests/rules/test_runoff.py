"""Instant-runoff voting and its deterministic tie-break (rules/runoff.py)."""

from __future__ import annotations

from studygroup.rules.runoff import instant_runoff


def test_first_preference_winner_can_lose_the_runoff() -> None:
    a, b, c = 1, 2, 3
    ballots = [[a, c]] * 4 + [[b, c]] * 3 + [[c, b]] * 2
    result = instant_runoff([a, b, c], ballots)
    # A leads on first preferences (4 of 9), C is eliminated, its votes go to B: B 5, A 4
    assert result.first[a] == 4 and result.winner == b
    assert [r["eliminated"] for r in result.rounds] == [c, None]
    assert result.rounds[1]["counts"] == {a: 4, b: 5}


def test_majority_in_the_first_round() -> None:
    assert instant_runoff([1, 2], [[1], [1], [2]]).winner == 1


def test_no_ballots_no_winner() -> None:
    assert instant_runoff([1, 2], []).winner is None


def test_ties_are_broken_deterministically() -> None:
    a, b, c = 1, 2, 3
    tied = instant_runoff([a, b], [[a], [b]])
    assert tied.winner == a  # all equal: the option added last (B) is eliminated
    by_mentions = instant_runoff([a, b, c], [[a], [b, a], [c, a], [c]])
    # round 1: a 1, b 1, c 2; a and b tie; a is ranked by 3 ballots, b by 1: b goes
    assert by_mentions.rounds[0]["eliminated"] == b
    # round 2: a 2, c 2, a 50/50 final: a had fewer first preferences (1 to 2), so a goes
    assert by_mentions.rounds[1]["eliminated"] == a
    assert by_mentions.winner == c
    # equal first preferences in a 50/50 final: the one ranked by fewer ballots goes
    final = instant_runoff([a, b], [[a], [b, a], [b], [a]])  # a ranked by 3, b by 2
    assert final.rounds[0]["eliminated"] == b and final.winner == a


def test_exhausted_ballots_do_not_count() -> None:
    a, b, c = 1, 2, 3
    result = instant_runoff([a, b, c], [[a], [a], [b], [b], [c]])
    assert result.rounds[0]["eliminated"] == c
    assert result.rounds[1]["exhausted"] == 1
