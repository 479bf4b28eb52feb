"""Load record files into Neo4j through a mapping; rejects go to a report, never lost.

For every file: rows read == rows loaded + rows rejected. Loading is idempotent: entities and
relationships are merged on their stable ids, aliases and provenance are kept as sets.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.loaders.conventions import NO_CONVENTION, Convention, FileConventions, file_conventions
from chokepoint.loaders.mapping import STANDARD_MAPPING, Mapping, SourceSpec, load_mapping
from chokepoint.loaders.provenance import begin_load, end_load, file_digest, load_id
from chokepoint.loaders.readers import COLUMN, EXTRA_CELLS, REASON, SHEET, _shown, check_readable, detect_format, read_rows
from chokepoint.loaders.pipeline import few_collections, prefetch
from chokepoint.loaders.rejects import RejectsReport
from chokepoint.loaders.rows import Reject, map_row
from chokepoint.loaders.writer import RecordWriter

__all__ = ["FileSummary", "LoadSummary", "StrictLoadError", "load_records", "SAMPLE_CASE"]

SAMPLE_CASE = Path(__file__).with_name("sample")
CHUNK_ROWS = 5_000
#: A chunk also ends once its rows hold this much text (``loaders/limits.py``): a small Parquet or XLSX
#: file can repeat one long value in every row, and 5,000 such rows would not fit in memory.
CHUNK_TEXT = 16 * 1024 * 1024


class StrictLoadError(ChokepointError):
    """``strict`` was asked and some rows would be rejected; nothing was written."""


@dataclass
class FileSummary:
    file: str
    source: str
    load_id: str = ""
    sha256: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    columns_absent: list[str] = field(default_factory=list)  # mapped columns the file does not have
    closest: dict[str, str] = field(default_factory=dict)    # absent column -> the file's likeliest one
    columns: list[str] = field(default_factory=list)         # the file's columns (normalised), when absent ones
    conventions: list[dict] = field(default_factory=list)    # per number/date column: what it was read by


@dataclass
class LoadSummary:
    dataset: str
    files: list[FileSummary] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)
    counters: Counter = field(default_factory=Counter)
    rejects_report: str | None = None
    dry_run: bool = False                                    # every row mapped, nothing written to Neo4j
    bulk: bool = False                                       # written by Neo4j's importer (loaders/bulk.py)

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
            "missing_sources": self.missing_sources,
            "rejects_report": self.rejects_report,
            "dry_run": self.dry_run,
            "bulk": self.bulk,
        }


def plan(paths: Path | Sequence[Path], mapping: Mapping) -> tuple[list[tuple[SourceSpec, Path]], list[str]]:
    """Which file each source of ``mapping`` reads: ``(source, path)`` pairs and the sources with no file.

    ``paths`` are record files or directories of them; a file is matched to the source whose ``file``
    pattern (a name or a glob) matches its name. A file no source matches is a fatal error.
    """
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.is_file() and _source_of(f, mapping) is not None)
        elif p.is_file():
            if _source_of(p, mapping) is None:
                patterns = ", ".join(s.file for s in mapping.sources.values())
                raise ChokepointError(f"{p}: no source of {mapping.path} reads this file (patterns: {patterns})")
            files.append(p)
        else:
            raise ChokepointError(f"{p}: no such file or directory")
    planned = [(spec, f) for spec in mapping.sources.values() for f in files if _source_of(f, mapping) is spec]
    missing = [s.name for s in mapping.sources.values() if all(spec is not s for spec, _ in planned)]
    return planned, missing


def load_records(
    store: Store | None,
    paths: Path | Sequence[Path],
    dataset: str,
    mapping: Mapping | Path | None = None,
    rejects_path: Path | None = None,
    strict: bool = False,
    progress: Callable[[str, int], None] | None = None,
    dry_run: bool = False,
    conventions: Convention = NO_CONVENTION,
) -> LoadSummary:
    """Load record files (or directories of them) through ``mapping`` (default: the standard records).

    Rejected rows are written to ``rejects_path`` (default ``rejects.csv`` beside the first path) with
    file, row, column, reason and the original values. With ``strict``, any reject raises
    :class:`StrictLoadError` before anything is written. A file that cannot be read, or whose date
    columns need a declared order, stops the load before anything is written. ``conventions`` (the
    command line's) is declared for every column where the mapping's column or source declares
    nothing, over the mapping's own. Each file is recorded as a ``(:Load)`` (see ``loaders/provenance.py``).
    With ``dry_run``, every row is read and mapped, the rejects report and the summary are written as a
    load would write them, and nothing is written to Neo4j (``store`` may be None).
    """
    if store is None and not dry_run:
        raise ChokepointError("a load needs a Neo4j store (only a dry run does not)")
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping or STANDARD_MAPPING)
    planned, missing = plan(paths, mapping)
    base = conventions.over(mapping.convention)
    # a fatal problem in any file stops the load before anything is written
    checked = {path: _preflight(spec, path, base) for spec, path in planned}
    if strict:
        rejects = [r for spec, path in planned for r in _mapped(spec, path, dataset, checked[path].conventions)
                   if isinstance(r, Reject)]
        if rejects:
            first = rejects[0]
            raise StrictLoadError(f"{len(rejects)} row(s) would be rejected, nothing written; first: "
                                  f"{first.file}: row {first.row}: column {first.column or '-'}: {first.reason}")
    summary = LoadSummary(dataset=dataset, missing_sources=missing, dry_run=dry_run)
    first = Path(paths) if isinstance(paths, (str, Path)) else Path(paths[0])
    rejects_path = Path(rejects_path or (first if first.is_dir() else first.parent) / "rejects.csv")
    mapping_sha = file_digest(mapping.path)
    with RejectsReport(rejects_path) as report, few_collections():
        for spec, path in planned:
            found = checked[path]
            file_summary, counters = _load_file(store, spec, path, dataset, mapping, mapping_sha, report, progress,
                                                found.conventions, dry_run)
            file_summary.columns_absent = found.absent
            file_summary.closest = found.closest
            file_summary.columns = found.columns if found.absent else []
            summary.files.append(file_summary)
            summary.counters += counters
    summary.rejects_report = str(rejects_path) if report.count else None
    return summary


def _load_file(store, spec, path, dataset, mapping, mapping_sha, report, progress,
               conventions: FileConventions, dry_run: bool = False) -> tuple[FileSummary, Counter]:
    sha = file_digest(path)
    fs = FileSummary(file=str(path), source=spec.name, sha256=sha,
                     load_id=load_id(dataset, path.name, sha, mapping_sha),
                     conventions=[c.as_dict() for c in conventions.columns])
    if dry_run:  # every row mapped and counted, rejects reported; nothing sent
        for _ in _chunks(spec, path, dataset, fs, report, progress, conventions):
            pass
        return fs, Counter()
    begin_load(store, fs.load_id, dataset=dataset, file=path.name, path=str(path.resolve()), sha256=sha,
               mapping=str(mapping.path), mapping_sha256=mapping_sha, source=spec.name,
               conventions=json.dumps(fs.conventions, ensure_ascii=False))
    writer = RecordWriter(store, dataset, fs.load_id)
    counters: Counter = Counter()
    # reading, mapping and preparing the next chunk (Python) runs while this one is written (Neo4j)
    chunks = _chunks(spec, path, dataset, fs, report, progress, conventions)
    for batch in prefetch(map(writer.prepare, chunks)):
        counters += writer.send(batch)
    end_load(store, fs.load_id, rows_read=fs.rows_read, rows_loaded=fs.rows_loaded,
             rows_rejected=fs.rows_rejected, nodes_created=counters["nodes_created"],
             relationships_created=counters["relationships_created"])
    return fs, counters


def _chunks(spec, path, dataset, fs: FileSummary, report: RejectsReport, progress,
            conventions: FileConventions) -> Iterator[list]:
    """Mapped rows of ``path`` in chunks of ``CHUNK_ROWS``; rejects go to ``report``; ``fs`` counts."""
    chunk: list = []
    reported = 0
    text = [0]  # characters of the rows read since the last chunk (``_mapped`` adds them)
    for item in _mapped(spec, path, dataset, conventions, text):
        fs.rows_read += 1
        if isinstance(item, Reject):
            fs.rows_rejected += 1
            report.add(item)
        else:
            fs.rows_loaded += 1
            chunk.append(item)
        if len(chunk) >= CHUNK_ROWS or text[0] >= CHUNK_TEXT:
            yield chunk
            chunk, text[0] = [], 0
        if progress and fs.rows_read - reported >= 1000:
            progress(path.name, fs.rows_read - reported)
            reported = fs.rows_read
    yield chunk
    if progress:
        progress(path.name, fs.rows_read - reported)


def _source_of(path: Path, mapping: Mapping) -> SourceSpec | None:
    return next((spec for spec in mapping.sources.values() if spec.matches(path.name)), None)


@dataclass(frozen=True)
class _Checked:
    """What the checks of a file before the load found: the mapped columns it lacks (with the closest
    of its own), its columns, and how its numbers and dates are read."""

    absent: list[str]
    closest: dict[str, str]
    columns: list[str]
    conventions: FileConventions


def _preflight(spec: SourceSpec, path: Path, base: Convention = NO_CONVENTION) -> _Checked:
    """Raise for fatal problems (unreadable file, missing required columns, a file in which no entity
    of the source can be found, dates whose order nothing settles); return what the load needs."""
    check_readable(path, format=spec.format, sheet=spec.sheet)
    absent: list[str] = []
    closest: dict[str, str] = {}
    names: list[str] = []
    if (spec.format or detect_format(path)) not in ("json", "jsonl"):  # records, not a table: a missing key
        first = next(iter(read_rows(path, format=spec.format, sheet=spec.sheet)), None)  # is a per-row reject
        if first is not None:
            names = [k for k in first[1] if k not in (SHEET, EXTRA_CELLS)]
            columns = set(names)
            shown = ", ".join(_cut(k) for k in names)
            missing = sorted(spec.required_columns() - columns)
            if missing:
                raise ChokepointError(f"{path}: row 1: missing column(s) {_hinted(missing, names)} that source "
                                      f"{spec.name!r} needs (columns: {shown})")
            found = [e for e in spec.entities.values() if set(e.key_columns()) <= columns]
            if not found:  # every entity optional, none of their keys there: every row would yield nothing
                keys = sorted({c for e in spec.entities.values() for c in e.key_columns()} - columns)
                raise ChokepointError(f"{path}: row 1: none of the key column(s) {_hinted(keys, names)} of source "
                                      f"{spec.name!r} (columns: {shown}); nothing could be loaded from it")
            absent = sorted(spec.columns() - columns)
            closest = {c: m for c in absent if (m := _closest(c, names)) is not None}
    kinds = spec.column_kinds()
    if names:  # a table: only the columns it has (a JSON record may have any)
        kinds = {c: k for c, k in kinds.items() if c in names}
    rows = (item for item in read_rows(path, format=spec.format, sheet=spec.sheet) if EXTRA_CELLS not in item[1])
    conventions = file_conventions(path, rows, kinds, spec.declared(base))
    return _Checked(absent, closest, names, conventions)


def _closest(column: str, names: list[str]) -> str | None:
    """The file's column most like ``column`` (difflib), if any is close.

    >>> _closest("telefono", ["nombre", "tel_fono", "fecha"]), _closest("dob", ["name", "city"])
    ('tel_fono', None)
    """
    found = difflib.get_close_matches(column, names, n=1, cutoff=0.6)
    return found[0] if found else None


def _hinted(columns: list[str], names: list[str]) -> str:
    """Columns for a message, each with the file's closest column: ``tel (did you mean telefono?)``."""
    return ", ".join(f"{c} (did you mean {m}?)" if (m := _closest(c, names)) else c for c in columns)


def _cut(name: str, limit: int = 40) -> str:
    """A column name for a message: a header cell can be a whole paragraph."""
    return name if len(name) <= limit else name[:limit] + "..."


def _mapped(spec: SourceSpec, path: Path, dataset: str, conventions: FileConventions | None = None,
            text: list[int] | None = None, select: Callable[[int], bool] | None = None) -> Iterable:
    """Each row of ``path`` mapped: records or a :class:`Reject`. Without ``conventions`` they are
    settled first (reading the file once more) from what the source and its columns declare. With
    ``text``, each row's characters are added to ``text[0]``. With ``select``, only the rows whose
    0-based position in the file it accepts are mapped (and yielded)."""
    if conventions is None:
        rows = (item for item in read_rows(path, format=spec.format, sheet=spec.sheet) if EXTRA_CELLS not in item[1])
        conventions = file_conventions(path, rows, spec.column_kinds(), spec.declared())
    fmt = spec.format or detect_format(path)
    for i, (row_no, row) in enumerate(read_rows(path, format=spec.format, sheet=spec.sheet)):
        if select is not None and not select(i):
            continue
        if text is not None:
            text[0] += sum(map(len, filter(None, row.values())))
        name = f"{path.name}[{row[SHEET]}]" if SHEET in row else path.name
        if EXTRA_CELLS in row:
            extra = row[EXTRA_CELLS]
            if fmt not in ("json", "jsonl", "parquet") and REASON not in row:  # those say why; a table row has cells to show
                shown = extra if extra.isprintable() and len(extra) <= 60 else _shown(extra)
                extra = f"more cells than the header has columns: {shown}"
            reason = extra
            if REASON in row:  # over a cell or row limit: the cells as read (long ones cut), not the markers
                column = row.get(COLUMN, "")
                row = {k: v for k, v in row.items() if k not in (EXTRA_CELLS, REASON, COLUMN)}
                yield Reject(name, row_no, column, reason, row)
                continue
            yield Reject(name, row_no, "", reason, row)
            continue
        yield map_row(spec, dataset, name, row_no, row, conventions)
