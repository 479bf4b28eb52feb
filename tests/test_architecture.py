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
# graph's modules a front end may use directly (types, settings, errors, display of values, the audit log),
# and of graph.projection only its types: a front end never projects or collapses a graph itself
SHARED_TYPES = {"graph.audit", "graph.config", "graph.csvsafe", "graph.errors", "graph.schema", "graph.store",
                "graph.values"}
SHARED_NAMES = {"graph.projection": {"Scope", "AnalyticsError", "EmptyGraph", "BadWeight"}}
ALLOWED: dict[str, set[str]] = {
    "graph": set(),
    "loaders": {"graph"},
    "queries": {"graph"},
    "synthetic": {"graph"},
    "cases": {"graph", "loaders", "queries", "synthetic"},
    "app": {"cases"} | SHARED_TYPES,
    "cli": {"cases", "app.main", "app.auth"} | SHARED_TYPES,
}


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str, str | None]]:
    """(line, module, name) for each ``chokepoint.*`` module a file imports, with the name taken from it
    (None for a whole module); submodules are resolved: ``from chokepoint.graph import local`` is
    ``graph.local``, and ``from chokepoint.graph.store import Store`` is ``graph.store`` and ``Store``."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                sub = root.joinpath(*node.module.split(".")[1:], a.name)
                if sub.with_suffix(".py").exists() or sub.is_dir():
                    found.append((node.lineno, f"{node.module}.{a.name}", None))
                else:
                    found.append((node.lineno, node.module, a.name))
    return [(line, m.removeprefix("chokepoint."), name) for line, m, name in found if m.startswith("chokepoint.")]


def allowed(floor: str, module: str, name: str | None = None) -> bool:
    top = module.split(".")[0]
    rules = ALLOWED[floor]
    if top == floor or top in rules or module in rules:
        return True
    if floor in ("app", "cli"):
        return module in SHARED_TYPES or (name is not None and name in SHARED_NAMES.get(module, ()))
    return False


def crossings(root: Path = ROOT) -> list[str]:
    wrong = []
    for floor in FLOORS:
        for path in sorted((root / floor).rglob("*.py")):
            for line, module, name in imports_of(path, root):
                if not allowed(floor, module, name):
                    what = f"{module}.{name}" if name else module
                    wrong.append(f"{path.relative_to(root)}:{line}: {floor} imports {what}")
    return wrong


def test_every_import_points_down_the_floors():
    assert crossings() == [], "imports against the floors (docs/architecture.md):\n" + "\n".join(crossings())


def test_an_arrow_the_wrong_way_is_caught(tmp_path):
    for floor in FLOORS:
        (tmp_path / floor).mkdir()
    (tmp_path / "graph" / "store.py").write_text("from chokepoint.queries.search import search_entities\n")
    (tmp_path / "queries" / "paths.py").write_text("from chokepoint.graph import store\nimport chokepoint.loaders.load\n")
    (tmp_path / "queries" / "search.py").write_text("")
    (tmp_path / "graph" / "local.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(
        "from chokepoint.queries import search\nfrom chokepoint.cases import x\nfrom chokepoint.graph import local\n"
        "from chokepoint.graph.store import Store\nfrom chokepoint.graph.projection import Scope, collapse\n")
    (tmp_path / "cli" / "serve.py").write_text("from chokepoint.app.main import create_app\nimport chokepoint.app.view\n")
    assert crossings(tmp_path) == ["graph/store.py:1: graph imports queries.search.search_entities",
                                   "queries/paths.py:2: queries imports loaders.load",
                                   "app/main.py:1: app imports queries.search",
                                   "app/main.py:3: app imports graph.local",
                                   "app/main.py:5: app imports graph.projection.collapse",
                                   "cli/serve.py:2: cli imports app.view"]
