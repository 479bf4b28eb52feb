"""Stable entity ids: a hash of the dataset prefix, the label and the normalised key values.

Same input, same id, on every machine and every run; an entity whose keys are all empty has no id.

Example
-------
>>> entity_id("demo", "Person", ["Andrés  López"]) == entity_id("demo", "Person", ["ANDRES LOPEZ"])
True
>>> entity_id("demo", "Person", [None]) is None
True
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable

from chokepoint.graph.normalise import NORMALISERS
from chokepoint.graph.schema import SCHEMA

__all__ = ["normalise_key", "entity_id", "relationship_id"]

_SPACE = re.compile(r"\s+")


def normalise_key(value: object) -> str:
    """Case-fold, strip accents, collapse whitespace. ``None`` and blanks become ``""``."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE.sub(" ", text).strip().casefold()


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def entity_id(dataset: str, label: str, keys: Iterable[object]) -> str | None:
    """Id of the entity with these key values (in the schema's key order), or ``None`` if all are empty.

    Each key is normalised by the schema's normaliser for it (``graph/normalise.py``).
    """
    keys = tuple(keys)
    if all(type(k) is str for k in keys):  # text cells, as loaders read them: remembered
        return _remembered_entity_id(dataset, label, keys)
    return _entity_id(dataset, label, keys)


# Records name the same port, courier or place again and again. Only text keys are remembered: as
# dictionary keys 1, 1.0 and True are one, though they normalise differently.
@functools.lru_cache(maxsize=1 << 16)
def _remembered_entity_id(dataset: str, label: str, keys: tuple[str, ...]) -> str | None:
    return _entity_id(dataset, label, keys)


def _entity_id(dataset: str, label: str, keys: tuple) -> str | None:
    node = SCHEMA.nodes.get(label)
    if node is None:
        normalised = [normalise_key(k) for k in keys]
    else:
        normalised = [NORMALISERS[node.normalise[k]](v) for k, v in zip(node.keys, keys, strict=True)]
    if not any(normalised):
        return None
    return f"{dataset}:{label.lower()}:{_digest([dataset, label, *normalised])}"


def relationship_id(rel_type: str, source_id: str, target_id: str, properties: dict) -> str:
    """Id of a relationship: its type, endpoints and property values (so a re-load merges, not duplicates)."""
    props = [f"{k}={properties[k]}" for k in sorted(properties) if properties[k] is not None]
    return f"{rel_type.lower()}:{_digest([rel_type, source_id, target_id, *props])}"
