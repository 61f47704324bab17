"""store/schema.py builds the tables only some commands touch on first use (PEP 562), and
`metadata` is always the whole schema."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json
import studygroup.store.schema as schema
eager = sorted(schema._metadata.tables)
from studygroup.store.schema import rollover_moves
after_one = sorted(schema._metadata.tables)
whole = sorted(schema.metadata.tables)
print(json.dumps([eager, after_one, whole, rollover_moves.name]))
"""


def test_occasional_tables_are_built_on_first_use_and_metadata_is_whole() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], check=True, capture_output=True, text=True
    ).stdout
    eager, after_one, whole, name = json.loads(out)
    assert "journal" not in eager and "rollovers" not in eager and "reminders" not in eager
    assert {"courses", "sessions", "agenda_entries", "action_items", "polls"} <= set(eager)
    # naming one table builds its group (a table and the tables it refers to in that group)
    assert name == "rollover_moves"
    assert set(after_one) - set(eager) == {"rollovers", "rollover_moves"}
    # naming the metadata builds everything: what Alembic and the journal's undo see
    assert len(whole) == 27
    assert set(whole) - set(after_one) == {
        "group_organisers",
        "member_aliases",
        "ignored_names",
        "reminders",
        "rsvps",
        "rsvp_messages",
        "poll_option_lectures",
        "poll_ballots",
        "poll_rankings",
        "journal",
        "journal_changes",
        "journal_open",
    }


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import pytest

    from studygroup.store import schema

    with pytest.raises(AttributeError, match="no attribute 'sesions'"):
        schema.sesions  # noqa: B018
