"""`studygroup lecture ...`"""

from __future__ import annotations

import click

from studygroup.cli import params
from studygroup.cli.app import (
    App,
    emit_json,
    emit_rows,
    json_option,
    note,
    output_options,
    pass_app,
)
from studygroup.cli.complete import course_slugs

LECTURE_COLUMNS = [
    ("label", "label"),
    ("title", "title"),
    ("kind", "kind"),
    ("minutes", "video min"),
    ("optional", "optional"),
    ("skipped", "skipped"),
    ("url", "url"),
]
KINDS = click.Choice(["lecture", "lab", "guest"])


@click.group()
def lecture() -> None:
    """Lectures, labs and guest talks of a course, in course order.

    \b
    Example:
      studygroup lecture add fsdl 9 "Guest: building ML teams" --kind guest --minutes 60 --optional
      studygroup lecture skip fsdl 11
    """


@lecture.command("add")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@click.argument("label", type=params.LABEL)
@click.argument("title")
@click.option("--kind", type=KINDS, default="lecture", show_default=True)
@click.option("--minutes", type=params.MINUTES, help="Video length in minutes.")
@click.option("--optional", is_flag=True, help="Not planned; listed as optional.")
@click.option("--url", type=params.URL, help="Link to the video or notes.")
@json_option
@pass_app
def lecture_add(
    app: App,
    course_slug: str,
    label: str,
    title: str,
    kind: str,
    minutes: int | None,
    optional: bool,
    url: str | None,
    as_json: bool,
) -> None:
    """Add a lecture at the end of COURSE (--json: the new lecture, as `lecture list`).

    \b
    Example:
      studygroup lecture add fsdl 10 "Deployment" --minutes 90 --url https://example.org/l10
    """
    from studygroup import courses
    from studygroup.courses import LectureFields
    from studygroup.store.enums import LectureKind

    fields = LectureFields(
        title=title, kind=LectureKind(kind), video_minutes=minutes, optional=optional, url=url
    )
    from studygroup.render.contracts import lecture_dict

    with app.write() as db:
        added = courses.add_lecture(db, courses.get(db, course_slug), label, fields)
    note(f"added lecture {label} to {course_slug}")
    if as_json:
        emit_json(lecture_dict(added))


@lecture.command("list")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@output_options
@pass_app
def lecture_list(app: App, course_slug: str, output: str) -> None:
    """List the lectures of COURSE in course order.

    \b
    Example:
      studygroup lecture list fsdl --json
    """
    from studygroup import courses
    from studygroup.render.contracts import lecture_dict

    with app.read() as db:
        rows = [lecture_dict(lec) for lec in courses.lectures_of(db, courses.get(db, course_slug))]
    emit_rows(output, rows, LECTURE_COLUMNS, f"{course_slug} has no lectures yet")


@lecture.command("edit")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@click.argument("label")
@click.option("--title", help="New title.")
@click.option("--kind", type=KINDS)
@click.option("--minutes", type=params.MINUTES, help="Video length in minutes.")
@click.option("--no-minutes", is_flag=True, help="Forget the video length.")
@click.option("--optional/--required", default=None, help="Make it optional or required.")
@click.option("--url", help="Link to the video or notes ('' removes it).")
@pass_app
def lecture_edit(
    app: App,
    course_slug: str,
    label: str,
    title: str | None,
    kind: str | None,
    minutes: int | None,
    no_minutes: bool,
    optional: bool | None,
    url: str | None,
) -> None:
    """Change a lecture. Only the options given change.

    \b
    Example:
      studygroup lecture edit fsdl 10 --minutes 95 --title "Deployment & monitoring"
    """
    from studygroup import courses
    from studygroup.courses import LectureFields
    from studygroup.store.enums import LectureKind

    if minutes is not None and no_minutes:
        raise click.UsageError("--minutes and --no-minutes contradict each other")
    fields = LectureFields(
        title=title,
        kind=LectureKind(kind) if kind else None,
        video_minutes=minutes,
        clear_minutes=no_minutes,
        optional=optional,
        url=url,
    )
    if not fields.cleaned() and not no_minutes:
        raise click.UsageError("nothing to change: give at least one option")
    with app.write() as db:
        courses.edit_lecture(db, courses.get(db, course_slug), label, fields)
    note(f"updated lecture {label}")


