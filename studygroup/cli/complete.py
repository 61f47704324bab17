"""Shell completion of member names: a single query with the bare DB driver, so a Tab press
never imports SQLAlchemy."""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem

QUERY = (
    "SELECT name FROM members WHERE active AND name_key LIKE {p} ESCAPE '\\' "
    "ORDER BY name_key LIMIT 50"
)


def member_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from studygroup.rules.names import prefix_pattern
    from studygroup.store.location import resolve

    try:
        location = resolve(ctx.find_root().params.get("db_option"))
    except ValueError:
        return []
    pattern = prefix_pattern(incomplete)
    try:
        if location.path is not None:
            import sqlite3

            if not location.path.exists():
                return []
            with sqlite3.connect(f"file:{location.path}?mode=ro", uri=True, timeout=2) as conn:
                rows = conn.execute(QUERY.format(p="?"), (pattern,)).fetchall()
        else:
            import psycopg

            url = location.url.replace("postgresql+psycopg://", "postgresql://", 1)
            with psycopg.connect(url, connect_timeout=3) as conn:
                rows = conn.execute(QUERY.format(p="%s"), (pattern,)).fetchall()
    except Exception:  # completion must never fail loudly: no candidates instead
        return []
    return [CompletionItem(name) for (name,) in rows]
