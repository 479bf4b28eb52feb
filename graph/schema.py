"""The data model: node labels and relationship types, loaded once from ``schema.yaml``.

The schema is also the allow-list for everything that cannot be a Cypher parameter: a label or a
relationship type enters a query string only through :func:`label` or :func:`rel_type`, which reject
any name the schema does not define.

Example
-------
>>> from chokepoint.graph import schema
>>> schema.label("Person")
'Person'
>>> schema.SCHEMA.nodes["PortOfEntry"].keys
('code',)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import re

import yaml

from chokepoint.graph.errors import SchemaError, UnknownName
from chokepoint.graph.normalise import NORMALISERS

__all__ = [
    "ENTITY",
    "PROPERTY_TYPES",
    "NodeType",
    "RelType",
    "Schema",
    "SCHEMA",
    "load",
    "label",
    "rel_type",
    "bound",
    "constraint_statements",
]

#: Label every entity node carries besides its own, so one index finds any entity by id or name.
ENTITY = "Entity"
PROPERTY_TYPES = ("string", "string[]", "integer", "float", "boolean", "date")
SCHEMA_FILE = Path(__file__).with_name("schema.yaml")
#: Labels, types and property names enter Cypher text (never user text), so they must be plain identifiers.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class NodeType:
    label: str
    description: str
    keys: tuple[str, ...]
    required: tuple[str, ...]
    caption: str
    properties: dict[str, str]
    normalise: dict[str, str]  # key property -> normaliser name (graph/normalise.py)


@dataclass(frozen=True)
class RelType:
    type: str
    description: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: dict[str, str]


@dataclass(frozen=True)
class Schema:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]

    def node(self, name: str) -> NodeType:
        try:
            return self.nodes[name]
        except KeyError:
            raise UnknownName(f"unknown node label {name!r}; known: {', '.join(sorted(self.nodes))}") from None

    def relationship(self, name: str) -> RelType:
        try:
            return self.relationships[name]
        except KeyError:
            known = ", ".join(sorted(self.relationships))
            raise UnknownName(f"unknown relationship type {name!r}; known: {known}") from None

    def allows(self, rel: str, source: str, target: str) -> bool:
        """True when ``(source)-[rel]->(target)`` is an allowed pattern."""
        r = self.relationship(rel)
        return source in r.sources and target in r.targets


@cache
def load(path: Path = SCHEMA_FILE) -> Schema:
    """Read and validate a schema file; raises :class:`SchemaError` naming the file and the mistake."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    problems: list[str] = []
    nodes: dict[str, NodeType] = {}
    for name, spec in (raw.get("nodes") or {}).items():
        props = {p: str(t) for p, t in (spec.get("properties") or {}).items()}
        node = NodeType(
            label=name,
            description=spec.get("description", ""),
            keys=tuple(spec.get("keys") or ()),
            required=tuple(spec.get("required") or ()),
            caption=spec.get("caption", ""),
            properties=props,
            normalise={k: str(spec.get("normalise", {}).get(k, "text")) for k in spec.get("keys") or ()},
        )
        for key, how in (spec.get("normalise") or {}).items():
            if key not in node.keys:
                problems.append(f"node {name}: normalise names {key!r}, which is not a key")
            if how not in NORMALISERS:
                problems.append(f"node {name}: unknown normaliser {how!r}; known: {', '.join(NORMALISERS)}")
        if name == ENTITY:
            problems.append(f"node label {name!r} is reserved")
        if not node.keys:
            problems.append(f"node {name}: no keys")
        for p in (*node.keys, *node.required, node.caption):
            if p not in props:
                problems.append(f"node {name}: {p!r} is not one of its properties")
        problems += [f"node {name}.{p}: unknown type {t!r}" for p, t in props.items() if t not in PROPERTY_TYPES]
        nodes[name] = node
    rels: dict[str, RelType] = {}
    for name, spec in (raw.get("relationships") or {}).items():
        props = {p: str(t) for p, t in (spec.get("properties") or {}).items()}
        rel = RelType(
            type=name,
            description=spec.get("description", ""),
            sources=tuple(spec.get("from") or ()),
            targets=tuple(spec.get("to") or ()),
            properties=props,
        )
        for end in (*rel.sources, *rel.targets):
            if end not in nodes:
                problems.append(f"relationship {name}: endpoint {end!r} is not a node label")
        if not rel.sources or not rel.targets:
            problems.append(f"relationship {name}: needs 'from' and 'to' labels")
        problems += [f"relationship {name}.{p}: unknown type {t!r}" for p, t in props.items() if t not in PROPERTY_TYPES]
        rels[name] = rel
    names = [*nodes, *rels, *(p for t in (*nodes.values(), *rels.values()) for p in t.properties)]
    problems += [f"{n!r} is not a plain identifier (letters, digits, _)" for n in names if not IDENTIFIER.match(n)]
    if problems:
        raise SchemaError(f"{path}: " + "; ".join(problems))
    return Schema(nodes=nodes, relationships=rels)


