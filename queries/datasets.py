"""The datasets in the graph: each load records its dataset, so they are read from the loads."""

from __future__ import annotations

from chokepoint.graph.store import Store

__all__ = ["datasets"]

_DATASETS = "MATCH (l:Load) WHERE l.dataset IS NOT NULL RETURN DISTINCT l.dataset AS dataset ORDER BY dataset"


def datasets(store: Store) -> list[str]:
    """Names of the datasets loaded (by ``chokepoint load``, ``import-network`` or a lesson), sorted."""
    return [r["dataset"] for r in store.read(_DATASETS)]
