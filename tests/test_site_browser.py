"""The group's site as a member sees it: Debian's Chromium, driven by Playwright, offline,
against the built site served by a real local HTTP server. Times in four zones across clock
changes, with JavaScript and without; every link; axe-core in light and dark; hostile text
that must run no script; screenshots at phone and desktop widths.

The site is built once from a SQLite file (the database tests of the site are in
test_site.py, on both databases)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.conftest import CLI
from tests.test_site import make_group

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    if os.environ.get("STUDYGROUP_REQUIRE_REAL_PARTS"):  # CI installs it: missing is a failure
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

PAGES = [
    "index.html",
    "talks.html",
    "sessions/index.html",
    "sessions/1.html",
    "sessions/2.html",
    "progress.html",
    "subscribe.html",
    "stats.html",
]
ZONES = ["Asia/Kolkata", "America/New_York", "Europe/London", "Australia/Sydney"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[CLI, Path]:
    """The test group, planned over the clock changes of March and April 2027 (New York
    14 March, London 28 March, Sydney 4 April), built --private with full names so that
    every page and every name is there to be checked."""
    root = tmp_path_factory.mktemp("site")
    run = make_group(CLI(str(root / "group.db")))
    run("site", "build", str(root / "site"), "--private", "--names", "full")
    return run, root / "site"


@pytest.fixture(scope="module")
def server(built: tuple[CLI, Path]) -> Iterator[str]:
    handler = functools.partial(Quiet, directory=str(built[1]))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _times(page: Page, which: str = "") -> list[tuple[str, str]]:
    """(datetime, text) of the page's times: days and times, or (which="time") an agenda's
    clock times."""
    found: list[list[str]] = page.eval_on_selector_all(
        f'time[data-local="{which}"]',
        "els => els.map(e => [e.getAttribute('datetime'), e.textContent])",
    )
    return [(when, text) for when, text in found]


@pytest.mark.parametrize("zone", ZONES)
def test_times_show_in_the_viewers_zone(browser: Browser, server: str, zone: str) -> None:
    context = browser.new_context(timezone_id=zone, locale="en-GB")
    page = context.new_page()
    page.goto(server + "index.html")
    times = _times(page)
    assert len(times) >= 6  # the next call and those after it
    offsets = set()
    for when, text in times:
        local = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
        offsets.add(local.utcoffset())
        assert f"{local:%H:%M}" in text, (zone, when, text)
        assert f"{local.day} {local:%b} {local.year}" in text, (zone, when, text)
        assert "UTC)" not in text  # rewritten: the course's time is in the title now
    if zone != "Asia/Kolkata":
        assert len(offsets) == 2  # a clock change between two of the sessions shown
    # the agenda's clock times too, and its caption says whose they are
    agenda = _times(page, "time")
    assert len(agenda) == 6
    for when, text in agenda:
        local = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
        assert text == f"{local:%H:%M}", (zone, when, text)
    assert (page.text_content("[data-zone-caption]") or "").startswith("Times in your time zone")
    note = page.text_content("[data-zone-note]") or ""
    assert note.startswith("Times are shown in your time zone, ")
    # the first session after New York's change: 18:00 London is 14:00 there, not 13:00
    if zone == "America/New_York":
        assert any("Tue, 16 Mar 2027, 14:00" in text for _, text in times), times
    context.close()


def test_the_page_reads_right_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, timezone_id="Asia/Kolkata")
    page = context.new_page()
    page.goto(server + "index.html")
    times = _times(page)
    assert times[0] == ("2027-03-02T18:00:00Z", "Tue 2 Mar 2027, 18:00 GMT (18:00 UTC)")
    assert ("2027-03-30T17:00:00Z", "Tue 30 Mar 2027, 18:00 BST (17:00 UTC)") in times
    assert "Europe/London" in (page.text_content("[data-zone-note]") or "")
    assert _times(page, "time")[0] == ("2027-03-02T18:00:00Z", "18:00")
    assert page.text_content("[data-zone-caption]") == "Times in Europe/London"
    context.close()


def test_every_link_resolves_and_the_feed_is_the_calendar(
    browser: Browser, server: str, built: tuple[CLI, Path], tmp_path: Path
) -> None:
    context = browser.new_context()
    page = context.new_page()
    seen: set[str] = set()
    for name in PAGES:
        page.goto(server + name)
        links: list[str] = page.eval_on_selector_all(
            "a[href], link[href], script[src]", "els => els.map(e => e.href || e.src)"
        )
        seen.update(link.split("#")[0] for link in links if link.startswith(server))
    assert {server + "calendar.ics", server + "assets/style.css"} <= seen
    for link in sorted(seen):
        response = context.request.get(link)
        assert response.status == 200, link
    feed = Calendar.from_ical(context.request.get(server + "calendar.ics").body())
    run, _ = built
    run("export", "ics", "-o", str(tmp_path / "export.ics"))
    export = Calendar.from_ical((tmp_path / "export.ics").read_bytes())
    assert [(str(e["uid"]), e["dtstart"].dt) for e in feed.walk("VEVENT")] == [
        (str(e["uid"]), e["dtstart"].dt) for e in export.walk("VEVENT")
    ]
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation(browser: Browser, server: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    found = {}
    for name in PAGES:
        page.goto(server + name)
        results = axe.run(page)
        serious = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[name] = serious
    assert found == {}
    context.close()


def test_hostile_names_titles_and_notes_run_no_script(browser: Browser, server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for name in PAGES:
        page.goto(server + name)
        page.wait_for_load_state("load")
        assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
        assert page.evaluate("document.querySelectorAll('[onerror], img').length") == 0
    # the hostile title is on the page, as text
    page.goto(server + "talks.html")
    assert "<script>alert('talk')</script> Serving" in (page.text_content("main") or "")
    assert dialogs == []
    context.close()


def test_screenshots_at_phone_and_desktop_widths(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Written to the tests' output (STUDYGROUP_SCREENSHOTS, else a temporary folder) to be
    looked at; the phone layout must not scroll sideways."""
    out = Path(os.environ.get("STUDYGROUP_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    out.mkdir(parents=True, exist_ok=True)
    for label, width, height in [("phone", 390, 844), ("desktop", 1280, 900)]:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            timezone_id="Asia/Kolkata",
            locale="en-GB",
            device_scale_factor=2 if label == "phone" else 1,
        )
        page = context.new_page()
        page.goto(server + "index.html")
        shot = out / f"site-home-{label}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{label}: the page is {scroll_width}px wide"
        context.close()
