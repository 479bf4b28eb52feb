"""Writing entity and relationship records to Neo4j: MERGE on stable ids in UNWIND batches.

Labels and types enter the Cypher only through the schema's allow-list. Properties are set (last value
wins); ``aliases``, ``sources`` (file:row) and ``loads`` (load ids) grow as sets, so writing the same
records twice changes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from graph import schema
from graph.store import Store
from loaders.rows import NodeRecord, RelRecord

__all__ = ["write_records"]

_MERGE_NODES = """
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:%(label)s, n += row.props, n.dataset = $dataset
SET n.aliases = reduce(a = coalesce(n.aliases, []), x IN row.aliases | CASE WHEN x IN a THEN a ELSE a + x END),
    n.sources = CASE WHEN row.source IS NULL OR row.source IN coalesce(n.sources, []) THEN n.sources
                     ELSE coalesce(n.sources, []) + row.source END,
    n.loads = CASE WHEN $load IS NULL OR $load IN coalesce(n.loads, []) THEN n.loads
                   ELSE coalesce(n.loads, []) + $load END
SET n.caption = toString(coalesce(n[$caption], n.id)),
    n.search_text = reduce(s = n.id, x IN n.aliases | s + ' ' + x)
"""

_MERGE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:%(type)s {id: row.id}]->(b)
SET r += row.props, r.dataset = $dataset,
    r.sources = CASE WHEN row.ref IN coalesce(r.sources, []) THEN r.sources ELSE coalesce(r.sources, []) + row.ref END,
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
    nodes: dict[str, list[dict]] = defaultdict(list)
    rels: dict[str, list[dict]] = defaultdict(list)
    for node_records, rel_records in mapped_rows:
        for n in node_records:
            nodes[n.label].append({"id": n.id, "props": n.props, "aliases": n.aliases, "source": n.source})
        for r in rel_records:
            rels[r.type].append({"id": r.id, "source": r.source, "target": r.target, "props": r.props, "ref": r.ref})
    counters: Counter = Counter()
    for label, rows in nodes.items():
        query = _MERGE_NODES % {"label": schema.label(label)}
        counters += store.write_batches(query, rows, dataset=dataset, load=load_id,
                                        caption=schema.SCHEMA.nodes[label].caption)
    for rtype, rows in rels.items():
        query = _MERGE_RELATIONSHIPS % {"type": schema.rel_type(rtype)}
        counters += store.write_batches(query, rows, dataset=dataset, load=load_id)
    return counters
