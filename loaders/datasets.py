"""Datasets as loaded: their entity and link counts and loads, and dropping one.

A dataset is the name given to a load (``--dataset``): every entity and link it created carries it in
``dataset``, and each of its loads is a ``(:Load {dataset})``. Dropping a dataset deletes its entities
and links, its ``Load`` records and what they kept to be undone (``Prior``), and the merge decisions
that only concern its entities. An entity or link of it that another dataset also supports (another
dataset's load wrote it, after a merge decision joined them, or another dataset's link joins it) is
kept: the dropped dataset's load ids and sources (``file:row`` of its files that no other dataset
loaded) are taken off it, its ``dataset`` becomes the supporting one, and its properties and aliases
stay as last written (the records do not say which dataset set a value; the summary counts them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.graph.values import instant_text

__all__ = ["DatasetInfo", "DroppedDataset", "dataset_list", "load_list", "drop_dataset"]

_ENTITY_COUNTS = "MATCH (n:Entity) RETURN n.dataset AS dataset, count(n) AS n"
_LINK_COUNTS = "MATCH (:Entity)-[r]->(:Entity) RETURN r.dataset AS dataset, count(r) AS n"
_LOAD_COUNTS = """
MATCH (l:Load) WHERE l.dataset IS NOT NULL
RETURN l.dataset AS dataset, count(l) AS loads, min(coalesce(l.first_started, l.started)) AS first,
       max(coalesce(l.finished, l.started)) AS last
"""
_LOADS = """
MATCH (l:Load) WHERE $dataset IS NULL OR l.dataset = $dataset
RETURN l.id AS id, l.dataset AS dataset, l.file AS file, coalesce(l.format, l.source) AS format,
       coalesce(l.first_started, l.started) AS started, l.finished AS ended,
       l.status AS status, l.rows_read AS rows_read, l.rows_loaded AS rows_loaded,
       l.rows_rejected AS rows_rejected, l.nodes_created AS nodes_created,
       l.relationships_created AS relationships_created, coalesce(l.prior_states, false) AS undoable
ORDER BY coalesce(l.first_started, l.started), l.id
"""
_LOAD_IDS = "MATCH (l:Load) RETURN l.id AS id, l.dataset AS dataset, l.file AS file"
# an entity of the dataset is supported elsewhere when another dataset's load wrote it or another
# dataset's link touches it; the same for links (another dataset's load wrote it)
_ENTITIES = """
MATCH (n:Entity)
WHERE n.dataset = $dataset OR any(x IN coalesce(n.loads, []) WHERE x IN $loads)
WITH n, [x IN coalesce(n.loads, []) WHERE NOT x IN $loads] AS others
OPTIONAL MATCH (n)-[r]-() WHERE r.dataset IS NOT NULL AND r.dataset <> $dataset
WITH n, others, collect(DISTINCT r.dataset)[0] AS linked
RETURN n.id AS id, n.dataset AS dataset, others, linked
"""
_LINKS = """
MATCH (:Entity)-[r]->(:Entity)
WHERE r.dataset = $dataset OR any(x IN coalesce(r.loads, []) WHERE x IN $loads)
RETURN r.id AS id, type(r) AS type, r.dataset AS dataset, [x IN coalesce(r.loads, []) WHERE NOT x IN $loads] AS others
"""
_DELETE_LINKS = """
UNWIND $rows AS row
MATCH ()-[r:%(type)s {id: row}]->() WHERE r.dataset = $dataset
DELETE r
"""
_DELETE_ENTITIES = "UNWIND $rows AS row MATCH (n:Entity {id: row}) DETACH DELETE n"
_KEEP_ENTITIES = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n.loads = [x IN coalesce(n.loads, []) WHERE NOT x IN $loads],
    n.sources = [s IN coalesce(n.sources, []) WHERE NOT any(f IN $files WHERE s STARTS WITH f + ':'
                                                                   OR s STARTS WITH f + '[')],
    n.dataset = row.dataset
"""
_KEEP_LINKS = """
UNWIND $rows AS row
MATCH ()-[r:%(type)s {id: row.id}]->()
SET r.loads = [x IN coalesce(r.loads, []) WHERE NOT x IN $loads],
    r.sources = [s IN coalesce(r.sources, []) WHERE NOT any(f IN $files WHERE s STARTS WITH f + ':'
                                                                   OR s STARTS WITH f + '[')],
    r.dataset = row.dataset
"""
_ORPHAN_DECISIONS = """
MATCH (d:Decision)
WHERE NOT EXISTS { MATCH (:Entity {id: d.kept}) } AND NOT EXISTS { MATCH (:Entity {id: d.merged}) }
RETURN d.id AS id
"""
_DELETE_DECISIONS = "UNWIND $rows AS row MATCH (d:Decision {id: row}) DELETE d"
_DELETE_PRIORS = "MATCH (p:Prior) WHERE p.undo_load IN $loads WITH p LIMIT 10000 DELETE p"
_DELETE_LOADS = "MATCH (l:Load) WHERE l.id IN $loads DELETE l"


