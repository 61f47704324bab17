"""Shell completion of member names, @handles, course slugs and session numbers: one query
each with the bare DB driver, so a Tab press never imports SQLAlchemy. A value with a space
or a quote is returned shell-quoted, so it is inserted as one word."""

from __future__ import annotations

import os
import shlex
from typing import Any

import click
from click.shell_completion import CompletionItem

# a member active in a group (archived in every group they belong to: not offered)
LIVE = (
    "active AND EXISTS (SELECT 1 FROM group_members g WHERE g.member_id = members.id "
    "AND g.archived_at IS NULL)"
)
NAMES = (
    f"SELECT name FROM members WHERE {LIVE} AND name_key LIKE {{p}} ESCAPE '\\' "
    "ORDER BY name_key LIMIT 50"
)
HANDLES = (
    f"SELECT '@' || handle FROM members WHERE {LIVE} AND handle IS NOT NULL "
    "AND lower(handle) LIKE {p} ESCAPE '\\' ORDER BY lower(handle) LIMIT 50"
)
SLUGS = "SELECT slug FROM courses WHERE slug LIKE {p} ESCAPE '\\' ORDER BY slug LIMIT 50"
# the course's planned sessions and its last held one, by number
NUMBERS = (
    "SELECT s.number FROM sessions s JOIN courses c ON c.id = s.course_id "
    "WHERE (c.slug = {p} OR ({p} = '' AND c.status = 'active')) "
    "AND (s.status = 'planned' OR s.id IN (SELECT max(h.id) FROM sessions h "
    "WHERE h.course_id = c.id AND h.status = 'held')) ORDER BY s.number LIMIT 60"
)


def _rows(ctx: click.Context, query: str, value: str) -> list[str]:
    from studygroup.store.location import resolve

    try:
        location = resolve(ctx.find_root().params.get("db_option"))
    except ValueError:
        return []
    try:
        if location.path is not None:
            import sqlite3

            if not location.path.exists():
                return []
            with sqlite3.connect(f"file:{location.path}?mode=ro", uri=True, timeout=2) as conn:
                rows = conn.execute(query.replace("{p}", "?"), (value,) * query.count("{p}"))
                return [str(row[0]) for row in rows.fetchall()]
        import psycopg

        url = location.url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(url, connect_timeout=3) as conn:
            found = conn.execute(
                query.replace("{p}", "%s"), (value,) * query.count("{p}")
            ).fetchall()
            return [str(row[0]) for row in found]
    except Exception:  # completion must never fail loudly: no candidates instead
        return []


def _items(values: list[str]) -> list[Any]:
    """Each value as one shell word: quoted when it holds a space, a quote or the like."""
    return [CompletionItem(value if shlex.quote(value) == value else shlex.quote(value))
            for value in values]  # fmt: skip


def _like(text: str) -> str:
    from studygroup.rules.names import like_literal

    return like_literal(text) + "%"


def member_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Members by name, or by @handle when the word starts with '@'."""
    from studygroup.rules.names import prefix_pattern

    typed = incomplete.lstrip("\"'")
    if typed.startswith("@"):
        return _items(_rows(ctx, HANDLES, _like(typed[1:].casefold())))
    return _items(_rows(ctx, NAMES, prefix_pattern(typed)))


def course_slugs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _items(_rows(ctx, SLUGS, _like(incomplete)))


def session_refs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """next, last, and the numbers of the course's planned sessions and last held one."""
    course = ctx.params.get("course_slug") or os.environ.get("STUDYGROUP_COURSE", "")
    numbers = _rows(ctx, NUMBERS, str(course or ""))
    return [
        CompletionItem(value)
        for value in ("next", "last", *numbers)
        if value.startswith(incomplete)
    ]
