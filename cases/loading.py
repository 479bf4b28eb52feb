"""Putting records into the graph: a load of record files (or the sample case), a network import, entity
resolution (likely duplicates, merges, splits, the decisions made), and what has been loaded.

Each function takes a connected :class:`~chokepoint.graph.store.Store` and returns a typed result; the
CLI (``chokepoint load``, ``import-network``, ``resolve ...``) and the app only render it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chokepoint.graph import local, schema
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.loaders import bulk, draft, networks, provenance, resolve
from chokepoint.loaders.conventions import Convention, dates_option, decimal_option, thousands_option
from chokepoint.loaders.draft import Draft
from chokepoint.loaders.load import SAMPLE_CASE, LoadSummary, plan
from chokepoint.loaders.load import load_records as _load_records
from chokepoint.loaders.mapping import STANDARD_MAPPING, load_mapping
from chokepoint.loaders.networks import NetworkSummary
from chokepoint.loaders.resolve import Candidate
from chokepoint.queries.datasets import datasets as _datasets

__all__ = ["SAMPLE_CASE", "SAMPLE_REJECTS", "NETWORK_FORMATS", "NETWORK_DUPLICATES", "LoadReport", "NetworkReport",
           "Candidate", "Decision", "default_dataset", "declared", "load_records", "bulk_load_records",
           "BulkRefused", "import_network", "candidates",
           "merge",
           "split", "decisions", "loads", "datasets", "record_files", "missing_files", "files_not_loaded", "Draft",
           "draft_mapping"]

#: the rejects report of a sample load when none is named (in the working directory, not in the package)
SAMPLE_REJECTS = Path("rejects-sample.csv")
#: the network file formats ``import_network`` reads
NETWORK_FORMATS = networks.FORMATS
#: how ``import_network`` merges the rows of one link (the first is the default)
NETWORK_DUPLICATES = networks.DUPLICATES


@dataclass(frozen=True)
class LoadReport:
    """A finished load of record files: the dataset written, the paths read, the loader's account of
    each file (rows read = loaded + rejected, columns absent, sources with no file, the rejects report)."""

    dataset: str
    paths: tuple[Path, ...]
    summary: LoadSummary

    def as_dict(self) -> dict[str, Any]:
        return self.summary.as_dict()


@dataclass(frozen=True)
class NetworkReport:
    """A finished network import: the loader's account (edge rows read, loaded, rejected; nodes)."""

    summary: NetworkSummary

    @property
    def dataset(self) -> str:
        return self.summary.dataset

    def as_dict(self) -> dict[str, Any]:
        return self.summary.as_dict()


@dataclass(frozen=True)
class Decision:
    """A recorded merge: who merged what into what, when and why, and whether it was undone (split)."""

    id: str
    kind: str
    status: str                    # "active" or "undone"
    label: str
    kept: str
    kept_caption: str | None
    merged: str
    merged_caption: str | None
    who: str
    at: str
    why: str
    undone_by: str | None = None
    undone_at: str | None = None
    undo_why: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_dataset(paths: Sequence[Path], sample: bool = False) -> str:
    """The dataset name of a load when none is given: ``sample``, else the first path's name (a file's
    stem, a directory's name).

    >>> default_dataset([], sample=True), default_dataset([Path("no/such/folder")])
    ('sample', 'folder')
    """
    if sample:
        return "sample"
    first = Path(paths[0])
    return first.stem if first.is_file() else first.resolve().name


