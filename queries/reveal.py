"""The part of a case a lesson step reveals: what happened in a time window, or around named entities.

A trainer step shows a case as it was known at that point (``synthetic.training``: phases, a
``from``/``to`` window, entities to start from). In the graph that is:

* every link dated in the window, and both its ends;
* every dated entity of the window (shipments, seizures), and the undated entities linked to it by an
  undated link (the courier and vehicle of a shipment, the person a seizure arrested);
* or, when the step names entities, those entities and their neighbours through links of the window
  (undated links count, unless they lead to an entity dated outside it);
* the links among all of these that are undated or dated in the window.

Optionally narrowed to some relationship types and labels (a step's suggested view), and capped: the
most active entities in the window (most dated links) are kept first, and the caller is told how many
there were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.graph.values import jsonable
from chokepoint.queries.neighbourhood import Subgraph, entities

__all__ = ["revealed_subgraph", "DEFAULT_LIMIT", "MAX_LIMIT"]

DEFAULT_LIMIT = 500
MAX_LIMIT = 2000

# -- which entities: one of two openings, then the same ranking ------------------------------------
_IN_WINDOW = """
CALL {
  MATCH (a:Entity)-[r]-(n:Entity)
  WHERE a.dataset = $dataset AND r.date >= $start AND r.date <= $end
    AND ($types IS NULL OR type(r) IN $types)
  RETURN n
  UNION
  MATCH (n:Entity)
  WHERE $types IS NULL AND n.dataset = $dataset AND n.date >= $start AND n.date <= $end
  RETURN n
  UNION
  MATCH (d:Entity)-[r]-(n:Entity)
  WHERE d.dataset = $dataset AND d.date >= $start AND d.date <= $end AND r.date IS NULL AND n.date IS NULL
    AND ($types IS NULL OR type(r) IN $types)
  RETURN n
}
"""

_AROUND = """
CALL {
  MATCH (n:Entity) WHERE n.id IN $start_ids AND n.dataset = $dataset
  RETURN n
  UNION
  MATCH (s:Entity)-[r]-(n:Entity)
  WHERE s.id IN $start_ids AND s.dataset = $dataset
    AND ((r.date >= $start AND r.date <= $end)
         OR (r.date IS NULL AND (n.date IS NULL OR (n.date >= $start AND n.date <= $end))))
    AND ($types IS NULL OR type(r) IN $types)
  RETURN n
}
"""

_RANKED = """
WITH DISTINCT n
WHERE $labels IS NULL OR any(l IN labels(n) WHERE l IN $labels)
WITH n, COUNT { (n)-[r]-(:Entity) WHERE r.date >= $start AND r.date <= $end
                                    AND ($types IS NULL OR type(r) IN $types) } AS dated
ORDER BY n.id IN $start_ids DESC, dated DESC, n.caption, n.id
WITH collect(n.id) AS ids
RETURN size(ids) AS total, ids[..$limit] AS ids
"""

_EDGES = """
MATCH (a:Entity)-[r]->(b:Entity)
WHERE a.id IN $ids AND b.id IN $ids
  AND (r.date IS NULL OR (r.date >= $start AND r.date <= $end))
  AND ($types IS NULL OR type(r) IN $types)
RETURN r.id AS id, a.id AS source, b.id AS target, type(r) AS type, r.date AS date
ORDER BY id
"""


def revealed_subgraph(store: Store, dataset: str, start: dt.date, end: dt.date, start_ids: Sequence[str] = (),
                      rel_types: Sequence[str] = (), labels: Sequence[str] = (),
                      limit: int = DEFAULT_LIMIT) -> Subgraph:
    """The entities and links of ``dataset`` revealed by the window ``start``..``end`` (inclusive).

    Parameters
    ----------
    start_ids:
        When given, only these entities and their neighbours through links of the window.
    rel_types, labels:
        Keep only links of these types (entities reached through them) and entities of these labels;
        names are checked against the schema.
    limit:
        The most entities returned (1..``MAX_LIMIT``); the most active in the window first.

    Returns
    -------
    A :class:`queries.neighbourhood.Subgraph` with no centre: ``total_neighbours`` is how many entities
    the step reveals, ``shown_neighbours`` how many are returned (``capped`` when fewer).

    Raises
    ------
    ChokepointError
        ``start`` after ``end``; :class:`graph.errors.UnknownName` for a type or label not in the schema.
    """
    if start > end:
        raise ChokepointError(f"the window starts ({start}) after it ends ({end})")
    schema.bound(limit, 1, MAX_LIMIT, "limit")
    params = {
        "dataset": dataset, "start": start, "end": end, "start_ids": list(start_ids),
        "types": [schema.rel_type(t) for t in rel_types] or None,
        "labels": [schema.label(lab) for lab in labels] or None,
    }
    opening = _AROUND if start_ids else _IN_WINDOW
    row = store.read(opening + _RANKED, limit=int(limit), **params)[0]
    ids = row["ids"]
    nodes = entities(store, ids)
    edges = [jsonable(e) for e in store.read(_EDGES, ids=ids, start=start, end=end, types=params["types"])]
    return Subgraph(center="", nodes=nodes, edges=edges, total_neighbours=row["total"], shown_neighbours=len(ids))
