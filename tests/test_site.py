"""`site build`: the group's static site, read back as files (the browser tests are in
test_site_browser.py). On both databases: the site is built from what the database holds."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from icalendar import Calendar

from tests.conftest import CLI

CALL = "https://zoom.example.org/j/8675309"
EMAILS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "col", "area", "base", "wbr"}


def make_group(run: CLI) -> CLI:
    """Three held calls and the next ones planned (the clock is 2027-03-01): talks given,
    queued and on hold, notes with links, a poll decided, members with emails and
    handles, one hostile name and title."""
    run(
        "course",
        "add",
        "fsdl",
        "Full Stack <Deep> Learning",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--url",
        "https://fullstackdeeplearning.com/course/",
        "--call-url",
        CALL,
        "--call-note",
        "passcode 4242",
    )
    for label, title, minutes in [
        ("1", "Course vision", "50"),
        ("2", "Development infrastructure", "70"),
        ("3", "Troubleshooting", "60"),
        ("4", "Data management", "80"),
        ("5", "Deployment", "75"),
    ]:
        run("lecture", "add", "fsdl", label, title, "--minutes", minutes, "--url",
            f"https://fullstackdeeplearning.com/course/{label}/")  # fmt: skip
    run("member", "add", "Ada Zyxwvut", "--email", "ada@example.org", "--handle", "ada")
    run("member", "add", "Grace Qwertyuiop", "--email", "grace@example.net")
    run("member", "add", "Sanyam Bhutani", "--email", "sanyam@example.com", "--handle", "sanyam")
    run("member", "add", "<img src=x onerror=alert(1)> Mallory", "--email", "m@example.org")
    run("session", "plan", "--from", "2027-02-09", "--weeks", "10")
    run(
        "talk",
        "add",
        "Ada",
        "Attention is all you need",
        "--url",
        "https://arxiv.org/abs/1706.03762",
    )
    run("talk", "add", "Grace", "<script>alert('talk')</script> Serving")
    run("talk", "add", "Sanyam", "Data versioning with DVC", "--with", "Grace")
    run("talk", "add", "Sanyam", "Kept for later")
    run("talk", "hold", "4")
    run("attend", "1", "Ada", "Grace", "--excused", "Sanyam")
    run("talk", "done", "1")
    run(
        "session",
        "notes",
        "1",
        "Good call. [Slides](https://example.org/slides) and "
        "[bad](javascript:alert(1)) <script>alert('notes')</script>\n"
        "- mail ada@example.org\n- [write](mailto:grace@example.net)",
    )
    during = {"STUDYGROUP_TEST_NOW": "2027-02-09T18:45:00+00:00"}  # decided at the call
    run("poll", "create", "Next course", "--course", "fsdl", env=during)
    run("poll", "add-option", "1", "fast.ai", env=during)
    run("poll", "vote", "1", "Ada", "fast.ai", env=during)
    run("poll", "close", "1", env=during)
    run("session", "close", "1")
    run("attend", "2", "Ada", "Sanyam")
    run("session", "close", "2", "--not-covered", "3")
    run("attend", "3", "Ada")
    run("session", "close", "3")
    run("item", "add", "Read the ZeRO paper")
    return run


@pytest.fixture
def group(run: CLI) -> CLI:
    return make_group(run)


def build(run: CLI, folder: Path, *args: str) -> str:
    return run("site", "build", str(folder), *args).stdout


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def text_of(folder: Path) -> str:
    return "\n".join(data.decode() for data in files(folder).values())


def test_the_default_build_is_public(group: CLI, tmp_path: Path) -> None:
    out = build(group, tmp_path / "site")
    assert "public: no attendance, stats or call link" in out and "first names" in out
    site = tmp_path / "site"
    assert {
        "index.html",
        "talks.html",
        "sessions/index.html",
        "sessions/1.html",
        "sessions/2.html",
        "sessions/3.html",
        "progress.html",
        "subscribe.html",
        "calendar.ics",
        "assets/style.css",
        "assets/localtime.js",
    } <= set(files(site))
    assert not (site / "stats.html").exists()
    everything = text_of(site)
    assert EMAILS.findall(everything) == []
    assert "zoom.example.org" not in everything and "4242" not in everything
    # first names only: no surname is published
    for surname in ("Zyxwvut", "Qwertyuiop", "Bhutani"):
        assert surname not in everything
    assert "Attendance" not in everything and "present" not in everything


def test_a_private_build_adds_attendance_stats_and_the_call(group: CLI, tmp_path: Path) -> None:
    out = build(group, tmp_path / "site", "--private", "--names", "full")
    assert "private: attendance, stats and the call link included" in out
    site = tmp_path / "site"
    home = (site / "index.html").read_text()
    assert f'<a href="{CALL}">{CALL}</a> passcode 4242' in home
    assert "2 present · 0 absent · 1 excused" in (site / "sessions" / "1.html").read_text()
    stats = (site / "stats.html").read_text()
    assert "<td>Ada Zyxwvut</td><td>3</td><td>3</td>" in stats
    assert EMAILS.findall(text_of(site)) == []  # never an email, private or not
    calendar = Calendar.from_ical((site / "calendar.ics").read_bytes())
    assert any(CALL in str(e.get("location", "")) for e in calendar.walk("VEVENT"))


def test_the_home_page_has_the_next_call_and_what_follows(group: CLI, tmp_path: Path) -> None:
    build(group, tmp_path / "site", "--names", "handle")
    home = (tmp_path / "site" / "index.html").read_text()
    assert '<h2 id="next">Next call: session 4</h2>' in home
    # 2 March 2027 18:00 in London is 18:00 UTC (GMT); the text holds both
    assert (
        '<time datetime="2027-03-02T18:00:00Z" data-local>Tue 2 Mar 2027, 18:00 GMT '
        "(18:00 UTC)</time>"
    ) in home
    # after the clocks change (28 March) the course's 18:00 is 17:00 UTC
    assert (
        '<time datetime="2027-03-30T17:00:00Z" data-local>Tue 30 Mar 2027, 18:00 BST '
        "(17:00 UTC)</time>"
    ) in home
    assert "Lecture 4: Data management" in home
    assert "<li>Read the ZeRO paper</li>" in home
    assert "@sanyam &amp; Grace" in text_of(tmp_path / "site")  # handles, else first names


def test_the_home_page_shows_the_expected_turnout(group: CLI, tmp_path: Path) -> None:
    group("rsvp", "set", "4", "Ada", "yes")
    group("rsvp", "set", "4", "Grace", "no")
    build(group, tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text()
    assert "<p>Expected: 1 coming, 0 maybe, 1 not coming, 2 not answered yet</p>" in home
    assert "Qwertyuiop" not in home  # counts only: nobody is named


def test_a_cancelled_session_shows_as_cancelled(group: CLI, tmp_path: Path) -> None:
    group("session", "cancel", "6")
    build(group, tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text()
    six = home.split("<strong>Session 6</strong>")[1].split("</li>")[0]
    assert "<strong>Cancelled</strong>" in six
    calendar = Calendar.from_ical((tmp_path / "site" / "calendar.ics").read_bytes())
    statuses = {
        int(str(e["summary"]).rsplit(" ", 1)[1]): str(e["status"]) for e in calendar.walk("VEVENT")
    }
    assert statuses[6] == "CANCELLED" and statuses[5] == "CONFIRMED"


def test_talks_page_queue_hold_and_given(group: CLI, tmp_path: Path) -> None:
    build(group, tmp_path / "site")
    talks = (tmp_path / "site" / "talks.html").read_text()
    queue = talks.split('id="queue"')[1].split("</section>")[0]
    assert "Data versioning with DVC — Sanyam &amp; Grace" in queue
    assert re.search(r"expected at session \d+", queue)
    assert "Kept for later" in talks.split('id="hold"')[1].split("</section>")[0]
    given = talks.split('id="given"')[1]
    assert (
        '<a href="https://arxiv.org/abs/1706.03762">Attention is all you need</a> — Ada'
        ' · session <a href="sessions/1.html">1</a>'
    ) in given


def test_a_past_call_is_its_recap(group: CLI, tmp_path: Path) -> None:
    build(group, tmp_path / "site")
    one = (tmp_path / "site" / "sessions" / "1.html").read_text()
    assert "Lecture 1: Course vision" in one.split("<h2>Covered</h2>")[1]
    assert '<a href="https://example.org/slides" rel="nofollow noopener">Slides</a>' in one
    assert "Next course: fast.ai" in one.split("<h2>Decisions</h2>")[1]
    two = (tmp_path / "site" / "sessions" / "2.html").read_text()
    assert "Moved on to session 3" in two and "Lecture 3: Troubleshooting" in two


def test_each_past_page_says_what_the_recap_says(group: CLI, tmp_path: Path) -> None:
    """The site reads all past calls at once; `export recap` reads one: they agree."""
    import json

    build(group, tmp_path / "site", "--names", "full")
    for number in (1, 2, 3):
        recap = json.loads(group("export", "recap", str(number), "--format", "json").stdout)
        page = (tmp_path / "site" / "sessions" / f"{number}.html").read_text()
        covered = page.split("<h2>Covered</h2>")[1].split("<h2>")[0]
        for lecture in recap["covered"]:
            assert f"{lecture['title']}</a>" in covered
        assert covered.count("<li>") == len(recap["covered"])
        moved = page.split("<h2>Moved on", 1)[1].split("<h2>")[0] if recap["moved_on"] else ""
        assert moved.count("<li>") == len(recap["moved_on"])
        for decision in recap["decisions"]:
            assert f"{decision['title']}: {decision['winner']}" in page
        given = [t["title"] for t in recap["talks_given"]]
        moved_talks = [t["title"] for t in recap["talks_moved_on"]]
        talks = page.split("<h2>Talks</h2>")[1].split("</ul>")[0] if given or moved_talks else ""
        assert talks.count("<li>") == len(given) + len(moved_talks)
        assert talks.count("· moved on") == len(moved_talks)


def test_user_text_is_escaped_and_notes_are_safe(group: CLI, tmp_path: Path) -> None:
    build(group, tmp_path / "site", "--private", "--names", "full")
    everything = "\n".join(p.read_text() for p in (tmp_path / "site").rglob("*.html"))
    assert "<script>alert" not in everything and "<img src=x" not in everything
    assert "&lt;script&gt;alert(&#39;talk&#39;)&lt;/script&gt; Serving" in everything
    assert "&lt;img src=x onerror=alert(1)&gt; Mallory" in everything
    assert "Full Stack &lt;Deep&gt; Learning" in everything
    hrefs = re.findall(r'href="([^"]*)"', everything)
    assert hrefs and not [
        h for h in hrefs if not h.startswith(("http", "webcal", "#")) and ":" in h
    ]
    one = (tmp_path / "site" / "sessions" / "1.html").read_text()
    assert "javascript:" not in one and "mailto:" not in one
    assert "<li>mail [email hidden]</li>" in one and "<li>write</li>" in one


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(found[name] or "")
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def test_every_link_inside_the_site_resolves(group: CLI, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(group, site)
    checked = 0
    for path in site.rglob("*.html"):
        parser = Links()
        parser.feed(path.read_text())
        assert parser.errors == [] and parser.open == [], path  # balanced, closed
        assert len(parser.ids) == len(set(parser.ids)), path
        assert path.read_text().startswith('<!doctype html>\n<html lang="en">')
        for link in parser.links:
            target, _ = urldefrag(link)
            if urlsplit(target).scheme or not target:
                continue
            assert (path.parent / target).resolve().is_file(), f"{path}: {link}"
            checked += 1
    assert checked > 50


def test_the_feed_has_the_events_of_export_ics(group: CLI, tmp_path: Path) -> None:
    build(group, tmp_path / "site", "--private", "--names", "full")
    group("export", "ics", "-o", str(tmp_path / "export.ics"))
    feed = Calendar.from_ical((tmp_path / "site" / "calendar.ics").read_bytes())
    export = Calendar.from_ical((tmp_path / "export.ics").read_bytes())

    def events(calendar: Calendar) -> list[tuple[str, ...]]:
        keys = (
            "uid",
            "sequence",
            "dtstart",
            "dtend",
            "summary",
            "status",
            "description",
            "location",
        )
        return [
            tuple(
                str(e.get(k).to_ical() if hasattr(e.get(k), "to_ical") else e.get(k)) for k in keys
            )
            for e in calendar.walk("VEVENT")
        ]

    assert events(feed) == events(export) and len(events(feed)) == 10


def test_the_public_feed_names_first_names_and_has_no_call(group: CLI, tmp_path: Path) -> None:
    group("talk", "schedule", "3", "--session", "5")
    build(group, tmp_path / "site")
    feed = Calendar.from_ical((tmp_path / "site" / "calendar.ics").read_bytes())
    descriptions = " ".join(str(e.get("description", "")) for e in feed.walk("VEVENT"))
    assert "Sanyam: Data versioning with DVC" in descriptions
    assert "Bhutani" not in descriptions and "zoom" not in descriptions
    assert not [e for e in feed.walk("VEVENT") if e.get("location")]


def test_a_rebuild_with_nothing_changed_touches_nothing(group: CLI, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(group, site)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}
    first = files(site)
    result = group("site", "build", str(site))
    assert "nothing changed" in result.stderr
    assert files(site) == first
    assert {
        p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()
    } == before
    # the feed's DTSTAMPs come from the data: a build at another time is the same bytes
    later = group(
        "site",
        "build",
        str(tmp_path / "again"),
        env={"STUDYGROUP_TEST_NOW": "2027-03-01T16:00:00+00:00"},
    )
    assert later.exit_code == 0
    assert files(tmp_path / "again") == first


def test_a_rebuild_rewrites_only_what_changed(group: CLI, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(group, site)
    (site / "CNAME").write_text("study.example.org\n")  # the host's, not ours: kept
    before = {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    group("session", "notes", "2", "We ran over.")
    result = group("site", "build", str(site))
    assert "1 file(s) written" in result.stderr
    after = {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed == {"sessions/2.html"}
    assert "We ran over." in (site / "sessions" / "2.html").read_text()
    assert (site / "CNAME").read_text() == "study.example.org\n"
    # a public build after a private one leaves no private page behind
    build(group, site, "--private")
    assert (site / "stats.html").exists()
    result = group("site", "build", str(site))
    assert "1 removed" in result.stderr and not (site / "stats.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".new", ".old")]


def test_a_folder_that_is_not_a_site_is_refused(group: CLI, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    result = group("site", "build", str(mine), code=1)
    assert "holds files and no site built by studygroup" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert [p.name for p in mine.iterdir()] == ["thesis.tex"]
    (tmp_path / "file").write_text("x")
    assert "is a file" in group("site", "build", str(tmp_path / "file"), code=2).stderr


def test_a_bad_base_url_is_refused(group: CLI, tmp_path: Path) -> None:
    result = group("site", "build", str(tmp_path / "s"), "--base-url", "ftp://x/", code=2)
    assert "is not a web address" in result.stderr
    assert not (tmp_path / "s").exists()


def test_subscribe_links_are_absolute_with_a_base_url(group: CLI, tmp_path: Path) -> None:
    build(group, tmp_path / "site", "--base-url", "https://example.org/fsdl/")
    page = (tmp_path / "site" / "subscribe.html").read_text()
    assert '<a href="webcal://example.org/fsdl/calendar.ics">Subscribe</a>' in page
    assert 'href="https://example.org/fsdl/calendar.ics"' in page
    for app in ("Google Calendar", "Apple Calendar", "Outlook"):
        assert f"<h2>{app}</h2>" in page


def test_a_new_course_with_nothing_held_builds(run: CLI, tmp_path: Path) -> None:
    run("course", "add", "c", "New", "--weekday", "mon", "--time", "09:00", "--tz", "UTC")
    build(run, tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text()
    assert "No call is planned yet." in home
    assert (
        "No call has been held yet." in (tmp_path / "site" / "sessions" / "index.html").read_text()
    )


def test_a_crash_before_the_swap_leaves_the_old_site(group: CLI, tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import SCRIPT

    site = tmp_path / "site"
    build(group, site)
    first = files(site)
    group("session", "notes", "1", "Changed.")
    done = subprocess.run(
        [SCRIPT, "--db", group.target, "site", "build", str(site)],
        env={**os.environ, "STUDYGROUP_TEST_CRASH_AT": "site-before-swap"},
        capture_output=True,
        check=False,
    )
    assert done.returncode == -9
    assert files(site) == first
    # the next build clears the crashed one's folder and goes through
    build(group, site)
    assert "Changed." in (site / "sessions" / "1.html").read_text()
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".new", ".old")]