def load_records(store: Store | None, paths: Sequence[Path] = (), *, sample: bool = False,
                 dataset: str | None = None, mapping: Path | None = None, rejects: Path | None = None,
                 strict: bool = False, progress: Callable[[str, int], None] | None = None,
                 dry_run: bool = False, decimal: str | None = None, thousands: str | None = None,
                 dates: str | None = None) -> LoadReport:
    """Load record files or directories of them (or, with ``sample``, the built-in sample case) through
    ``mapping`` (default: the standard records). Dataset: ``default_dataset``. Rejects report: ``rejects``,
    else ``rejects-sample.csv`` here for the sample, else ``rejects.csv`` beside the first path.
    ``progress(file name, rows)`` is called as rows are read. ``dry_run``: map every row, write the
    rejects report and the summary, write nothing to Neo4j (``store`` may then be None). ``decimal``,
    ``thousands`` and ``dates`` are declared for every column whose mapping column or source declares
    nothing (docs/mappings.md)."""
    if sample == bool(paths):
        raise ChokepointError("give record paths or the sample (one of them)")
    conventions = declared(decimal, thousands, dates)
    paths = (SAMPLE_CASE,) if sample else tuple(Path(p) for p in paths)
    if sample and rejects is None:
        rejects = SAMPLE_REJECTS
    dataset = dataset or default_dataset(paths, sample)
    summary = _load_records(store, list(paths), dataset=dataset, mapping=mapping, rejects_path=rejects,
                            strict=strict, progress=progress, dry_run=dry_run, conventions=conventions)
    return LoadReport(dataset=dataset, paths=paths, summary=summary)


class BulkRefused(ChokepointError):
    """A bulk load was refused before anything changed (a database with data in it, a remote server)."""


#: How many nodes the database holds (read from Neo4j's counts, cheap at any size).
_NODE_COUNT = "MATCH (n) RETURN count(n) AS n"


def bulk_load_records(paths: Sequence[Path] = (), *, sample: bool = False, dataset: str | None = None,
                      mapping: Path | None = None, rejects: Path | None = None, strict: bool = False,
                      progress: Callable[[str, int], None] | None = None, decimal: str | None = None,
                      thousands: str | None = None, dates: str | None = None, replace: bool = False,
                      yes: bool = False, data_dir: Path | None = None, workers: int | None = None,
                      timings: dict[str, float] | None = None) -> LoadReport:
    """Load record files into the project's local Neo4j (``data_dir``, default as ``chokepoint neo4j``)
    through Neo4j's bulk importer: the same mapping, ids, merge rules, rejects and ``Load`` records as
    :func:`load_records`, for a first load (docs/scaling.md).

    The records are read and mapped first (with the Neo4j still up); then the local Neo4j is stopped,
    its ``neo4j`` database replaced by the import, and started again on the same port, the schema's
    constraints and indexes applied and the ``Load`` records written. Refused (:class:`BulkRefused`,
    nothing changed) when ``NEO4J_URI`` names a server (only the local instance's files can be
    imported into: load transactionally there), when no local Neo4j runs, and when its database holds
    anything, unless ``replace`` and ``yes`` (everything in it, merge decisions too, is replaced).
    ``timings`` (when given) receives seconds per phase: map, import, restart, finish."""
    import os
    import shutil
    import time

    if os.environ.get("NEO4J_URI"):
        raise BulkRefused(f"--bulk imports into the local Neo4j only, and NEO4J_URI points at "
                          f"{os.environ['NEO4J_URI']}: load that server without --bulk (transactionally)")
    if sample == bool(paths):
        raise ChokepointError("give record paths or the sample (one of them)")
    inst = local.find_running(data_dir)
    if inst is None:
        where = data_dir or local.default_data_dir()
        raise BulkRefused(f"no local Neo4j runs for {where}; start it with `chokepoint neo4j start`, then load "
                          "with --bulk")
    data = Path(inst.data_dir)
    conventions = declared(decimal, thousands, dates)
    paths = (SAMPLE_CASE,) if sample else tuple(Path(p) for p in paths)
    if sample and rejects is None:
        rejects = SAMPLE_REJECTS
    dataset = dataset or default_dataset(paths, sample)
    clock = timings if timings is not None else {}
    with Store.connect(settings_from_env(data)) as store:
        held = store.read(_NODE_COUNT)[0]["n"]
        if held and not replace:
            raise BulkRefused(f"the local database holds {held:,} node(s); --bulk loads only into an empty one: "
                              "load without --bulk (transactionally), or --replace --yes to replace them all")
        if held and not yes:
            raise BulkRefused(f"--replace deletes all {held:,} node(s) of the local database (merge decisions "
                              "too); add --yes to confirm")
        moved = {} if held else resolve.redirects(store)
    work = data / f"bulk-import-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        start = time.perf_counter()
        summary, files = bulk.write_import_files(list(paths), dataset, work, mapping=mapping, rejects_path=rejects,
                                                 strict=strict, progress=progress, conventions=conventions,
                                                 moved=moved, workers=workers)
        clock["map"] = time.perf_counter() - start
        local.stop(data)
        try:
            start = time.perf_counter()
            bulk.run_importer(files, data / "store")
            clock["import"] = time.perf_counter() - start
        finally:
            start = time.perf_counter()
            local.start(data, port=inst.port, heap=inst.heap or "1g", pagecache=inst.pagecache or "512m",
                            timeout=600)
            clock["restart"] = time.perf_counter() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    start = time.perf_counter()
    with Store.connect(settings_from_env(data)) as store:
        store.ensure_schema()
        if files.empty_lists:
            store.write_batches(bulk.SET_EMPTY_LISTS, files.empty_lists)
        for rtype, rows in files.empty_link_lists.items():
            store.write_batches(bulk.SET_EMPTY_LINK_LISTS % {"type": schema.rel_type(rtype)}, rows)
        for fs, load in zip(summary.files, files.loads):
            created = {k: load[k] for k in ("nodes_created", "relationships_created")}
            provenance.begin_load(store, fs.load_id, **{k: v for k, v in load.items() if k not in created})
            provenance.end_load(store, fs.load_id, rows_read=fs.rows_read, rows_loaded=fs.rows_loaded,
                                rows_rejected=fs.rows_rejected, **created)
    clock["finish"] = time.perf_counter() - start
    return LoadReport(dataset=dataset, paths=paths, summary=summary)


