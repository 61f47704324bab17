"""The planner: pace, parts, optional and skipped lectures, talks in order, overflow, edits."""

from __future__ import annotations

from typing import Any

from tests.conftest import CLI


def _course(
    run: CLI, *lectures: tuple[str, int | None], pace: int = 120, minutes: int = 90
) -> None:
    run(
        "course",
        "add",
        "c",
        "Course",
        "--weekday",
        "wed",
        "--time",
        "19:00",
        "--tz",
        "America/New_York",
        "--pace",
        str(pace),
        "--minutes",
        str(minutes),
    )
    for label, video in lectures:
        extra = ["--minutes", str(video)] if video else []
        run("lecture", "add", "c", label, f"Lecture {label}", *extra)
    for name in ("Ada", "Bob", "Cy", "Dee"):
        run("member", "add", name)
    run("session", "plan", "--from", "2026-12-01", "--weeks", "3")


def plan(run: CLI, ref: str = "next") -> dict[str, Any]:
    return run.json("agenda", ref)  # type: ignore[no-any-return]


def units(view: dict[str, Any]) -> list[str]:
    return [
        e["lecture"] + (f"@{e['part']}" if e["part"] else "")
        for e in view["entries"]
        if e["kind"] == "lecture"
    ]


def test_lectures_fill_the_pace_in_course_order_and_parts_run_consecutively(run: CLI) -> None:
    _course(run, ("1", 50), ("2", 60), ("3", 200), ("4", 30), pace=120)
    assert units(plan(run, "1")) == ["1", "2"]  # 110; 3's first part (100) would exceed
    assert units(plan(run, "2")) == ["3@1/2"]  # 100 + 100 > 120
    assert units(plan(run, "3")) == ["3@2/2"]  # 100 + 30 > 120: course order is kept


def test_a_lecture_with_no_length_counts_as_the_pace(run: CLI) -> None:
    _course(run, ("1", None), ("2", 10))
    assert units(plan(run, "1")) == ["1"]
    assert units(plan(run, "2")) == ["2"]


def test_every_session_gets_a_lecture_while_any_remain(run: CLI) -> None:
    _course(run, ("1", 5), ("2", 5), pace=5)
    assert units(plan(run, "1")) == ["1"] and units(plan(run, "2")) == ["2"]
    assert units(plan(run, "3")) == []


def test_skipped_never_and_optional_listed_apart(run: CLI) -> None:
    _course(run, ("1", 30), ("2", 30), ("3", 30))
    run("lecture", "skip", "c", "2")
    run("lecture", "edit", "c", "3", "--optional")
    view = plan(run, "1")
    assert units(view) == ["1"]
    assert [x["label"] for x in view["optional_lectures"]] == ["3"]
    run("agenda", "add-lecture", "3", "--session", "1")
    view = plan(run, "1")
    assert units(view) == ["1", "3"] and view["optional_lectures"] == []
    assert [e["optional"] for e in view["entries"] if e["kind"] == "lecture"] == [False, True]


def test_entries_are_timed_in_local_time_and_discussion_minutes(run: CLI) -> None:
    _course(run, ("1", 30), ("2", 30))
    view = plan(run)
    assert [(e["kind"], e["start"], e["minutes"]) for e in view["entries"]] == [
        ("intro", "19:00", 5),
        ("lecture", "19:05", 15),
        ("lecture", "19:20", 15),
        ("wrap-up", "19:35", 5),
    ]
    assert view["session"]["timezone"] == "America/New_York"
    other = run.json("agenda", "--tz", "Europe/Berlin")
    assert other["entries"][0]["start"] == "01:00"


