"""No value is ever formatted into Cypher: a static scan of the code for string-built queries.

Every f-string, ``%`` template, ``.format()``, ``+`` concatenation and ``str.join`` in ``graph/``,
``loaders/``, ``queries/``, ``app/`` and ``synthetic/`` whose literal text looks like Cypher is checked:
each piece put into it must be *safe*, which is, recursively:

- a call of the allow-list helpers ``schema.label`` / ``schema.rel_type`` (names the schema defines)
  or ``schema.bound`` (an integer in a range: path lengths and ``SHORTEST k`` cannot be parameters);
- a literal; a module constant (``ALL_CAPS`` name or attribute: query templates and fragments, which
  this scan checks where they are defined); a name of the validated schema (iterating ``schema.SCHEMA``);
- a local variable every assignment of which is safe (also loop and comprehension variables over safe
  collections, and ``enumerate`` counters);
- safe pieces combined: f-strings, ``%``, ``.format``, ``+``, ``join``, ``if``-``else``, ``lower()``;
- one of the few fragment builders in ``FRAGMENT_BUILDERS`` (their own bodies are scanned too).

``EXEMPT`` lists what is deliberately not a value: the analyst's own Cypher that ``Store.read_only``
runs (planned with ``EXPLAIN`` first), and the allow-list module itself. Anything else is reported as
``file:line: expression`` and fails the test; the fix is a ``$parameter`` (or the allow-list).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from chokepoint.graph import schema
from chokepoint.graph.errors import UnknownName

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "loaders", "queries", "synthetic", "cases", "app", "cli")

CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|RETURN|WHERE|UNWIND|CALL|DETACH DELETE|DELETE|SET|REMOVE|"
                    r"WITH|OPTIONAL MATCH|FOREACH|LOAD CSV|UNION|ORDER BY|EXPLAIN|PROFILE|SHORTEST)\b")
HELPERS = {"label", "rel_type", "bound"}                 # graph.schema's allow-list helpers
SAFE_METHODS = {"lower", "upper", "strip"}                # of a safe string, still safe
SAFE_CALLS = {"enumerate", "sorted", "list", "tuple"}     # of safe collections, still safe collections
#: functions returning a Cypher fragment built only from the allow-list (their bodies are scanned too)
FRAGMENT_BUILDERS = {"pattern"}                           # queries.paths.PathFilter.pattern: -[:A|B*1..6]->
#: (file, function, variable): pieces that are Cypher by design, not values put into Cypher
EXEMPT = {
    ("graph/store.py", "_refusal", "query"),   # "EXPLAIN " + the analyst's query: read_only's own check
}
EXEMPT_FILES = {"graph/schema.py"}             # the allow-list: names from the validated schema file


def looks_like_cypher(text: str) -> bool:
    return bool(CYPHER.search(text))


class Scope:
    """Assignments of one function (or the module), to decide whether a name holds a safe value."""

    def __init__(self, node: ast.AST, module: Scope | None = None):
        self.node, self.module = node, module
        self.assigned: dict[str, list[ast.AST]] = {}
        self.params: set[str] = set()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            self.params = {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if x}
        for sub in _walk_scope(node):
            if isinstance(sub, ast.Assign):
                for target in sub.targets:
                    self._bind(target, sub.value)
            elif isinstance(sub, (ast.AnnAssign, ast.AugAssign)) and sub.value is not None:
                self._bind(sub.target, sub.value if isinstance(sub, ast.AnnAssign) else
                           ast.BinOp(sub.target, sub.op, sub.value))
            elif isinstance(sub, (ast.For, ast.AsyncFor)):
                self._bind(sub.target, _Element(sub.iter))
            elif isinstance(sub, ast.NamedExpr):
                self._bind(sub.target, sub.value)

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.assigned.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for i, t in enumerate(target.elts):
                self._bind(t, _Part(value, i))


class _Element(ast.AST):
    """An element of the collection ``iterable`` (a loop or comprehension variable)."""

    def __init__(self, iterable: ast.AST):
        super().__init__()
        self.iterable = iterable


class _Part(ast.AST):
    """Item ``index`` of an unpacked ``value``."""

    def __init__(self, value: ast.AST, index: int):
        super().__init__()
        self.value, self.index = value, index


def _walk_scope(node: ast.AST):
    """Nodes of ``node``'s own scope (not inside nested functions or classes)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield child
        yield from _walk_scope(child)