def declared(decimal: str | None = None, thousands: str | None = None, dates: str | None = None) -> Convention:
    """The conventions given on the command line, checked (one-line error otherwise).

    >>> declared(",", "space", "dayfirst")
    Convention(decimal=',', thousands=' ', dates='dayfirst', format=None)
    """
    order, fmt = dates_option(dates)
    return Convention(decimal_option(decimal), thousands_option(thousands), order, fmt)


def import_network(store: Store | None, path: Path, fmt: str | None, label: str, rel_type: str, *, dataset: str | None = None,
                   directed: bool | None = None, rejects: Path | None = None, source_col: str | None = None,
                   target_col: str | None = None, weight_col: str | None = None, time_col: str | None = None,
                   header: bool | None = None, separator: str | None = None, sheet: str | None = None,
                   duplicates: str = networks.DUPLICATES[0],
                   progress: Callable[[int], None] | None = None, col_label: str | None = None,
                   project_to: str | None = None, projection_type: str | None = None,
                   decimal: str | None = None, thousands: str | None = None,
                   dates: str | None = None, dry_run: bool = False) -> NetworkReport:
    """Import a network file (one of ``NETWORK_FORMATS``): ``label`` nodes joined by ``rel_type`` links, rows
    of one link merged by ``duplicates`` (one of ``NETWORK_DUPLICATES``), recorded as a Load; with
    ``col_label`` a two-mode network (``label`` rows to ``col_label`` columns) and, with ``project_to``, its
    one-mode projection; ``decimal``, ``thousands`` and ``dates`` say how weights and dates are written
    (see :func:`chokepoint.loaders.networks.import_network` for the options). ``dry_run``: read, map and merge
    every edge, write the rejects report and the summary, write nothing to Neo4j (``store`` may then be None)."""
    summary = networks.import_network(store, Path(path), fmt, label, rel_type, dataset=dataset, directed=directed,
                                      rejects_path=rejects, source_col=source_col, target_col=target_col,
                                      weight_col=weight_col, time_col=time_col, header=header, separator=separator,
                                      sheet=sheet, duplicates=duplicates, progress=progress, col_label=col_label,
                                      project_to=project_to, projection_type=projection_type,
                                      conventions=declared(decimal, thousands, dates), dry_run=dry_run)
    return NetworkReport(summary)


