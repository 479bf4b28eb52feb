"""Load a directory of record files into Neo4j through a mapping; rejects go to a report, never lost.

For every file: rows read == rows loaded + rows rejected. Loading is idempotent: entities and
relationships are merged on their stable ids, aliases and provenance are kept as sets.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph import schema
from graph.errors import ChokepointError
from graph.store import Store
from loaders.mapping import STANDARD_MAPPING, Mapping, SourceSpec, load_mapping
from loaders.readers import EXTRA_CELLS, check_readable, read_rows
from loaders.rows import NodeRecord, Reject, RelRecord, map_row

__all__ = ["FileSummary", "LoadSummary", "StrictLoadError", "load_records", "SAMPLE_CASE"]

SAMPLE_CASE = Path(__file__).with_name("sample")
CHUNK_ROWS = 5_000

_MERGE_NODES = """
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:%(label)s, n += row.props, n.dataset = $dataset
SET n.aliases = reduce(a = coalesce(n.aliases, []), x IN row.aliases | CASE WHEN x IN a THEN a ELSE a + x END),
    n.sources = CASE WHEN row.source IS NULL OR row.source IN coalesce(n.sources, []) THEN n.sources
                     ELSE coalesce(n.sources, []) + row.source END
SET n.caption = toString(coalesce(n[$caption], n.id)),
    n.search_text = reduce(s = n.id, x IN n.aliases | s + ' ' + x)
"""

_MERGE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:%(type)s {id: row.id}]->(b)
SET r += row.props, r.dataset = $dataset,
    r.sources = CASE WHEN row.ref IN coalesce(r.sources, []) THEN r.sources ELSE coalesce(r.sources, []) + row.ref END
"""


class StrictLoadError(ChokepointError):
    """``strict`` was asked and some rows would be rejected; nothing was written."""


@dataclass
class FileSummary:
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0


@dataclass
class LoadSummary:
    dataset: str
    files: list[FileSummary] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    counters: Counter = field(default_factory=Counter)
    rejects_report: str | None = None

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    def as_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "nodes_created": self.counters["nodes_created"],
            "relationships_created": self.counters["relationships_created"],
            "properties_set": self.counters["properties_set"],
            "files": [vars(f) for f in self.files],
            "missing_files": self.missing_files,
            "rejects_report": self.rejects_report,
        }


def load_records(
    store: Store,
    directory: Path,
    dataset: str,
    mapping: Mapping | Path | None = None,
    rejects_path: Path | None = None,
    strict: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> LoadSummary:
    """Load every file of ``mapping`` found in ``directory``.

    Rejected rows are written to ``rejects_path`` (default ``<directory>/rejects.csv``) with file, row,
    column, reason and the original values. With ``strict``, any reject raises
    :class:`StrictLoadError` before anything is written.
    """
    directory = Path(directory)
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping or STANDARD_MAPPING)
    if not directory.is_dir():
        raise ChokepointError(f"{directory}: not a directory of record files")
    present = [(s, directory / s.file) for s in mapping.sources.values() if (directory / s.file).exists()]
    for _, path in present:  # a fatal problem in any file stops the load before anything is written
        check_readable(path)
    if strict:
        rejects = [r for spec, path in present for r in _mapped(spec, path, dataset) if isinstance(r, Reject)]
        if rejects:
            first = rejects[0]
            raise StrictLoadError(f"{len(rejects)} row(s) would be rejected, nothing written; first: "
                                  f"{first.file}: row {first.row}: column {first.column or '-'}: {first.reason}")
    summary = LoadSummary(dataset=dataset,
                          missing_files=[s.file for s in mapping.sources.values() if not (directory / s.file).exists()])
    rejects_path = Path(rejects_path or directory / "rejects.csv")
    with _RejectsReport(rejects_path) as report:
        for spec, path in present:
            fs = FileSummary(file=str(path))
            summary.files.append(fs)
            chunk: list = []
            for item in _mapped(spec, path, dataset):
                fs.rows_read += 1
                if isinstance(item, Reject):
                    fs.rows_rejected += 1
                    report.add(item)
                else:
                    fs.rows_loaded += 1
                    chunk.append(item)
                if len(chunk) >= CHUNK_ROWS:
                    summary.counters += _write(store, chunk, dataset)
                    chunk = []
                if progress and fs.rows_read % 1000 == 0:
                    progress(path.name, 1000)
            summary.counters += _write(store, chunk, dataset)
            if progress:
                progress(path.name, fs.rows_read % 1000)
    summary.rejects_report = str(rejects_path) if report.count else None
    return summary


def _mapped(spec: SourceSpec, path: Path, dataset: str) -> Iterable:
    for row_no, row in read_rows(path):
        if EXTRA_CELLS in row:
            yield Reject(path.name, row_no, "", "more cells than the header has columns", row)
            continue
        yield map_row(spec, dataset, path.name, row_no, row)


def _write(store: Store, mapped_rows: list[tuple[list[NodeRecord], list[RelRecord]]], dataset: str) -> Counter:
    nodes: dict[str, list[dict]] = defaultdict(list)
    rels: dict[str, list[dict]] = defaultdict(list)
    for node_records, rel_records in mapped_rows:
        for n in node_records:
            nodes[n.label].append({"id": n.id, "props": n.props, "aliases": n.aliases, "source": n.source})
        for r in rel_records:
            rels[r.type].append({"id": r.id, "source": r.source, "target": r.target, "props": r.props, "ref": r.ref})
    counters: Counter = Counter()
    for label, rows in nodes.items():
        query = _MERGE_NODES % {"label": schema.label(label)}
        counters += store.write_batches(query, rows, dataset=dataset, caption=schema.SCHEMA.nodes[label].caption)
    for rtype, rows in rels.items():
        counters += store.write_batches(_MERGE_RELATIONSHIPS % {"type": schema.rel_type(rtype)}, rows, dataset=dataset)
    return counters


class _RejectsReport:
    """CSV of rejected rows, created only when there is a first reject."""

    HEADER = ["source_file", "row", "column", "reason", "original_values"]

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._file = None
        self._writer = None

    def __enter__(self) -> _RejectsReport:
        if self.path.exists():
            self.path.unlink()  # a re-run reports its own rejects, not the last run's
        return self

    def add(self, reject: Reject) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", newline="", encoding="utf-8")
            self._writer = csv.writer(self._file)
            self._writer.writerow(self.HEADER)
        values = {k: v for k, v in reject.values.items()}
        self._writer.writerow([reject.file, reject.row, reject.column, reject.reason,
                               json.dumps(values, ensure_ascii=False)])
        self.count += 1

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
