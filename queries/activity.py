"""Activity over time: border crossings per person, precursor supplies per chemical, and the dates of links
(the data's date span, and the date of each link on the canvas, for the explorer's timeline)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from chokepoint.graph import schema
from chokepoint.graph.store import Store
from chokepoint.graph.values import plain

__all__ = ["crossing_days", "supplied_by_chemical", "date_span", "link_dates", "EVENT_LABELS"]

#: Links without a date of their own take the date of the event they come from (a seizure's
#: SEIZED / ARRESTED / OCCURRED_AT links, a shipment's CARRIES / TRANSPORTED_BY links).
EVENT_LABELS = ("Seizure", "Shipment")
_LINK_DATE = "coalesce(r.date, CASE WHEN a:Seizure OR a:Shipment THEN a.date END)"

_SPAN = f"""
MATCH (a)-[r]->()
WHERE $dataset IS NULL OR r.dataset = $dataset
WITH {_LINK_DATE} AS day
WHERE day IS NOT NULL
RETURN min(day) AS start, max(day) AS end
"""

# one part per relationship type, so each looks links up through that type's index on r.id
_LINK_DATES_PART = f"""
MATCH (a)-[r:{{rel}}]->() WHERE r.id IN $ids
RETURN r.id AS id, {_LINK_DATE} AS date
"""

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


def date_span(store: Store, dataset: str | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the dated links (a link without a date takes its seizure's or
    shipment's date, see ``EVENT_LABELS``); None when no link has a date."""
    row = store.read(_SPAN, dataset=dataset)[0]
    if row["start"] is None:
        return None
    return plain(row["start"]), plain(row["end"])


def link_dates(store: Store, link_ids: list[str]) -> dict[str, dt.date | None]:
    """Link id -> its date (or its seizure's or shipment's date; None when undated), for the ids that are
    stored links (ids of anything else are left out)."""
    ids = sorted({i for i in link_ids if isinstance(i, str)})
    if not ids:
        return {}
    query = "\nUNION ALL\n".join(_LINK_DATES_PART.format(rel=schema.rel_type(t))
                                  for t in schema.SCHEMA.relationships)
    return {r["id"]: plain(r["date"]) for r in store.read(query, ids=ids)}
