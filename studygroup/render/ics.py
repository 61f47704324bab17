"""The course calendar as iCalendar, built with the icalendar library (never by hand)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from studygroup.render.documents import CalendarDocument


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


REFRESH = timedelta(hours=12)  # how often a subscribed calendar should fetch the feed again


class Invitee(NamedTuple):
    """An invitation's one attendee, and who invites them."""

    organizer: str  # the group's mailbox: where answers go
    name: str
    email: str


def calendar_ics(
    doc: CalendarDocument,
    now: datetime | None,
    *,
    alarm_minutes: int | None = None,
    feed: bool = True,
    invitee: Invitee | None = None,
) -> bytes:
    """The course calendar (a feed to subscribe to) or, with feed=False, one session's event
    for an email attachment. `now` is the DTSTAMP (when the file was made); None takes it
    from the data (the event's last change, else the course's creation), so the same data
    gives the same bytes and a calendar sees no change.

    With `invitee`, one session's event is an iTIP invitation (RFC 5546) to that member:
    METHOD:REQUEST, or METHOD:CANCEL for a cancelled session, with ORGANIZER (the group's
    mailbox) and the member as ATTENDEE (RSVP=TRUE, PARTSTAT=NEEDS-ACTION), so their
    calendar updates the event in place and offers Yes / No / Maybe.

    Every event keeps its UID for good; SEQUENCE is the session's revision, which rises with
    every change a calendar must see and never goes down, so calendar apps take a moved,
    cancelled or restored session as a newer version of the same event. Cancelled weeks stay
    in the feed as STATUS:CANCELLED. The call link is LOCATION, URL and (RFC 7986) CONFERENCE.
    """
    from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vText, vUri

    class Text(vText):
        def to_ical(self) -> bytes:
            return escape_text(str(self)).encode()

    calendar = Calendar()
    calendar.add("prodid", "-//studygroup//studygroup//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    method = "PUBLISH"
    if invitee is not None:
        method = "CANCEL" if any(e["status"] == "cancelled" for e in doc["events"]) else "REQUEST"
    calendar.add("method", method)
    calendar.add("x-wr-calname", Text(doc["course"]["title"]))
    calendar.add("x-wr-timezone", doc["course"]["timezone"])
    if feed:
        calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    zone = ZoneInfo(doc["course"]["timezone"])
    first = last = None
    for item in doc["events"]:
        event = Event()
        event.add("uid", item["uid"])
        event.add("sequence", item["sequence"])
        event.add("dtstamp", now or item["modified"] or doc["course"]["created_at"])
        if item.get("modified") is not None:
            event.add("last-modified", item["modified"])
        start = item["starts_at"].astimezone(zone)
        event.add("dtstart", start)
        event.add("dtend", item["ends_at"].astimezone(zone))
        event.add("summary", Text(item["summary"]))
        if invitee is not None:
            event.add(
                "organizer",
                vCalAddress(f"mailto:{invitee.organizer}"),
                parameters={"CN": doc["course"]["title"]},
            )
            event.add(
                "attendee",
                vCalAddress(f"mailto:{invitee.email}"),
                parameters={
                    "CN": invitee.name,
                    "CUTYPE": "INDIVIDUAL",
                    "ROLE": "REQ-PARTICIPANT",
                    "PARTSTAT": "NEEDS-ACTION",
                    "RSVP": "TRUE",
                },
            )
        if item["description"]:
            event.add("description", Text(item["description"]))
        call = item.get("call_url")
        if call:
            event.add("location", Text(call))
            event.add("url", vUri(call))
            event.add(
                "conference",
                vUri(call),
                parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": "Join the call"},
            )
        elif course_url := doc["course"]["url"]:
            event.add("url", vUri(course_url))
        if item["status"] == "cancelled":
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
            if alarm_minutes is not None:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", Text(item["summary"]))
                alarm.add("trigger", timedelta(minutes=-alarm_minutes))
                event.add_component(alarm)
        calendar.add_component(event)
        first = start.date() if first is None else min(first, start.date())
        last = start.date() if last is None else max(last, start.date())
    if first is not None and last is not None:
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    data: bytes = calendar.to_ical()
    return data
