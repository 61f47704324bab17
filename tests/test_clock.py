"""Commands that know what time it is: the clock is fixed for each command with
$STUDYGROUP_TEST_NOW, and a month of a group's weeks is replayed against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CLI

# Tuesdays at 18:00 in London: 3, 10, 17 and 24 November 2026 (GMT, so 18:00 UTC)
BEFORE_CALL = "2026-11-10T09:00:00+00:00"  # the morning of session 2
DURING_CALL = "2026-11-10T18:30:00+00:00"
AFTER_CALL = "2026-11-10T21:00:00+00:00"


def at(moment: str) -> dict[str, str]:
    return {"STUDYGROUP_TEST_NOW": moment}


@pytest.fixture
def month(run: CLI) -> CLI:
    run(
        "course", "add", "fsdl", "FSDL", "--weekday", "tue", "--time", "18:00",
        "--tz", "Europe/London",
    )  # fmt: skip
    run("lecture", "add", "fsdl", "1", "One", "--minutes", "60")
    run("member", "add", "Ada")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "4")
    run("session", "close", "1", env=at("2026-11-03T20:00:00+00:00"))
    return run


def test_a_close_before_the_call_is_refused(month: CLI) -> None:
    result = month("session", "close", code=1, env=at(BEFORE_CALL))
    assert result.stderr == (
        "Error: session 2 starts Tue 10 Nov 18:00 Europe/London; "
        "it cannot be closed before it starts\n"
    )
    assert [s["status"] for s in month.json("session", "list", "--all")][:2] == [
        "held",
        "planned",
    ]


def test_a_session_in_progress_closes_only_with_early_and_an_ended_one_closes(
    month: CLI,
) -> None:
    refused = month("session", "close", env=at(DURING_CALL), code=1)
    assert refused.stderr.startswith("Error: session 2 is in progress until ")
    month("session", "close", env=at(AFTER_CALL))
    assert month.json("session", "list", "--all")[1]["status"] == "held"


def test_early_closes_a_session_that_met_before_its_time(month: CLI) -> None:
    month("session", "close", "--early", env=at(BEFORE_CALL))
    assert month.json("session", "list", "--all")[1]["status"] == "held"


def test_attendance_after_the_close_lands_on_the_session_just_held(month: CLI) -> None:
    month("session", "close", env=at(AFTER_CALL))
    month("attend", "Ada", env=at(AFTER_CALL))
    assert month.json("attendance", "2")["present"] == ["Ada"]
    assert month.json("attendance", "3")["present"] == []


def test_attendance_during_the_call_lands_on_it(month: CLI) -> None:
    month("attend", "Ada", env=at(DURING_CALL))
    assert month.json("attendance", "2")["present"] == ["Ada"]


def test_present_before_a_session_starts_is_refused_but_an_excuse_is_taken(month: CLI) -> None:
    result = month("attend", "3", "Ada", code=1, env=at(AFTER_CALL))
    assert result.stderr == (
        "Error: session 3 starts Tue 17 Nov 18:00 Europe/London; "
        "only --excused can be recorded before it starts\n"
    )
    month("attend", "3", "--excused", "Ada", env=at(AFTER_CALL))
    assert month.json("attendance", "3")["excused"] == ["Ada"]


def test_nothing_to_record_before_the_first_session(run: CLI) -> None:
    run("course", "add", "c", "C", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("member", "add", "Ada")
    run("session", "plan", "--from", "2026-11-03", "--weeks", "1")
    result = run("attend", "Ada", code=1, env=at("2026-11-02T12:00:00+00:00"))
    assert result.stderr == "Error: no session of c has started yet; name one with REF\n"


def test_an_item_added_during_the_call_is_due_next_week_and_not_carried(month: CLI) -> None:
    month("item", "add", "Read the paper", env=at(DURING_CALL))
    assert month.json("item", "list")[0]["due_session"] == 3
    month("session", "close", env=at(AFTER_CALL))
    item = month.json("item", "list")[0]
    assert (item["due_session"], item["carried"]) == (3, 0)


def test_an_item_added_after_the_last_planned_session_gets_the_next_one(month: CLI) -> None:
    late = "2026-11-25T09:00:00+00:00"  # after session 4, the last planned
    month("item", "add", "Homework", env=at(late))
    assert month.json("item", "list")[0]["due_session"] == 5
    assert month.json("session", "list")[-1]["local_start"].startswith("2026-12-01T18:00")


def test_an_explicit_due_session_is_taken_as_given(month: CLI) -> None:
    month("item", "add", "Back-filled", "--due", "2", env=at(AFTER_CALL))
    assert month.json("item", "list")[0]["due_session"] == 2


def test_reminders_refuse_a_session_that_has_started_and_is_not_closed(month: CLI) -> None:
    refusal = (
        "session 2 was on Tue 10 Nov and is not closed: close it "
        "('studygroup session close 2') and the reminder will be about Tue 17 Nov"
    )
    result = month("remind", "--outbox", "out", code=1, env=at(AFTER_CALL))
    assert result.stderr == f"Error: {refusal}\n"
    dry = month("remind", env=at(AFTER_CALL))
    assert dry.stderr.startswith(f"warning: {refusal}\n")


def test_reminders_refuse_a_held_session(month: CLI) -> None:
    result = month("remind", "1", "--outbox", "out", code=1, env=at(BEFORE_CALL))
    assert result.stderr == (
        "Error: session 1 was held on Tue 03 Nov; reminders are for sessions to come\n"
    )


def test_a_cancelled_session_gets_a_cancellation_notice_once(month: CLI, tmp_path: Path) -> None:
    from email import message_from_bytes, policy

    month("member", "edit", "Ada", "--email", "ada@example.org")
    month("session", "cancel", "3", env=at(AFTER_CALL))
    outbox = tmp_path / "out"
    month("remind", "3", "--outbox", str(outbox), env=at(AFTER_CALL))
    (sent,) = outbox.iterdir()
    message = message_from_bytes(sent.read_bytes(), policy=policy.default)
    assert message["Subject"] == "FSDL: session 3 on Tue 17 Nov is cancelled"
    assert message.get_body(("plain",)).get_content() == (
        "Hi Ada,\n\nSession 3 of FSDL on Tue 17 Nov is cancelled; the next one is "
        "Tue 24 Nov 18:00 London.\n"
    )
    again = month.json("remind", "3", "--outbox", str(outbox), env=at(AFTER_CALL))
    assert [r["status"] for r in again["reminders"]] == ["already sent"]


def test_the_agenda_warns_of_a_session_that_ended_unclosed(month: CLI) -> None:
    before = month("agenda", env=at(BEFORE_CALL))
    assert before.stderr == ""
    after = month("agenda", env=at(AFTER_CALL))
    assert after.stderr == (
        "warning: session 2 (Tue 10 Nov) ended and is not closed: "
        "close it with 'studygroup session close 2'\n"
    )
    assert after.stdout == before.stdout  # the agenda itself is unchanged
    assert month("export", "agenda", env=at(AFTER_CALL)).stderr == after.stderr


def test_a_session_cannot_move_onto_another_ones_slot(month: CLI) -> None:
    result = month("session", "move", "3", "--to", "2026-11-24 18:00", code=1)
    assert result.stderr == (
        "Error: session 4 is already at Tue 24 Nov 18:00 Europe/London; move or cancel it first\n"
    )


def test_an_upcoming_course_becomes_active_when_its_first_session_starts(month: CLI) -> None:
    month("course", "edit", "fsdl", "--status", "finished")
    month(
        "course", "add", "next", "Next", "--weekday", "thu", "--time", "18:00", "--tz", "UTC",
    )  # fmt: skip
    month("course", "edit", "next", "--status", "upcoming")
    month("session", "plan", "--course", "next", "--from", "2026-11-26", "--weeks", "1")
    refused = month("session", "list", code=1, env=at("2026-11-26T12:00:00+00:00"))
    assert refused.stderr.startswith("Error: no active course")
    listed = month.json("session", "list", env=at("2026-11-26T18:05:00+00:00"))
    assert [s["course"] for s in listed] == ["next"]


def test_exporting_last_week_shows_what_happened(run: CLI) -> None:
    run(
        "course", "add", "c", "Course", "--weekday", "tue", "--time", "18:00", "--tz", "UTC",
        "--pace", "60",
    )  # fmt: skip
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("lecture", "add", "c", "2", "Two", "--minutes", "30")
    for name in ("Ada", "Bob", "Cy"):
        run("member", "add", name)
    run("session", "plan", "--from", "2026-11-03", "--weeks", "2")
    run("talk", "add", "Ada", "Given", "--minutes", "10", "--session", "1")
    run("talk", "add", "Bob", "Out of time", "--minutes", "10", "--session", "1")
    run("attend", "1", "Ada", "Bob", "--absent", "Cy")
    run("session", "close", "1", "--not-covered", "2", "--done-talk", "1")
    page = run("export", "agenda", "1").stdout
    assert (
        "## What happened\n\n- Covered: Lecture 1: One\n- Not covered (moved on): Lecture 2: Two\n"
        in page
    )
    assert "- Talks given: Ada: Given\n- Present (2): Ada, Bob\n- Absent (1): Cy\n" in page
    assert "Next week" not in page and "Watch beforehand" not in page
    assert "postponed from session 1" not in page  # not on session 1's own page
    assert "postponed from session 1" in run("export", "agenda", "2").stdout
    from icalendar import Calendar

    (held, _planned) = Calendar.from_ical(run("export", "ics").stdout_bytes).walk("VEVENT")
    assert str(held["DESCRIPTION"]) == "Lectures: 1 One\nTalks: Ada: Given"


def test_a_talk_cannot_be_done_before_its_session_starts(month: CLI) -> None:
    month("talk", "add", "Ada", "Transformers", "--minutes", "20", "--session", "2")
    result = month("talk", "done", "1", code=1, env=at(BEFORE_CALL))
    assert result.stderr == (
        "Error: talk 1 is on session 2, which starts Tue 10 Nov 18:00 Europe/London; "
        "it cannot be done before then\n"
    )
    month("talk", "done", "1", env=at(DURING_CALL))
    assert month.json("talk", "list", "--all")[0]["status"] == "done"


def test_an_email_is_dated_by_the_one_clock(month: CLI, tmp_path: Path) -> None:
    from email import message_from_bytes, policy

    month("member", "edit", "Ada", "--email", "ada@example.org")
    month("remind", "--outbox", str(tmp_path / "out"), env=at(BEFORE_CALL))
    (sent,) = (tmp_path / "out").iterdir()
    message = message_from_bytes(sent.read_bytes(), policy=policy.default)
    assert message["Date"] == "Tue, 10 Nov 2026 09:00:00 +0000"
