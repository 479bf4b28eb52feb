"""Writing entity and relationship records to Neo4j: MERGE on stable ids in UNWIND batches.

Labels and types enter the Cypher only through the schema's allow-list. Properties are set (last value
wins) except key properties, which keep the first spelling seen; ``aliases``, ``sources`` (file:row)
and ``loads`` (load ids) grow as sets, so writing the same records twice changes nothing. Records of
an entity an analyst merged into another are written to the kept one (``loaders/resolve.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from graph import schema
from graph.store import Store
from loaders.resolve import redirects
from loaders.rows import NodeRecord, RelRecord

__all__ = ["write_records"]

# A new entity gets every property in one map (the common case of a first load); an existing one is
# updated property by property, with its lists kept as sets.
_MERGE_NODES = """
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
ON CREATE SET n:%(label)s, n = row.created
ON MATCH SET n += row.props,
    n.aliases = reduce(a = coalesce(n.aliases, []), x IN row.aliases | CASE WHEN x IN a THEN a ELSE a + x END),
    n.sources = reduce(a = coalesce(n.sources, []), x IN row.sources | CASE WHEN x IN a THEN a ELSE a + x END),
    n.loads = CASE WHEN $load IS NULL OR $load IN coalesce(n.loads, []) THEN n.loads
                   ELSE coalesce(n.loads, []) + $load END
ON MATCH SET n.caption = toString(coalesce(n[$caption], n.id)),
    n.search_text = reduce(s = n.id, x IN n.aliases | s + ' ' + x)
"""

_MERGE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:%(type)s {id: row.id}]->(b)
ON CREATE SET r = row.created
ON MATCH SET r += row.props,
    r.sources = reduce(a = coalesce(r.sources, []), x IN row.sources | CASE WHEN x IN a THEN a ELSE a + x END),
    r.loads = CASE WHEN $load IS NULL OR $load IN coalesce(r.loads, []) THEN r.loads
                   ELSE coalesce(r.loads, []) + $load END
"""


def write_records(
    store: Store,
    mapped_rows: Iterable[tuple[list[NodeRecord], list[RelRecord]]],
    dataset: str,
    load_id: str | None = None,
) -> Counter:
    """Merge the nodes, then the relationships, of ``mapped_rows``; return Neo4j's update counters."""
    moved = redirects(store)  # entities an analyst merged: their records land on the kept entity
    # One row per entity and per relationship: a chunk names the same port or courier thousands of times.
    nodes: dict[str, dict[str, dict]] = defaultdict(dict)
    rels: dict[str, dict[str, dict]] = defaultdict(dict)
    for node_records, rel_records in mapped_rows:
        for n in node_records:
            node_id = moved.get(n.id, n.id)
            row = nodes[n.label].get(node_id)
            if row is None:
                keys = schema.SCHEMA.nodes[n.label].keys
                nodes[n.label][node_id] = {
                    "id": node_id, "aliases": list(n.aliases), "sources": [n.source] if n.source else [],
                    "keys": {k: v for k, v in n.props.items() if k in keys},
                    "props": {k: v for k, v in n.props.items() if k not in keys},
                }
                continue
            row["props"].update({k: v for k, v in n.props.items() if k not in row["keys"]})
            row["aliases"] += [a for a in n.aliases if a not in row["aliases"]]
            if n.source and n.source not in row["sources"]:
                row["sources"].append(n.source)
        for r in rel_records:
            row = rels[r.type].get(r.id)
            if row is None:
                rels[r.type][r.id] = {"id": r.id, "source": moved.get(r.source, r.source),
                                      "target": moved.get(r.target, r.target), "props": r.props,
                                      "sources": [r.ref]}
            elif r.ref not in row["sources"]:
                row["sources"].append(r.ref)
    loads = [load_id] if load_id else []
    for label, rows in nodes.items():
        caption = schema.SCHEMA.nodes[label].caption
        for row in rows.values():
            created = {**row["keys"], **row["props"]}
            row["created"] = {**created, "id": row["id"], "dataset": dataset, "aliases": row["aliases"],
                              "sources": row["sources"], "loads": loads,
                              "caption": str(created.get(caption, row["id"])),
                              "search_text": " ".join([row["id"], *row["aliases"]])}
    for rows in rels.values():
        for row in rows.values():
            row["created"] = {**row["props"], "id": row["id"], "dataset": dataset, "sources": row["sources"],
                              "loads": loads}
    counters: Counter = Counter()
    for label, rows in nodes.items():
        query = _MERGE_NODES % {"label": schema.label(label)}
        counters += store.write_batches(query, rows.values(), dataset=dataset, load=load_id,
                                        caption=schema.SCHEMA.nodes[label].caption)
    for rtype, rows in rels.items():
        query = _MERGE_RELATIONSHIPS % {"type": schema.rel_type(rtype)}
        counters += store.write_batches(query, rows.values(), dataset=dataset, load=load_id)
    return counters
