"""`studygroup site build DIR`: the group's static site (see views/site.py, render/site.py,
io/site.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from studygroup.cli.app import App, course_option, note, pass_app

if TYPE_CHECKING:
    from studygroup.render.documents import SiteDocument


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.BadParameter(
            f"{value!r} is not a web address like https://example.org/studygroup/"
        )
    return value.strip()


@click.group()
def site() -> None:
    """The group's own web pages: the next call in each member's time zone, the talk queue,
    the past calls, the progress and a calendar to subscribe to.

    \b
    Example:
      studygroup site build site/ --base-url https://example.org/fsdl/
    """


@site.command("build")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    metavar="URL",
    callback=_base_url,
    help="Where the site will be served: makes the calendar's subscribe links "
    "(webcal:// and https://) absolute.",
)
@click.option(
    "--names",
    type=click.Choice(["first", "full", "handle"]),
    default="first",
    show_default=True,
    help="How members are named: first name (with an initial where two share one), full "
    "name, or chat handle (first name for those without one).",
)
@click.option(
    "--private",
    is_flag=True,
    help="Also publish attendance, stats and the call link: only for a site behind the "
    "group's own access control.",
)
@course_option
@click.option(
    "--all-groups",
    is_flag=True,
    help="A site for every active course of every group (on PostgreSQL: every group you "
    "organise), each in DIR/GROUP/COURSE/.",
)
@pass_app
def site_build(
    app: App,
    folder: Path,
    base_url: str | None,
    names: str,
    private: bool,
    course_slug: str | None,
    all_groups: bool,
) -> None:
    """Write the group's static site into DIR (made if needed), for any static host: GitHub
    Pages, Netlify, a university web space, or `python -m http.server`.

    No email address is published, members are named as --names says, and attendance,
    stats and the call link only with --private. The same data gives the same files; a
    rebuild rewrites only the files that changed, and the new site replaces the old one
    whole. DIR must be new, empty, or a site this command built.

    \b
    Example:
      studygroup site build site/
      studygroup site build /var/www/fsdl --base-url https://example.org/fsdl/ --names full
      studygroup remind && studygroup site build ~/public_html/fsdl   # from cron, weekly
      studygroup site build /var/www/groups --all-groups   # the organisation's, one line
    """
    from studygroup import clock, courses
    from studygroup.views.site import site_document

    if all_groups:
        from studygroup import groups

        with app.read() as db:
            now = clock.now()
            built = [
                (
                    group.slug,
                    course.slug,
                    site_document(db, course, now, private=private, names=names),
                )
                for group, course in groups.each_course(db)
            ]
        for group_slug, slug, doc in built:
            url = f"{base_url.rstrip('/')}/{group_slug}/{slug}/" if base_url else None
            _publish(doc, url, folder / group_slug / slug, private, names)
        return
    with app.read() as db:
        course = courses.pick(db, course_slug)
        doc = site_document(db, course, clock.now(), private=private, names=names)
    _publish(doc, base_url, folder, private, names)


def _publish(
    doc: SiteDocument, base_url: str | None, folder: Path, private: bool, names: str
) -> None:
    from studygroup.io.site import publish
    from studygroup.render.site import site_files

    done = publish(site_files(doc, base_url), folder)
    mode = (
        "private: attendance, stats and the call link included"
        if private
        else "public: no attendance, stats or call link"
    )
    click.echo(f"built {doc['course']['slug']}'s site in {folder} ({mode}; {names} names)")
    if done.swapped:
        note(
            f"{len(done.written)} file(s) written, {len(done.kept)} unchanged"
            + (f", {len(done.removed)} removed" if done.removed else "")
        )
    else:
        note(f"nothing changed: {len(done.kept)} file(s) as they were")
