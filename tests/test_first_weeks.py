"""A new organiser's first weeks (issue 26): each defect that real use hit, as a test through
the CLI that failed before its fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import CLI
from tests.test_call_reports import ZOOM_CLASSIC

# Sessions are Saturdays 17:00 UTC from 31 Oct 2026; it is the evening of 7 Nov (session 2).


@pytest.fixture(autouse=True)
def after_session_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-07T19:00:00+00:00")


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
    run("member", "add", "Daniel Okafor")
    run("member", "add", "Arjun Sharma", "--handle", "arjun")
    run("member", "add", "Grace Hopper")
    run("session", "plan", "--from", "2026-10-31", "--weeks", "3")
    return run


def stored_minutes(engine: sa.Engine, number: int) -> dict[str, int | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT m.name, a.minutes FROM attendance a JOIN members m ON m.id = a.member_id"
                " JOIN sessions s ON s.id = a.session_id WHERE s.number = :n ORDER BY m.name"
            ),
            {"n": number},
        )
        return {name: minutes for name, minutes in rows}


# -- 2. an import never erases what its file does not carry ---------------------------------


def test_a_plain_list_never_erases_minutes_and_a_second_import_asks_for_yes(
    group: CLI,
    db: str,
    tmp_path: Path,
    engine_for: Callable[[str], sa.Engine],
    snapshot: Callable[[], Any],
) -> None:
    zoom = tmp_path / "zoom.csv"
    zoom.write_text(ZOOM_CLASSIC)
    group("attend", "import", str(zoom))
    engine = engine_for(db)
    before_minutes = stored_minutes(engine, 2)
    assert before_minutes == {"Ada Lovelace": 82, "Arjun Sharma": 90, "Daniel Okafor": 5}
    plain = tmp_path / "list.txt"
    plain.write_text("Ada Lovelace\nGrace Hopper\n")
    before = snapshot()
    refused = group("attend", "import", "2", str(plain), code=1)
    assert refused.stderr == (
        "Error: session 2 already has imported attendance for 3 member(s); this import would "
        "change 0 and add 1; nothing written: check the lines above, then run again with --yes\n"
    )
    assert "present  Grace Hopper" in refused.stdout  # what it would do, shown
    assert snapshot() == before
    dry = group("attend", "import", "2", str(plain), "--dry-run")
    assert "caution  session 2 already has imported attendance" in dry.stdout
    group("attend", "import", "2", str(plain), "--yes")
    # the list has no minutes: the stored minutes stay, Grace has none
    assert stored_minutes(engine, 2) == {**before_minutes, "Grace Hopper": None}


def test_an_undated_list_into_a_session_weeks_ago_asks_for_yes(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-21T19:00:00+00:00")  # session 4's day
    plain = tmp_path / "list.txt"
    plain.write_text("Ada Lovelace\n")
    before = snapshot()
    refused = group("attend", "import", "1", str(plain), code=1)
    assert refused.stderr.startswith(
        "Error: the file has no date and session 1 was on Sat 31 Oct, more than a week from "
        "today; nothing written"
    )
    assert snapshot() == before
    group("attend", "import", "1", str(plain), "--yes")
    assert group.json("attendance", "1")["present"] == ["Ada Lovelace"]
    group("attend", "import", "3", str(plain))  # a week ago is fine


# -- 3. nothing becomes invisible -----------------------------------------------------------


def test_an_item_due_at_a_held_or_cancelled_session_is_refused(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    group("session", "close", "1")
    group("session", "cancel", "3")
    before = snapshot()
    held = group("item", "add", "Lost homework", "--due", "1", code=1)
    assert held.stderr == (
        "Error: session 1 is held, and an item due there would never be shown or carried; "
        "the next planned session is 2 (Sat 07 Nov)\n"
    )
    cancelled = group("item", "add", "Lost homework", "--due", "3", code=1)
    assert cancelled.stderr.startswith("Error: session 3 is cancelled, and an item due there")
    assert snapshot() == before
    group("item", "add", "Kept homework", "--due", "2")
    item = group.json("item", "list")[0]
    moved = group("item", "due", str(item["id"]), "1", code=1)
    assert moved.stderr.startswith("Error: session 1 is held, and an item due there")


def test_a_postponed_talk_waits_while_its_presenter_is_excused(group: CLI) -> None:
    group("session", "close", "1")
    group("talk", "add", "Ada", "Ada's talk", "--minutes", "10", "--session", "2")
    group("session", "close", "2")  # Ada's talk is postponed to session 3
    group("talk", "add", "Grace", "Grace's talk", "--minutes", "10")
    assert [t["title"] for t in group.json("talk", "list")] == ["Ada's talk", "Grace's talk"]
    titles = [e["title"] for e in group.json("agenda", "3")["entries"] if e["kind"] == "talk"]
    assert titles == ["Ada's talk", "Grace's talk"]
    group("attend", "3", "--excused", "Ada")
    shown = group.json("agenda", "3")
    assert [e["title"] for e in shown["entries"] if e["kind"] == "talk"] == ["Grace's talk"]
    assert [t["title"] for t in shown["waiting"]] == ["Ada's talk"]
    assert (
        "Talks waiting for a later week (first in line next time): #1 Ada's talk"
        in group("agenda", "3").stdout
    )
    group("session", "plan", "--weeks", "1", "--from", "2026-11-21")
    later = group.json("agenda", "4")["entries"]
    assert [e["title"] for e in later if e["kind"] == "talk"][0] == "Ada's talk"


def test_a_postponed_talk_held_back_by_the_cap_is_listed_as_waiting(group: CLI) -> None:
    group("course", "edit", "c", "--max-talks", "1")
    group("talk", "add", "Ada", "First", "--minutes", "10", "--session", "2")
    group("talk", "add", "Grace", "Second", "--minutes", "10", "--session", "2")
    shown = group.json("agenda", "2")
    assert [e["title"] for e in shown["entries"] if e["kind"] == "talk"] == ["First"]
    assert [t["title"] for t in shown["waiting"]] == ["Second"]
    markdown = group("export", "agenda", "2").stdout
    assert "Talks waiting for a later week (first in line next time): Grace Hopper: Second." in (
        markdown
    )


# -- 4. moves and schedule changes are checked ----------------------------------------------


def test_a_move_onto_another_session_or_into_the_past_is_refused(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    before = snapshot()
    overlap = group("session", "move", "3", "--to", "2026-11-07 18:00", code=1)
    assert overlap.stderr == (
        "Error: at Sat 07 Nov 18:00 UTC session 3 would overlap session 2 "
        "(Sat 07 Nov 17:00 UTC, 90 min); --force to move it all the same\n"
    )
    past = group("session", "move", "3", "--to", "2026-11-05 17:00", code=1)
    assert past.stderr == (
        "Error: Thu 05 Nov 17:00 UTC is in the past: a session is moved to a time still to "
        "come (--force to record that the group met then)\n"
    )
    assert snapshot() == before
    moved = group("session", "move", "3", "--to", "2026-11-22 17:00")
    assert moved.stderr == "session 3 now starts Sun 22 Nov 2026 17:00 UTC\n"
    group("session", "plan", "--from", "2026-11-14", "--weeks", "1")  # a new Sat 14 Nov
    assert [s["local_start"][:10] for s in group.json("session", "list")][-2:] == [
        "2026-11-14",
        "2026-11-22",
    ]
    renumbered = group("session", "move", "4", "--to", "2026-11-13 17:00")
    assert renumbered.stderr == "session 4 (now session 3) now starts Fri 13 Nov 2026 17:00 UTC\n"
    forced = group("session", "move", "3", "--to", "2026-11-07 18:00", "--force")
    assert forced.stderr == "session 3 now starts Sat 07 Nov 2026 18:00 UTC\n"  # after session 2


def test_a_schedule_change_says_what_it_did_and_reschedule_moves_the_planned_weeks(
    group: CLI,
) -> None:
    changed = group("course", "edit", "c", "--weekday", "sun", "--time", "15:00")
    assert changed.stderr == (
        "updated course c\n"
        "1 planned session(s) keep their day, time and length "
        "('--reschedule' moves them to Sun 15:00 UTC, 90 min)\n"
    )
    assert [s["local_start"][:16] for s in group.json("session", "list")] == [
        "2026-10-31T17:00",
        "2026-11-07T17:00",
        "2026-11-14T17:00",
    ]
    moved = group("course", "edit", "c", "--weekday", "sun", "--minutes", "60", "--reschedule")
    assert moved.stderr == (
        "updated course c\nmoved 1 planned session(s) to Sun 15:00 UTC, 60 min\n"
    )
    shown = group.json("session", "list")
    assert [(s["local_start"][:16], s["minutes"]) for s in shown] == [
        ("2026-10-31T17:00", 90),  # started: what it was
        ("2026-11-07T17:00", 90),
        ("2026-11-15T15:00", 60),  # the Sunday of its own week
    ]


# -- 5. syllabus order is the file's order -------------------------------------------------


def test_a_label_inserted_mid_file_lands_where_the_file_puts_it(group: CLI, tmp_path: Path) -> None:
    syllabus = tmp_path / "syllabus.csv"
    syllabus.write_text("label,title,minutes\n1,One,30\n2,Two,30\n3,Three,30\n")
    first = group("course", "import", "c", str(syllabus))
    assert first.stderr == "imported 2 new and 0 updated lecture(s)\n"
    syllabus.write_text(
        "label,title,minutes\n1,One,30\n2,Two,30\n2b,Two and a half,20\n3,Three,30\n"
    )
    again = group("course", "import", "c", str(syllabus))
    assert again.stderr == "imported 1 new and 0 updated lecture(s)\n"  # only what changed
    assert [lec["label"] for lec in group.json("lecture", "list", "c")] == ["1", "2", "2b", "3"]
    moved = group("lecture", "move", "c", "3", "--before", "2")
    assert moved.stderr == "lecture 3 moved; the order is now 1 3 2 2b\n"
    assert [lec["label"] for lec in group.json("lecture", "list", "c")] == ["1", "3", "2", "2b"]
    assert group("lecture", "move", "c", "3", code=2).stderr.endswith(
        "Error: give one of --before LABEL and --after LABEL\n"
    )


# -- 6. a close during the call warns ------------------------------------------------------


def test_a_close_during_the_call_needs_early(
    group: CLI, snapshot: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    group("session", "close", "1")
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-07T17:45:00+00:00")  # mid-call
    before = snapshot()
    refused = group("session", "close", code=1)
    assert refused.stderr == (
        "Error: session 2 is in progress until 18:30 UTC; close it after the call "
        "(--early if it has ended already)\n"
    )
    assert snapshot() == before
    group("session", "close", "--early")
    assert group.json("session", "show", "2")["session"]["status"] == "held"


# -- 9. Excel in any language ---------------------------------------------------------------


def test_a_syllabus_resaved_by_german_excel_reads_its_booleans(group: CLI, tmp_path: Path) -> None:
    syllabus = tmp_path / "syllabus.csv"
    syllabus.write_bytes(
        "label;title;minutes;optional\r\n2;Zwei;40;FALSCH\r\n3;Gastvortrag;50;WAHR\r\n".encode(
            "cp1252"
        )
    )
    group("course", "import", "c", str(syllabus))
    shown = {lec["label"]: lec["optional"] for lec in group.json("lecture", "list", "c")}
    assert shown == {"1": False, "2": False, "3": True}


# -- 10. two more call reports, and a clear word for the rest --------------------------------

# Webex's attendee report: the fields Webex documents for a meeting attendee report
# (developer.webex.com, Meeting Attendee Reports: displayName, email, joinedTime, leftTime,
# duration in minutes, participantType), as the CSV export names them; one row per join.
WEBEX = (
    "Meeting Number,Meeting Title,Display Name,Email,Joined Time,Left Time,Duration,"
    "Participant Type,Client Agent\n"
    "123456789,FSDL study group,Ada Lovelace,ada@example.org,11/07/2026 04:58:30 PM,"
    '11/07/2026 06:20:00 PM,82,host,"WINDOWS,CHROME"\n'
    "123456789,FSDL study group,Arjun,,11/07/2026 05:00:00 PM,11/07/2026 06:00:00 PM,60,"
    'attendee,"MAC,FIREFOX"\n'
    "123456789,FSDL study group,Arjun,,11/07/2026 05:30:00 PM,11/07/2026 06:30:00 PM,60,"
    'attendee,"IPHONE,APP"\n'
)

# BigBlueButton's learning dashboard "Download session data": the header and quoting of
# makeUserCSVData (bbb-learning-dashboard/src/services/UserService.js); Join and Left in the
# browser's en-US format, Duration HH:MM:SS, one poll column, and the Anonymous row.
BBB = (
    "Name,Moderator,Activity Score,Talk Time,Webcam Time,Messages,Reactions,Poll Votes,"
    "Raise Hands,Join,Left,Duration,Which lecture next?\r\n"
    '"Ada Lovelace","TRUE","0","00:20:11","-","4","0","0","0","11/7/2026, 04:58:30 PM",'
    '"11/7/2026, 06:29:00 PM","01:30:30","-"\r\n'
    '"Grace Hopper","FALSE","3.5","00:02:00","00:40:00","2","1","1","1",'
    '"11/7/2026, 05:10:00 PM","-","00:08:00","5"\r\n'
    '"Anonymous","","","","","","","","","","","",""'
)


def test_webex_and_bigbluebutton_reports_with_durations(group: CLI, tmp_path: Path) -> None:
    webex = tmp_path / "attendees.csv"
    webex.write_text(WEBEX)
    result = group.json("attend", "import", str(webex), "--dry-run")
    assert (result["format"], result["session"], result["chosen_by"]) == ("webex", 2, "date")
    # Arjun's two devices overlap: 17:00-18:30 is 90 minutes, capped at the session's 90
    assert {p["member"]: p["minutes"] for p in result["people"]} == {
        "Ada Lovelace": 82,
        "Arjun Sharma": 90,
    }
    bbb = tmp_path / "session-data.csv"
    bbb.write_text(BBB)
    result = group.json("attend", "import", str(bbb), "--min-minutes", "15")
    assert (result["format"], result["session"]) == ("bbb", 2)
    assert {p["member"]: p["minutes"] for p in result["people"]} == {
        "Ada Lovelace": 90,
        "Grace Hopper": 8,
    }
    assert group.json("attendance", "2")["present"] == ["Ada Lovelace"]


def test_a_file_in_no_known_layout_and_a_wrong_format_are_one_line(
    group: CLI, tmp_path: Path
) -> None:
    odd = tmp_path / "export.csv"
    odd.write_text("a,b,c,d,e,f,g,h,i,j,k\n1,2,3,4,5,6,7,8,9,10,11\n")
    unknown = group("attend", "import", "2", str(odd), code=1)
    assert unknown.stderr == (
        "Error: export.csv is not a call report I know (its first line: "
        "'a,b,c,d,e,f,g,h,i,j,k'); see 'studygroup attend import --formats'\n"
    )
    zoom = tmp_path / "zoom.csv"
    zoom.write_text(ZOOM_CLASSIC)
    for fmt in ("meet", "teams", "teams-log", "webex", "bbb"):
        wrong = group("attend", "import", str(zoom), "--format", fmt, code=1)
        assert wrong.stderr == (
            f"Error: zoom.csv is not a {fmt} report (it reads as zoom: Zoom participant report "
            "(classic, unique users, current portal; details block or not)); see "
            "'studygroup attend import --formats'\n"
        )
    plain = tmp_path / "list.txt"
    plain.write_text("Ada Lovelace\n")
    assert group("attend", "import", str(plain), "--format", "zoom", code=1).stderr.startswith(
        "Error: list.txt is not a zoom report (it reads as plain: a list of names"
    )


# -- 11. Teams: everyone in "2. Participants" counts ---------------------------------------


def test_a_teams_participant_missing_from_the_activities_counts(group: CLI, tmp_path: Path) -> None:
    from tests.test_call_reports import TEAMS

    with_grace = TEAMS.replace(
        "\n\n3. In-Meeting Activities",
        "\nGrace Hopper\t07/11/26, 17:05:00\t07/11/26, 18:25:00\t1h 20m\t\t\tAttendee"
        "\n\n3. In-Meeting Activities",
    )
    report = tmp_path / "teams.csv"
    report.write_bytes(b"\xff\xfe" + with_grace.replace("\n", "\r\n").encode("utf-16-le"))
    result = group.json("attend", "import", str(report))
    assert {p["member"]: p["minutes"] for p in result["people"]} == {
        "Ada Lovelace": 90,
        "Daniel Okafor": 62,
        "Grace Hopper": 80,
    }


# -- 12. the rota ---------------------------------------------------------------------------


def roles_of(group: CLI, ref: str) -> tuple[str | None, str | None]:
    shown = group.json("agenda", ref)
    return shown["host"], shown["notes_by"]


def test_the_rota_gives_two_people_skips_cancelled_turns_and_fills_the_closed_weeks_next(
    group: CLI,
) -> None:
    for name in ("ada", "grace"):
        group("member", "edit", name, "--rota", "host,notes")
    group("session", "plan", "--weeks", "1", "--from", "2026-11-07")  # fills empty roles
    for ref in ("1", "2", "3"):
        host, notes = roles_of(group, ref)
        assert host is not None and notes is not None and host != notes, (ref, host, notes)
    # session 3 is cancelled: its host's turn was not used, so they host the next week made
    host_3, _ = roles_of(group, "3")
    cancelled = group("session", "cancel", "3")  # creates session 4
    host_4, notes_4 = roles_of(group, "4")
    assert f"session 4: {host_4} hosts" in cancelled.stdout
    assert host_4 == host_3 and notes_4 is not None and notes_4 != host_4
    group("session", "close", "1")
    group("session", "close", "2")
    closed = group("session", "close", "4", "--early")  # creates session 5, roles filled
    host_5, notes_5 = roles_of(group, "5")
    assert f"session 5: {host_5} hosts" in closed.stdout
    assert host_5 is not None and notes_5 is not None and host_5 != notes_5


# -- 13. the recap says what happened -------------------------------------------------------


def test_the_recap_keeps_links_counts_absentees_and_lists_what_moved_on(group: CLI) -> None:
    from markdown_it import MarkdownIt

    group("session", "close", "1")
    group("talk", "add", "Ada", "Ada's talk", "--minutes", "10", "--session", "2")
    group("item", "add", "Finish lab 1", "--owner", "Grace", "--due", "2")
    group("attend", "2", "Ada Lovelace", "Arjun Sharma")
    group(
        "session",
        "notes",
        "2",
        "Slides: [the deck](https://example.org/deck_v2) and https://example.org/a_b.\n"
        "<script>alert(1)</script> [click](javascript:alert(1)) **bold** stays",
    )
    group("session", "close", "2")
    recap = group("export", "recap", "2").stdout
    html = MarkdownIt("commonmark").render(recap)
    assert '<a href="https://example.org/deck_v2">the deck</a>' in html
    assert '<a href="https://example.org/a_b">https://example.org/a_b</a>.' in html
    assert "<strong>bold</strong> stays" in html
    assert "<script" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; click <strong>" in html
    # Daniel and Grace, members since before the call, have no record: absent
    assert "2 present, 2 absent, 0 excused" in recap
    assert group.json("attendance", "2")["absent"] == ["Daniel Okafor", "Grace Hopper"]
    moved = recap.split("## Moved on to session 3\n\n", 1)[1].split("\n\n", 1)[0]
    assert moved.splitlines() == [
        "- Ada's talk — Ada Lovelace (talk postponed)",
        "- #1 Finish lab 1 — Grace Hopper (carried)",
    ]


def test_a_cancelled_sessions_recap_says_so_and_decisions_are_those_made_by_then(
    group: CLI, tmp_path: Path
) -> None:
    group("session", "close", "1")
    group("session", "close", "2")
    group("poll", "create", "Next course")
    for option in ("fast.ai", "FSDL"):
        group("poll", "add-option", "1", option)
    group("poll", "vote", "1", "Ada", "1")
    group("poll", "close", "1")  # after session 2 ended: a decision of the week after
    group("session", "cancel", "3")
    cancelled = group("export", "recap", "3").stdout
    assert "Session 3 was cancelled; what it had moved to session 4." in cancelled
    assert "## Decisions\n\n- Next course: fast\\.ai" in cancelled
    held = group("export", "recap", "2").stdout
    assert "Decisions" not in held  # closed after session 2: not one of its decisions


# -- 14. talks ------------------------------------------------------------------------------


def test_talks_show_on_hold_their_planned_session_and_every_presenter(group: CLI) -> None:
    group("talk", "add", "Ada", "Paired talk", "--minutes", "10", "--with", "Grace")
    group("talk", "add", "Arjun", "Held talk", "--minutes", "10")
    group("talk", "hold", "2")
    listed = group("talk", "list").stdout
    assert "queued, on hold" in listed
    assert "1 (planned)" in listed  # a queued talk on session 1's agenda
    assert "Status:    queued, on hold" in group("talk", "show", "2").stdout
    assert group.json("talk", "show", "1")["planned"] == 1
    closed = group("session", "close", "1")
    assert "Paired talk (Ada Lovelace & Grace Hopper, postponed ×1)" in closed.stdout


# -- 15. names ------------------------------------------------------------------------------


def test_names_on_calls_devices_emoji_bots_and_what_add_unknown_never_makes(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    report = tmp_path / "list.txt"
    report.write_text(
        "Display Name,Email\n"  # a chat's export header: skipped
        "Arjun Sharmaa (Arjun's iPhone)\n"
        "Grac Hopper 🎧\n"
        "Otter.ai\n"
        "Meeting Recorder\n"
    )
    group("member", "ignore", "Meeting Recorder")
    dry = group("attend", "import", "2", str(report), "--dry-run")
    assert dry.stdout.splitlines()[2:] == [
        "unknown  Arjun Sharmaa (Arjun's iPhone)  (did you mean Arjun Sharma?)",
        "unknown  Grac Hopper 🎧  (did you mean Grace Hopper?)",
    ]
    assert group.json("member", "ignore") == ["Meeting Recorder"]
    added = group.json("attend", "import", "2", str(report), "--add-unknown")
    assert added["added"] == ["Arjun Sharmaa", "Grac Hopper"]  # no device, no emoji, no bot
    # an unbalanced bracket and a second spelling of one name make no member
    odd = tmp_path / "odd.txt"
    odd.write_text("Dana (Guest\ndana\nDANA\n")
    before = snapshot()
    refused = group("attend", "import", "2", str(odd), "--add-unknown", "--yes", code=1)
    assert "'Dana (Guest' looks like several fields, not a name" in refused.stderr
    assert snapshot() == before
    odd.write_text("dana\nDana (she/her)\n")
    made = group.json("attend", "import", "2", str(odd), "--add-unknown", "--yes")
    assert (
        made["added"] == ["dana", "Dana"]
        and len([m for m in group.json("member", "list") if m["name"].casefold() == "dana"]) == 1
    )
    email = group("member", "add", "ada@example.org", code=1)
    assert email.stderr == (
        "Error: 'ada@example.org' is an email address, not a name; give it as --email\n"
    )


def test_an_alias_cannot_take_another_members_identity(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    for alias, what in (
        ("arjun", "handle of the member Arjun Sharma"),
        ("@arjun", "handle of the member Arjun Sharma"),
        ("ADA@example.org", "email of the member Ada Lovelace"),
        ("Lovelace, Ada", "name, reversed of the member Ada Lovelace"),
    ):
        refused = group("member", "alias", "add", "Grace", alias, code=1)
        assert refused.stderr == f"Error: {alias!r} is the {what}\n"
    report = tmp_path / "list.txt"
    report.write_text("arjun\n")
    before = snapshot()
    matched = group("attend", "import", "2", str(report), "--match", "arjun=Ada Lovelace", code=1)
    assert matched.stderr == "Error: 'arjun' is the handle of the member Arjun Sharma\n"
    assert snapshot() == before


# -- 16. dry runs show what would happen; whose undo (issue 27, item 8) ----------------------


def test_undo_dry_run_writes_nothing_and_a_plain_undo_takes_back_only_your_own(
    group: CLI, snapshot: Callable[[], Any]
) -> None:
    ann, bob = {"STUDYGROUP_USER": "ann"}, {"STUDYGROUP_USER": "bob"}
    group("item", "add", "Ann's item", "--due", "2", env=ann)
    group("member", "add", "Zed", env=bob)
    before = snapshot()
    dry = group("undo", "--dry-run", env=ann)
    assert dry.stdout.startswith("would undo #")
    assert "item add" in dry.stdout and "action_items: 1 removed" in dry.stdout
    assert dry.stderr == "dry run: nothing written\n"
    assert snapshot() == before
    undone = group("undo", env=ann)  # Ann's own entry, not Bob's newer one
    assert "item add" in undone.stderr and "member add" not in undone.stderr
    assert [m["name"] for m in group.json("member", "list")][-1] == "Zed"
    nothing = group("undo", env=ann, code=1)
    bobs = group.json("log", "--limit", "2")
    newest_bob = next(e for e in bobs if e["who"] == "bob")
    assert nothing.stderr.startswith(
        f"Error: nothing of ann's to undo; the newest entry is #{newest_bob['id']} by bob"
    )
    taken = group("undo", str(newest_bob["id"]), env=ann)
    assert taken.stderr.endswith(", bob's\n")


# -- 17. scripts get ids --------------------------------------------------------------------


def test_every_add_gives_the_new_row_as_json_and_talk_done_takes_several(
    group: CLI, tmp_path: Path
) -> None:
    course = group.json("course", "add", "d", "Other", "--weekday", "mon", "--time", "18:00",
                        "--tz", "UTC")  # fmt: skip
    assert course["slug"] == "d" and course["title"] == "Other"
    group("course", "edit", "d", "--status", "upcoming")  # c stays the one active course
    assert group.json("lecture", "add", "d", "1", "One")["label"] == "1"
    member = group.json("member", "add", "Radia Perlman", "--email", "radia@example.org")
    assert isinstance(member["id"], int) and member["email"] == "radia@example.org"
    alias = group.json("member", "alias", "add", "Radia", "Radia's laptop")
    assert alias["aliases"] == ["Radia's laptop"]
    talk = group.json("talk", "add", "Radia", "Spanning trees", "--session", "2")
    assert talk["id"] == 1 and talk["session"] == 2 and talk["presenter"] == "Radia Perlman"
    second = group.json("talk", "add", "Ada", "Second", "--minutes", "10", "--session", "2")
    item = group.json("item", "add", "Read it", "--owner", "everyone")
    assert item["owner"] is None and isinstance(item["id"], int)
    poll = group.json("poll", "create", "Next")
    assert (
        group.json("poll", "add-option", str(poll["id"]), "fast.ai")["options"][0]["title"]
        == "fast.ai"
    )
    done = group("talk", "done", "1", str(second["id"]))
    assert done.stderr == "talk 1 is done (session 2)\ntalk 2 is done (session 2)\n"
    assert group.json("export", "agenda", "2")["session"]["number"] == 2
    assert group.json("export", "recap", "2")["session"]["number"] == 2
    out = tmp_path / "slack.json"
    group("export", "agenda", "3", "--format", "slack", "-o", str(out))
    import json

    payloads = json.loads(out.read_text())
    assert isinstance(payloads, list) and payloads[0]["blocks"]


# -- 18. dates in call reports ---------------------------------------------------------------


def test_the_date_order_read_is_said_and_can_be_given(group: CLI, tmp_path: Path) -> None:
    zoom = tmp_path / "zoom.csv"
    zoom.write_text(ZOOM_CLASSIC)  # 11/07/2026: 7 November, or 11 July
    dry = group("attend", "import", str(zoom), "--dry-run")
    assert "session  2 (chosen by the report's date, 2026-11-07, read month first)" in dry.stdout
    assert group.json("attend", "import", str(zoom), "--dry-run")["date_order"] == "mdy"
    day_first = group("attend", "import", str(zoom), "--date-order", "dmy", "--dry-run", code=1)
    assert day_first.stderr.startswith("Error: zoom.csv is from Sat 11 Jul; no session of c")
    european = tmp_path / "eu.csv"
    european.write_text(ZOOM_CLASSIC.replace("11/07/2026", "13/11/2026"))
    refused = group("attend", "import", str(european), "--date-order", "mdy", code=1)
    assert refused.stderr == (
        "Error: the dates in eu.csv cannot be read as month/day/year "
        "(they read as day/month/year)\n"
    )


# -- 19. shell completion ------------------------------------------------------------------


def complete(db: str, words: str) -> list[str]:
    import os
    import subprocess

    from tests.conftest import SCRIPT

    parts = words.split(" ")
    result = subprocess.run(
        [SCRIPT],
        env={
            **os.environ,
            "_STUDYGROUP_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
            "STUDYGROUP_DB": db,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]  # type,value


def test_completion_of_names_handles_courses_and_sessions(group: CLI, db: str) -> None:
    group("member", "add", "Aoife O'Brien", "--handle", "aoife")
    assert complete(db, "studygroup member show Ao") == ["'Aoife O'\"'\"'Brien'"]
    assert complete(db, "studygroup member show @a") == ["@aoife", "@arjun"]
    assert complete(db, "studygroup course show ") == ["c"]
    assert complete(db, "studygroup agenda --course c ") == ["next", "last", "1", "2", "3"]
    group("session", "close", "1")
    assert complete(db, "studygroup agenda ") == ["next", "last", "1", "2", "3"]


# -- 20. small things -----------------------------------------------------------------------


def test_a_failing_first_command_on_a_new_path_creates_no_file(
    cli_for: Callable[[str], CLI], tmp_path: Path, sqlite_only: None
) -> None:
    target = tmp_path / "typo" / "new.db"
    fresh = cli_for(str(target))
    fresh("member", "add", "ada@example.org", code=1)
    assert not target.exists() and not target.parent.exists()
    fresh("member", "add", "Ada")
    assert target.exists()


def test_small_things_labels_limits_notes_and_the_discord_next_line(
    group: CLI, tmp_path: Path
) -> None:
    import json

    group("lecture", "add", "c", "9", "Lesson 9: Diffusion", "--minutes", "240")
    shown = group("agenda", "3").stdout
    assert "Lesson 9: Diffusion (part 2/2)" in shown and "Lecture 9: Lesson 9" not in shown
    fields = dict(
        line.split(":", 1) for line in group("course", "show", "c").stdout.splitlines()[:16]
        if ":" in line
    )  # fmt: skip
    assert fields["Talks per session at most"].strip() == "no limit"
    group("session", "notes", "2", "A long first line of notes that goes on and on\nsecond")
    listed = group("session", "list").stdout
    assert "A long first line of notes that goes…" in listed and "second" not in listed
    discord = json.loads(group("export", "agenda", "2", "--format", "discord").stdout)
    text = "\n".join(post["content"] for post in discord)
    assert "Diffusion (part 2/2)" in text.split("**Next**", 1)[1]


def test_talks_added_in_the_same_second_keep_their_order(group: CLI) -> None:
    for title in ("Zeta", "Alpha", "Mu"):  # the suite's clock stands still: one instant
        group("talk", "add", "Ada", title, "--minutes", "5")
    assert [t["title"] for t in group.json("talk", "list", "--queue")] == ["Zeta", "Alpha", "Mu"]
    on_agenda = [e["title"] for e in group.json("agenda", "1")["entries"] if e["kind"] == "talk"]
    assert on_agenda == ["Zeta", "Alpha", "Mu"]
