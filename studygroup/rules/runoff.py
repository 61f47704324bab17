"""Instant-runoff voting over ranked ballots: the pure algorithm behind `poll result` and
`poll close`.

Ties: the option eliminated is the one with the fewest first preferences, then the one ranked
by the fewest ballots, then the one added last.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TypedDict


class Round(TypedDict):
    round: int
    counts: dict[int, int]  # option id → ballots it tops
    exhausted: int  # ballots with no option left
    eliminated: int | None
    winner: int | None


@dataclass
class Runoff:
    winner: int | None
    rounds: list[Round]
    first: Counter[int]
    mentions: Counter[int]


def instant_runoff(options: list[int], ballots: list[list[int]]) -> Runoff:
    """Instant-runoff over option ids (in the order they were added)."""
    first: Counter[int] = Counter(b[0] for b in ballots if b)
    mentions: Counter[int] = Counter(o for b in ballots for o in set(b))
    order = {option: index for index, option in enumerate(options)}

    def weakest(candidates: list[int]) -> int:
        return min(candidates, key=lambda o: (first[o], mentions[o], -order[o]))

    remaining = list(options)
    rounds: list[Round] = []
    if not ballots or not remaining:
        return Runoff(None, rounds, first, mentions)
    while True:
        counts: Counter[int] = Counter({o: 0 for o in remaining})
        exhausted = 0
        for ballot in ballots:
            top = next((o for o in ballot if o in counts), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        live = sum(counts.values())
        record = Round(
            round=len(rounds) + 1,
            counts=dict(counts),
            exhausted=exhausted,
            eliminated=None,
            winner=None,
        )
        rounds.append(record)
        leader = max(remaining, key=lambda o: (counts[o], first[o], mentions[o], -order[o]))
        if len(remaining) == 1 or (live and counts[leader] * 2 > live):
            record["winner"] = leader
            return Runoff(leader, rounds, first, mentions)
        fewest = min(counts[o] for o in remaining)
        out = weakest([o for o in remaining if counts[o] == fewest])
        record["eliminated"] = out
        remaining.remove(out)
