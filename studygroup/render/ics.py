"""The course calendar as iCalendar, built with the icalendar library (never by hand)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping. (icalendar's own first turns a literal backslash-N into a line
    break, so a title containing "\\N" would change.)"""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def calendar_ics(doc: dict[str, Any], now: datetime) -> bytes:
    """The course calendar; `now` is the DTSTAMP (when the file was made)."""
    from icalendar import Calendar, Event, vText

    class Text(vText):
        def to_ical(self) -> bytes:
            return escape_text(str(self)).encode()

    calendar = Calendar()
    calendar.add("prodid", "-//studygroup//studygroup//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", Text(doc["course"]["title"]))
    calendar.add("x-wr-timezone", doc["course"]["timezone"])
    stamp = now
    zone = ZoneInfo(doc["course"]["timezone"])
    first = last = None
    for item in doc["events"]:
        event = Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        start = item["starts_at"].astimezone(zone)
        event.add("dtstart", start)
        event.add("dtend", item["ends_at"].astimezone(zone))
        event.add("summary", Text(item["summary"]))
        if item["description"]:
            event.add("description", Text(item["description"]))
        if doc["course"].get("url"):
            event.add("url", doc["course"]["url"])
        if item["status"] == "cancelled":
            event.add("status", "CANCELLED")
            event.add("sequence", 1)
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
        first = start.date() if first is None else min(first, start.date())
        last = start.date() if last is None else max(last, start.date())
    if first is not None and last is not None:
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    data: bytes = calendar.to_ical()
    return data
