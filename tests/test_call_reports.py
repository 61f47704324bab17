"""Attendance from whatever the call produces: each report format from a fixture written
from its documented layout, with encodings, overlapping joins, dates and matching."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI

# Session 1 is Sat 31 Oct, session 2 Sat 7 Nov 2026, both 17:00 UTC for 90 minutes (the course
# is in UTC, so the hosts' local times below are UTC too); now is the evening of 7 Nov.


@pytest.fixture(autouse=True)
def after_session_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYGROUP_TEST_NOW", "2026-11-07T19:00:00+00:00")


@pytest.fixture
def group(run: CLI) -> CLI:
    run("course", "add", "c", "Course", "--weekday", "sat", "--time", "17:00", "--tz", "UTC")
    run("lecture", "add", "c", "1", "One", "--minutes", "30")
    run("member", "add", "Ada Lovelace", "--email", "ada@example.org")
    run("member", "add", "Priya Raman", "--email", "priya@example.in")
    run("member", "add", "Zoë Ångström", "--email", "zoe@example.org")
    run("member", "add", "Daniel Okafor")
    run("member", "add", "Arjun Sharma", "--handle", "arjun")
    run("member", "add", "Rohan Iyer")
    run("session", "plan", "--from", "2026-10-31", "--weeks", "3")
    return run


def present(group: CLI, ref: str = "2") -> list[str]:
    return list(group.json("attendance", ref)["present"])


def minutes(result: dict[str, Any]) -> dict[str, int | None]:
    return {p["member"]: p["minutes"] for p in result["people"] if p["member"]}


ZOOM_CLASSIC = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "812 3456 7890,FSDL study group,11/07/2026 04:58:12 PM,11/07/2026 06:31:40 PM,"
    "host@example.org,94,6\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,"
    "Recording Consent\n"
    "Ada Lovelace,ada@example.org,11/07/2026 04:58:30 PM,11/07/2026 06:20:00 PM,82,No,Y\n"
    # a phone and a laptop at once: 17:00-18:30 and 17:10-18:00 overlap
    "Arjun (he/him),,11/07/2026 05:00:00 PM,11/07/2026 06:30:00 PM,90,Yes,Y\n"
    "Arjun's iPhone,,11/07/2026 05:10:00 PM,11/07/2026 06:00:00 PM,50,Yes,Y\n"
    '"Okafor, Daniel",,11/07/2026 05:00:00 PM,11/07/2026 05:05:00 PM,5,Yes,Y\n'
)


def test_zoom_classic_with_details_block_and_overlapping_joins(group: CLI, tmp_path: Path) -> None:
    report = tmp_path / "participants_81234567890.csv"
    report.write_text(ZOOM_CLASSIC)  # Zoom quotes a name holding a comma
    result = group.json("attend", "import", str(report), "--min-minutes", "15")
    assert (result["format"], result["session"], result["chosen_by"]) == ("zoom", 2, "date")
    assert minutes(result) == {"Ada Lovelace": 82, "Arjun Sharma": 90, "Daniel Okafor": 5}
    assert {p["member"]: p["by"] for p in result["people"]} == {
        "Ada Lovelace": "email",
        "Arjun Sharma": "handle",
        "Daniel Okafor": "last, first",
    }
    assert [p["member"] for p in result["too_short"]] == ["Daniel Okafor"]
    assert present(group) == ["Ada Lovelace", "Arjun Sharma"]


def test_zoom_unique_users_export(group: CLI, tmp_path: Path) -> None:
    report = tmp_path / "participants.csv"
    report.write_text(
        "Name (Original Name),User Email,Total Duration (Minutes),Guest\n"
        "Ada Lovelace,ada@example.org,140,No\n"
        "Priya R,priya@example.in,45,No\n"
    )
    result = group.json("attend", "import", "2", str(report), "--min-percent", "50")
    assert result["min_minutes"] == 45  # half of the 90-minute session
    assert minutes(result) == {"Ada Lovelace": 90, "Priya Raman": 45}  # capped at 90
    assert present(group) == ["Ada Lovelace", "Priya Raman"]


def test_zoom_current_portal_uses_email_and_skips_the_waiting_room(
    group: CLI, tmp_path: Path
) -> None:
    report = tmp_path / "participants.csv"
    report.write_text(
        "Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,"
        "Recording disclaimer response,In waiting room\n"
        "Priya R,priya@example.in,11/07/2026 05:01:00 PM,11/07/2026 06:30:00 PM,89,No,OK,No\n"
        "Zoe A,zoe@example.org,11/07/2026 05:02:00 PM,11/07/2026 06:30:00 PM,88,No,OK,No\n"
        "Rohan Iyer,,11/07/2026 04:55:00 PM,11/07/2026 05:00:00 PM,5,Yes,,Yes\n"
    )
    result = group.json("attend", "import", str(report))
    assert {p["member"]: p["by"] for p in result["people"]} == {
        "Priya Raman": "email",
        "Zoë Ångström": "email",
    }
    assert present(group) == ["Priya Raman", "Zoë Ångström"]


MEET = (
    "First name,Last name,Email,Duration,Time joined,Time exited\n"
    "Ada,Lovelace,ada@example.org,1 hr 25 min,5:00 PM,6:25 PM\n"
    "Zoe,Angstrom,,57 min,5:30 PM,6:27 PM\n"
    "Siobhan,Guest,,45 sec,5:00 PM,5:01 PM\n"
)


def test_google_meet_sheet_with_durations_in_words(group: CLI, tmp_path: Path) -> None:
    report = tmp_path / "Study group - Attendance.csv"
    report.write_text(MEET)
    result = group.json("attend", "import", "2", str(report), "--min-minutes", "10")
    assert result["format"] == "meet"
    assert minutes(result) == {"Ada Lovelace": 85, "Zoë Ångström": 57}
    assert [p["name"] for p in result["people"] if p["status"] == "short"] == ["Siobhan Guest"]
    assert present(group) == ["Ada Lovelace", "Zoë Ångström"]


def test_google_meet_participant_name_variant_with_a_dated_block(
    group: CLI, tmp_path: Path
) -> None:
    report = tmp_path / "meet.csv"
    report.write_text(
        "Meeting code,abc-defg-hij\n"
        "Date,2026-10-31\n"
        "\n"
        "Participant name,Participant email,Duration,First seen,Last seen\n"
        "Daniel Okafor,,1 hr 2 min,17:00,18:02\n"
    )
    result = group.json("attend", "import", str(report))
    assert (result["format"], result["session"], result["report_date"]) == (
        "meet",
        1,
        "2026-10-31",
    )
    assert present(group, "1") == ["Daniel Okafor"]


TEAMS = (
    "1. Summary\n"
    "Meeting title\tFSDL study group\n"
    "Attended participants\t3\n"
    "Start time\t07/11/26, 16:58:41\n"
    "End time\t07/11/26, 18:31:02\n"
    "Meeting duration\t1h 32m 21s\n"
    "Average attendance time\t1h 2m 10s\n"
    "\n"
    "2. Participants\n"
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
    "Ada Lovelace\t07/11/26, 16:58:41\t07/11/26, 18:31:02\t1h 32m 21s\tada@example.org\t"
    "ada@example.org\tOrganizer\n"
    "Okafor, Daniel\t07/11/26, 17:00:05\t07/11/26, 18:20:00\t1h 2m 10s\t\t\tAttendee\n"
    "\n"
    "3. In-Meeting Activities\n"
    "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
    "Ada Lovelace\t07/11/26, 16:58:41\t07/11/26, 18:31:02\t1h 32m 21s\tada@example.org\t"
    "Organizer\n"
    "Okafor, Daniel\t07/11/26, 17:00:05\t07/11/26, 17:40:05\t40m\t\tAttendee\n"
    "Okafor, Daniel\t07/11/26, 17:58:00\t07/11/26, 18:20:00\t22m\t\tAttendee\n"
)


def test_teams_report_utf16_tab_separated_sections(group: CLI, tmp_path: Path) -> None:
    report = tmp_path / "meetingAttendanceReport(FSDL).csv"
    report.write_bytes(b"\xff\xfe" + TEAMS.replace("\n", "\r\n").encode("utf-16-le"))
    result = group.json("attend", "import", str(report))
    assert (result["format"], result["session"], result["report_date"]) == (
        "teams",
        2,
        "2026-11-07",
    )
    assert minutes(result) == {"Ada Lovelace": 90, "Daniel Okafor": 62}
    assert present(group) == ["Ada Lovelace", "Daniel Okafor"]


def test_teams_participants_section_alone_uses_in_meeting_duration(
    group: CLI, tmp_path: Path
) -> None:
    report = tmp_path / "teams.csv"
    report.write_bytes(
        b"\xff\xfe" + TEAMS.split("\n3. ")[0].lower().encode("utf-16-le")  # header case varies
    )
    result = group.json("attend", "import", "2", str(report))
    assert {p["name"]: p["minutes"] for p in result["people"]} == {
        "ada lovelace": 90,
        "okafor, daniel": 62,
    }


def test_older_teams_join_leave_log(group: CLI, tmp_path: Path) -> None:
    report = tmp_path / "attendance.csv"
    report.write_bytes(
        b"\xff\xfe"
        + (
            "Full Name\tUser Action\tTimestamp\r\n"
            "Ada Lovelace\tJoined\t11/7/2026, 5:00:00 PM\r\n"
            "Rohan Iyer\tJoined before\t11/7/2026, 5:00:00 PM\r\n"
            "Ada Lovelace\tLeft\t11/7/2026, 5:20:00 PM\r\n"
            "Ada Lovelace\tJoined\t11/7/2026, 5:50:00 PM\r\n"
            "Rohan Iyer\tLeft\t11/7/2026, 6:10:00 PM\r\n"
        ).encode("utf-16-le")
    )
    result = group.json("attend", "import", str(report), "--min-minutes", "30")
    assert result["format"] == "teams-log"
    # Ada's second join is never left: it lasts until the log's last line
    assert minutes(result) == {"Ada Lovelace": 40, "Rohan Iyer": 70}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_plain_list_with_any_delimiter(group: CLI, tmp_path: Path, delimiter: str) -> None:
    report = tmp_path / "names.csv"
    report.write_text(
        f"name{delimiter}email\nzoe{delimiter}\nSomeone{delimiter}priya@example.in\n@arjun\n"
    )
    group("attend", "import", "2", str(report))
    assert present(group) == ["Arjun Sharma", "Priya Raman", "Zoë Ångström"]


def test_excel_semicolons_never_become_member_names(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    report = tmp_path / "names.csv"
    report.write_bytes(b"\xef\xbb\xbfName;Email\r\nSanyam Bhutani;sanyam@example.in\r\n")
    group("attend", "import", "2", str(report), "--add-unknown")
    assert group.json("member", "show", "sanyam@example.in")["name"] == "Sanyam Bhutani"
    forced = tmp_path / "forced.csv"
    forced.write_text('"Sanyam B;sanyam.b@example.in"\n')
    before = snapshot()
    refused = group(
        "attend", "import", "2", str(forced), "--add-unknown", "--format", "plain", code=1
    )
    # a one-column file with a ';' in its only field: refused, not added as a member
    assert refused.stderr == (
        f"Error: {forced} line 1: 'Sanyam B;sanyam.b@example.in' looks like several fields, "
        "not a name; check the file's delimiter (or add the member by hand)\n"
    )
    assert snapshot() == before


def test_a_wrong_day_report_is_refused_naming_the_right_session(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    report = tmp_path / "participants.csv"
    report.write_text(ZOOM_CLASSIC)
    before = snapshot()
    refused = group("attend", "import", "1", str(report), code=1)
    assert refused.stderr == (
        "Error: participants.csv is from Sat 7 Nov; session 1 is Sat 31 Oct "
        "(session 2 is Sat 7 Nov)\n"
    )
    assert snapshot() == before


def test_day_and_month_order_is_resolved_by_the_session(group: CLI, tmp_path: Path) -> None:
    # 07/11/2026 is 7 November (day first) or 11 July (month first): only one is a session
    report = tmp_path / "eu.csv"
    report.write_text(
        "Name (Original Name);User Email;Join Time;Leave Time;Duration (Minutes)\n"
        "Ada Lovelace;ada@example.org;07/11/2026 17:00;07/11/2026 18:00;60\n"
    )
    result = group.json("attend", "import", str(report))
    assert (result["session"], result["report_date"]) == (2, "2026-11-07")


def test_times_are_read_in_the_hosts_zone(group: CLI, tmp_path: Path) -> None:
    # a host in Bangalore: 22:30 IST on 7 Nov is 17:00 UTC, session 2; a host in Washington
    # writing 23:30 on 6 Nov is 04:30 UTC on 7 Nov: still session 2's day
    report = tmp_path / "ist.csv"
    report.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Ada Lovelace,ada@example.org,2026-11-07 22:30,2026-11-07 23:55,85\n"
    )
    result = group.json("attend", "import", str(report), "--tz", "Asia/Kolkata", "--dry-run")
    assert (result["session"], result["report_date"]) == (2, "2026-11-07")


def test_an_alias_is_learned_and_reused(group: CLI, tmp_path: Path) -> None:
    report = tmp_path / "participants.csv"
    report.write_text("Name (Original Name),User Email,Total Duration (Minutes)\nअर्जुन शर्मा,,80\n")
    first = group.json("attend", "import", "2", str(report), "--dry-run")
    assert first["unknown"][0]["name"] == "अर्जुन शर्मा"
    group("attend", "import", "2", str(report), "--match", "अर्जुन शर्मा=Arjun Sharma")
    assert group.json("member", "show", "Arjun")["aliases"] == ["अर्जुन शर्मा"]
    again = group.json("attend", "import", "1", str(report))
    assert [(p["member"], p["by"]) for p in again["people"]] == [("Arjun Sharma", "alias")]


def test_a_decomposed_name_in_a_report_matches(group: CLI, tmp_path: Path) -> None:
    import unicodedata

    report = tmp_path / "names.csv"
    report.write_text(unicodedata.normalize("NFD", "Zoë Ångström\n"))
    group("attend", "import", "2", str(report))
    assert present(group) == ["Zoë Ångström"]


def test_dry_run_shows_format_session_matches_and_suggestions(group: CLI, tmp_path: Path) -> None:
    report = tmp_path / "participants.csv"
    report.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Rohan's iPhone,,11/07/2026 05:00:00 PM,11/07/2026 06:30:00 PM,90\n"
        "Priya Ramen,,11/07/2026 05:00:00 PM,11/07/2026 06:30:00 PM,90\n"
    )
    result = group("attend", "import", str(report), "--dry-run")
    assert result.stdout == (
        "format   zoom\n"
        "session  2 (chosen by the report's date, 2026-11-07, read month first)\n"
        'present  Rohan Iyer  ("Rohan\'s iPhone" by prefix, 90 min)\n'
        "unknown  Priya Ramen  (did you mean Priya Raman?)\n"
    )
    assert result.stderr == "dry run: nothing written for session 2\n"
    assert present(group) == []


def test_formats_are_listed(group: CLI) -> None:
    listed = group.json("attend", "import", "--formats", "--json")
    assert [f["format"] for f in listed] == [
        "teams",
        "teams-log",
        "zoom",
        "meet",
        "webex",
        "bbb",
        "plain",
    ]


def test_a_100k_row_report_reads_and_one_more_row_is_refused(
    group: CLI, tmp_path: Path, snapshot: Callable[[], Any]
) -> None:
    header = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
    row = "Ada Lovelace,ada@example.org,11/07/2026 05:00:00 PM,11/07/2026 06:00:00 PM,60\n"
    report = tmp_path / "big.csv"
    report.write_text(header + row * 100_000)
    result = group.json("attend", "import", str(report), "--dry-run")
    assert minutes(result) == {"Ada Lovelace": 60}
    report.write_text(header + row * 100_001)
    before = snapshot()
    refused = group("attend", "import", str(report), code=1)
    assert refused.stderr == (
        f"Error: {report} has more than 100,000 rows; split it, or pass --max-rows N "
        "if that many are meant\n"
    )
    assert snapshot() == before
