"""Undoing a load: the graph as it was before one ``(:Load)``, or a one-line refusal naming what cannot be.

It works from what the write path records (``loaders/writer.py``): each element lists the loads that
wrote it in ``loads`` (in order), and before a load first touched an element that already existed, the
element's earlier state was kept in a ``(:Prior)`` node. So, for load L:

- the entities and links whose ``loads`` hold L and that have no ``Prior`` of L were created by L and
  are deleted; the others are set back to their ``Prior`` (properties, ``loads``, and ``sources`` /
  ``aliases`` cut back to their earlier length); then L's ``Prior`` nodes and its ``Load`` go.

The elements are found through indexes (:func:`written_by`): the ids with the load's dataset prefix and
those of merge decisions, then the links going out of them; never every element of the graph.

Refused (nothing changed), naming the first thing that stands in the way:

- a later load wrote some of the same entities or links (undo that one first);
- a merge decision (or a split) was taken after L on an entity L wrote (split it first, or keep L);
- links L did not write join entities L created (written without a load record);
- L was recorded before loads kept what they changed (no ``prior_states`` on the ``Load``), or a
  ``Prior`` of L names a load that no longer exists (its dataset was dropped after L).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["UndoRefused", "UndoneLoad", "undo_load", "written_by", "PRIOR_META"]

#: the properties of a ``(:Prior)`` that describe it rather than the element it keeps
PRIOR_META = ("undo_load", "undo_of", "undo_kind", "undo_type", "undo_loads", "undo_sources", "undo_aliases")

_LOAD = "MATCH (l:Load {id: $id}) RETURN properties(l) AS load"
# The elements a load wrote, found through indexes rather than by reading every element: an entity id starts
# with its dataset (graph/ids.py), so the load's entities are among the ids with its dataset's prefix (a
# prefix seek on the entity_id constraint's index) and the entities of merge decisions (records redirected
# to a kept entity, loads united by a merge); each link it wrote goes out of an entity it wrote.
_DECIDED = "MATCH (d:Decision) RETURN collect(DISTINCT d.kept) + collect(DISTINCT d.merged) AS ids"
_ENTITIES = """
CALL () {
  MATCH (n:Entity) WHERE n.id STARTS WITH $prefix RETURN n
  UNION
  UNWIND $decided AS id MATCH (n:Entity {id: id}) RETURN n
}
WITH n WHERE $load IN n.loads
RETURN n.id AS id, n.loads AS loads,
       EXISTS { MATCH (p:Prior {undo_of: n.id}) WHERE p.undo_load = $load } AS prior
"""
_LINKS = """
UNWIND $ids AS id
MATCH (:Entity {id: id})-[r]->(:Entity) WHERE $load IN r.loads
RETURN r.id AS id, type(r) AS type, r.loads AS loads,
       EXISTS { MATCH (p:Prior {undo_of: r.id}) WHERE p.undo_load = $load } AS prior
"""
# a load with no dataset recorded: every element read
_ALL_ENTITIES = """
MATCH (n:Entity) WHERE $load IN n.loads
RETURN n.id AS id, n.loads AS loads,
       EXISTS { MATCH (p:Prior {undo_of: n.id}) WHERE p.undo_load = $load } AS prior
"""
_LOAD_NAMES = "UNWIND $ids AS id OPTIONAL MATCH (l:Load {id: id}) RETURN id, l.file AS file, l.dataset AS dataset"
_DECISIONS = """
MATCH (d:Decision) WHERE (d.kept IN $ids OR d.merged IN $ids)
  AND (datetime(d.at) >= $since OR (d.undone_at IS NOT NULL AND datetime(d.undone_at) >= $since))
RETURN d.id AS id, d.kept_caption AS kept, d.merged_caption AS merged, d.status AS status ORDER BY d.at LIMIT 1
"""
_FOREIGN_LINKS = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r]-()
WHERE NOT $load IN coalesce(r.loads, [])
RETURN count(DISTINCT r) AS n, collect(DISTINCT type(r))[..3] AS types
"""
_LOST_LOADS = """
MATCH (p:Prior {undo_load: $load})
UNWIND coalesce(p.undo_loads, []) AS earlier
WITH DISTINCT earlier WHERE NOT EXISTS { MATCH (:Load {id: earlier}) }
RETURN earlier LIMIT 1
"""
_DELETE_LINKS = "UNWIND $rows AS row MATCH ()-[r:%(type)s {id: row}]->() DELETE r"
_RESTORE_LINKS = """
UNWIND $rows AS row
MATCH (p:Prior {undo_of: row}) WHERE p.undo_load = $load
MATCH ()-[r:%(type)s {id: row}]->()
SET r = p {.*, undo_load: null, undo_of: null, undo_kind: null, undo_type: null, undo_loads: null,
           undo_sources: null, undo_aliases: null, loads: p.undo_loads,
           sources: CASE WHEN p.undo_sources IS NULL THEN null ELSE r.sources[0..p.undo_sources] END}
"""
_DELETE_ENTITIES = "UNWIND $rows AS row MATCH (n:Entity {id: row}) DETACH DELETE n"
_RESTORE_ENTITIES = """
UNWIND $rows AS row
MATCH (p:Prior {undo_of: row}) WHERE p.undo_load = $load
MATCH (n:Entity {id: row})
SET n = p {.*, undo_load: null, undo_of: null, undo_kind: null, undo_type: null, undo_loads: null,
           undo_sources: null, undo_aliases: null, loads: p.undo_loads,
           sources: CASE WHEN p.undo_sources IS NULL THEN null ELSE n.sources[0..p.undo_sources] END,
           aliases: CASE WHEN p.undo_aliases IS NULL THEN null ELSE n.aliases[0..p.undo_aliases] END}
"""
_DELETE_PRIORS = "MATCH (p:Prior {undo_load: $load}) WITH p LIMIT 10000 DELETE p"
_DELETE_LOAD = "MATCH (l:Load {id: $load}) DELETE l"


