"""Invitations and the answers to them (iTIP, RFC 5546; iMIP, RFC 6047), as pure rules: the
event's UID, which method an invitation is sent with, and what a reply means.

A reply is matched to a session by its UID and to a member by its ATTENDEE and its sender;
Outlook.com leaves ORGANIZER out of its replies, so ORGANIZER is never needed.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from studygroup.store.enums import Answer

# PARTSTAT in a reply -> the answer it gives; NEEDS-ACTION and DELEGATED give none
ANSWERS = {"ACCEPTED": Answer.YES, "DECLINED": Answer.NO, "TENTATIVE": Answer.MAYBE}


def event_uid(slug: str, created_at: datetime, session_id: int) -> str:
    """A session's UID in every calendar: stable for good (the feed, invitations, replies)."""
    import uuid  # only calendars need it

    key = f"studygroup:{slug}:{created_at.isoformat()}:{session_id}"
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, key)}@studygroup"


def method_for(status: str) -> str:
    """An invitation to a cancelled session is a CANCEL, any other a REQUEST."""
    return "CANCEL" if status == "cancelled" else "REQUEST"


def address(value: str) -> str:
    """'mailto:Ada@Example.org' -> 'ada@example.org' (how addresses are compared)."""
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().casefold()


class Reply(NamedTuple):
    """What one reply says, read from its calendar part and its mail headers."""

    message_id: str
    sender: str  # the From address
    uid: str
    sequence: int
    attendee: str  # the ATTENDEE's address
    partstat: str
    stamp: datetime | None  # DTSTAMP: when they answered


class Verdict(NamedTuple):
    answer: Answer | None  # None: nothing is recorded
    earlier: bool  # it answers an earlier version of the session (a lower SEQUENCE)
    why: str  # for the report


def judge(reply: Reply, member_email: str | None, revision: int) -> Verdict:
    """Whether a reply from a known session's member is recorded, and how. Only a reply
    whose ATTENDEE and sender are both the member's own address counts: anyone can write
    someone else's address into a calendar file."""
    if member_email is None or address(reply.attendee) != address(member_email):
        return Verdict(None, False, "the attendee is not a member of this session")
    if address(reply.sender) != address(member_email):
        return Verdict(None, False, "sent from an address that is not the attendee's")
    answer = ANSWERS.get(reply.partstat.upper())
    if answer is None:
        return Verdict(None, False, f"no answer in it (PARTSTAT {reply.partstat or 'missing'})")
    earlier = reply.sequence < revision
    return Verdict(answer, earlier, "answers an earlier time" if earlier else "recorded")