@dataclass
class DatasetInfo:
    """A dataset: how many entities and links carry its name, its loads, its first and last load time."""

    name: str
    entities: int = 0
    links: int = 0
    loads: int = 0
    first_load: str | None = None
    last_load: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DroppedDataset:
    """What dropping a dataset removes (or, not done yet, would remove)."""

    name: str
    done: bool
    entities_deleted: int = 0
    links_deleted: int = 0
    loads_deleted: int = 0
    entities_kept: int = 0          # another dataset supports it too: kept, this dataset's provenance taken off
    links_kept: int = 0
    decisions_deleted: int = 0
    kept_by: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def dataset_list(store: Store) -> list[DatasetInfo]:
    """Every dataset named by an entity, a link or a load, sorted by name."""
    found: dict[str, DatasetInfo] = {}

    def info(name: str) -> DatasetInfo:
        return found.setdefault(name, DatasetInfo(name))

    for r in store.read(_ENTITY_COUNTS):
        if r["dataset"] is not None:
            info(r["dataset"]).entities = r["n"]
    for r in store.read(_LINK_COUNTS):
        if r["dataset"] is not None:
            info(r["dataset"]).links = r["n"]
    for r in store.read(_LOAD_COUNTS):
        d = info(r["dataset"])
        d.loads, d.first_load, d.last_load = r["loads"], instant_text(r["first"]), instant_text(r["last"])
    return [found[name] for name in sorted(found)]


def load_list(store: Store, dataset: str | None = None) -> list[dict[str, Any]]:
    """Every recorded load (of ``dataset``, or all), oldest first, with its counts and whether it can be
    undone exactly (``undoable``: it kept what it changed; an undo may still be refused, see ``loaders/undo.py``)."""
    return [{**r, "started": instant_text(r["started"]), "ended": instant_text(r["ended"])}
            for r in store.read(_LOADS, dataset=dataset)]


def drop_dataset(store: Store, name: str, yes: bool = False) -> DroppedDataset:
    """Remove dataset ``name`` (see the module's account); without ``yes`` only count what would go."""
    recorded = store.read(_LOAD_IDS)
    loads = [r["id"] for r in recorded if r["dataset"] == name]
    load_dataset = {r["id"]: r["dataset"] for r in recorded}
    other_files = {r["file"] for r in recorded if r["dataset"] != name}
    files = sorted({r["file"] for r in recorded if r["dataset"] == name and r["file"]} - other_files)
    entities = store.read(_ENTITIES, dataset=name, loads=loads)
    links = store.read(_LINKS, dataset=name, loads=loads)
    if not loads and not entities and not links:
        known = ", ".join(d.name for d in dataset_list(store)) or "none"
        raise ChokepointError(f"no dataset {name!r} (datasets: {known})")

    def supporter(element: dict) -> str | None:
        others = [load_dataset.get(x) for x in element["others"]]
        return next((d for d in others if d and d != name), None) or element.get("linked")

    kept_entities, deleted_entities = [], []
    for e in entities:
        if e["dataset"] != name:     # another dataset's entity that this one's loads wrote to
            kept_entities.append({"id": e["id"], "dataset": e["dataset"]})
        elif (other := supporter(e)) is not None:
            kept_entities.append({"id": e["id"], "dataset": other})
        else:
            deleted_entities.append(e["id"])
    kept_links: dict[str, list[dict]] = defaultdict(list)
    deleted_links: dict[str, list[str]] = defaultdict(list)
    for r in links:
        if r["dataset"] != name:
            kept_links[r["type"]].append({"id": r["id"], "dataset": r["dataset"]})
        elif (other := supporter(r)) is not None:
            kept_links[r["type"]].append({"id": r["id"], "dataset": other})
        else:
            deleted_links[r["type"]].append(r["id"])
    kept_by = {e["dataset"] for e in kept_entities} | {r["dataset"] for rows in kept_links.values() for r in rows}
    result = DroppedDataset(name, done=yes, entities_deleted=len(deleted_entities),
                            links_deleted=sum(map(len, deleted_links.values())), loads_deleted=len(loads),
                            entities_kept=len(kept_entities), links_kept=sum(map(len, kept_links.values())),
                            kept_by=sorted(kept_by))
    if not yes:
        return result
    for rtype, ids in sorted(deleted_links.items()):
        store.write_batches(_DELETE_LINKS % {"type": schema.rel_type(rtype)}, ids, dataset=name)
    for rtype, rows in sorted(kept_links.items()):
        store.write_batches(_KEEP_LINKS % {"type": schema.rel_type(rtype)}, rows, loads=loads, files=files)
    store.write_batches(_DELETE_ENTITIES, deleted_entities)
    store.write_batches(_KEEP_ENTITIES, kept_entities, loads=loads, files=files)
    orphans = [r["id"] for r in store.read(_ORPHAN_DECISIONS)]
    store.write_batches(_DELETE_DECISIONS, orphans)
    result.decisions_deleted = len(orphans)
    while store.write(_DELETE_PRIORS, loads=loads)["nodes_deleted"]:
        pass
    store.write(_DELETE_LOADS, loads=loads)
    return result
