"""Explore: find an entity by what is known of it, grow the view around it, read its details.

One function for each thing the Explore tab (and the search boxes elsewhere) asks for. The result types
``Match`` (a search suggestion) and ``Subgraph`` (a neighbourhood or a trainer reveal) are the query
layer's, re-exported here on purpose: they are part of this use-case layer's public surface, so the app
names them from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chokepoint.graph.store import Store
from chokepoint.queries import datasets as _datasets
from chokepoint.queries import neighbourhood as _neighbourhood
from chokepoint.queries import reveal as _reveal
from chokepoint.queries.neighbourhood import DEFAULT_LIMIT, MAX_LIMIT, Subgraph
from chokepoint.queries.search import Match, search_entities

__all__ = ["Match", "Subgraph", "EntityDetails", "LinkType", "Cypher", "DEFAULT_LIMIT", "MAX_LIMIT",
           "REVEAL_LIMIT", "suggestions", "expand", "entity", "link_types", "entity_cypher", "link_cypher",
           "reveal", "datasets"]

#: The most entities a reveal returns unless asked otherwise.
REVEAL_LIMIT = _reveal.DEFAULT_LIMIT


@dataclass(frozen=True)
class EntityDetails:
    """One entity: its label, caption, number of links and properties (JSON-safe)."""

    id: str
    label: str
    caption: str
    degree: int
    properties: dict[str, Any]


@dataclass(frozen=True)
class LinkType:
    """A relationship type at an entity, and how many of its links have it."""

    type: str
    links: int


@dataclass(frozen=True)
class Cypher:
    """A read-only Cypher statement and its parameters."""

    query: str
    params: dict[str, Any]


def suggestions(store: Store, text: str, limit: int = 20) -> list[Match]:
    """Entities matching what was typed (a name, alias, phone, plate or id), best first; none for no text."""
    return search_entities(store, text, limit=limit)


def expand(store: Store, entity_id: str, limit: int = DEFAULT_LIMIT, types: Sequence[str] = (),
           start: dt.date | None = None, end: dt.date | None = None) -> Subgraph:
    """The entity, up to ``limit`` of its neighbours (through ``types`` and links dated ``start``..``end``
    when given), and the links among them. ``total_neighbours - shown_neighbours`` were left out by the
    cap (``capped``). Raises :class:`graph.errors.EntityNotFound` for an unknown id."""
    return _neighbourhood.neighbourhood(store, entity_id, limit=limit, rel_types=types or (), start=start,
                                        end=end)


def entity(store: Store, entity_id: str) -> EntityDetails:
    """What the details panel shows of one entity. Raises :class:`graph.errors.EntityNotFound`."""
    d = _neighbourhood.entity_details(store, entity_id)
    return EntityDetails(id=d["id"], label=d["label"], caption=d["caption"], degree=d["degree"],
                         properties=d["properties"])


def link_types(store: Store, entity_id: str) -> list[LinkType]:
    """The relationship types at an entity, commonest first (none for an unknown id)."""
    return [LinkType(t, n) for t, n in _neighbourhood.link_types(store, entity_id)]


def entity_cypher(entity_id: str) -> Cypher:
    """The Cypher that returns this entity.

    >>> entity_cypher("e1")
    Cypher(query='MATCH (n:Entity {id: $id}) RETURN n', params={'id': 'e1'})
    """
    return Cypher("MATCH (n:Entity {id: $id}) RETURN n", {"id": entity_id})


def link_cypher(source: str, target: str, link_id: str) -> Cypher:
    """The Cypher that returns this link with its two ends.

    >>> link_cypher("a", "b", "r1").params
    {'source': 'a', 'target': 'b', 'id': 'r1'}
    """
    return Cypher("MATCH (a:Entity {id: $source})-[r]->(b:Entity {id: $target}) WHERE r.id = $id RETURN a, r, b",
                  {"source": source, "target": target, "id": link_id})


def reveal(store: Store, dataset: str, start: dt.date, end: dt.date, start_ids: Sequence[str] = (),
           types: Sequence[str] = (), labels: Sequence[str] = (), limit: int = REVEAL_LIMIT) -> Subgraph:
    """What a lesson's step reveals of ``dataset`` in the window ``start``..``end`` (around ``start_ids``
    when given): a :class:`Subgraph` with no centre whose ``total_neighbours`` counts every entity revealed
    and ``shown_neighbours`` those returned (the most active first, at most ``limit``)."""
    return _reveal.revealed_subgraph(store, dataset, start, end, start_ids=start_ids, rel_types=types,
                                     labels=labels, limit=limit)


def datasets(store: Store) -> list[str]:
    """Names of the datasets loaded, sorted."""
    return _datasets.datasets(store)