def test_talks_postponed_first_then_scheduled_then_queue_while_it_fits(run: CLI) -> None:
    _course(run, ("1", 30), minutes=90)
    # 5 intro + 15 lecture + 5 wrap-up = 25 used; 65 free
    run("talk", "add", "Ada", "Scheduled", "--minutes", "20", "--session", "1")
    run("talk", "add", "Bob", "Queued first", "--minutes", "30")
    run("talk", "add", "Cy", "Queued second, too long", "--minutes", "30")
    run("talk", "add", "Dee", "Queued third, short", "--minutes", "5")
    view = plan(run, "1")
    assert [e["title"] for e in view["entries"] if e["kind"] == "talk"] == [
        "Scheduled",
        "Queued first",
    ]
    # first come, first served: the short third talk does not jump the queue
    assert [t["title"] for t in view["not_fitting"]] == [
        "Queued second, too long",
        "Queued third, short",
    ]
    assert view["over_by_minutes"] == 0
    run("talk", "postpone", "1")  # Ada's talk moves to session 2
    run("talk", "add", "Bob", "Bob scheduled", "--minutes", "10", "--session", "2")
    second = plan(run, "2")
    assert [(e["presenter"], e["postponed"]) for e in second["entries"] if e["kind"] == "talk"][
        :2
    ] == [("Ada", 1), ("Bob", 0)]


def test_most_postponed_talk_goes_first(run: CLI) -> None:
    _course(run, ("1", 30))
    run("talk", "add", "Cy", "C, scheduled", "--minutes", "10", "--session", "3")
    run("talk", "add", "Bob", "B", "--minutes", "10", "--session", "2")
    run("talk", "add", "Ada", "A", "--minutes", "10", "--session", "1")
    run("talk", "postpone", "3")
    run("talk", "postpone", "3")  # A: 1 -> 2 -> 3, postponed twice
    run("talk", "postpone", "2")  # B: 2 -> 3, postponed once
    view = plan(run, "3")
    assert [(e["title"], e["postponed"]) for e in view["entries"] if e["kind"] == "talk"] == [
        ("A", 2),
        ("B", 1),
        ("C, scheduled", 0),
    ]
    assert {t["id"]: (t["session"], t["postponed_from"]) for t in run.json("talk", "list")} == {
        1: (3, None),
        2: (3, 2),
        3: (3, 1),
    }


def test_overflow_is_reported(run: CLI) -> None:
    # a 35-minute talk is the longest a 60-minute session can give (60 - 5 - 5 - 15): with a
    # second lecture's discussion it runs over
    _course(run, ("1", 30), ("2", 30), minutes=60)
    run("talk", "add", "Ada", "Long talk", "--minutes", "35", "--session", "1")
    view = plan(run)
    assert view["over_by_minutes"] == 15
    assert [e["kind"] for e in view["entries"] if e["overflow"]] == ["talk", "wrap-up"]
    assert "OVER by 15 minutes" in run("agenda").stdout


def test_manual_edits_are_pinned_and_survive_replanning(run: CLI) -> None:
    _course(run, ("1", 30), ("2", 30), ("3", 30))
    before = plan(run)
    assert [e["kind"] for e in before["entries"]] == [
        "intro",
        "lecture",
        "lecture",
        "lecture",
        "wrap-up",
    ]
    run("agenda", "minutes", "1", "10")
    run("agenda", "move", "4", "--to", "2")
    run("agenda", "plan")
    after = plan(run)
    assert after["entries"][0]["minutes"] == 10 and after["entries"][0]["pinned"]
    assert after["entries"][1]["lecture"] == "3" and after["entries"][1]["pinned"]
    run("agenda", "remove", "2")  # lecture 3 moves to session 2, pinned there
    assert units(plan(run, "1")) == ["1", "2"]
    assert units(plan(run, "2")) == ["3"]
    run("agenda", "plan", "--reset")
    assert plan(run)["entries"][0]["minutes"] == 5


def test_edit_errors(run: CLI) -> None:
    _course(run, ("1", 30))
    assert run("agenda", "remove", "1", code=1).stderr == (
        "Error: entry 1 is the intro; change its minutes instead\n"
    )
    assert run("agenda", "remove", "9", code=1).stderr == (
        "Error: session 1's agenda has no entry 9\n"
    )
    assert run("agenda", "move", "1", "--to", "9", code=1).stderr == (
        "Error: position must be between 1 and 3, not 9\n"
    )
    assert run("agenda", "add-lecture", "7", code=1).stderr == (
        "Error: course 'c' has no lecture '7'\n"
    )


