"""The floors hold: every import of ours points down (docs/architecture.md, "Which arrows are allowed").

graph imports nothing of ours; loaders and queries import graph; synthetic imports graph (and loaders'
record formats never: it writes files); cases imports graph, loaders, queries and synthetic; the two
front ends, app and cli, import cases and graph's shared types, and cli launches the app.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ("graph", "loaders", "queries", "synthetic", "cases", "app", "cli")
# graph's modules a front end may use directly: types, settings, errors, display of values, the audit log
SHARED_TYPES = {"graph", "graph.audit", "graph.config", "graph.errors", "graph.schema", "graph.store",
                "graph.values"}
ALLOWED: dict[str, set[str]] = {
    "graph": set(),
    "loaders": {"graph"},
    "queries": {"graph"},
    "synthetic": {"graph"},
    "cases": {"graph", "loaders", "queries", "synthetic"},
    "app": {"cases"} | SHARED_TYPES,
    "cli": {"cases", "app.main", "app.auth"} | SHARED_TYPES,
}


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for each ``chokepoint.*`` module a file imports, names of submodules resolved:
    ``from chokepoint.graph import local`` is ``graph.local``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            for a in node.names:
                sub = ROOT.joinpath(*node.module.split(".")[1:], a.name)
                if node.module.startswith("chokepoint.") and (sub.with_suffix(".py").exists() or sub.is_dir()):
                    found.append((node.lineno, f"{node.module}.{a.name}"))
    return [(line, m.removeprefix("chokepoint.")) for line, m in found if m.startswith("chokepoint.")]


def allowed(floor: str, module: str) -> bool:
    top = module.split(".")[0]
    if top == floor:
        return True
    rules = ALLOWED[floor]
    return top in rules or module in rules or any(module.startswith(r + ".") for r in rules if "." in r)


def crossings(root: Path = ROOT) -> list[str]:
    wrong = []
    for floor in FLOORS:
        for path in sorted((root / floor).rglob("*.py")):
            for line, module in imports_of(path):
                if not allowed(floor, module):
                    wrong.append(f"{path.relative_to(root)}:{line}: {floor} imports {module}")
    return wrong


def test_every_import_points_down_the_floors():
    assert crossings() == [], "imports against the floors (docs/architecture.md):\n" + "\n".join(crossings())


def test_an_arrow_the_wrong_way_is_caught(tmp_path):
    for floor in FLOORS:
        (tmp_path / floor).mkdir()
    (tmp_path / "graph" / "store.py").write_text("from chokepoint.queries.search import search_entities\n")
    (tmp_path / "queries" / "paths.py").write_text("from chokepoint.graph import store\nimport chokepoint.loaders.load\n")
    (tmp_path / "app" / "main.py").write_text("from chokepoint.queries import paths\nfrom chokepoint.cases import x\n")
    assert crossings(tmp_path) == ["graph/store.py:1: graph imports queries.search",
                                   "queries/paths.py:2: queries imports loaders.load",
                                   "app/main.py:1: app imports queries",
                                   "app/main.py:1: app imports queries.paths"]
