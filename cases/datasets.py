"""Managing what has been loaded: the datasets (counts, loads), dropping one, the loads and undoing one.

Drops and undos write through the loaders' write path (``loaders/datasets.py``, ``loaders/undo.py``),
never the read-only runner, and each is one line of the audit log (``graph/audit.py``): action
``dataset-drop`` or ``load-undo``, what was removed as ``rows``, a refusal as an error.
The CLI (``chokepoint datasets``, ``chokepoint loads``) and the app only render the results.
"""

from __future__ import annotations

from typing import Any

from chokepoint.graph.audit import audited
from chokepoint.graph.store import Store
from chokepoint.loaders import datasets as _datasets
from chokepoint.loaders import undo as _undo
from chokepoint.loaders.datasets import DatasetInfo, DroppedDataset
from chokepoint.loaders.undo import UndoneLoad, UndoRefused

__all__ = ["DatasetInfo", "DroppedDataset", "UndoneLoad", "UndoRefused", "datasets", "loads", "drop", "undo",
           "overview"]


def datasets(store: Store) -> list[DatasetInfo]:
    """Every dataset with its entity and link counts, number of loads, first and last load time."""
    return _datasets.dataset_list(store)


def loads(store: Store, dataset: str | None = None) -> list[dict[str, Any]]:
    """Every load (of ``dataset``, or all), oldest first: id, dataset, file, format, started, ended,
    status, row and creation counts, and whether it kept what it changed (``undoable``)."""
    return _datasets.load_list(store, dataset)


def overview(store: Store) -> list[dict[str, Any]]:
    """Each dataset with its loads, for a read-only display: ``{**dataset, "load_list": [...]}``."""
    by_dataset: dict[str, list[dict[str, Any]]] = {}
    for load in loads(store):
        by_dataset.setdefault(load["dataset"], []).append(load)
    return [{**d.as_dict(), "load_list": by_dataset.get(d.name, [])} for d in datasets(store)]


def drop(store: Store, name: str, yes: bool = False) -> DroppedDataset:
    """Remove dataset ``name``'s entities, links and loads (``yes``), or say what would go (not ``yes``)."""
    if not yes:
        return _datasets.drop_dataset(store, name, yes=False)
    with audited("dataset-drop", name, {"dataset": name}) as entry:
        dropped = _datasets.drop_dataset(store, name, yes=True)
        entry.rows = dropped.entities_deleted + dropped.links_deleted
        entry.params.update(dropped.as_dict())
    return dropped


def undo(store: Store, load_id: str) -> UndoneLoad:
    """Bring the graph back to before load ``load_id``, or raise :class:`UndoRefused` naming why not."""
    with audited("load-undo", load_id, {"load": load_id}) as entry:
        undone = _undo.undo_load(store, load_id)
        entry.rows = undone.entities_deleted + undone.links_deleted + undone.entities_restored + undone.links_restored
        entry.params.update({k: v for k, v in undone.as_dict().items() if k != "load"},
                            dataset=undone.load.get("dataset"), file=undone.load.get("file"))
    return undone
