"""Writing entity and relationship records to Neo4j: MERGE on stable ids in UNWIND batches.

Labels, types and property names enter the Cypher only through the schema's allow-list. Properties are
set (last value wins) except key properties, which keep the first spelling seen; ``aliases``,
``sources`` (file:row) and ``loads`` (load ids) grow as sets, so writing the same records twice changes
nothing. Records of an entity an analyst merged into another are written to the kept one
(``loaders/resolve.py``).

A chunk is written as one statement per label for its entities and one per type for its links, each
entity and link once per chunk however many rows name it.

Every entity a row names has that row in its ``sources``: the row's own entity (its first) and those
it refers to (the port, courier and vehicle of a shipment row) alike. Entities a load only refers to
(a port named on 10,000 shipment rows) are written in full the first time; afterwards, while nothing
else about them changes (a bounded table of what the load wrote), only the rows that name them are
added to their ``sources``, by a lighter statement. Lists grow as sets by hashing (``RETURN DISTINCT``),
so a port's list of thousands of rows costs a pass, not a scan per row.

What a load changes can be undone (``loaders/undo.py``). Per element, the marker is ``loads``: load ids
in the order they first wrote it, so the first is the load that created it and the last the latest to
touch it. Before a load (with an id) first touches an element that already exists, the writer keeps
the element as it was in a ``(:Prior)`` node (``undo_load``, ``undo_of``, ``undo_kind``; the properties
with their types, except the grown lists, of which ``undo_loads`` keeps the list and ``undo_sources`` /
``undo_aliases`` the length: a load only appends to them). An element a load touched with no ``Prior``
of it is one the load created. Any write path that records a ``Load`` (``loaders/provenance.py``) writes
through this writer with the load's id, so it leaves these markers too.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from chokepoint.graph import schema
from chokepoint.graph.store import Store
from chokepoint.loaders.resolve import redirects
from chokepoint.loaders.rows import NodeRecord, RelRecord

__all__ = ["RecordWriter", "Batch"]

# Each row is sent once, lean: a new entity gets its keys, properties and provenance; an existing one is
# updated property by property (keys keep the first spelling seen), with its lists kept as sets.
# (Sending a second, "created" copy of the properties cost a third of a link statement's time.)
_MERGE_NODES = """
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
ON CREATE SET n:%(label)s, n = row.keys, n += row.props, n.id = row.id, n.dataset = $dataset,
    n.aliases = row.aliases, n.loads = $loads,
    n.caption = row.caption, n.search_text = row.search_text
ON MATCH SET n += row.props,
    n.aliases = reduce(a = coalesce(n.aliases, []), x IN row.aliases | CASE WHEN x IN a THEN a ELSE a + x END),
    n.loads = CASE WHEN $load IS NULL OR $load IN coalesce(n.loads, []) THEN n.loads
                   ELSE coalesce(n.loads, []) + $load END
ON MATCH SET n.caption = toString(coalesce(n[$caption], n.id)),
    n.search_text = reduce(s = n.id, x IN n.aliases | s + ' ' + x)
SET n.sources = COLLECT { UNWIND coalesce(n.sources, []) + row.sources AS s RETURN DISTINCT s }
"""

# An entity this load wrote already and that a later row only names again: that row joins its sources.
_ADD_SOURCES = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.sources = COLLECT { UNWIND coalesce(n.sources, []) + row.sources AS s RETURN DISTINCT s }
"""

_MERGE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:%(type)s {id: row.id}]->(b)
ON CREATE SET r = row.props, r.id = row.id, r.dataset = $dataset, r.loads = $loads
ON MATCH SET r += row.props,
    r.loads = CASE WHEN $load IS NULL OR $load IN coalesce(r.loads, []) THEN r.loads
                   ELSE coalesce(r.loads, []) + $load END
