"""Input validation's fast paths agree with the slow, exact checks they stand in for."""

from __future__ import annotations

import unicodedata
from email.headerregistry import Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studygroup.errors import Invalid
from studygroup.rules import validate


@given(st.from_regex(validate.PLAIN_ADDRESS, fullmatch=True))
def test_a_plain_address_is_taken_by_the_email_library_as_written(address: str) -> None:
    assert Address(addr_spec=address).addr_spec == address


@given(st.text())
def test_the_ascii_fast_path_finds_the_same_control_characters(value: str) -> None:
    exact = any(unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") for ch in value)
    assert validate._has_control(value) is exact


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("one line", "one line"),
        ("a\r\nb\r\n", "a\nb"),
        ("tab\there  \nnext", "tab\there\nnext"),
        ("Zoe\u0308", "Zoë"),
    ],
)
def test_notes_keep_lines_and_tabs(given: str, kept: str) -> None:
    assert validate.notes(given) == kept


@pytest.mark.parametrize("given", ["bell\x07", "esc\x1b[31m", "nul\x00", "\u2028", "  \n "])
def test_notes_refuse_controls_and_emptiness(given: str) -> None:
    with pytest.raises(Invalid):
        validate.notes(given)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("TRUE", True), ("FALSE", False),  # English Excel
        ("WAHR", True), ("FALSCH", False),  # German
        ("VRAI", True), ("FAUX", False),  # French
        ("VERDADERO", True), ("FALSO", False),  # Spanish (and Italian and Portuguese FALSO)
        ("VERO", True),  # Italian
        ("WAAR", True), ("ONWAAR", False),  # Dutch
        ("VERDADEIRO", True),  # Portuguese
        ("Sí", True), ("não", False), ("ja", True), ("nee", False), (" yes ", True), ("", False),
    ],
)  # fmt: skip
def test_excel_booleans_in_seven_languages(cell: str, expected: bool) -> None:
    assert validate.boolean(cell, "optional") is expected


def test_an_unknown_boolean_is_refused() -> None:
    with pytest.raises(Invalid, match="invalid optional 'maybe'"):
        validate.boolean("maybe", "optional")
