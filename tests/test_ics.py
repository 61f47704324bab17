"""The course calendar, parsed back with icalendar."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
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