SET r.sources = COLLECT { UNWIND coalesce(r.sources, []) + row.sources AS s RETURN DISTINCT s }
"""

# Kept before the merge, in its own statement (so the update counters stay the entities' and links'):
# the element as it was before this load first touched it; never twice for one load and element.
_KEEP_PRIOR_NODES = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
WHERE NOT $load IN coalesce(n.loads, [])
  AND NOT EXISTS { MATCH (p:Prior {undo_of: row.id}) WHERE p.undo_load = $load }
CREATE (p:Prior)
SET p = n {.*, sources: null, aliases: null, loads: null},
    p.undo_load = $load, p.undo_of = n.id, p.undo_kind = 'entity', p.undo_loads = n.loads,
    p.undo_sources = size(n.sources), p.undo_aliases = size(n.aliases)
"""

_KEEP_PRIOR_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (:Entity {id: row.source})-[r:%(type)s {id: row.id}]->(:Entity {id: row.target})
WHERE NOT $load IN coalesce(r.loads, [])
  AND NOT EXISTS { MATCH (p:Prior {undo_of: row.id}) WHERE p.undo_load = $load }
CREATE (p:Prior)
SET p = r {.*, sources: null, loads: null},
    p.undo_load = $load, p.undo_of = r.id, p.undo_kind = 'link', p.undo_type = type(r),
    p.undo_loads = r.loads, p.undo_sources = size(r.sources)
