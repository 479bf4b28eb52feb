"""Load a directory of record files into Neo4j through a mapping; rejects go to a report, never lost.

For every file: rows read == rows loaded + rows rejected. Loading is idempotent: entities and
relationships are merged on their stable ids, aliases and provenance are kept as sets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import ChokepointError
from graph.store import Store
from loaders.mapping import STANDARD_MAPPING, Mapping, SourceSpec, load_mapping
from loaders.readers import EXTRA_CELLS, check_readable, read_rows
from loaders.rejects import RejectsReport
from loaders.rows import Reject, map_row
from loaders.writer import write_records

__all__ = ["FileSummary", "LoadSummary", "StrictLoadError", "load_records", "SAMPLE_CASE"]

SAMPLE_CASE = Path(__file__).with_name("sample")
CHUNK_ROWS = 5_000


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
    with RejectsReport(rejects_path) as report:
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
                    summary.counters += write_records(store, chunk, dataset)
                    chunk = []
                if progress and fs.rows_read % 1000 == 0:
                    progress(path.name, 1000)
            summary.counters += write_records(store, chunk, dataset)
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
