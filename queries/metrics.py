"""The common metrics an analyst reports: seizures and kilograms by port of entry and month, shipments
entering by port and month, supply routes by corridor, the top brokers per period, and traced firearms
by purchaser and dealer. Each returns plain rows (one dict per row) a chart and its table can share.

Quantities are reported in kilograms: ``kg``, ``g`` and ``lb`` are converted; other units (pills,
units) are left out of the kilograms but the event still counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from chokepoint.graph.store import Store
from chokepoint.queries import firearms, routes, saved
from chokepoint.graph.projection import Scope, within
from chokepoint.queries.structure import rank_brokers

__all__ = ["Period", "seizures_by_port_month", "entries_by_port_month", "corridors", "brokers_by_period",
           "firearms_traced", "captions", "quarters", "KG"]

#: Cypher for a quantity in kilograms from ``q`` and ``u`` (kg, g, lb; anything else 0).
KG = ("CASE toLower(coalesce({u}, '')) WHEN 'kg' THEN {q} WHEN 'g' THEN {q} / 1000.0 "
      "WHEN 'lb' THEN {q} * 0.45359237 ELSE 0.0 END")

_SEIZURES = f"""
MATCH (s:Seizure)-[:OCCURRED_AT]->(p:PortOfEntry)
WHERE ($dataset IS NULL OR s.dataset = $dataset) AND s.date IS NOT NULL
  AND ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
WITH p, s, substring(toString(s.date), 0, 7) AS month,
     coalesce({KG.format(q="s.quantity", u="s.unit")}, 0.0) AS kg
RETURN p.id AS port_id, p.code AS code, p.caption AS port, month, count(DISTINCT s) AS seizures, sum(kg) AS kg
ORDER BY code, month
"""

CAPTIONS = """
UNWIND $ids AS id MATCH (n:Entity {id: id})
RETURN n.id AS id, n.caption AS caption, [l IN labels(n) WHERE l <> 'Entity'][0] AS label
"""

Period = tuple[str, dt.date, dt.date]   # (name, first day, last day)


def seizures_by_port_month(store: Store, dataset: str | None = None, start: dt.date | None = None,
                           end: dt.date | None = None) -> list[dict]:
    """Seizures that occurred at a port of entry, per port and calendar month (``yyyy-mm``): how many,
    and the kilograms seized (the seizure's own quantity)."""
    return store.read(_SEIZURES, dataset=dataset, start=start, end=end)


def entries_by_port_month(store: Store, dataset: str | None = None, start: dt.date | None = None,
                          end: dt.date | None = None) -> list[dict]:
    """Shipments entering at each port of entry per month, with kilograms: the saved query
    ``port-volume-by-month`` (one definition for the app, the CLI and analysts)."""
    result = saved.run(store, "port-volume-by-month", {"dataset": dataset, "start": start, "end": end},
                       limit=100_000)
    return [{"code": r["port"], "port": r["port_name"], "month": r["month"], "shipments": r["shipments"],
             "kg": r["kg"]} for r in result.records()]


def corridors(store: Store, dataset: str | None = None, max_hops: int = 6, limit: int = 500) -> tuple[list[dict], int]:
    """Supply routes from every place that only ships (no goods come in) to every place that only
    receives, grouped by the ports of entry they cross (:func:`queries.routes.routes_by_corridor`).
    Returns ``(corridors, routes found)``; at most ``limit`` routes are followed."""
    g = routes.goods_graph(store, dataset)
    sources = sorted(n for n in g if g.in_degree(n) == 0)
    sinks = sorted(n for n in g if g.out_degree(n) == 0)
    if not sources or not sinks:
        return [], 0
    found = routes.supply_routes(store, sources, sinks, dataset, max_hops=max_hops, limit=limit)
    return routes.routes_by_corridor(found), len(found)


def quarters(start: dt.date, end: dt.date) -> list[Period]:
    """Calendar quarters covering ``start``..``end``, cut to it.

    >>> [(n, str(a), str(b)) for n, a, b in quarters(dt.date(2024, 2, 10), dt.date(2024, 5, 3))]
    [('2024 Q1', '2024-02-10', '2024-03-31'), ('2024 Q2', '2024-04-01', '2024-05-03')]
    """
    out: list[Period] = []
    year, q = start.year, (start.month - 1) // 3
    while True:
        first = dt.date(year, 3 * q + 1, 1)
        if first > end:
            return out
        nxt = dt.date(year + (q == 3), 3 * ((q + 1) % 4) + 1, 1)
        out.append((f"{year} Q{q + 1}", max(first, start), min(nxt - dt.timedelta(days=1), end)))
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)


def brokers_by_period(store: Store, periods: Sequence[Period], dataset: str | None = None,
                      group: str = "label", top: int = 5,
                      labels: Sequence[str] | None = ("Person", "Organization")) -> list[dict]:
    """Gould-Fernandez brokerage (all roles) of the ``top`` brokers in each period, among entities of
    ``labels`` (all when None): the graph is projected once and cut to each period's dates (undated links
    kept, see :class:`graph.projection.Scope`); brokers are counted between ``group``\'s groups.

    Returns rows ``{period, start, end, rank, id, caption, label, brokerage}`` (brokers with 0 left out).
    """
    graph = Scope(dataset=dataset).project(store)
    rows = []
    for name, first, last in periods:
        ranked = [s for s in rank_brokers(within(graph, first, last), group, "total", top=None)
                  if labels is None or s.label in labels]
        for i, s in enumerate(ranked[:top], 1):
            if s.score > 0:
                rows.append({"period": name, "start": first.isoformat(), "end": last.isoformat(), "rank": i,
                             "id": s.id, "caption": s.caption, "label": s.label, "brokerage": int(s.score)})
    return rows


def firearms_traced(store: Store, dataset: str | None = None) -> list[dict]:
    """Traced firearms per purchaser and per dealer: rows ``{by, id, caption, firearms}``, most first."""
    rows = []
    for by, counts in (("purchaser", firearms.traced_by_purchaser(store, dataset)),
                       ("dealer", firearms.traced_by_dealer(store, dataset))):
        names = captions(store, list(counts))
        rows += [{"by": by, "id": i, "caption": names.get(i, i), "firearms": n}
                 for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return rows


def captions(store: Store, ids: list[str]) -> dict[str, str]:
    """Entity id -> caption, for the ids that exist."""
    return {r["id"]: r["caption"] for r in store.read(CAPTIONS, ids=list(ids))} if ids else {}
