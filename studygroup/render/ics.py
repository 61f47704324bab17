"""The course calendar as iCalendar, built with the icalendar library (never by hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def calendar_ics(doc: dict[str, Any], now: datetime | None = None) -> bytes:
    from icalendar import Calendar, Event, vText

    calendar = Calendar()
    calendar.add("prodid", "-//studygroup//studygroup//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(doc["course"]["title"]))
    calendar.add("x-wr-timezone", doc["course"]["timezone"])
    stamp = now or datetime.now(UTC)
    zone = ZoneInfo(doc["course"]["timezone"])
    first = last = None
    for item in doc["events"]:
        event = Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", stamp)
        start = item["starts_at"].astimezone(zone)
        event.add("dtstart", start)
        event.add("dtend", item["ends_at"].astimezone(zone))
        event.add("summary", item["summary"])
        if item["description"]:
            event.add("description", item["description"])
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
        calendar.add_missing_timezones(first_date=first - timedelta(days=366),
                                       last_date=last + timedelta(days=366))
    data: bytes = calendar.to_ical()
    return data