"""

#: How many referenced entities a load remembers as written (a bound on memory, not on correctness).
REMEMBERED = 200_000


@dataclass
class Batch:
    """A chunk ready to send: the entity statement's rows per label and the link statement's per type;
    ``named``: entities written already that rows of this chunk only name again (their new sources)."""
    entities: dict[str, list[dict]]
    links: dict[str, list[dict]]
    named: list[dict] = field(default_factory=list)


class RecordWriter:
    """Writes chunks of mapped rows for one load (one file, or one network import) of ``dataset``.

    Merge decisions are read once, when the writer is made: records of a merged entity land on the
    entity it was merged into.
    """

    def __init__(self, store: Store | None, dataset: str, load_id: str | None = None,
                 moved: dict[str, str] | None = None):
        self.store, self.dataset, self.load_id = store, dataset, load_id
        self.moved = redirects(store) if moved is None else moved  # given: a writer that only prepares
        self.remembered: OrderedDict[str, int] = OrderedDict()  # referenced entity id -> fingerprint

    def write(self, mapped_rows: Iterable[tuple[list[NodeRecord], list[RelRecord]]]) -> Counter:
        """Merge the entities, then the links, of ``mapped_rows``; return Neo4j's update counters."""
        return self.send(self.prepare(mapped_rows))

    def prepare(self, mapped_rows: Iterable[tuple[list[NodeRecord], list[RelRecord]]]) -> Batch:
        """The statements' rows for a chunk: each entity and link once with every row naming it, and a
        referenced entity the load has written already (unchanged) only as the rows to add to its
        sources. Python work only, so it can run while the previous chunk is sent; the entities it
        writes only sources of are taken as written (if a send fails, so does the load)."""
        nodes: dict[str, dict[str, dict]] = defaultdict(dict)
        rels: dict[str, dict[str, dict]] = defaultdict(dict)
        named: dict[str, dict[str, None]] = {}  # entity written already -> the rows naming it (ordered set)
        moved, remembered = self.moved, self.remembered
        for node_records, rel_records in mapped_rows:
            for n in node_records:
                node_id = moved.get(n.id, n.id)
                row = nodes[n.label].get(node_id)
                fingerprint = None
                if not n.own:  # a reference: only its row is new while nothing else about it changes
                    fingerprint = _fingerprint(n)
                    if fingerprint is not None:
                        if row is None and remembered.get(node_id) == fingerprint:
                            if n.source:
                                named.setdefault(node_id, {})[n.source] = None
                            continue
                        if row is not None and row["fingerprint"] == fingerprint:
                            if n.source:
                                row["sources"][n.source] = None
                            continue
                else:
                    remembered.pop(node_id, None)
                row = self._add_node(nodes[n.label], node_id, n)
                row["fingerprint"] = fingerprint
                row["own"] = row["own"] or n.own
            for r in rel_records:
                row = rels[r.type].get(r.id)
                if row is None:
                    rels[r.type][r.id] = {"id": r.id, "source": moved.get(r.source, r.source),
                                          "target": moved.get(r.target, r.target), "props": r.props,
                                          "sources": {r.ref: None}}
                else:
                    row["sources"][r.ref] = None
        entities = {}
        for label, rows in nodes.items():
            self._remember(rows.values())
            caption = schema.SCHEMA.nodes[label].caption
            entities[label] = [self._sent(row, caption) for row in rows.values()]
        links = {rtype: [{**row, "sources": list(row["sources"])} for row in rows.values()] for rtype, rows in rels.items()}
        return Batch(entities, links,
                     [{"id": node_id, "sources": list(refs)} for node_id, refs in named.items()])

    def send(self, batch: Batch) -> Counter:
        """Write a prepared chunk: entities first, then links; return Neo4j's update counters."""
        counters: Counter = Counter()
        params = {"dataset": self.dataset, "load": self.load_id, "loads": [self.load_id] if self.load_id else []}
        for label, rows in batch.entities.items():
            if self.load_id:
                self.store.write_batches(_KEEP_PRIOR_NODES, rows, load=self.load_id)
            counters += self.store.write_batches(_MERGE_NODES % {"label": schema.label(label)}, rows,
                                                 caption=schema.SCHEMA.nodes[label].caption, **params)
        if batch.named:
            counters += self.store.write_batches(_ADD_SOURCES, batch.named)
        for rtype, rows in batch.links.items():
            if self.load_id:
                self.store.write_batches(_KEEP_PRIOR_RELATIONSHIPS % {"type": schema.rel_type(rtype)}, rows,
                                         load=self.load_id)
            counters += self.store.write_batches(_MERGE_RELATIONSHIPS % {"type": schema.rel_type(rtype)},
                                                 rows, **params)
        return counters

    @staticmethod
    def _add_node(rows: dict[str, dict], node_id: str, n: NodeRecord) -> dict:
        row = rows.get(node_id)
        if row is None:
            keys = schema.SCHEMA.nodes[n.label].keys
            rows[node_id] = {
                "id": node_id, "aliases": list(n.aliases), "sources": {n.source: None} if n.source else {},
                "keys": {k: v for k, v in n.props.items() if k in keys},
                "props": {k: v for k, v in n.props.items() if k not in keys}, "own": False,
            }
            return rows[node_id]
        row["props"].update({k: v for k, v in n.props.items() if k not in row["keys"]})
        row["aliases"] += [a for a in n.aliases if a not in row["aliases"]]
        if n.source:
            row["sources"][n.source] = None
        return row

    @staticmethod
    def _sent(row: dict, caption: str) -> dict:
        """What the entity statement needs of ``row``, once each: with the caption and search text a new
        entity starts with."""
        shown = row["keys"].get(caption, row["props"].get(caption))
        return {"id": row["id"], "keys": row["keys"], "props": row["props"], "aliases": row["aliases"],
                "sources": list(row["sources"]), "caption": str(row["id"] if shown is None else shown),
                "search_text": " ".join([row["id"], *row["aliases"]])}

    def _remember(self, written: Iterable[dict]) -> None:
        """Remember entities written only as references (by their last record's fingerprint)."""
        for row in written:
            if row["own"] or row["fingerprint"] is None:
                self.remembered.pop(row["id"], None)
                continue
            self.remembered[row["id"]] = row["fingerprint"]
            self.remembered.move_to_end(row["id"])
        while len(self.remembered) > REMEMBERED:
            self.remembered.popitem(last=False)


def _fingerprint(n: NodeRecord) -> int | None:
    """What a reference says about its entity, as a hash; None when a value cannot be hashed (a list)."""
    try:
        return hash((n.label, tuple(n.props.items()), tuple(n.aliases)))
    except TypeError:
        return None
