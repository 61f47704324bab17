"""How members are named on the group's public page (rules/names.shown_names)."""

from __future__ import annotations

import pytest

from studygroup.rules.names import shown_names

PEOPLE = [
    ("Sanyam Bhutani", "sanyam"),
    ("Akash Nain", None),
    ("Sam Kumar", None),
    ("Sam Lee", "samlee"),
    ("Priya Raman", None),
    ("Priya Rao", None),
    ("Cher", None),
]


def test_first_names_by_default_with_an_initial_where_two_share_one() -> None:
    shown = shown_names(PEOPLE, "first")
    assert shown["Sanyam Bhutani"] == "Sanyam"
    assert shown["Akash Nain"] == "Akash"
    assert shown["Sam Kumar"] == "Sam K."
    assert shown["Sam Lee"] == "Sam L."
    assert shown["Cher"] == "Cher"


def test_a_shared_initial_too_falls_back_to_the_full_name() -> None:
    shown = shown_names(PEOPLE, "first")
    assert shown["Priya Raman"] == "Priya Raman"
    assert shown["Priya Rao"] == "Priya Rao"


def test_first_names_compare_without_case() -> None:
    shown = shown_names([("sam kumar", None), ("Sam Lee", None)], "first")
    assert shown == {"sam kumar": "sam k.", "Sam Lee": "Sam L."}


def test_handles_where_members_have_them() -> None:
    shown = shown_names(PEOPLE, "handle")
    assert shown["Sanyam Bhutani"] == "@sanyam"
    assert shown["Sam Lee"] == "@samlee"
    assert shown["Akash Nain"] == "Akash"
    assert shown["Sam Kumar"] == "Sam K."


def test_full_names_as_stored() -> None:
    assert shown_names(PEOPLE, "full")["Sam Kumar"] == "Sam Kumar"


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError):
        shown_names(PEOPLE, "surname")