SCHEMA = load()


def label(name: str) -> str:
    """Return ``name`` if it is a node label of the schema (or ``Entity``), else raise :class:`UnknownName`."""
    if name == ENTITY:
        return name
    return SCHEMA.node(name).label


def rel_type(name: str) -> str:
    """Return ``name`` if it is a relationship type of the schema, else raise :class:`UnknownName`."""
    return SCHEMA.relationship(name).type


def bound(value: object, low: int, high: int, what: str = "value") -> str:
    """``value`` as Cypher text if it is an integer in ``low..high``, else raise :class:`UnknownName`.

    Path lengths (``*..15``, ``{1,6}``) and ``SHORTEST k`` must be literals in Cypher, so they are the
    one kind of number put into a query string, and only through here.

    >>> bound(3, 1, 10, "k")
    '3'
    >>> bound("3; MATCH (n) DETACH DELETE n", 1, 10, "k")
    Traceback (most recent call last):
    ...
    chokepoint.graph.errors.UnknownName: k must be a whole number from 1 to 10, not '3; MATCH (n) DETACH DELETE n'
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UnknownName(f"{what} must be a whole number from {low} to {high}, not {value!r}")
    return str(int(value))


def constraint_statements(schema: Schema = SCHEMA) -> list[str]:
    """Idempotent DDL: a uniqueness constraint on ``id`` per label, key and name indexes, a full-text index.

    Labels come from the validated schema, never from user input.
    """
    statements = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
    ]
    for node in schema.nodes.values():
        lab = node.label
        statements.append(
            f"CREATE CONSTRAINT {lab.lower()}_id IF NOT EXISTS FOR (n:{lab}) REQUIRE n.id IS UNIQUE"
        )
        for key in node.keys:
            statements.append(f"CREATE INDEX {lab.lower()}_{key} IF NOT EXISTS FOR (n:{lab}) ON (n.{key})")
    for rel in schema.relationships.values():
        statements.append(
            f"CREATE INDEX rel_{rel.type.lower()}_id IF NOT EXISTS FOR ()-[r:{rel.type}]-() ON (r.id)"
        )
    statements.append("CREATE CONSTRAINT load_id IF NOT EXISTS FOR (l:Load) REQUIRE l.id IS UNIQUE")
    statements.append("CREATE CONSTRAINT decision_id IF NOT EXISTS FOR (d:Decision) REQUIRE d.id IS UNIQUE")
    # what a load changed, to undo it (loaders/writer.py): found by element and by load
    statements.append("CREATE INDEX prior_of IF NOT EXISTS FOR (p:Prior) ON (p.undo_of)")
    statements.append("CREATE INDEX prior_load IF NOT EXISTS FOR (p:Prior) ON (p.undo_load)")
    statements.append(
        f"CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:{ENTITY}) ON EACH [n.caption, n.search_text] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}"
    )
    return statements