def _constant_name(name: str) -> bool:
    return bool(re.fullmatch(r"_*[A-Z][A-Z0-9_]*", name))


class Checker:
    def __init__(self, path: Path):
        self.rel = path.relative_to(ROOT).as_posix()
        self.tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        self.module = Scope(self.tree)
        self.violations: list[str] = []
        self._visiting: set[tuple[int, str]] = set()
        self.cypher = 0

    # -- what is a safe piece -------------------------------------------------------------------------
    def safe(self, node: ast.AST, scope: Scope, comp: dict[str, ast.AST] | None = None) -> bool:
        comp = comp or {}
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(v.value, scope, comp) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.FormattedValue):
            return self.safe(node.value, scope, comp)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, scope, comp) and self.safe(node.orelse, scope, comp)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            return self.safe(node.left, scope, comp) and self.safe(node.right, scope, comp)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return all(self.safe(e, scope, comp) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(self.safe(v, scope, comp) for v in node.values)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            inner = dict(comp)
            for gen in node.generators:
                for name, value in _targets(gen.target, _Element(gen.iter)):
                    inner[name] = value
            return self.safe(node.elt, scope, inner)
        if isinstance(node, ast.Subscript):   # {"both": f"-{rel}-", ...}[direction]: a safe value picked
            return self.safe(node.value, scope, comp)
        if isinstance(node, ast.Call):
            return self.safe_call(node, scope, comp)
        if isinstance(node, ast.Attribute):
            return _constant_name(node.attr)
        if isinstance(node, _Element):
            return self.safe_collection(node.iterable, scope, comp)
        if isinstance(node, _Part):
            if isinstance(node.value, _Element) and isinstance(node.value.iterable, ast.Call) and \
                    _func_name(node.value.iterable) == "enumerate":
                return node.index == 0 or self.safe_collection(node.value.iterable.args[0], scope, comp)
            return self.safe(node.value, scope, comp)
        if isinstance(node, ast.Name):
            return self.safe_name(node.id, scope, comp)
        return False

    def safe_collection(self, node: ast.AST, scope: Scope, comp: dict[str, ast.AST]) -> bool:
        """Every element of ``node`` is safe."""
        if isinstance(node, ast.Attribute) and ast.unparse(node).startswith("schema.SCHEMA."):
            return True                                  # the validated schema's own names
        if isinstance(node, ast.Call) and _func_name(node) in ("values", "items", "keys") and \
                ast.unparse(node).startswith("schema.SCHEMA."):
            return True
        if isinstance(node, ast.Call) and _func_name(node) in SAFE_CALLS and node.args:
            return self.safe_collection(node.args[0], scope, comp)
        if isinstance(node, ast.Name) and node.id not in comp:
            values = scope.assigned.get(node.id) or (self.module.assigned.get(node.id) if scope is not self.module
                                                      else None)
            if values:
                return all(self.safe(v, scope, comp) for v in values)
        return self.safe(node, scope, comp)

    def safe_call(self, node: ast.Call, scope: Scope, comp: dict[str, ast.AST]) -> bool:
        name = _func_name(node)
        func = node.func
        if name in HELPERS and (isinstance(func, ast.Name) or ast.unparse(func).startswith("schema.")):
            return True
        if name in FRAGMENT_BUILDERS:
            return True
        args = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(func, ast.Attribute):
            if name in SAFE_METHODS:
                return self.safe(func.value, scope, comp)
            if name == "format":
                return self.safe(func.value, scope, comp) and all(self.safe(a, scope, comp) for a in args)
            if name == "join":
                return self.safe(func.value, scope, comp) and all(self.safe_collection(a, scope, comp) for a in args)
        if name in ("str", "int") and args:
            return all(self.safe(a, scope, comp) for a in args) if name == "str" else True
        return False

    def safe_name(self, name: str, scope: Scope, comp: dict[str, ast.AST]) -> bool:
        if name in comp:
            return self.safe(comp[name], scope, {k: v for k, v in comp.items() if k != name})
        if (self.rel, getattr(scope.node, "name", ""), name) in EXEMPT:
            return True
        if name in scope.assigned:
            key = (id(scope), name)
            if key in self._visiting:                      # x = x + ...: the other assignments decide
                return True
            self._visiting.add(key)
            try:
                return all(self.safe(v, scope) for v in scope.assigned[name])
            finally:
                self._visiting.discard(key)
        if name in scope.params:
            return False
        if scope is not self.module and name in self.module.assigned:
            return self.safe_name(name, self.module, {})
        return _constant_name(name)                        # an imported module constant (scanned where defined)

    # -- what is string-built Cypher ------------------------------------------------------------------
    def literal_text(self, node: ast.AST, scope: Scope, seen: frozenset = frozenset()) -> str:
        """The literal text of a string expression (module constants resolved), to see if it is Cypher."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(self.literal_text(v, scope, seen) for v in node.values)
        if isinstance(node, ast.BinOp):
            return self.literal_text(node.left, scope, seen) + " " + self.literal_text(node.right, scope, seen)
        if isinstance(node, ast.IfExp):
            return self.literal_text(node.body, scope, seen) + " " + self.literal_text(node.orelse, scope, seen)
        if isinstance(node, ast.Name) and node.id not in seen:
            values = scope.assigned.get(node.id) or self.module.assigned.get(node.id) or []
            return " ".join(self.literal_text(v, scope, seen | {node.id}) for v in values
                            if not isinstance(v, (_Element, _Part)))
        return ""

    def built_strings(self, node: ast.AST) -> list[tuple[ast.AST, ast.AST, list[ast.AST]]]:
        """(expression, template, pieces put into it) if ``node`` builds a string."""
        if isinstance(node, ast.JoinedStr):
            return [(node, node, [v.value for v in node.values if isinstance(v, ast.FormattedValue)])]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and not isinstance(node.left, ast.Num):
            right = node.right
            pieces = right.values if isinstance(right, ast.Dict) else right.elts if isinstance(right, ast.Tuple) \
                else [right]
            return [(node, node.left, list(pieces))]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return [(node, node, [node.left, node.right])]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "format":
                return [(node, node.func.value, [*node.args, *(k.value for k in node.keywords)])]
            if node.func.attr == "join" and node.args:
                return [(node, node.func.value, list(node.args))]
        return []

    def scan(self) -> list[str]:
        self._scan_scope(self.tree, self.module)
        return self.violations

    def _scan_scope(self, node: ast.AST, scope: Scope, comp: dict[str, ast.AST] | None = None) -> None:
        comp = comp or {}
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self._scan_scope(child, Scope(child, self.module))
                continue
            for expr, template, pieces in self.built_strings(child):
                text = self.literal_text(expr if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add)
                                         else template, scope)
                if not looks_like_cypher(text) and getattr(scope.node, "name", None) not in FRAGMENT_BUILDERS:
                    continue
                self.cypher += 1
                join = isinstance(expr, ast.Call) and expr.func.attr == "join"
                for piece in pieces:
                    ok = self.safe_collection(piece, scope, comp) if join else self.safe(piece, scope, comp)
                    if not ok:
                        bad = self.culprit(piece, scope, comp)
                        self.violations.append(f"{self.rel}:{bad.lineno}: {ast.unparse(bad)}")
            inner = comp
            if isinstance(child, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
                inner = dict(comp)
                for gen in child.generators:
                    inner.update(_targets(gen.target, _Element(gen.iter)))
            self._scan_scope(child, scope, inner)

    def culprit(self, node: ast.AST, scope: Scope, comp: dict[str, ast.AST]) -> ast.AST:
        """The innermost piece of an unsafe ``node`` that is itself unsafe (what to report)."""
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            inner = dict(comp)
            for gen in node.generators:
                inner.update(_targets(gen.target, _Element(gen.iter)))
            return self.culprit(node.elt, scope, inner)
        if isinstance(node, (ast.Subscript, ast.Name)):
            return node
        children = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)
                    and not isinstance(c, (ast.Constant, ast.Attribute)) and not
                    (isinstance(node, ast.Call) and c is node.func and not isinstance(c, ast.Attribute))]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            children = [node.func.value, *node.args, *(k.value for k in node.keywords)]
        for c in children:
            if not (self.safe_collection(c, scope, comp) if isinstance(node, ast.Call) and
                    _func_name(node) == "join" and c is not getattr(node.func, "value", None)
                    else self.safe(c, scope, comp)):
                return self.culprit(c, scope, comp)
        return node


def _targets(target: ast.AST, value: ast.AST):
    if isinstance(target, ast.Name):
        yield target.id, value
    elif isinstance(target, (ast.Tuple, ast.List)):
        for i, t in enumerate(target.elts):
            yield from _targets(t, _Part(value, i))


def _func_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def scan_source(text: str, rel: str = "queries/planted.py") -> list[str]:
    path = ROOT / rel
    checker = Checker.__new__(Checker)
    checker.rel, checker.tree = rel, ast.parse(text, str(path))
    checker.module, checker.violations, checker._visiting, checker.cypher = Scope(checker.tree), [], set(), 0
    return checker.scan()


def source_files() -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in files if p.relative_to(ROOT).as_posix() not in EXEMPT_FILES]


# -- the tests --------------------------------------------------------------------------------------------
def test_no_value_is_formatted_into_cypher():
    checkers = [Checker(p) for p in source_files()]
    violations = [v for c in checkers for v in c.scan()]
    # the scan sees the string-built Cypher there is (templates with labels, types, path lengths, unions)
    assert len(checkers) > 30 and sum(c.cypher for c in checkers) >= 20
    assert violations == [], "values formatted into Cypher (use a $parameter or graph.schema's allow-list):\n" + \
        "\n".join(violations)


@pytest.mark.parametrize("snippet, bad", [
    ('def f(store, name):\n    store.read(f"MATCH (n {{caption: \'{name}\'}}) RETURN n")', "name"),
    ('def f(store, label):\n    store.read("MATCH (n:%s) RETURN n" % label)', "label"),
    ('def f(store, d):\n    store.read("MATCH (n:%(l)s) RETURN n" % {"l": d["label"]})', 'd[\'label\']'),
    ('Q = "MATCH (n:{label}) RETURN n"\ndef f(store, x):\n    store.read(Q.format(label=x))', "x"),
    ('def f(store, t):\n    store.read("MATCH ()-[r:" + t + "]->() RETURN r")', "t"),
    ('def f(store, ids):\n    q = "MATCH (n) WHERE n.id IN [" + ", ".join(ids) + "] RETURN n"', "ids"),
    ('def f(store, limit):\n    n = limit\n    store.read(f"MATCH (n) RETURN n LIMIT {n}")', "n"),
    ('def f(store, names):\n    store.read("\\nUNION ALL\\n".join(f"MATCH (n:{x}) RETURN n" for x in names))', "x"),
])
def test_the_scan_flags_planted_string_built_cypher(snippet, bad):
    found = scan_source(snippet)
    assert found and all(v.startswith("queries/planted.py:") for v in found), found
    assert any(v.endswith(f": {bad}") for v in found), found


def test_the_scan_accepts_the_allow_list_and_parameters():
    snippet = '''
from chokepoint.graph import schema
Q = "MATCH (n:%(label)s {id: $id}) RETURN n"
PART = "MATCH (n:{label}) RETURN n"
def f(store, label, types, d):
    lab = schema.label(d["label"])
    store.read(Q % {"label": schema.label(label)}, id=1)
    store.read(Q % {"label": lab}, id=1)
    wanted = [schema.label(x) for x in types]
    store.read("\\nUNION ALL\\n".join(PART.format(label=x) for x in wanted))
    rels = ":" + "|".join(schema.rel_type(t) for t in types) if types else ""
    store.read(f"MATCH ()-[r{rels}*1..{schema.bound(3, 1, 6)}]->() RETURN r")
    parts = [f"MATCH (n:{schema.label(x)}) RETURN {i} AS i" for i, x in enumerate(schema.SCHEMA.nodes)]
    store.read(" UNION ALL ".join(parts))
    store.read("MATCH (n {caption: $name}) RETURN n", name=d["name"])
'''
    assert scan_source(snippet) == []


def test_the_allow_list_refuses_unknown_and_injected_names():
    # (tests/graph/test_schema.py covers plain unknown names; here: what an attacker would try)
    for bad in ("Person) DETACH DELETE (n", "Person`", "`Person`", "Person:Admin", "person", "Person ", "",
                "Entity|Person", "Person//", "Person\u200b"):
        with pytest.raises(UnknownName):
            schema.label(bad)
    for bad in ("USES]->() DETACH DELETE r //", "USES|CALLED", "uses", "USES*1..9", "`USES`", "Person"):
        with pytest.raises(UnknownName):
            schema.rel_type(bad)
    for bad in (True, 3.0, "3", -1, 101, "1 MATCH (n) DETACH DELETE n"):
        with pytest.raises(UnknownName):
            schema.bound(bad, 1, 100, "k")
