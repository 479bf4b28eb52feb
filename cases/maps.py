"""The Map tab: the entities with coordinates, and the kilograms entering at each port of entry.

The query layer's ``Place`` and ``PortVolume`` are re-exported here on purpose: they are part of this
use-case layer's public surface, so the app names them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from chokepoint.graph.store import Store
from chokepoint.queries.geo import Place, located
from chokepoint.queries.routes import PortVolume, port_volumes

__all__ = ["Place", "PortVolume", "Map", "places"]


@dataclass(frozen=True)
class Map:
    """What the map draws: every located entity (by label and caption), and the volumes per port."""

    places: list[Place]
    volumes: list[PortVolume]

    @property
    def ports(self) -> int:
        """How many of the places are ports of entry."""
        return sum(1 for p in self.places if p.label == "PortOfEntry")


def places(store: Store, dataset: str | None = None) -> Map:
    """The located entities and port volumes of ``dataset`` (all datasets when None)."""
    return Map(located(store, dataset), port_volumes(store, dataset))