def test_session_references(run: CLI) -> None:
    _course(run, ("1", 30))
    assert run.json("agenda", "next")["session"]["number"] == 1
    assert run.json("agenda", "2")["session"]["number"] == 2
    assert run.json("agenda", "2026-12-16")["session"]["number"] == 3
    assert run("agenda", "last", code=1).stderr == "Error: c has no held session yet\n"
    run("session", "close")
    assert run.json("agenda", "last")["session"]["number"] == 1
    assert run.json("agenda")["session"]["number"] == 2
    assert run("agenda", "9", code=1).stderr == "Error: c has no session 9\n"
    assert run("agenda", "2026-12-05", code=1).stderr == "Error: c has no session on 2026-12-05\n"
    assert run("agenda", "2026-02-30", code=1).stderr == (
        "Error: invalid date '2026-02-30': use YYYY-MM-DD\n"
    )
    assert run("agenda", "soon", code=1).stderr == (
        "Error: invalid session 'soon': use next, last, a session number, or a local date "
        "YYYY-MM-DD\n"
    )


def test_course_choice(run: CLI) -> None:
    assert run("session", "list", code=1).stderr == (
        "Error: no active course; add one with 'studygroup course add'\n"
    )
    _course(run, ("1", 30))
    run("course", "add", "d", "D", "--weekday", "mon", "--time", "10:00", "--tz", "UTC")
    assert run("session", "list", code=1).stderr == (
        "Error: several courses are active (c, d): choose one with --course SLUG or "
        "STUDYGROUP_COURSE\n"
    )
    assert len(run.json("session", "list", "--course", "c")) == 3
    assert len(run.json("session", "list", env={"STUDYGROUP_COURSE": "c"})) == 3


def test_plan_is_idempotent_and_moved_sessions_are_not_duplicated(run: CLI) -> None:
    _course(run, ("1", 30))
    assert run.json("session", "plan", "--from", "2026-12-01", "--weeks", "3") == []
    run("session", "move", "2", "--to", "2026-12-10 18:30", "--force")
    assert run.json("session", "plan", "--from", "2026-12-01", "--weeks", "3") == []
    moved = run.json("session", "list")[1]
    assert moved["local_start"] == "2026-12-10T18:30:00-05:00"
    created = run.json("session", "plan", "--from", "2026-12-01", "--weeks", "4")
    assert [s["number"] for s in created] == [4]


def test_back_fill_before_a_held_session_is_refused(run: CLI, snapshot: Any) -> None:
    _course(run, ("1", 30))
    run("session", "close")
    before = snapshot()
    result = run("session", "plan", "--from", "2026-11-01", "--weeks", "2", code=1)
    assert "back-fill only before the first held session" in result.stderr
    assert snapshot() == before


def test_add_lecture_says_what_it_pushed_out(run: CLI) -> None:
    run("course", "add", "p", "Pushed", "--weekday", "tue", "--time", "18:00", "--tz", "UTC")
    run("lecture", "add", "p", "1", "One", "--minutes", "60")
    run("lecture", "add", "p", "2", "Two", "--minutes", "60")
    run("lecture", "add", "p", "9", "Guest", "--kind", "guest", "--optional", "--minutes", "30")
    run("session", "plan", "--from", "2027-03-02", "--weeks", "2")
    assert [e["lecture"] for e in run.json("agenda", "1")["entries"] if e["lecture"]] == ["1", "2"]
    added = run("agenda", "add-lecture", "9", "--session", "1")
    assert added.stderr == (
        "lecture 9 is on session 1's agenda\nlecture 2 moved out of session 1, to session 2\n"
    )
    assert [e["lecture"] for e in run.json("agenda", "2")["entries"] if e["lecture"]][0] == "2"
