"""The terminal table renderer: tabulate's "simple" layout, without tabulate's per-cell cost."""

from __future__ import annotations

import tabulate
from hypothesis import given
from hypothesis import strategies as st

from studygroup.render.table import table

# what validate.text lets into the database: single-line text with no control characters,
# with wide and combining characters drawn often (Devanagari, CJK, emoji)
WIDE = st.sampled_from(list("अर्जुनशमा张伟李娜😀👍🏽é") + ["\u0301", "\u094d"])
CELL = st.text(
    st.one_of(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), WIDE),
    max_size=30,
)
VALUE = st.one_of(CELL, st.integers(-(10**6), 10**6), st.booleans(), st.none())


def reference(rows: list[dict[str, object]], columns: list[tuple[str, str]]) -> str:
    from studygroup.render.table import cell

    tabulate.WIDE_CHARS_MODE = True  # the renderer measures terminal cells, with wcwidth
    body = [[cell(row.get(key)) for key, _ in columns] for row in rows]
    text: str = tabulate.tabulate(
        body, headers=[h for _, h in columns], tablefmt="simple", disable_numparse=True
    )
    return text


@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), CELL.filter(str.strip)),
        min_size=1,
        max_size=5,
        unique_by=lambda c: c[0],
    ),
    st.lists(st.dictionaries(st.sampled_from("abcdef"), VALUE), min_size=1, max_size=8),
)
def test_same_layout_as_tabulate_simple(
    columns: list[tuple[str, str]], rows: list[dict[str, object]]
) -> None:
    assert table(rows, columns) == reference(rows, columns)


def test_layout_by_example() -> None:
    rows = [
        {"id": 1, "text": "Finish labs 6-7", "owner": None, "open": True},
        {"id": 12, "text": "Read", "owner": "Ada Lovelace", "open": False},
    ]
    assert table(
        rows, [("id", "id"), ("text", "text"), ("owner", "owner"), ("open", "open")]
    ).splitlines() == [
        "id    text             owner         open",
        "----  ---------------  ------------  ------",
        "1     Finish labs 6-7                yes",
        "12    Read             Ada Lovelace  no",
    ]


def test_a_devanagari_name_keeps_its_row_in_line() -> None:
    rows = [
        {"name": "अर्जुन शर्मा", "rate": "100%"},
        {"name": "Ada Lovelace", "rate": "50%"},
        {"name": "张伟", "rate": "0%"},
    ]
    lines = table(rows, [("name", "member"), ("rate", "rate")]).splitlines()
    from wcwidth import wcswidth

    # the rate column starts at the same terminal column on every line
    starts = {
        wcswidth(line[: line.index(r)])
        for line, r in zip(lines[2:], ("100%", "50%", "0%"), strict=True)
    }
    assert len(starts) == 1