# -- mappings ------------------------------------------------------------------------------------
def draft_mapping(path: Path, out: Path | None = None, *, sheet: str | None = None,
                  overwrite: bool = False) -> Draft:
    """A starting mapping for ``path`` from its header (labels guessed from column names in English and
    Spanish; see :mod:`chokepoint.loaders.draft`), written to ``out`` when given (an existing file only
    with ``overwrite``: it may be a mapping someone edited)."""
    if out is not None and Path(out).exists() and not overwrite:
        raise ChokepointError(f"{out} exists; choose another --out, or --force to replace it")
    drafted = draft.draft_mapping(Path(path), sheet=sheet)
    if out is not None:
        Path(out).write_text(drafted.text, encoding="utf-8")
    return drafted


# -- entity resolution ---------------------------------------------------------------------------
def candidates(store: Store, label: str | None = None, dataset: str | None = None, threshold: float = 85.0,
               limit: int = 50) -> list[Candidate]:
    """Likely duplicate entities, best first, each with a score and the evidence; nothing is merged."""
    return resolve.candidates(store, label=label, dataset=dataset, threshold=threshold, limit=limit)


def merge(store: Store, keep: str, other: str, why: str, who: str | None = None) -> Decision:
    """Merge ``other`` into ``keep``, recording who (default: the login name), when and why."""
    decision = resolve.merge(store, keep, other, why=why, who=who)
    return next(d for d in decisions(store) if d.id == decision)


def split(store: Store, decision: str, why: str, who: str | None = None) -> Decision:
    """Undo the merge ``decision``: both entities and their links as they were before it."""
    resolve.split(store, decision, why=why, who=who)
    return next(d for d in decisions(store) if d.id == decision)


def decisions(store: Store) -> list[Decision]:
    """Every merge decision, oldest first."""
    return [Decision(**row) for row in resolve.decisions(store)]


# -- what has been loaded ------------------------------------------------------------------------
def loads(store: Store, dataset: str | None = None) -> list[dict[str, Any]]:
    """Every recorded load of a file (of ``dataset``, or all), oldest first: its file, bytes (sha256),
    status and counts."""
    return provenance.loads(store, dataset)


def datasets(store: Store) -> list[str]:
    """The names of the datasets loaded (by a load, a network import or a lesson), sorted."""
    return _datasets(store)


def record_files(paths: Path | Sequence[Path]) -> dict[str, str]:
    """``{file name: sha256}`` of the record files a load of ``paths`` would read (standard mapping)."""
    planned, _ = plan(paths, load_mapping(STANDARD_MAPPING))
    return {path.name: provenance.file_digest(path) for _, path in planned}


def missing_files(expected: dict[str, str], recorded: Iterable[dict]) -> list[str]:
    """The files (``{name: sha256}``) with no complete load of those exact bytes among ``recorded``.

    >>> missing_files({"a.csv": "1", "b.csv": "2"}, [{"file": "a.csv", "sha256": "1", "status": "complete"},
    ...                                               {"file": "b.csv", "sha256": "9", "status": "complete"}])
    ['b.csv']
    """
    done = {(r.get("file"), r.get("sha256")) for r in recorded if r.get("status") == "complete"}
    return sorted(name for name, sha in expected.items() if (name, sha) not in done)


def files_not_loaded(store: Store, paths: Path | Sequence[Path], dataset: str) -> list[str]:
    """The record files of ``paths`` that ``dataset`` holds no complete load of (those bytes), sorted."""
    return missing_files(record_files(paths), loads(store, dataset))
