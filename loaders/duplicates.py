"""Duplicate edges: several rows of a network file for one relationship, merged by one of Gephi's merge
strategies, or kept as parallel relationships.

Rows are one relationship when they join the same two entities (for undirected input, in either order)
and carry the same date (or none): a dated row is an event, so rows of one pair on two dates are two
relationships. The strategies (``--duplicates``):

=======  =========================================================================================
sum      the weights added up (the default)
max      the largest weight
min      the smallest weight
first    the weight of the first row (in file order), even when it has none
last     the weight of the last row
keep     no merging: every row is its own relationship (parallel relationships, directed or not)
=======  =========================================================================================

``sum``, ``max`` and ``min`` take the rows that have a weight; a relationship none of whose rows has one
has no weight. Whatever the strategy, the relationship's ``count`` is the number of rows it stands for
(1 for ``keep``) and its ``sources`` lists them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field

__all__ = ["STRATEGIES", "DEFAULT", "EdgeGroups", "combine"]

STRATEGIES = ("sum", "max", "min", "first", "last", "keep")
DEFAULT = "sum"


def combine(strategy: str, old: float | None, new: float | None) -> float | None:
    """The weight of a relationship that had ``old`` after one more row with ``new`` (None: no weight).

    >>> [combine(s, 2.0, 5.0) for s in ("sum", "max", "min", "first", "last")]
    [7.0, 5.0, 2.0, 2.0, 5.0]
    >>> combine("sum", None, 3.0), combine("max", 3.0, None), combine("first", None, 3.0), combine("last", 3.0, None)
    (3.0, 3.0, None, None)
    """
    if strategy == "first":
        return old
    if strategy == "last":
        return new
    if old is None or new is None:
        return new if old is None else old
    if strategy == "sum":
        return old + new
    return max(old, new) if strategy == "max" else min(old, new)


@dataclass
class _Group:
    weight: float | None
    count: int = 1
    refs: list[str] = field(default_factory=list)


class EdgeGroups:
    """The rows of one import grouped into relationships (every strategy but ``keep``): memory grows with
    the number of relationships and the rows they list."""

    def __init__(self, strategy: str):
        if strategy not in STRATEGIES or strategy == "keep":
            raise ValueError(f"not a merging strategy: {strategy!r}")
        self.strategy = strategy
        self._groups: dict[Hashable, _Group] = {}
        self.merged = 0  # rows that joined an earlier row's relationship

    def add(self, key: Hashable, weight: float | None, ref: str) -> None:
        group = self._groups.get(key)
        if group is None:
            self._groups[key] = _Group(weight, 1, [ref])
            return
        group.weight = combine(self.strategy, group.weight, weight)
        group.count += 1
        group.refs.append(ref)
        self.merged += 1

    def __len__(self) -> int:
        return len(self._groups)

    def groups(self) -> Iterator[tuple[Hashable, float | None, int, list[str]]]:
        """``(key, weight, count, refs)`` of every relationship, in the order first seen."""
        for key, group in self._groups.items():
            yield key, group.weight, group.count, group.refs
