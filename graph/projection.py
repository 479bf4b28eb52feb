"""Project a subgraph of Neo4j into a networkx ``MultiDiGraph`` for analytics.

Nodes are keyed by entity ``id`` and carry all their properties plus ``label`` (the schema label) and
``labels``; edges are keyed by relationship ``id`` and carry their properties plus ``type``. Temporal
values become Python ``datetime.date`` / ``datetime.datetime``.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
from chokepoint.graph import schema
from chokepoint.graph.store import Store
from chokepoint.graph.values import plain

__all__ = ["project"]

_NODES = """
MATCH (n:Entity)
WHERE ($labels IS NULL OR any(l IN labels(n) WHERE l IN $labels))
  AND ($dataset IS NULL OR n.dataset = $dataset)
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'] AS labels, properties(n) AS props
"""

_RELATIONSHIPS = """
MATCH (a:Entity)-[r]->(b:Entity)
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($labels IS NULL OR (any(l IN labels(a) WHERE l IN $labels) AND any(l IN labels(b) WHERE l IN $labels)))
  AND ($dataset IS NULL OR (a.dataset = $dataset AND b.dataset = $dataset))
RETURN a.id AS source, b.id AS target, r.id AS id, type(r) AS type, properties(r) AS props
"""


def project(
    store: Store,
    labels: Sequence[str] | None = None,
    rel_types: Sequence[str] | None = None,
    dataset: str | None = None,
) -> nx.MultiDiGraph:
    """The subgraph with nodes of ``labels`` (all if None) and relationships of ``rel_types`` between them.

    Raises :class:`~graph.errors.UnknownName` for a label or type the schema does not define.
    """
    labels = [schema.label(x) for x in labels] if labels else None
    rel_types = [schema.rel_type(x) for x in rel_types] if rel_types else None
    g = nx.MultiDiGraph()
    for row in store.read(_NODES, labels=labels, dataset=dataset):
        props = {k: plain(v) for k, v in row["props"].items()}
        g.add_node(row["id"], **props, labels=row["labels"], label=row["labels"][0] if row["labels"] else None)
    for row in store.read(_RELATIONSHIPS, types=rel_types, labels=labels, dataset=dataset):
        props = {k: plain(v) for k, v in row["props"].items()}
        props.pop("id", None)
        g.add_edge(row["source"], row["target"], key=row["id"], type=row["type"], **props)
    return g