class UndoRefused(ChokepointError):
    """The load cannot be undone exactly; the message names what stands in the way. Nothing changed."""


@dataclass
class UndoneLoad:
    """A load undone: what it was and how many entities and links were deleted or set back."""

    load: dict[str, Any]
    entities_deleted: int = 0
    entities_restored: int = 0
    links_deleted: int = 0
    links_restored: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"load": self.load, "entities_deleted": self.entities_deleted,
                "entities_restored": self.entities_restored, "links_deleted": self.links_deleted,
                "links_restored": self.links_restored}


def undo_load(store: Store, load_id: str) -> UndoneLoad:
    """Bring the graph back to what it was before load ``load_id``, or raise :class:`UndoRefused`."""
    rows = store.read(_LOAD, id=load_id)
    if not rows:
        raise UndoRefused(f"no load {load_id!r} (list them with `chokepoint loads`)")
    load = rows[0]["load"]
    if not load.get("prior_states"):
        raise UndoRefused(f"load {load_id} was recorded before loads kept what they changed, so it cannot be "
                          f"undone exactly; drop its dataset with `chokepoint datasets drop {load.get('dataset')}`")
    entities, links = written_by(store, load_id, load.get("dataset"))
    _refuse_later_loads(store, load_id, entities, links)
    touched = [e["id"] for e in entities]
    since = load.get("first_started") or load.get("started")
    decision = store.read(_DECISIONS, ids=touched, since=since)
    if decision:
        d = decision[0]
        raise UndoRefused(f"cannot undo load {load_id}: merge decision {d['id']} ({d['merged']} into {d['kept']}, "
                          f"{d['status']}) was taken on its entities after it")
    lost = store.read(_LOST_LOADS, load=load_id)
    if lost:
        raise UndoRefused(f"cannot undo load {load_id}: what it changed was kept with load {lost[0]['earlier']}, "
                          "which no longer exists (its dataset was dropped after this load)")
    created = [e["id"] for e in entities if not e["prior"]]
    foreign = store.read(_FOREIGN_LINKS, ids=created, load=load_id)[0] if created else {"n": 0}
    if foreign["n"]:
        raise UndoRefused(f"cannot undo load {load_id}: {foreign['n']} link(s) ({', '.join(foreign['types'])}) "
                          "that it did not write join entities it created (written without a load record)")

    done = UndoneLoad(load=_plain(load))
    by_type: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for link in links:
        by_type[(link["type"], link["prior"])].append(link["id"])
    for (rtype, prior), ids in sorted(by_type.items()):
        query = (_RESTORE_LINKS if prior else _DELETE_LINKS) % {"type": schema.rel_type(rtype)}
        store.write_batches(query, ids, load=load_id)
        if prior:
            done.links_restored += len(ids)
        else:
            done.links_deleted += len(ids)
    store.write_batches(_DELETE_ENTITIES, created, load=load_id)
    done.entities_deleted = len(created)
    restored = [e["id"] for e in entities if e["prior"]]
    store.write_batches(_RESTORE_ENTITIES, restored, load=load_id)
    done.entities_restored = len(restored)
    while store.write(_DELETE_PRIORS, load=load_id)["nodes_deleted"]:
        pass
    store.write(_DELETE_LOAD, load=load_id)
    return done


def written_by(store: Store, load_id: str, dataset: str | None) -> tuple[list[dict], list[dict]]:
    """The entities and the links whose ``loads`` hold ``load_id`` (``id``, ``loads``, ``prior``: whether
    it kept a Prior of them; links with their ``type``). Read through indexes: the ids of ``dataset``
    (a prefix seek) and of merge decisions, then the links going out of the entities found, so the cost
    grows with the dataset and what the load wrote, not with the graph; without ``dataset``, every entity."""
    if dataset:
        decided = store.read(_DECIDED)[0]["ids"]
        entities = store.read(_ENTITIES, load=load_id, prefix=f"{dataset}:", decided=decided)
    else:
        entities = store.read(_ALL_ENTITIES, load=load_id)
    links = store.read(_LINKS, load=load_id, ids=[e["id"] for e in entities]) if entities else []
    return entities, links


def _refuse_later_loads(store: Store, load_id: str, entities: list[dict], links: list[dict]) -> None:
    later: dict[str, int] = defaultdict(int)
    for element in (*entities, *links):
        loads = element["loads"]
        for other in loads[loads.index(load_id) + 1:]:
            later[other] += 1
    if not later:
        return
    first = max(later, key=lambda k: later[k])
    names = {r["id"]: r for r in store.read(_LOAD_NAMES, ids=[first])}
    named = names.get(first) or {}
    what = f"{named.get('file')} of dataset {named.get('dataset')}" if named.get("file") else "no longer recorded"
    more = f" (and {len(later) - 1} more)" if len(later) > 1 else ""
    raise UndoRefused(f"cannot undo load {load_id}: a later load, {first} ({what}){more}, wrote {later[first]} of "
                      f"the same entities or links; undo it first")


def _plain(load: dict[str, Any]) -> dict[str, Any]:
    """A load's properties as JSON-friendly values (times as text)."""
    return {k: (v.iso_format() if hasattr(v, "iso_format") else v) for k, v in sorted(load.items())}
