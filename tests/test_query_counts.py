"""No N+1 queries: the hot commands issue the same number of statements whatever the size of
the history (counted with an engine event), so their work follows what they show or change."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from tests.conftest import CLI, Backend

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, *args: object) -> None:
        self.statements += 1


@pytest.fixture
def counter() -> Iterator[Counter]:
    count = Counter()
    event.listen(Engine, "before_cursor_execute", count)
    yield count
    event.remove(Engine, "before_cursor_execute", count)


@pytest.fixture(scope="module")
def sized(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    made = {}
    for name, scale in (("small", 0.02), ("large", 0.06)):
        target = backend.empty(tmp_path_factory.mktemp(name))
        generate(target, scale)
        made[name] = target
    yield made
    for target in made.values():
        backend.cleanup(target)


HOT = [
    ["agenda"],
    ["item", "list", "--open"],
    ["stats"],
    ["export", "agenda"],
    ["remind"],
    ["talk", "list"],
    ["attendance", "last"],
    ["course", "show", "course-01"],
    ["session", "list", "--all"],
    ["export", "ics"],
]


@pytest.mark.parametrize("args", HOT, ids=" ".join)
def test_statement_count_does_not_grow_with_history(
    sized: dict[str, str], counter: Counter, args: list[str]
) -> None:
    counts = {}
    for name, target in sized.items():
        counter.statements = 0
        CLI(target)(*args)
        counts[name] = counter.statements
    assert counts["small"] == counts["large"], counts
    assert counts["large"] < 60, counts


def test_closing_many_items_takes_a_fixed_number_of_statements(
    counter: Counter, backend: Backend, tmp_path: Path
) -> None:
    counts = {}
    # both scales keep 12 planned sessions (re-planned after the close), so only the number
    # of open items differs: 400 against 1,000
    for name, scale in (("small", 0.08), ("large", 0.2)):
        target = backend.empty(tmp_path / name)
        generate(target, scale)
        counter.statements = 0
        CLI(target)("session", "close")
        counts[name] = counter.statements
        backend.cleanup(target)
    assert counts["small"] == counts["large"], counts
