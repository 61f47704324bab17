"""Who a name stands for: the one matching rule every command and every import uses.

In this order, the first step that finds anyone decides:

1. email (a report's email column, or a reference that is an email address);
2. alias (`member alias add`, or learned with `attend import --match`);
3. exact name, in any case and however its accents were typed (NFC);
4. chat handle, with or without `@` (with `@`, only the handle is tried);
5. the name without accents or case ("Zoe" is Zoë, "siobhan" is Siobhán);
6. a unique prefix of a name ("Ad" is Ada Lovelace when no one else starts so);
7. "Last, First" reversed ("Okafor, Daniel" is Daniel Okafor), through steps 3, 5 and 6.

Each step tries the display name as shown, then without its noise (pronouns, "(Guest)",
"'s iPhone") and both halves of a renamed "New (Original)". A step that finds two people is
ambiguous, and the rule stops there rather than guess. Someone unknown gets did-you-mean
suggestions: names, aliases and handles within a small edit distance.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from studygroup.rules.names import display_variants, folded, name_key, reversed_name


class Person(NamedTuple):
    id: int
    name: str
    email: str | None = None
    handle: str | None = None
    aliases: tuple[str, ...] = ()


class Reason(StrEnum):
    EMAIL = "email"
    ALIAS = "alias"
    NAME = "name"
    HANDLE = "handle"
    ACCENTS = "accents and case"
    PREFIX = "prefix"
    REVERSED = "last, first"


EXACT = frozenset({Reason.EMAIL, Reason.ALIAS, Reason.NAME, Reason.HANDLE})


class Found(NamedTuple):
    person: Person
    reason: Reason
    text: str  # the form of the name that matched


class Ambiguous(NamedTuple):
    text: str
    people: tuple[Person, ...]
    reason: Reason


class Unknown(NamedTuple):
    text: str
    suggestions: tuple[str, ...] = ()


Outcome = Found | Ambiguous | Unknown


class Lookups(NamedTuple):
    """The exact keys a reference can match (steps 1-4): enough to fetch every candidate for
    those steps from the database before loading everyone."""

    emails: frozenset[str]
    keys: frozenset[str]
    handles: frozenset[str]


def lookups(text: str, email: str | None = None) -> Lookups:
    names = display_variants(text)
    emails = {e.strip().lower() for e in (email, text) if e and "@" in e.strip()[1:]}
    keys = {name_key(n) for n in names}
    handles = {n.removeprefix("@") for n in names if " " not in n.strip()}
    return Lookups(frozenset(emails), frozenset(keys), frozenset(handles))


@dataclass
class Directory:
    """The members a reference is matched against, indexed for each step."""

    people: Sequence[Person]
    by_email: dict[str, Person] = field(init=False)
    by_alias: dict[str, Person] = field(init=False)
    by_key: dict[str, Person] = field(init=False)
    by_handle: dict[str, Person] = field(init=False)
    by_fold: dict[str, list[Person]] = field(init=False)
    folds: list[tuple[str, int]] = field(init=False)  # sorted, for prefixes

    def __post_init__(self) -> None:
        self.by_email = {p.email.lower(): p for p in self.people if p.email}
        self.by_alias = {name_key(a): p for p in self.people for a in p.aliases}
        self.by_key = {name_key(p.name): p for p in self.people}
        self.by_handle = {p.handle.casefold(): p for p in self.people if p.handle}
        self.by_fold = {}
        folds = [folded(person.name) for person in self.people]
        for fold, person in zip(folds, self.people, strict=True):
            self.by_fold.setdefault(fold, []).append(person)
        self.folds = sorted((fold, i) for i, fold in enumerate(folds))

    def match(self, text: str, email: str | None = None, *, suggest: bool = True) -> Outcome:
        """The rule, on one reference (a name as typed or shown, with a report's email);
        an Unknown carries suggestions unless `suggest` is False."""
        given = text.strip()
        if email and email.strip().lower() in self.by_email:
            return Found(self.by_email[email.strip().lower()], Reason.EMAIL, email.strip())
        if "@" in given[1:] and given.lower() in self.by_email:
            return Found(self.by_email[given.lower()], Reason.EMAIL, given)
        if given.startswith("@"):
            person = self.by_handle.get(given[1:].casefold())
            return Found(person, Reason.HANDLE, given) if person else Unknown(given)
        variants = display_variants(given)
        for reason, table in (
            (Reason.ALIAS, self.by_alias),
            (Reason.NAME, self.by_key),
        ):
            for name in variants:
                person = table.get(name_key(name))
                if person is not None:
                    return Found(person, reason, name)
        for name in variants:
            if " " not in name and (person := self.by_handle.get(name.casefold())):
                return Found(person, Reason.HANDLE, name)
        outcome = self._loose(variants, Reason.ACCENTS, Reason.PREFIX)
        if outcome is not None:
            return outcome
        turned = [r for r in (reversed_name(n) for n in variants) if r]
        for name in turned:
            person = self.by_key.get(name_key(name))
            if person is not None:
                return Found(person, Reason.REVERSED, name)
        outcome = self._loose(turned, Reason.REVERSED, Reason.REVERSED)
        if outcome is not None:
            return outcome
        return Unknown(given, tuple(self._suggest_any(variants)) if suggest else ())

    def _suggest_any(self, variants: list[str]) -> list[str]:
        """Suggestions for a display name: the nearest names to any of its variants (the
        name without a device, emoji or pronouns), in that order, each once."""
        out: list[str] = []
        for name in variants:
            for found in self.suggest(name):
                if found not in out:
                    out.append(found)
        return out[:3]

    def _loose(self, names: Iterable[str], accents: Reason, prefix: Reason) -> Outcome | None:
        """Steps 5 and 6 over `names`: the accent-blind name, then a unique prefix."""
        names = list(names)
        for name in names:
            found = self.by_fold.get(folded(name), [])
            if len(found) == 1:
                return Found(found[0], accents, name)
            if len(found) > 1:
                return Ambiguous(name, tuple(found), accents)
        for name in names:
            start = folded(name)
            if not start:
                continue
            index = bisect.bisect_left(self.folds, (start, -1))
            hits: list[Person] = []
            while index < len(self.folds) and self.folds[index][0].startswith(start):
                hits.append(self.people[self.folds[index][1]])
                index += 1
                if len(hits) > 6:
                    break
            if len(hits) == 1:
                return Found(hits[0], prefix, name)
            if hits:
                return Ambiguous(name, tuple(hits), prefix)
        return None

    @cached_property
    def _forms(self) -> dict[int, list[tuple[str, int]]]:
        """Every form a suggestion is measured against (the accent-blind name, each of its
        words, each alias, the handle), by length, built once per directory."""
        by_length: dict[int, list[tuple[str, int]]] = {}
        for index, person in enumerate(self.people):
            name = folded(person.name)
            forms = {name, *name.split(), *map(folded, person.aliases)}
            if person.handle:
                forms.add(person.handle.casefold())
            for form in forms:
                by_length.setdefault(len(form), []).append((form, index))
        return by_length

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Members whose name (or a word of it), alias or handle is within a small edit
        distance of `text`, nearest first."""
        wanted = folded(text.removeprefix("@"))
        if not wanted:
            return []
        budget = max(1, min(3, len(wanted) // 4))
        best: dict[int, int] = {}
        for length in range(len(wanted) - budget, len(wanted) + budget + 1):
            for form, index in self._forms.get(length, ()):
                distance = bounded_distance(wanted, form, budget)
                if distance is not None and distance < best.get(index, budget + 1):
                    best[index] = distance
        ranked = sorted(best, key=lambda i: (best[i], self.people[i].name.casefold()))
        return [self.people[i].name for i in ranked[:limit]]


def bounded_distance(a: str, b: str, limit: int) -> int | None:
    """The Levenshtein distance of `a` and `b` if it is at most `limit`, else None (a banded
    computation: only the diagonals within `limit` are filled)."""
    if abs(len(a) - len(b)) > limit:
        return None
    if a == b:
        return 0
    big = limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        low, high = max(1, i - limit), min(len(b), i + limit)
        current = [big] * (len(b) + 1)
        current[0] = i if i <= limit else big
        for j in range(low, high + 1):
            cost = 0 if ca == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if min(current[max(0, low - 1) : high + 1]) > limit:
            return None
        previous = current
    distance = previous[len(b)]
    return distance if distance <= limit else None
