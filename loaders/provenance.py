"""Load records: which file (by content hash), mapping, time and counts produced what in the graph.

Each file loaded becomes a ``(:Load)`` node. Its id is a hash of the dataset, the file's name and
SHA-256 and the mapping's SHA-256, so loading the same bytes again is the same load; entities and
relationships list the load ids that touched them in ``loads``. A load that was interrupted stays
``status: 'running'`` until a re-run completes it.

A load begun here keeps what it changes (``prior_states: true``, see ``loaders/writer.py``), so
``loaders/undo.py`` can undo it; ``first_started`` is when it first ran (``started`` is the latest run).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from chokepoint.graph.store import Store
from chokepoint.graph.values import instant_text

__all__ = ["file_digest", "load_id", "begin_load", "end_load", "loads"]

_BEGIN = """
MERGE (l:Load {id: $id})
ON CREATE SET l.first_started = datetime(), l.prior_states = true
SET l += $props, l.status = 'running', l.started = datetime()
"""
_END = """
MATCH (l:Load {id: $id})
SET l += $counts, l.status = $status, l.finished = datetime()
"""
_LIST = """
MATCH (l:Load) WHERE $dataset IS NULL OR l.dataset = $dataset
RETURN l.id AS id, l.dataset AS dataset, l.file AS file, l.sha256 AS sha256, l.mapping AS mapping,
       l.status AS status, l.started AS started, l.finished AS finished,
       l.rows_read AS rows_read, l.rows_loaded AS rows_loaded, l.rows_rejected AS rows_rejected
ORDER BY l.started
"""


def file_digest(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def load_id(dataset: str, file_name: str, sha256: str, mapping_sha256: str) -> str:
    digest = hashlib.sha1("\x1f".join([dataset, file_name, sha256, mapping_sha256]).encode()).hexdigest()
    return f"load:{digest[:20]}"


def begin_load(store: Store, load: str, **props: Any) -> None:
    """Record (or re-open) a load as running."""
    store.write(_BEGIN, id=load, props=props)


def end_load(store: Store, load: str, status: str = "complete", **counts: Any) -> None:
    store.write(_END, id=load, status=status, counts=counts)


def loads(store: Store, dataset: str | None = None) -> list[dict[str, Any]]:
    """Every recorded load (of ``dataset``, or all), oldest first."""
    return [{**r, "started": instant_text(r["started"]), "finished": instant_text(r["finished"])}
            for r in store.read(_LIST, dataset=dataset)]


