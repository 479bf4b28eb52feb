"""Firearm traces: which purchasers, dealers and seizure places the traced firearms point to."""

from __future__ import annotations

from collections import Counter

from chokepoint.graph.store import Store

__all__ = ["traced_by_purchaser", "traced_by_dealer", "traced_by_seizure_place"]

_BY_PURCHASER = """
MATCH (p:Person)-[:PURCHASED]->(f:Firearm)-[t:TRACED_TO]->()
WHERE $dataset IS NULL OR t.dataset = $dataset
RETURN p.id AS id, count(DISTINCT f) AS n
"""
_BY_DEALER = """
MATCH (f:Firearm)-[t:TRACED_TO]->(d:Organization)
WHERE $dataset IS NULL OR t.dataset = $dataset
RETURN d.id AS id, count(DISTINCT f) AS n
"""
_BY_PLACE = """
MATCH (f:Firearm)-[t:TRACED_TO]->(), (s:Seizure)-[:SEIZED]->(f), (s)-[:OCCURRED_AT]->(l:Location)
WHERE $dataset IS NULL OR t.dataset = $dataset
RETURN l.id AS id, count(DISTINCT f) AS n
"""


def _count(store: Store, query: str, dataset: str | None) -> Counter:
    return Counter({r["id"]: r["n"] for r in store.read(query, dataset=dataset)})


def traced_by_purchaser(store: Store, dataset: str | None = None) -> Counter:
    """Person id -> traced firearms they bought."""
    return _count(store, _BY_PURCHASER, dataset)


def traced_by_dealer(store: Store, dataset: str | None = None) -> Counter:
    """Dealer (Organization) id -> traced firearms it first sold."""
    return _count(store, _BY_DEALER, dataset)


def traced_by_seizure_place(store: Store, dataset: str | None = None) -> Counter:
    """Location id -> traced firearms seized there."""
    return _count(store, _BY_PLACE, dataset)
