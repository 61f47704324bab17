"""Instant-runoff voting over ranked ballots: the pure algorithm behind `poll result` and
`poll close`.

Ties: the option eliminated is the one with the fewest first preferences, then the one ranked
by the fewest ballots, then the one added last.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass
class Runoff:
    winner: int | None
    rounds: list[dict[str, Any]]
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
    rounds: list[dict[str, Any]] = []
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
        record: dict[str, Any] = {
            "round": len(rounds) + 1,
            "counts": dict(counts),
            "exhausted": exhausted,
            "eliminated": None,
            "winner": None,
        }
        rounds.append(record)
        leader = max(remaining, key=lambda o: (counts[o], first[o], mentions[o], -order[o]))
        if len(remaining) == 1 or (live and counts[leader] * 2 > live):
            record["winner"] = leader
            return Runoff(leader, rounds, first, mentions)
        fewest = min(counts[o] for o in remaining)
        out = weakest([o for o in remaining if counts[o] == fewest])
        record["eliminated"] = out
        remaining.remove(out)
