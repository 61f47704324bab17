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


# the twelve issue 27 found, and the tag characters: each makes a look-alike of a name
LOOK_ALIKES = [
    "\u00ad", "\u034f", "\u115f", "\u180e", "\u2063", "\u206e", "\u2800", "\u3164",
    "\uffa0", "\ufff9", "\U0001d173", "\U000e0041", "\u200b", "\u202e", "\ufeff",
]  # fmt: skip


@pytest.mark.parametrize("hidden", LOOK_ALIKES)
def test_invisible_code_points_are_refused_by_property(hidden: str) -> None:
    for name in (f"Ada{hidden} Lovelace", f"{hidden}Ada Lovelace", f"Ada Lovelace{hidden}"):
        assert validate.invisible(name) == hidden
        with pytest.raises(Invalid, match="must not contain invisible characters"):
            validate.text(name, "member name")


@pytest.mark.parametrize(
    "name",
    [
        "علی‌رضا احمدی",  # Persian: a zero-width non-joiner inside a word
        "👩\u200d💻 Dana",  # an emoji sequence joined by ZWJ
        "क्\u200dष",  # Devanagari with a ZWJ
        "❤\ufe0f Ada",  # a variation selector after a symbol
        "Zoë Ångström",
    ],
)
def test_real_names_with_joiners_pass(name: str) -> None:
    assert validate.invisible(name) is None
    assert validate.text(name, "member name") == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize("name", ["Ada\u200d Lovelace", "\u200cAda", "Ada\u200d", "a\ufe0f"])
def test_a_joiner_outside_a_word_is_refused(name: str) -> None:
    assert validate.invisible(name) is not None


@given(st.text(alphabet=st.characters(categories=["Cf", "Co"]), min_size=1, max_size=3))
def test_any_format_or_private_use_character_outside_a_word_is_refused(hidden: str) -> None:
    assert validate.invisible(f"Ada {hidden}") is not None
