"""`studygroup poll ...`: choosing the next course together."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import click

from studygroup import clock
from studygroup.cli import params
from studygroup.cli.app import (
    App,
    emit_fields,
    emit_json,
    emit_rows,
    emit_table,
    json_option,
    note,
    output_options,
    pass_app,
)

POLL_ID = click.argument("poll_id", metavar="POLL", type=params.ID)


@click.group()
def poll() -> None:
    """Choose the next course together: collect proposals, vote by ranking them, and turn
    the instant-runoff winner into the next course.

    \b
    Example:
      studygroup poll create "What next?" --closes 2026-12-15
      studygroup poll add-option 1 "fast.ai part 2" --url https://course.fast.ai
      studygroup poll vote 1 ada "fast.ai" "spaCy"
      studygroup poll result 1
    """


@poll.command("create")
@click.argument("title")
@click.option("--closes", type=params.DATE, help="Last day of voting (YYYY-MM-DD).")
@click.option(
    "--course",
    "course_slug",
    metavar="SLUG",
    help="Show the poll on this course's agenda only (default: every course's).",
)
@json_option
@pass_app
def poll_create(
    app: App, title: str, closes: date | None, course_slug: str | None, as_json: bool
) -> None:
    """Open a poll (--json: the new poll, as `poll show --json`, id included).

    \b
    Example:
      studygroup poll create "Our next course" --closes 2026-12-15
    """
    from studygroup import courses, polls

    with app.write() as db:
        course = courses.get(db, course_slug) if course_slug else None
        created = polls.create(db, title, closes, course)
        note(
            f"created poll {created.id}; add options with 'studygroup poll add-option "
            f"{created.id} TITLE'"
        )
        shown = polls.listed(db, created.id)[0] if as_json else None
    if shown is not None:
        emit_json(shown)


@poll.command("add-option")
@POLL_ID
@click.argument("title")
@click.option("--url", type=params.URL, help="The course's home page.")
@click.option(
    "--lectures",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Its syllabus, in the same CSV format as 'course import'.",
)
@json_option
@pass_app
def poll_add_option(
    app: App, poll_id: int, title: str, url: str | None, lectures: Path | None, as_json: bool
) -> None:
    """Propose a course (--json: the poll with its options, as `poll show --json`).

    \b
    Example:
      studygroup poll add-option 1 "Advanced NLP with spaCy" --lectures spacy.csv
    """
    from studygroup import polls
    from studygroup.courses import parse_syllabus

    syllabus = parse_syllabus(lectures) if lectures else None
    with app.write() as db:
        option = polls.add_option(db, polls.get(db, poll_id), title, url, syllabus)
        note(
            f"option {option.position}: {option.title}"
            + (f" ({len(syllabus)} lectures)" if syllabus else "")
        )
        shown = polls.listed(db, poll_id)[0] if as_json else None
    if shown is not None:
        emit_json(shown)


@poll.command("list")
@output_options
@pass_app
def poll_list(app: App, output: str) -> None:
    """List polls.

    \b
    Example:
      studygroup poll list --json
    """
    from studygroup import polls

    with app.read() as db:
        rows = polls.listed(db)
    emit_rows(
        output,
        [{**row, "option_count": len(row["options"])} for row in rows],
        [
            ("id", "id"),
            ("title", "title"),
            ("status", "status"),
            ("closes", "closes"),
            ("option_count", "options"),
            ("ballots", "ballots"),
        ],
        "no polls",
        json_data=rows,
    )


@poll.command("show")
@POLL_ID
@json_option
@pass_app
def poll_show(app: App, poll_id: int, as_json: bool) -> None:
    """Show a poll and its options.

    \b
    Example:
      studygroup poll show 1
    """
    from studygroup import polls

    with app.read() as db:
        data = polls.listed(db, poll_id)[0]
    if as_json:
        emit_json(data)
        return
    emit_fields(
        data,
        [("title", "Poll"), ("status", "Status"), ("closes", "Closes"), ("ballots", "Ballots")],
    )
    click.echo()
    emit_table(
        data["options"],
        [
            ("number", "#"),
            ("title", "option"),
            ("lectures", "lectures"),
            ("url", "url"),
            ("won", "won"),
        ],
        "no options yet",
    )


@poll.command("vote")
@POLL_ID
@click.argument("member_ref", metavar="MEMBER")
@click.argument("options", nargs=-1, required=True, metavar="OPTION...")
@pass_app
def poll_vote(app: App, poll_id: int, member_ref: str, options: tuple[str, ...]) -> None:
    """Record MEMBER's ranked vote: the order of OPTIONs (numbers or titles) is the ranking.
    A second vote replaces the first.

    \b
    Example:
      studygroup poll vote 1 ada 3 1
    """
    from studygroup import members, polls

    with app.write() as db:
        found = polls.get(db, poll_id)
        who = members.find(db, member_ref)
        polls.vote(db, found, who, list(options), clock.today())
        note(f"recorded {who.name}'s ranking of {len(options)} option(s)")


@poll.command("result")
@POLL_ID
@click.option(
    "--min-members",
    default=3,
    show_default=True,
    type=params.COUNT,
    help="First preferences an option needs to form a parallel sub-group.",
)
@json_option
@pass_app
def poll_result(app: App, poll_id: int, min_members: int, as_json: bool) -> None:
    """The instant-runoff winner with every round, the plain first-preference count, and
    options with enough support for a parallel sub-group.

    Ties: the option eliminated is the one with the fewest first preferences, then the one
    ranked by the fewest ballots, then the one added last.

    \b
    Example:
      studygroup poll result 1 --min-members 4
    """
    from studygroup import polls

    with app.read() as db:
        data = polls.result(db, poll_id, min_members)
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['title']} ({data['status']}, {data['ballots']} ballot(s))")
    for r in data["rounds"]:
        counts = ", ".join(f"{title} {n}" for title, n in r["counts"].items())
        outcome = f"winner: {r['winner']}" if r["winner"] else f"eliminated: {r['eliminated']}"
        click.echo(
            f"round {r['round']}: {counts}"
            + (f" ({r['exhausted']} exhausted)" if r["exhausted"] else "")
            + f" -> {outcome}"
        )
    click.echo(f"winner (instant runoff): {data['winner'] or 'none yet'}")
    click.echo(
        "first preferences: " + ", ".join(f"{t} {n}" for t, n in data["first_preferences"].items())
    )
    if data["parallel_groups"]:
        click.echo(
            f"enough for a sub-group (≥{min_members} first preferences): "
            + ", ".join(g["option"] for g in data["parallel_groups"])
        )


@poll.command("close")
@POLL_ID
@click.option(
    "--create-course",
    "slug",
    type=params.SLUG,
    metavar="SLUG",
    help="Make the winner a new course with this slug.",
)
@click.option("--weekday", type=params.WEEKDAY, help="With --create-course.")
@click.option("--time", "start", type=params.HHMM, help="With --create-course.")
@click.option("--tz", "timezone", type=params.TIMEZONE, help="With --create-course.")
@pass_app
def poll_close(
    app: App,
    poll_id: int,
    slug: str | None,
    weekday: int | None,
    start: time | None,
    timezone: str | None,
) -> None:
    """Close voting; with --create-course the winner becomes the next course, its syllabus
    imported if the option had one.

    \b
    Example:
      studygroup poll close 1 --create-course fastai2 --weekday tue --time 18:00 --tz Europe/London
    """
    from studygroup import polls
    from studygroup.courses import CourseFields

    new_course = None
    if slug:
        if weekday is None or start is None or timezone is None:
            raise click.UsageError("--create-course needs --weekday, --time and --tz")
        new_course = (slug, CourseFields(weekday=weekday, start_time=start, timezone=timezone))
    elif weekday is not None or start is not None or timezone is not None:
        raise click.UsageError("--weekday, --time and --tz go with --create-course")
    with app.write() as db:
        winner, course = polls.close(db, polls.get(db, poll_id), new_course)
        note(
            f"poll {poll_id} closed; the winner is {winner.title}"
            + (f"; created course {course.slug}" if course else "")
        )
