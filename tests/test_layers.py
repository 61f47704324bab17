"""The layers of ARCHITECTURE.md, checked: imports point down, never up or sideways into cli."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "studygroup"
NOUNS = {
    "courses",
    "members",
    "sessions",
    "agenda",
    "talks",
    "items",
    "attendance",
    "attendance_import",
    "polls",
    "rollover",
    "reminders",
    "stats",
    "progress",
    "exports",
    "demo",
    "journal",
    "roles",
}
BASE = {"errors", "faults", "clock"}
# what each layer may import, besides itself and the base modules
MAY_IMPORT = {
    "cli": {"cli", "nouns", "render", "io", "rules", "store"},
    "nouns": {"nouns", "render", "io", "rules", "store"},
    "render": {"render", "rules", "store.enums", "store.rows"},
    "io": {"io", "render", "rules", "store.location"},
    "rules": {"rules", "store.enums", "store.rows"},
    "store": {"store", "rules"},
    "base": set(),
}


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("cli", "render", "io", "rules", "store"):
        return parts[0]
    return "nouns" if parts[0] in NOUNS else "base"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "studygroup":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("studygroup."):
                found.add(node.module.removeprefix("studygroup."))
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("studygroup.")
                for a in node.names
                if a.name.startswith("studygroup.")
            )
    return found


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if module in ("__init__", "__main__"):
            continue
        layer = _layer(module)
        for target in _imports(path):
            if target in BASE or target == "__version__" or _layer(target) == layer:
                continue
            allowed = MAY_IMPORT[layer]
            if _layer(target) in allowed or any(
                target == a or target.startswith(a + ".") for a in allowed
            ):
                continue
            wrong.append(f"{module} -> {target}")
    assert wrong == []