def _set_skipped(app: App, course_slug: str, label: str, skipped: bool) -> None:
    from studygroup import courses

    with app.write() as db:
        courses.set_skipped(db, courses.get(db, course_slug), label, skipped)


@lecture.command("delete")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@click.argument("label")
@click.option("--force", is_flag=True, help="Really delete (you will be asked to confirm).")
@pass_app
def lecture_delete(app: App, course_slug: str, label: str, force: bool) -> None:
    """Delete a lecture added by mistake. Refused once it was on a held session's agenda:
    skip it instead.

    \b
    Example:
      studygroup lecture delete fsdl 99 --force
    """
    from studygroup import courses
    from studygroup.cli.app import confirm_delete

    with app.read() as db:  # ask first, holding no lock while a person reads the question
        course = courses.get(db, course_slug)
        asked = courses.get_lecture(db, course, label)
    confirm_delete(f"lecture {asked.label} of {course.slug}", force)
    with app.write() as db:
        course = courses.get(db, course_slug)  # again: it may have changed meanwhile
        found = courses.get_lecture(db, course, label)
        courses.delete_lecture(db, course, found.label)
    note(f"deleted lecture {label}")


@lecture.command("skip")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@click.argument("label")
@pass_app
def lecture_skip(app: App, course_slug: str, label: str) -> None:
    """Never plan a lecture (e.g. its video is not available).

    \b
    Example:
      studygroup lecture skip fsdl 11
    """
    _set_skipped(app, course_slug, label, True)
    note(f"lecture {label} will not be planned")


@lecture.command("unskip")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@click.argument("label")
@pass_app
def lecture_unskip(app: App, course_slug: str, label: str) -> None:
    """Plan a skipped lecture again.

    \b
    Example:
      studygroup lecture unskip fsdl 11
    """
    _set_skipped(app, course_slug, label, False)
    note(f"lecture {label} will be planned again")


@lecture.command("move")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@click.argument("label")
@click.option("--before", "before", metavar="LABEL", help="Put it right before this lecture.")
@click.option("--after", "after", metavar="LABEL", help="Put it right after this lecture.")
@pass_app
def lecture_move(
    app: App, course_slug: str, label: str, before: str | None, after: str | None
) -> None:
    """Reorder the syllabus by hand: put LABEL right before or after another lecture. The
    planner takes lectures in this order.

    \b
    Example:
      studygroup lecture move fsdl 9 --after 10
    """
    from studygroup import courses

    if (before is None) == (after is None):
        raise click.UsageError("give one of --before LABEL and --after LABEL")
    with app.write() as db:
        course = courses.get(db, course_slug)
        order = courses.move_lecture(
            db, course, label, after or before or "", after=after is not None
        )
    shown = " ".join(order) if len(order) <= 30 else " ".join(order[:30]) + " ..."
    note(f"lecture {label} moved; the order is now {shown}")


@lecture.command("covered")
@click.argument("course_slug", metavar="COURSE", shell_complete=course_slugs)
@click.argument("labels", nargs=-1, required=True, metavar="LABEL...")
@click.option("--undo", is_flag=True, help="They were not covered after all.")
@pass_app
def lecture_covered(app: App, course_slug: str, labels: tuple[str, ...], undo: bool) -> None:
    """Mark lectures as covered before the group used studygroup: progress, the forecast and
    the planner count them as done.

    \b
    Example:
      studygroup lecture covered fsdl 3 4
      studygroup lecture covered fsdl 4 --undo
    """
    from studygroup import courses

    with app.write() as db:
        changed = courses.mark_covered(db, courses.get(db, course_slug), list(labels), undo=undo)
    verb = "no longer marked covered" if undo else "marked covered before studygroup"
    note(f"{len(changed)} lecture(s) {verb}" + (f": {', '.join(changed)}" if changed else ""))
