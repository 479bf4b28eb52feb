"""Where things are: entities with coordinates (``lat`` / ``lon``), for the explorer's map.

Which labels carry coordinates is read from the schema (the labels with both ``lat`` and ``lon``
properties), so a label given coordinates later shows up without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass

from chokepoint.graph import schema
from chokepoint.graph.store import Store

__all__ = ["Place", "located", "located_labels"]

# one part per label with coordinates (label from the schema's allow-list); each uses its label scan only
_PART = """
MATCH (n:{label})
WHERE n.lat IS NOT NULL AND n.lon IS NOT NULL AND ($dataset IS NULL OR n.dataset = $dataset)
RETURN n.id AS id, '{label}' AS label, n.caption AS caption, toFloat(n.lat) AS lat, toFloat(n.lon) AS lon,
       n.kind AS kind, n.code AS code, COUNT {{ (n)--() }} AS links,
       COUNT {{ (:Entity)-[:LOCATED_IN]->(n) }} AS located
"""


@dataclass(frozen=True)
class Place:
    """An entity with coordinates: ``links`` is its number of links, ``located`` how many entities are
    ``LOCATED_IN`` it."""

    id: str
    label: str
    caption: str | None
    lat: float
    lon: float
    kind: str | None = None
    code: str | None = None
    links: int = 0
    located: int = 0


def located_labels() -> list[str]:
    """The schema's labels whose entities can have coordinates (``lat`` and ``lon`` properties)."""
    return [name for name, node in schema.SCHEMA.nodes.items()
            if {"lat", "lon"} <= set(node.properties)]


def located(store: Store, dataset: str | None = None, labels: list[str] | None = None) -> list[Place]:
    """Every entity of ``labels`` (default: all that can have coordinates) whose ``lat`` and ``lon`` are set,
    ordered by label and caption. Unknown labels raise :class:`~graph.errors.UnknownName`."""
    wanted = [schema.label(x) for x in (labels if labels is not None else located_labels())]
    if not wanted:
        return []
    query = "\nUNION ALL\n".join(_PART.format(label=x) for x in wanted)
    rows = store.read(query, dataset=dataset)
    return sorted((Place(**r) for r in rows), key=lambda p: (p.label, p.caption or "", p.id))
