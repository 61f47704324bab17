"""Who hosts and who takes notes: a fair rotation among the members who opted in.

For each planned session without one, in time order: the opted-in active member who has held
that role least recently (never before counts as longest ago; ties go by name), skipping
anyone marked absent or excused for that session. Pure: the candidates come in with when
each last held the role, and the choice goes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from studygroup.errors import Invalid

ROLES = ("host", "notes")


def parse_rota(text: str) -> str | None:
    """'host,notes' (any order, any case, spaces allowed) as the stored text; '' is none."""
    roles = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = roles - set(ROLES)
    if unknown:
        raise Invalid(f"unknown rota role {sorted(unknown)[0]!r}: use host, notes or both")
    return ",".join(r for r in ROLES if r in roles) or None


def takes(rota: str | None, role: str) -> bool:
    return role in (rota or "").split(",")


class Candidate(NamedTuple):
    member_id: int
    name: str
    last: datetime | None  # when they last held the role (a session's start), None: never


def choose(candidates: Sequence[Candidate], unavailable: Iterable[int]) -> Candidate | None:
    """The one who held the role least recently, of those available."""
    away = set(unavailable)
    available = [c for c in candidates if c.member_id not in away]
    if not available:
        return None
    return min(
        available, key=lambda c: (c.last is not None, c.last or datetime.min, c.name.casefold())
    )
