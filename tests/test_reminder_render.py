"""The reminder renderer, directly: a message's plain text is always the text of its blocks
(the HTML part is made from the same blocks), however the run's shared parts are reused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from studygroup.render.reminder import (
    LISTED,
    Message,
    cancellation_messages,
    html_of,
    reminder_messages,
    text_of,
)


def _doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "course": {"title": "FSDL"},
        "session": {
            "number": 7,
            "timezone": "Europe/London",
            "local_start": "2026-12-05T18:00:00+00:00",
            "starts_at": "2026-12-05T18:00:00+00:00",
            "minutes": 90,
            "status": "planned",
        },
        "watch": [
            {
                "label": "10",
                "title": "Deployment",
                "kind": "lecture",
                "part": None,
                "video_minutes": 90,
                "url": "https://example.org/10",
            },
            {
                "label": "9",
                "title": "Guest talk",
                "kind": "guest",
                "part": "1/2",
                "video_minutes": None,
                "url": None,
            },
        ],
        "action_items": [
            {"text": f"Group task {n}", "owner": None, "carried": n % 3} for n in range(12)
        ]
        + [{"text": "Asha's task", "owner": "Asha", "carried": 0}],
        "poll": {"title": "Next course", "options": ["fast.ai", "FSDL 2027"], "closes": None},
        "talks": [
            {
                "talk_id": 1,
                "title": "Serving",
                "minutes": 30,
                "postponed": 1,
                "presenter": "Asha",
                "presenters": ["Asha", "Ben"],
            },
        ],
        "entries": [{"talk_id": None, "minutes": 10}, {"talk_id": 1, "minutes": 30}],
        "call_url": "https://meet.example.org/abc",
        "call_note": "code 123",
        "host": "Ben",
        "notes_by": "Carla",
        "next": None,
    }
    doc.update(changes)
    return doc


PEOPLE = [
    {"name": "Asha", "greeting": None, "timezone": "Asia/Kolkata", "told": None,
     "items": [{"id": 1, "text": "Asha's task", "carried": 2}]},
    {"name": "Ben", "greeting": "Benji", "timezone": "America/New_York", "told": None,
     "items": []},
    {"name": "Carla", "greeting": None, "timezone": None,
     "told": {"kind": "reminder", "starts_at": datetime(2026, 12, 4, 18, tzinfo=UTC)},
     "items": []},
    {"name": "Dev", "greeting": None, "timezone": "Asia/Kolkata",
     "told": {"kind": "cancellation"}, "items": []},
]  # fmt: skip


@pytest.mark.parametrize(
    "doc",
    [
        _doc(),
        _doc(
            watch=[],
            action_items=[],
            poll=None,
            talks=[],
            call_url=None,
            call_note=None,
            host=None,
            notes_by=None,
        ),
        _doc(call_url=None),
    ],
    ids=["everything", "nothing shared", "call note only"],
)
def test_a_messages_text_is_the_text_of_its_blocks(doc: dict[str, Any]) -> None:
    messages = list(reminder_messages(doc, PEOPLE))
    assert [m.kind for m in messages] == ["reminder", "reminder", "change", "change"]
    for message in messages:
        assert message.text == text_of(message.blocks)
        assert "Hi " in html_of(message.blocks)


def test_each_member_reads_their_own_time_roles_and_items() -> None:
    asha, ben, carla, dev = reminder_messages(_doc(), PEOPLE)
    assert asha.subject == "FSDL: session 7, Sat 05 Dec 18:00 London"
    assert asha.text == (
        "Hi Asha,\n\n"
        "Session 7 of FSDL is on Sat 05 Dec 18:00 London — 23:30 your time (Asia/Kolkata), "
        "for 90 minutes.\n\n"
        "Join the call: https://meet.example.org/abc (code 123)\n\n"
        'You present "Serving" (30 min) at Sat 05 Dec 18:10 London — 23:40 your time '
        "(Asia/Kolkata). It was postponed 1×, so it goes first this time.\n\n"
        "Please watch beforehand:\n"
        "  - Lecture 10: Deployment, 90 min  https://example.org/10\n"
        "  - Guest: Guest talk (part 1/2)\n\n"
        "Your open action items:\n"
        "  - Asha's task (carried ×2)\n\n"
        "For everyone:\n"
        + "".join(
            f"  - Group task {n}" + (f" (carried ×{n % 3})" if n % 3 else "") + "\n"
            for n in range(LISTED)
        )
        + "  - … and 2 more on the agenda\n\n"
        "Vote for the next course: Next course. Reply with the numbers of the options in your "
        'order of preference (e.g. "2 1").\n'
        "  1. fast.ai\n"
        "  2. FSDL 2027\n\n"
        "See you there!\n"
    )
    assert "Hi Benji," in ben.text
    assert "You are hosting this week." in ben.text
    assert 'You present "Serving"' in ben.text  # a co-presenter sees the slot too
    assert "You are taking the notes this week." in carla.text
    assert "for 90 minutes." in carla.text and "your time" not in carla.text  # course zone
    assert carla.subject == "FSDL: session 7 moved to Sat 05 Dec 18:00 London"
    assert dev.subject.startswith("FSDL: session 7 is back on")


def test_a_cancellation_names_the_next_session_in_each_members_zone() -> None:
    doc = _doc(
        session={**_doc()["session"], "status": "cancelled"},
        next={"local_start": "2026-12-12T18:00:00+00:00"},
    )
    messages = list(cancellation_messages(doc, PEOPLE[:2]))
    assert all(isinstance(m, Message) and m.kind == "cancellation" for m in messages)
    assert messages[0].subject == "FSDL: session 7 on Sat 05 Dec is cancelled"
    assert messages[0].text == (
        "Hi Asha,\n\nSession 7 of FSDL on Sat 05 Dec is cancelled; the next one is "
        "Sat 12 Dec 18:00 London — 23:30 your time (Asia/Kolkata).\n"
    )
    for message in messages:
        assert message.text == text_of(message.blocks)
