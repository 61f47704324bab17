"""The matching rule, step by step, on an in-memory directory (rules/matching.py)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studygroup.rules.matching import (
    Ambiguous,
    Directory,
    Found,
    Person,
    Reason,
    Unknown,
    bounded_distance,
)
from studygroup.rules.names import (
    display_variants,
    folded,
    member_name_from_display,
    name_key,
    reversed_name,
)

PEOPLE = Directory(
    [
        Person(1, "Arjun Sharma", "arjun@example.in", "arjun", ("अर्जुन शर्मा",)),
        Person(2, "Zoë Ångström", "zoe@example.org"),
        Person(3, "Siobhán O'Neill", handle="siobhan_o"),
        Person(4, "Rohan Iyer", aliases=("Rohan's iPhone",)),
        Person(5, "Daniel Okafor"),
        Person(6, "Ada Lovelace", "ada@example.org", "ada"),
        Person(7, "Alan Turing", handle="alan"),
        Person(8, "Priya Raman", "priya@example.in"),
    ]
)


@pytest.mark.parametrize(
    ("shown", "email", "who", "reason"),
    [
        ("Somebody Else", "ARJUN@example.in", 1, Reason.EMAIL),
        ("arjun@example.in", None, 1, Reason.EMAIL),
        ("अर्जुन शर्मा", None, 1, Reason.ALIAS),
        ("Rohan's iPhone", None, 4, Reason.ALIAS),
        ("zoë ångström", None, 2, Reason.NAME),
        (unicodedata.normalize("NFD", "Zoë Ångström"), None, 2, Reason.NAME),
        ("Arjun Sharma (he/him)", None, 1, Reason.NAME),
        ("Priya Raman (Guest)", None, 8, Reason.NAME),
        ("Ada L (Ada Lovelace)", None, 6, Reason.NAME),
        ("@arjun", None, 1, Reason.HANDLE),
        ("arjun", None, 1, Reason.HANDLE),
        ("Zoe Angstrom", None, 2, Reason.ACCENTS),
        ("siobhan o'neill", None, 3, Reason.ACCENTS),
        ("Zoe", None, 2, Reason.PREFIX),
        ("siobhan", None, 3, Reason.PREFIX),
        ("Daniel's iPad", None, 5, Reason.PREFIX),
        ("Okafor, Daniel", None, 5, Reason.REVERSED),
        ("Angstrom, Zoe", None, 2, Reason.REVERSED),
    ],
)
def test_each_step_finds_its_member(
    shown: str, email: str | None, who: int, reason: Reason
) -> None:
    outcome = PEOPLE.match(shown, email)
    assert isinstance(outcome, Found), outcome
    assert (outcome.person.id, outcome.reason) == (who, reason)


def test_an_earlier_step_wins() -> None:
    directory = Directory([Person(1, "Ada"), Person(2, "Ada Byron", handle="ada")])
    found = directory.match("ada")
    assert isinstance(found, Found) and (found.person.id, found.reason) == (1, Reason.NAME)
    by_email = Directory([Person(1, "Ada", "x@example.org"), Person(2, "Bob")]).match(
        "Bob", "x@example.org"
    )
    assert isinstance(by_email, Found) and by_email.person.id == 1


def test_a_step_that_finds_two_is_ambiguous_and_stops() -> None:
    outcome = PEOPLE.match("A")
    assert isinstance(outcome, Ambiguous)
    assert [p.name for p in outcome.people] == ["Ada Lovelace", "Alan Turing", "Arjun Sharma"]
    twins = Directory([Person(1, "Zoé Martin"), Person(2, "Zoe Martin")]).match("ZOE MARTÍN")
    assert isinstance(twins, Ambiguous) and twins.reason is Reason.ACCENTS


def test_a_bare_handle_with_at_tries_only_handles() -> None:
    assert isinstance(PEOPLE.match("@Ada Lovelace"), Unknown)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Ada Lovelance", ("Ada Lovelace",)),
        ("Priya Ramen", ("Priya Raman",)),
        ("Rohn", ("Rohan Iyer",)),
        ("Grace Hopper", ()),
    ],
)
def test_unknown_people_get_suggestions(typed: str, suggested: tuple[str, ...]) -> None:
    outcome = PEOPLE.match(typed)
    assert isinstance(outcome, Unknown)
    assert outcome.suggestions == suggested


@pytest.mark.parametrize(
    ("a", "b", "limit", "expected"),
    [
        ("kitten", "sitting", 3, 3),
        ("kitten", "sitting", 2, None),
        ("", "ab", 2, 2),
        ("same", "same", 0, 0),
        ("abc", "abcdef", 2, None),
        ("rohn", "rohan", 1, 1),
    ],
)
def test_bounded_distance(a: str, b: str, limit: int, expected: int | None) -> None:
    assert bounded_distance(a, b, limit) == expected


@pytest.mark.parametrize(
    ("shown", "variants"),
    [
        ("Ada", ["Ada"]),
        ("Arjun Sharma (he/him)", ["Arjun Sharma (he/him)", "Arjun Sharma"]),
        ("Rohan’s iPhone", ["Rohan’s iPhone", "Rohan"]),
        ("Ada L (Ada Lovelace)", ["Ada L (Ada Lovelace)", "Ada L", "Ada Lovelace"]),
        ("Bob (Guest)", ["Bob (Guest)", "Bob"]),
    ],
)
def test_display_variants(shown: str, variants: list[str]) -> None:
    assert display_variants(shown) == variants


def test_keys_are_nfc_and_casefolded() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Ångström")
    assert decomposed != "Zoë Ångström"
    assert name_key(decomposed) == name_key("ZOË ÅNGSTRÖM") == "zoë ångström"
    assert folded("  Siobhán   O'Neill ") == "siobhan o'neill"
    assert reversed_name("Okafor, Daniel") == "Daniel Okafor"
    assert reversed_name("A, B, C") is None


@pytest.mark.parametrize(
    ("shown", "name"),
    [
        ("Newcomer Nia", "Newcomer Nia"),
        ("Ada L (Ada Lovelace)", "Ada Lovelace"),
        ("Nia (she/her)", "Nia"),
        ("Bob (Guest)", "Bob"),
        ("Rohan's iPhone", "Rohan"),
        ("Okafor, Daniel", "Daniel Okafor"),
        ("Name;Email", None),
        ("Sanyam Bhutani;sanyam@example.in", None),
        ("a, b, c", None),
        ("sanyam@example.in", None),
        ("Tab\tSeparated", None),
    ],
)
def test_the_name_a_new_member_gets(shown: str, name: str | None) -> None:
    assert member_name_from_display(shown) == name


@given(st.text(st.characters(max_codepoint=127), max_size=40))
def test_an_ascii_name_folds_as_the_full_rule_folds_it(name: str) -> None:
    """folded() takes a shortcut for ASCII names (most names on a call): the same answer as
    decomposing and dropping the combining marks."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert folded(name) == " ".join(bare.split())
