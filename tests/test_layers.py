"""The layers of ARCHITECTURE.md, checked: imports point down, never up or sideways into cli."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "studygroup"
# The nouns, the read layer (views) and the two workflows above it, in the one order of
# ARCHITECTURE.md: each may import only those before it, so the structure has no circle.
ORDER = [
    "journal",
    "groups",
    "organisers",
    "sessions",
    "courses",
    "members",
    "talks",
    "items",
    "roles",
    "rsvps",
    "polls",
    "attendance",
    "agenda",
    "rollover",
    "attendance_import",
    "views.progress",
    "views.course",
    "views.group",
    "views.stats",
    "views.agenda",
    "views.calendar",
    "views.recap",
    "views.site",
    "reminders",
    "demo",
]
BASE = {"errors", "faults", "clock"}
# what each layer may import, besides itself and the base modules (nouns: see ORDER)
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
    return "nouns" if module in ORDER or parts[0] == "views" else "base"


def _imports(path: Path) -> set[str]:
    """Every module of ours it imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in ("studygroup", "studygroup.views"):
                prefix = node.module.removeprefix("studygroup").lstrip(".")
                found.update(f"{prefix}.{a.name}".lstrip(".") for a in node.names)
            elif node.module.startswith("studygroup."):
                found.add(node.module.removeprefix("studygroup."))
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("studygroup.")
                for a in node.names
                if a.name.startswith("studygroup.")
            )
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if module.endswith("__init__") or module == "__main__":
            continue
        out.append((module, path))
    return out


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for module, path in _modules():
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


def test_nouns_import_only_those_before_them() -> None:
    """The noun order, checked for every import, inside functions too."""
    listed = {m for m, _ in _modules() if _layer(m) == "nouns"}
    assert listed == set(ORDER), "a noun or view is missing from ORDER (and ARCHITECTURE.md)"
    wrong = []
    for module, path in _modules():
        if module not in ORDER:
            continue
        for target in _imports(path):
            if target in ORDER and ORDER.index(target) >= ORDER.index(module):
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_the_order_is_the_one_written_in_architecture() -> None:
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text()
    line = next(x for x in text.splitlines() if x.startswith("Noun order:"))
    assert [name.strip(" `.") for name in line.removeprefix("Noun order:").split("→")] == ORDER


def _annotations(tree: ast.AST) -> list[tuple[str, str]]:
    """(function name, its return annotation) for every function and method."""
    return [
        (node.name, ast.unparse(node.returns))
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None
    ]


def test_no_untyped_row_leaves_a_module() -> None:
    """A row another module reads has a shape (store/rows.py): no public function returns a
    bare Row[Any]; only a module's own helpers may pass one along."""
    leaking = [
        f"{path.relative_to(PACKAGE)}: {name}() -> {returns}"
        for path in PACKAGE.rglob("*.py")
        for name, returns in _annotations(ast.parse(path.read_text()))
        if "Row[Any]" in returns and not name.startswith("_")
    ]
    assert leaking == []


def test_documents_are_typed() -> None:
    """The documents every output crosses are TypedDicts (render/documents.py): a
    dict[str, Any] is the exception, ten at most across the package."""
    count = sum(path.read_text().count("dict[str, Any]") for path in PACKAGE.rglob("*.py"))
    assert count <= 10
