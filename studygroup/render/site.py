"""The group's site: its pages from one SiteDocument (views/site.py), as bytes by path. Pure:
no database, no clock, no files; the same document gives the same bytes.

The pages are Jinja2 templates shipped in the package (templates/site/), autoescaped. Two
rules hold for everything they print: user text is escaped, and no email address survives
(`finalize` redacts any that a title or a note holds). Notes are the organiser's Markdown,
made safe by render/notes.py's one rule for links.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from studygroup.render import notes
from studygroup.render.ics import calendar_ics

if TYPE_CHECKING:
    from jinja2 import BytecodeCache
    from markupsafe import Markup

    from studygroup.render.documents import ProgressPoint, SiteDocument

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "site"  # in the package
ASSETS = ("style.css", "localtime.js")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HIDDEN = "[email hidden]"


def redact(text: str) -> str:
    """Any email address in a text, hidden."""
    return EMAIL.sub(HIDDEN, text) if "@" in text else text


def site_files(doc: SiteDocument, base_url: str | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path inside it. `base_url` (where the site is served)
    makes the calendar's subscribe links absolute; without it they are relative."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=lambda value: redact(value) if isinstance(value, str) else value,
    )
    env.filters["notes"] = notes_html
    env.filters["people"] = lambda names: " & ".join(names)
    feed = "calendar.ics"
    https = f"{base_url.rstrip('/')}/{feed}" if base_url else None
    webcal = re.sub(r"^https?://", "webcal://", https) if https else None
    pages: list[tuple[str, str, dict[str, object]]] = [
        ("index.html", "index.html", {}),
        ("talks.html", "talks.html", {}),
    ]
    pages.append(("sessions/index.html", "past.html", {}))
    pages += [
        (f"sessions/{past['number']}.html", "session.html", {"session": past})
        for past in doc["past"]
    ]
    pages.append(
        (
            "progress.html",
            "progress.html",
            {"chart": progress_svg(doc["progress"]["points"], doc["progress"]["required"])},
        )
    )
    pages.append(("subscribe.html", "subscribe.html", {"https": https, "webcal": webcal}))
    if doc["stats"] is not None:
        pages.append(("stats.html", "stats.html", {}))
    out: dict[str, bytes] = {}
    for path, template, extra in pages:
        root = "../" * path.count("/")
        page = env.get_template(template).render(doc=doc, root=root, path=path, feed=feed, **extra)
        out[path] = page.encode()
    # the export ics feed, its DTSTAMPs from the data: a rebuild leaves it byte for byte
    out[feed] = calendar_ics(doc["calendar"], None)
    for name in ASSETS:
        out[f"assets/{name}"] = (TEMPLATES / name).read_bytes()
    return out


def _bytecode_cache() -> BytecodeCache | None:
    """Compiled templates, kept between runs (Jinja's own private folder for this user, keyed
    by each template's source): a build need not compile them again. None if there is none."""
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def notes_html(text: str | None) -> Markup:
    """The organiser's notes as HTML: paragraphs, "- " lists and links, nothing else. Raw
    HTML is text; a link is kept only when it is http(s) (notes.safe_link), and a mailto link
    is never kept: the page shows no email address."""
    from markupsafe import Markup, escape

    if not text:
        return Markup("")

    def link(label: str, url: str) -> str:
        if url.strip().lower().startswith("mailto:"):
            return label
        return f'<a href="{escape(url)}" rel="nofollow noopener">{label}</a>'

    def line_html(line: str) -> str:
        return notes.note_line(line, lambda t: str(escape(redact(t))), link)

    blocks: list[str] = []
    items: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append("<p>" + "<br>\n".join(para) + "</p>")
            para.clear()
        if items:
            blocks.append("<ul>\n" + "\n".join(f"<li>{i}</li>" for i in items) + "\n</ul>")
            items.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line[:2] in ("- ", "* "):
            if para:
                flush()
            items.append(line_html(line[2:].strip()))
        else:
            if items:
                flush()
            para.append(line_html(line.lstrip("#").strip() if line.startswith("#") else line))
    flush()
    return Markup("\n".join(blocks))


WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


def progress_svg(points: list[ProgressPoint], required: int) -> Markup:
    """Required lectures covered after each session: held sessions a solid line, the plan
    after them a dashed one. Drawn without JavaScript; the page's table says the same."""
    from markupsafe import Markup

    if not points or required == 0:
        return Markup("")
    span = max(len(points) - 1, 1)

    def x(index: int) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * index / span, 1)

    def y(covered: int) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - covered / required), 1)

    def line(indexes: list[int], css: str) -> str:
        if len(indexes) < 2:
            return ""
        joined = " ".join(f"{x(i)},{y(points[i]['covered'])}" for i in indexes)
        return f'<polyline class="{css}" points="{joined}"/>'

    held = [i for i, p in enumerate(points) if p["held"]]
    plan = [i for i, p in enumerate(points) if not p["held"]]
    if held and plan:
        plan = [held[-1], *plan]
    ticks = sorted({0, required // 2, required})
    grid = "".join(
        f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t)}" y2="{y(t)}"/>'
        f'<text class="axis" x="{LEFT - 6}" y="{y(t) + 4}" text-anchor="end">{t}</text>'
        for t in ticks
    )
    labels = sorted({0, len(points) - 1, *(held[-1:] if held else [])})

    def anchor(index: int) -> str:
        return "start" if index == 0 else "end" if index == len(points) - 1 else "middle"

    dates = "".join(
        f'<text class="axis" x="{x(i)}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor(i)}">'
        f"{points[i]['date']}</text>"
        for i in labels
    )
    dots = "".join(
        f'<circle class="{"held" if points[i]["held"] else "plan"}" cx="{x(i)}" '
        f'cy="{y(points[i]["covered"])}" r="3"/>'
        for i in range(len(points))
    )
    last = points[-1]
    summary = (
        f"{points[held[-1]]['covered'] if held else 0} of {required} required lectures "
        f"covered so far; the plan reaches {last['covered']} by session {last['number']} "
        f"on {last['date']}."
    )
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title">Required lectures covered, session by session</title>'
        f'<desc id="chart-desc">{summary}</desc>'
        f"{grid}{line(held, 'held')}{line(plan, 'plan')}{dots}{dates}</svg>"
    )
    return Markup(svg)
