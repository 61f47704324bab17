"""The Markdown agenda: every user string comes out as literal text (property-tested with a
CommonMark/GFM parser), and the document has every section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from studygroup.render.markdown import escape, link
from tests.conftest import CLI

# CommonMark + GFM tables, strikethrough and autolinks, with linkify on and its fuzzy
# bare-domain matching at its default (on): stricter than GFM, which links only "www." and
# scheme URLs, and as eager as chat apps that link any bare domain.
GFM = MarkdownIt("gfm-like")


def inline_children(markdown: str) -> list[Token]:
    tokens = GFM.parse(markdown)
    inlines = [t for t in tokens if t.type == "inline"]
    return [c for t in inlines for c in (t.children or [])]


def literal(text: str) -> str:
    return " ".join(text.split())


# text as a user could type it: any printable characters, spaces, a bias towards the
# characters that Markdown and HTML care about, and pieces that linkify turns into links
# (bare domains, full-width look-alikes, emails)
hostile = st.lists(
    st.one_of(
        st.sampled_from(list("\\`*_{}[]()#+-.!|<>~&:@=;\"'/?%$^ 0123456789wW\t")),
        st.sampled_from(
            [
                "evil.com",
                "evil.com/login",
                "ｗｗｗ.evil.com",
                "www.",
                ".co.uk",
                "a@b.c",
                "http://x.y",
                "xn--80ak6aa92e.com",
                "ｅｖｉｌ.ｃｏｍ",
                "mailto:a@b.c",
                "ftp.evil.org",
            ]
        ),
        # control characters are refused at input (see test_members), so not generated here
        st.characters(blacklist_categories=("Cs", "Cc")),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_escaped_text_is_literal_in_a_paragraph_and_a_list_item(text: str) -> None:
    for wrapper in ("{}", "- {}", "**Who:** {}", "1. {}"):
        children = inline_children(wrapper.format(escape(text)))
        kinds = {c.type for c in children}
        assert kinds <= {"text", "strong_open", "strong_close"}, (text, kinds)
        body = "".join(c.content for c in children if c.type == "text")
        assert body.endswith(literal(text)), (text, body)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(hostile, hostile)
def test_escaped_text_stays_in_its_table_cell(who: str, what: str) -> None:
    table = f"| Item | Who |\n|---|---|\n| {escape(what)} | {escape(who)} |\n"
    tokens = GFM.parse(table)
    cells = [t for t in tokens if t.type in ("td_open", "th_open")]
    assert len(cells) == 4  # no extra column
    body_cells = [t for t in tokens if t.type == "inline"][2:]
    texts = [
        "".join(c.content for c in (cell.children or []) if c.type == "text") for cell in body_cells
    ]
    assert [c.type for cell in body_cells for c in (cell.children or []) if c.type != "text"] == []
    assert texts == [literal(what), literal(who)]


@settings(max_examples=200)
@given(
    hostile, st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs")), max_size=40)
)
def test_links_cannot_be_broken_out_of(label: str, tail: str) -> None:
    url = "https://example.org/" + tail
    children = inline_children(f"- {link(label, url)} — 5 min")
    opens = [c for c in children if c.type == "link_open"]
    assert len(opens) == 1
    assert [c.type for c in children if c.type not in ("text", "link_open", "link_close")] == []
    assert opens[0].attrs["href"].startswith("https://example.org/")


def test_the_issue_example_is_literal() -> None:
    name = "Eve | *bold* [x](http://e) <script>"
    children = inline_children(f"| a | {escape(name)} |\n|---|---|\n| b | c |\n")
    assert {c.type for c in children} == {"text"}
    html = GFM.render(f"- {escape(name)}")
    assert "<script>" not in html and "<em>" not in html and "<a " not in html
    assert "Eve | *bold* [x](http://e) &lt;script&gt;" in html


@pytest.fixture
def hostile_group(run: CLI, tmp_path: Path) -> CLI:
    evil = "Eve | *bold* [x](http://e) <script>"
    run(
        "course",
        "add",
        "c",
        "Course *one* <b>",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--minutes",
        "120",
    )
    run(
        "lecture",
        "add",
        "c",
        "1",
        "Intro | with [link](http://x)",
        "--minutes",
        "40",
        "--url",
        "https://example.org/a)b<c>|d",
    )
    run("lecture", "add", "c", "2", "# Not a heading", "--minutes", "50")
    run(
        "lecture",
        "add",
        "c",
        "3",
        "Deployment & <u>monitoring</u>",
        "--minutes",
        "100",
        "--url",
        "https://example.org/3",
    )
    run("lecture", "add", "c", "g", "Optional ~~guest~~", "--optional", "--minutes", "30")
    run("member", "add", evil)
    run("member", "add", "1. Not a list")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "3")
    run(
        "talk",
        "add",
        "Eve",
        "Talk <img src=x onerror=alert(1)>",
        "--session",
        "1",
        "--url",
        "https://example.org/t",
    )
    run("item", "add", "Do **this** & that @everyone", "--owner", "Eve", "--due", "1")
    run("item", "add", "www.example.org homework", "--owner", "1. Not", "--due", "1")
    run("attend", "1", "Eve")
    run("session", "close", "1")
    run("poll", "create", "Next? <b>vote</b> | here", "--closes", "2099-01-01")
    run("poll", "add-option", "1", "[fast.ai](javascript:x) *2*")
    return run


def test_export_agenda_has_every_section_and_no_injection(
    hostile_group: CLI, tmp_path: Path
) -> None:
    out = tmp_path / "agenda.md"
    hostile_group("export", "agenda", "-o", str(out))
    text = out.read_text()
    for heading in (
        "# Course \\*one\\* \\<b\\> — session 2",
        "## Agenda",
        "## Watch beforehand",
        "## Optional",
        "## Talks",
        "## Open action items",
        "## Attendance",
        "## Vote for the next course",
        "## Next week",
    ):
        assert heading in text, heading
    assert "(00:00 UTC)" not in text and "(18:00 UTC)" in text  # 10 Nov: GMT
    assert "postponed from session 1" in text
    assert "carried ×1" in text
    assert "Last session (1): 1 present." in text
    tokens = GFM.parse(text)
    kinds = {c.type for t in tokens if t.type == "inline" for c in (t.children or [])}
    assert kinds <= {"text", "strong_open", "strong_close", "link_open", "link_close"}
    headings = [t for t in tokens if t.type == "heading_open"]
    assert [h.tag for h in headings] == ["h1"] + ["h2"] * 8
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 4 * (len(rows) - 1)  # no row grew an extra column
    links = [
        c.attrs["href"]
        for t in tokens
        if t.type == "inline"
        for c in (t.children or [])
        if c.type == "link_open"
    ]
    assert all(str(h).startswith("https://example.org/") for h in links)
    html = GFM.render(text)
    assert "<script" not in html and "<img" not in html and "<em>" not in html
    assert "<del>" not in html and "<ol" not in html


def test_export_agenda_to_stdout(hostile_group: CLI) -> None:
    assert hostile_group("export", "agenda").stdout.startswith("# Course")


def test_agenda_json_is_the_single_source(hostile_group: CLI) -> None:
    view: dict[str, Any] = hostile_group.json("agenda")
    assert {
        "session",
        "entries",
        "optional_lectures",
        "action_items",
        "not_fitting",
        "over_by_minutes",
    } <= set(view)
    assert {"course", "number", "status", "minutes", "timezone", "starts_at", "local_start"} <= set(
        view["session"]
    )
    entry_keys = {
        "kind",
        "start",
        "minutes",
        "title",
        "lecture",
        "part",
        "optional",
        "presenter",
        "talk_id",
        "postponed",
    }
    assert all(entry_keys <= set(e) for e in view["entries"])
    assert all({"id", "text", "owner", "carried", "status"} <= set(i) for i in view["action_items"])


@given(st.text(max_size=60))
def test_the_always_escaped_characters_get_one_backslash_each(text: str) -> None:
    """The escaper's replace-per-character shortcut: the same as mapping each character."""
    from studygroup.render.markdown import _ALWAYS_CHARS, _escape_always

    reference = text.translate(str.maketrans({ch: "\\" + ch for ch in _ALWAYS_CHARS}))
    assert _escape_always(text) == reference
