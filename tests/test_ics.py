"""The course calendar, parsed back with icalendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.conftest import CLI


def _calendar(run: CLI, path: Path) -> Calendar:
    run("export", "ics", "-o", str(path))
    return Calendar.from_ical(path.read_bytes())


def test_ics_round_trip_with_stable_uids(run: CLI, tmp_path: Path) -> None:
    run(
        "course",
        "add",
        "fsdl",
        "Full Stack Deep Learning",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--url",
        "https://fullstackdeeplearning.com",
    )
    run("lecture", "add", "fsdl", "1", "Course vision", "--minutes", "50")
    run("member", "add", "Ada")
    run("session", "plan", "--from", "2026-10-20", "--weeks", "3")
    run("talk", "add", "Ada", "Transformers", "--session", "1")
    first = _calendar(run, tmp_path / "a.ics")
    run("session", "cancel", "2")
    second = _calendar(run, tmp_path / "b.ics")

    events = [c for c in first.walk("VEVENT")]
    assert len(events) == 3
    assert [str(t["TZID"]) for t in first.walk("VTIMEZONE")] == ["Europe/London"]
    starts = [e.decoded("DTSTART") for e in events]
    london = ZoneInfo("Europe/London")
    assert [s.astimezone(london).hour for s in starts] == [18, 18, 18]
    assert starts[0] == datetime(2026, 10, 20, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert starts[1] == datetime(2026, 10, 27, 18, 0, tzinfo=ZoneInfo("UTC"))  # after DST
    assert "Lectures: 1 Course vision" in str(events[0]["DESCRIPTION"])
    assert "Talks: Ada: Transformers" in str(events[0]["DESCRIPTION"])
    assert str(events[0]["SUMMARY"]) == "Full Stack Deep Learning — session 1"

    again = list(second.walk("VEVENT"))
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in events]
    assert len({str(e["UID"]) for e in events}) == 3
    assert [str(e["STATUS"]) for e in again] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert "VTIMEZONE" in (tmp_path / "b.ics").read_text()


def test_ics_to_stdout(run: CLI) -> None:
    run("course", "add", "x", "X", "--weekday", "mon", "--time", "09:00", "--tz", "UTC")
    run("session", "plan", "--from", "2026-11-02")
    assert run("export", "ics").stdout.startswith("BEGIN:VCALENDAR")


ZOOM = "https://zoom.us/j/123456?pwd=s3cr3tPass"


def _course_with_call(run: CLI) -> None:
    run(
        "course",
        "add",
        "fsdl",
        "Full Stack Deep Learning",
        "--weekday",
        "tue",
        "--time",
        "18:00",
        "--tz",
        "Europe/London",
        "--call-url",
        ZOOM,
        "--call-note",
        "passcode 4242",
    )
    run("lecture", "add", "fsdl", "1", "Course vision", "--minutes", "50")
    run("session", "plan", "--from", "2026-10-20", "--weeks", "3")


def _events(run: CLI, path: Path, *extra: str) -> dict[int, Any]:
    run("export", "ics", "-o", str(path), *extra)
    calendar = Calendar.from_ical(path.read_bytes())
    return {int(str(e["SUMMARY"]).rsplit(" ", 1)[1]): e for e in calendar.walk("VEVENT")}


def test_sequence_rises_with_every_change_and_never_goes_down(run: CLI, tmp_path: Path) -> None:
    _course_with_call(run)
    before = _events(run, tmp_path / "0.ics")
    assert [int(e["SEQUENCE"]) for e in before.values()] == [0, 0, 0]

    run("session", "move", "2", "--to", "2026-10-28 19:00", "--force")
    moved = _events(run, tmp_path / "1.ics")
    assert int(moved[2]["SEQUENCE"]) == 1  # move: +1
    assert moved[2].decoded("DTSTART") == datetime(2026, 10, 28, 19, 0, tzinfo=ZoneInfo("UTC"))
    assert int(moved[1]["SEQUENCE"]) == 0 and int(moved[3]["SEQUENCE"]) == 0

    run("session", "cancel", "3")
    cancelled = _events(run, tmp_path / "2.ics")
    assert str(cancelled[3]["STATUS"]) == "CANCELLED"  # kept in the feed, marked
    assert int(cancelled[3]["SEQUENCE"]) == 1
    run("session", "uncancel", "3")
    back = _events(run, tmp_path / "3.ics")
    assert str(back[3]["STATUS"]) == "CONFIRMED"
    assert int(back[3]["SEQUENCE"]) == 2  # cancel, uncancel: +2, never back to 0

    run("session", "edit", "1", "--minutes", "120")
    longer = _events(run, tmp_path / "4.ics")
    assert int(longer[1]["SEQUENCE"]) == 1
    assert longer[1].decoded("DTEND") - longer[1].decoded("DTSTART") == timedelta(minutes=120)

    run("course", "edit", "fsdl", "--title", "FSDL 2022")
    renamed = _events(run, tmp_path / "5.ics")
    assert [int(renamed[n]["SEQUENCE"]) for n in (1, 2, 3)] == [2, 2, 3]
    assert str(renamed[1]["SUMMARY"]) == "FSDL 2022 — session 1"
    # the same events throughout
    for later in (moved, cancelled, back, longer, renamed):
        assert {n: str(later[n]["UID"]) for n in before} == {
            n: str(e["UID"]) for n, e in before.items()
        }
    assert run.json("session", "show", "3")["session"]["revision"] == 3


def test_the_call_link_is_location_url_and_conference(run: CLI, tmp_path: Path) -> None:
    _course_with_call(run)
    run("session", "edit", "2", "--call-url", "https://meet.jit.si/fsdl-backup")
    events = _events(run, tmp_path / "a.ics", "--alarm", "30")
    first = events[1]
    assert str(first["LOCATION"]) == ZOOM
    assert str(first["URL"]) == ZOOM
    assert str(first["CONFERENCE"]) == ZOOM
    assert first["CONFERENCE"].params["FEATURE"] == "VIDEO"
    assert str(first["DESCRIPTION"]).startswith(f"Join: {ZOOM} (passcode 4242)\n")
    assert first.decoded("DTSTAMP") == datetime(2027, 3, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
    assert first.decoded("LAST-MODIFIED") <= first.decoded("DTSTAMP")
    # one session's own link; the note was the course's, for the course's link
    assert str(events[2]["LOCATION"]) == "https://meet.jit.si/fsdl-backup"
    assert "passcode" not in str(events[2]["DESCRIPTION"])
    assert int(events[2]["SEQUENCE"]) == 1
    (alarm,) = first.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=30)
    assert str(alarm["ACTION"]) == "DISPLAY"

    calendar = Calendar.from_ical((tmp_path / "a.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Full Stack Deep Learning"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=12)
    text = (tmp_path / "a.ics").read_bytes().decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text
    assert "X-PUBLISHED-TTL:PT12H\r\n" in text

    # back to the course's link: the override is removed, and calendars see it
    run("session", "edit", "2", "--call-url", "")
    again = _events(run, tmp_path / "b.ics")
    assert str(again[2]["LOCATION"]) == ZOOM
    assert int(again[2]["SEQUENCE"]) == 2


def test_the_call_link_shows_on_the_agenda(run: CLI) -> None:
    _course_with_call(run)
    shown = run.json("agenda", "1")
    assert (shown["call_url"], shown["call_note"]) == (ZOOM, "passcode 4242")
    assert f"Join: {ZOOM} (passcode 4242)" in run("agenda", "1").stdout.splitlines()[1]
    markdown = run("export", "agenda", "1").stdout
    assert f"**Join the call:** <{ZOOM}> — passcode 4242" in markdown
    assert run.json("course", "show", "fsdl")["call_url"] == ZOOM


def test_a_bad_call_link_is_refused_without_repeating_it(run: CLI) -> None:
    _course_with_call(run)
    for bad in ("ftp://zoom.us/j/1?pwd=TOPSECRET", "https://zoom.us/j/1?pwd=TOP SECRET", "zoom"):
        for args in (
            ("course", "edit", "fsdl", "--call-url", bad),
            ("session", "edit", "1", "--call-url", bad),
        ):
            result = run(*args, code=1)
            assert "call link must be an http:// or https:// URL" in result.stderr
            assert "SECRET" not in result.output and "SECRET" not in result.stderr
    result = run("course", "edit", "fsdl", "--call-note", "pass\x1bcode", code=1)
    assert "call note must not contain control characters" in result.stderr
    assert run.json("course", "show", "fsdl")["call_url"] == ZOOM
    assert run.json("session", "show", "1")["session"]["revision"] == 0
