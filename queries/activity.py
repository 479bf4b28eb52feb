"""Counts of activity over a time window: border crossings per person, precursor supplies per chemical."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from graph.store import Store

__all__ = ["crossing_days", "supplied_by_chemical"]

_CROSSING_DAYS = """
MATCH (p:Person)-[c:CROSSED_AT]->(:PortOfEntry)
WHERE ($dataset IS NULL OR c.dataset = $dataset)
  AND ($start IS NULL OR c.date >= $start) AND ($end IS NULL OR c.date <= $end)
RETURN p.id AS id, count(DISTINCT c.date) AS days
"""

_SUPPLIED = """
MATCH (:Organization)-[s:SUPPLIES]->()
WHERE ($dataset IS NULL OR s.dataset = $dataset)
  AND ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
RETURN s.chemical AS chemical, sum(coalesce(s.quantity, 0.0)) AS kg
"""


def crossing_days(store: Store, dataset: str | None = None, start: dt.date | None = None,
                  end: dt.date | None = None) -> Counter:
    """Person id -> the number of distinct days they crossed at a port of entry in the window."""
    return Counter({r["id"]: r["days"] for r in store.read(_CROSSING_DAYS, dataset=dataset, start=start, end=end)})


def supplied_by_chemical(store: Store, dataset: str | None = None, start: dt.date | None = None,
                         end: dt.date | None = None) -> Counter:
    """Chemical name (as the supply records give it) -> kilograms supplied in the window."""
    return Counter({r["chemical"]: r["kg"] for r in store.read(_SUPPLIED, dataset=dataset, start=start, end=end)
                    if r["chemical"]})
