"""An entity, its details, and its neighbourhood as a small subgraph the app can draw.

Neighbourhoods are capped: a hub with thousands of links returns the first ``limit`` neighbours and
says how many there are, so the caller can offer a narrower query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chokepoint.graph import schema
from chokepoint.graph.errors import EntityNotFound
from chokepoint.graph.store import Store
from chokepoint.graph.values import jsonable
from chokepoint.graph.audit import logged

__all__ = ["Subgraph", "entity_details", "neighbourhood", "entities", "link_types", "DEFAULT_LIMIT", "MAX_LIMIT"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 2000

_ENTITY = """
MATCH (n:Entity {id: $id})
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.caption AS caption,
       properties(n) AS props, COUNT { (n)--() } AS degree
"""

# {types} is ":A|B" from the schema's allow-list, or empty for any type
_NEIGHBOURS = """
MATCH (c:Entity {{id: $id}})-[r{types}]-(m:Entity)
WHERE r.date IS NULL OR (($start IS NULL OR r.date >= $start) AND ($end IS NULL OR r.date <= $end))
WITH DISTINCT m
ORDER BY m.caption, m.id
LIMIT $limit
RETURN m.id AS id
"""

_COUNT = """
MATCH (c:Entity {{id: $id}})-[r{types}]-(m:Entity)
WHERE r.date IS NULL OR (($start IS NULL OR r.date >= $start) AND ($end IS NULL OR r.date <= $end))
RETURN count(DISTINCT m) AS n
"""

_TYPES = """
MATCH (:Entity {id: $id})-[r]-(:Entity)
RETURN type(r) AS type, count(*) AS n ORDER BY n DESC, type
"""

_NODES = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.caption AS caption
"""

_EDGES = """
MATCH (a:Entity)-[r]->(b:Entity)
WHERE a.id IN $ids AND b.id IN $ids
RETURN r.id AS id, a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props
"""



@dataclass
class Subgraph:
    center: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    total_neighbours: int = 0
    shown_neighbours: int = 0

    @property
    def capped(self) -> bool:
        return self.shown_neighbours < self.total_neighbours


@logged("details", query_from="entity_id", rows=lambda _: 1)
def entity_details(store: Store, entity_id: str) -> dict[str, Any]:
    """Label, caption, properties (JSON-safe) and number of links of one entity."""
    rows = store.read(_ENTITY, id=entity_id)
    if not rows:
        raise EntityNotFound(f"no entity with id {entity_id!r}")
    row = rows[0]
    return {"id": row["id"], "label": row["label"], "caption": row["caption"], "degree": row["degree"],
            "properties": jsonable(row["props"])}


@logged("neighbourhood", query_from="entity_id", rows=lambda sub: len(sub.nodes))
def neighbourhood(store: Store, entity_id: str, limit: int = DEFAULT_LIMIT, rel_types: Sequence[str] = (),
                  start: dt.date | None = None, end: dt.date | None = None) -> Subgraph:
    """The entity, up to ``limit`` neighbours, and every relationship among them.

    ``rel_types`` keeps neighbours reached through those relationship types (any when empty);
    ``start``/``end`` keep links dated in that window, inclusive (undated links always count).
    """
    if not store.read("MATCH (n:Entity {id: $id}) RETURN n.id AS id", id=entity_id):
        raise EntityNotFound(f"no entity with id {entity_id!r}")
    types = ":" + "|".join(schema.rel_type(t) for t in rel_types) if rel_types else ""
    window = {"start": start, "end": end}
    total = store.read(_COUNT.format(types=types), id=entity_id, **window)[0]["n"]
    neighbour_ids = [r["id"] for r in store.read(_NEIGHBOURS.format(types=types), id=entity_id,
                                                 limit=int(schema.bound(limit, 1, MAX_LIMIT, "limit")), **window)]
    ids = [entity_id, *neighbour_ids]
    nodes = entities(store, ids)
    edges = [{**jsonable(e), "props": jsonable(e["props"])} for e in store.read(_EDGES, ids=ids)]
    return Subgraph(center=entity_id, nodes=nodes, edges=edges, total_neighbours=total,
                    shown_neighbours=len(neighbour_ids))


def entities(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    """``{"id", "label", "caption"}`` of each entity in ``ids`` that exists, in the order given."""
    return store.read(_NODES, ids=list(ids))


def link_types(store: Store, entity_id: str) -> list[tuple[str, int]]:
    """The relationship types at an entity with how many links of each, commonest first."""
    return [(r["type"], r["n"]) for r in store.read(_TYPES, id=entity_id)]
