"""The Metrics tab: seizures and shipments per port and month, supply corridors, the top brokers per period
and traced firearms, each as plain rows (one dict a row) a chart and its table share.

The query layer's ``Period`` (name, first day, last day) and :func:`quarters` are re-exported here on
purpose: they are part of this use-case layer's public surface.
"""

from __future__ import annotations

from collections.abc import Sequence

from chokepoint.graph.store import Store
from chokepoint.queries import metrics as _metrics
from chokepoint.queries.metrics import Period, quarters

__all__ = ["Period", "quarters", "seizures_by_port_month", "entries_by_port_month", "corridors",
           "brokers_by_period", "firearms_traced"]


def seizures_by_port_month(store: Store, dataset: str | None = None) -> list[dict]:
    """Seizures at each port of entry per month (``yyyy-mm``): how many, and the kilograms seized."""
    return _metrics.seizures_by_port_month(store, dataset)


def entries_by_port_month(store: Store, dataset: str | None = None) -> list[dict]:
    """Shipments and kilograms entering at each port of entry per month (saved query port-volume-by-month)."""
    return _metrics.entries_by_port_month(store, dataset)


def corridors(store: Store, dataset: str | None = None, limit: int = 500) -> tuple[list[dict], int]:
    """Supply routes from the places that only ship to those that only receive, grouped by the ports they
    cross: ``(corridors, routes found)``, at most ``limit`` routes followed."""
    return _metrics.corridors(store, dataset, limit=limit)


def brokers_by_period(store: Store, periods: Sequence[Period], dataset: str | None = None,
                      top: int = 5) -> list[dict]:
    """The ``top`` persons and organisations by brokerage (Gould-Fernandez, between entity types) in each
    period: rows ``{period, start, end, rank, id, caption, label, brokerage}``."""
    return _metrics.brokers_by_period(store, periods, dataset, top=top)


def firearms_traced(store: Store, dataset: str | None = None) -> list[dict]:
    """Traced firearms per purchaser and per dealer: rows ``{by, id, caption, firearms}``, most first."""
    return _metrics.firearms_traced(store, dataset)
