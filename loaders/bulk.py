"""Bulk loads: the loader's mapped rows written as the input files of Neo4j's own importer.

A first load into an empty database does not need transactions: the same reading, mapping, stable ids,
merge redirects and per-chunk preparation as a transactional load (``loaders/load.py``,
``loaders/writer.py``) produce each chunk's entity and link rows, and instead of sending them, this
module works out what the writer's ``MERGE`` statements would leave in the graph (the first spelling of
keys, later values over earlier ones, aliases and sources as ordered sets, ``loads`` per file, captions
and search text) and writes that as CSV for ``neo4j-admin database import full`` (run by
:func:`run_importer`; ``cases/loading.py`` stops and restarts the local Neo4j around it).

Three phases, each spread over ``workers`` processes (two on this project's machines):

1. *map*: each worker reads every file and maps the blocks of ``CHUNK_ROWS`` rows whose number falls
   to it, prepares each block as the writer would (``RecordWriter.prepare``) and appends the rows to
   spill files, partitioned by a hash of the element id; rejects and counts go back to the parent,
   which writes the rejects report in row order (rows read = loaded + rejected, per file);
2. *merge*: each worker takes whole partitions, replays their rows in file and block order with the
   writer's merge rules, and writes one node file per label and one relationship file per type, each
   with its own header (property types from the schema);
3. *import*: Neo4j's importer reads them all.

Memory stays flat in the input size: a mapping worker holds a block, a merging worker one partition,
and the number of partitions grows with the input (one per ``PARTITION_BYTES`` of record files).

Every file this writes (spill files, importer input, the importer's report) is in one directory of
the local Neo4j's data directory, created 0700, each file 0600; ``cases/loading.py`` removes it once the
import has run, whether or not it succeeded (it is a plain-text copy of the case).

Two things the importer cannot say are put right after it, through Bolt: an empty list (the importer
leaves an empty array field without the property; a transactional load stores ``[]``), written by
:data:`SET_EMPTY_LISTS`; and the ``Load`` records (``loaders/provenance.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing as mp
import os
import pickle
import queue as queue_mod
import subprocess
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.local import launcher_dir
from chokepoint.loaders.conventions import NO_CONVENTION, Convention
from chokepoint.loaders.load import (CHUNK_ROWS, FileSummary, LoadSummary, StrictLoadError, _mapped, _preflight,
                                     plan)
from chokepoint.loaders.mapping import STANDARD_MAPPING, Mapping, load_mapping
from chokepoint.loaders.pipeline import few_collections
from chokepoint.loaders.provenance import file_digest, load_id
from chokepoint.loaders.rejects import RejectsReport
from chokepoint.loaders.rows import Reject
from chokepoint.loaders.writer import RecordWriter

__all__ = ["ImportFiles", "write_import_files", "run_importer", "default_workers", "SET_EMPTY_LISTS",
           "SET_EMPTY_LINK_LISTS", "ARRAY_DELIMITER", "PARTITION_BYTES"]

#: Between the elements of a list in the importer's input (and between labels): the ASCII unit separator.
ARRAY_DELIMITER = "\x1f"
#: Record-file bytes per merge partition: what bounds a merging worker's memory.
PARTITION_BYTES = 4 << 20
#: The importer's Java heap.
IMPORTER_HEAP = "1g"

#: Entities whose list properties are empty: the importer cannot write ``[]``.
SET_EMPTY_LISTS = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n += row.props
"""
#: Links whose list properties are empty (the type checked against the schema before it enters the text).
SET_EMPTY_LINK_LISTS = """
UNWIND $rows AS row
MATCH ()-[r:%(type)s {id: row.id}]->()
SET r += row.props
"""

_FIXED_NODE = ["id:ID", ":LABEL", "dataset", "caption", "search_text", "aliases:string[]", "sources:string[]",
               "loads:string[]"]
_FIXED_LINK = [":START_ID", ":END_ID", ":TYPE", "id", "dataset", "sources:string[]", "loads:string[]"]
_RESERVED = {"id", "dataset", "caption", "search_text", "aliases", "sources", "loads"}
_TYPES = {"string": "", "string[]": ":string[]", "integer": ":long", "float": ":double", "boolean": ":boolean",
          "date": ":date"}


def default_workers() -> int:
    """Processes per phase: ``$CHOKEPOINT_BULK_WORKERS``, else the CPUs this process may use, at most 2."""
    text = os.environ.get("CHOKEPOINT_BULK_WORKERS", "")
    if text:
        if not text.isdigit() or not 1 <= int(text) <= 64:
            raise ChokepointError(f"CHOKEPOINT_BULK_WORKERS={text!r} is not a number of processes between 1 and 64")
        return int(text)
    return max(1, min(2, len(os.sched_getaffinity(0))))


@dataclass
class ImportFiles:
    """What the importer reads (``(header, data)`` pairs) and what must be set after it."""

    directory: Path
    nodes: list[tuple[Path, Path]] = field(default_factory=list)
    relationships: list[tuple[Path, Path]] = field(default_factory=list)
    empty_lists: list[dict] = field(default_factory=list)             # {"id", "props": {name: []}}
    empty_link_lists: dict[str, list[dict]] = field(default_factory=dict)  # type -> [{"id", "props"}]
    entities: int = 0
    links: int = 0
    loads: list[dict] = field(default_factory=list)                   # per file: the Load record's properties


def write_import_files(paths: Path | Sequence[Path], dataset: str, directory: Path,
                       mapping: Mapping | Path | None = None, rejects_path: Path | None = None,
                       strict: bool = False, progress: Callable[[str, int], None] | None = None,
                       conventions: Convention = NO_CONVENTION, moved: dict[str, str] | None = None,
                       workers: int | None = None) -> tuple[LoadSummary, ImportFiles]:
    """Read and map record files as :func:`loaders.load.load_records` does and write the importer's input
    into ``directory`` (created 0700; it must not exist). ``moved``: merge redirects (merged id -> kept
    id) to apply. Returns the load's summary (``bulk`` set; counters from the merged elements) and the
    files. The same checks stop it before anything is written (unreadable files, ``strict``)."""
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping or STANDARD_MAPPING)
    workers = workers or default_workers()
    planned, missing = plan(paths, mapping)
    base = conventions.over(mapping.convention)
    checked = {path: _preflight(spec, path, base) for spec, path in planned}
    if strict:
        rejects = (r for spec, path in planned for r in _mapped(spec, path, dataset, checked[path].conventions)
                   if isinstance(r, Reject))
        first_reject = next(rejects, None)
        if first_reject is not None:
            count = 1 + sum(1 for _ in rejects)
            raise StrictLoadError(f"{count} row(s) would be rejected, nothing written; first: {first_reject.file}: "
                                  f"row {first_reject.row}: column {first_reject.column or '-'}: "
                                  f"{first_reject.reason}")
    first = Path(paths) if isinstance(paths, (str, Path)) else Path(paths[0])
    rejects_path = Path(rejects_path or (first if first.is_dir() else first.parent) / "rejects.csv")
    mapping_sha = file_digest(mapping.path)
    summary = LoadSummary(dataset=dataset, missing_sources=missing, bulk=True)
    files = ImportFiles(Path(directory))
    os.mkdir(directory, 0o700)
    os.chmod(directory, 0o700)
    spill = files.directory / "spill"
    os.mkdir(spill, 0o700)
    jobs = []
    for i, (spec, path) in enumerate(planned):
        sha = file_digest(path)
        fs = FileSummary(file=str(path), source=spec.name, sha256=sha, load_id=load_id(dataset, path.name, sha,
                                                                                       mapping_sha),
                         conventions=[c.as_dict() for c in checked[path].conventions.columns])
        found = checked[path]
        fs.columns_absent, fs.closest = found.absent, found.closest
        fs.columns = found.columns if found.absent else []
        summary.files.append(fs)
        jobs.append((i, spec, path, checked[path].conventions))
        files.loads.append({"dataset": dataset, "file": path.name, "path": str(path.resolve()), "sha256": sha,
                            "mapping": str(mapping.path), "mapping_sha256": mapping_sha, "source": spec.name,
                            "conventions": _json(fs.conventions)})
    total_bytes = sum(path.stat().st_size for _, path in planned)
    partitions = max(1, math.ceil(total_bytes / PARTITION_BYTES))
    blocks: dict[tuple[int, int], list[Reject]] = {}

    def on_block(message: tuple) -> None:
        _, file_idx, block, read, loaded, rejected, rejects = message
        fs = summary.files[file_idx]
        fs.rows_read += read
        fs.rows_loaded += loaded
        fs.rows_rejected += rejected
        if rejects:
            blocks[(file_idx, block)] = rejects
        if progress:
            progress(Path(fs.file).name, read)

    _run(workers, _map_worker, [(w, workers, jobs, dataset, moved or {}, str(spill), partitions)
                                for w in range(workers)], on_block)
    with RejectsReport(rejects_path) as report:
        for key in sorted(blocks):
            for r in blocks[key]:
                report.add(r)
    summary.rejects_report = str(rejects_path) if report.count else None
    load_ids = [fs.load_id for fs in summary.files]
    results: list[dict] = []
    _run(workers, _merge_worker, [(w, workers, partitions, str(spill), str(files.directory), dataset, load_ids)
                                  for w in range(workers)], results.append)
    created_nodes, created_links = Counter(), Counter()
    for r in sorted(results, key=lambda r: r["partition"]):
        files.nodes += [(Path(h), Path(d)) for h, d in r["nodes"]]
        files.relationships += [(Path(h), Path(d)) for h, d in r["relationships"]]
        files.empty_lists += r["empty_lists"]
        for rtype, rows in r["empty_link_lists"].items():
            files.empty_link_lists.setdefault(rtype, []).extend(rows)
        files.entities += r["entities"]
        files.links += r["links"]
        created_nodes.update(r["created_nodes"])
        created_links.update(r["created_links"])
        summary.counters["properties_set"] += r["properties"]
    summary.counters["nodes_created"] = files.entities
    summary.counters["relationships_created"] = files.links
    for i, load in enumerate(files.loads):
        load["nodes_created"], load["relationships_created"] = created_nodes[i], created_links[i]
    os.rmdir(spill)
    return summary, files


def run_importer(files: ImportFiles, home: Path, database: str = "neo4j") -> str:
    """Run ``neo4j-admin database import full`` from the launcher's classpath with ``NEO4J_HOME=home`` (the
    local Neo4j's store directory, which must not be in use), replacing ``database``; return its summary
    line. A failure raises :class:`ChokepointError` with the importer's last words."""
    lib = launcher_dir() / "target" / "lib"
    if not any(lib.glob("neo4j-import-tool-*.jar")):
        raise ChokepointError(f"Neo4j's importer is not in {lib}; build the launcher (`chokepoint neo4j start`)")
    conf = Path(home) / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    java = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else "java"
    cmd = [java, f"-Xmx{IMPORTER_HEAP}", "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", "database", "import",
           "full", *(f"--nodes={h},{d}" for h, d in files.nodes),
           *(f"--relationships={h},{d}" for h, d in files.relationships),
           "--array-delimiter=U+001F", "--multiline-fields=true", "--trim-strings=false",
           "--ignore-empty-strings=false", f"--report-file={files.directory / 'import.report'}",
           "--overwrite-destination=true", database]
    done = subprocess.run(cmd, env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf)},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    text = (done.stdout + "\n" + done.stderr).strip().splitlines()
    if done.returncode != 0:
        said = [ln.strip() for ln in text if ln.strip() and not ln.startswith((".", " "))][-3:]
        raise ChokepointError(f"Neo4j's importer failed (exit {done.returncode}): {' '.join(said)[-400:]}")
    return next((ln.strip() for ln in text if ln.startswith("IMPORT DONE")), "import done")


# -- workers -------------------------------------------------------------------------------------------
def _run(workers: int, target: Callable, args: list[tuple], on_message: Callable[[Any], None]) -> None:
    """Run ``target(*a, emit)`` for each ``a`` of ``args``: in this process when there is one, else each in
    a process of its own; ``emit`` hands a message to ``on_message`` here. A worker's error is raised here."""
    if len(args) == 1:
        def emit(message: Any) -> None:
            if message[0] == "error":
                raise ChokepointError(message[1])
            if message[0] != "done":
                on_message(message[1] if message[0] == "result" else message)
        with few_collections():
            target(*args[0], emit)
        return
    ctx = mp.get_context("spawn")
    messages = ctx.Queue()
    procs = [ctx.Process(target=_entry, args=(target, a, messages), daemon=True) for a in args]
    for p in procs:
        p.start()
    done = 0
    try:
        while done < len(procs):
            try:
                message = messages.get(timeout=1.0)
            except queue_mod.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise ChokepointError("a bulk-load worker process died (out of memory?); nothing was imported")
                continue
            if message[0] == "done":
                done += 1
            elif message[0] == "error":
                raise ChokepointError(message[1])
            else:
                on_message(message[1] if message[0] == "result" else message)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()


def _entry(target: Callable, args: tuple, messages) -> None:
    try:
        with few_collections():
            target(*args, messages.put)
    except ChokepointError as err:
        messages.put(("error", str(err)))
    except BaseException as err:  # noqa: BLE001 - reported in one line by the parent
        messages.put(("error", f"bulk-load worker failed: {type(err).__name__}: {err}"))
    finally:
        messages.put(("done",))


class _Every:
    """Selects the rows of the blocks of ``CHUNK_ROWS`` that fall to worker ``w`` of ``n``; keeps the last."""

    def __init__(self, w: int, n: int):
        self.w, self.n, self.last = w, n, -1

    def __call__(self, i: int) -> bool:
        if (i // CHUNK_ROWS) % self.n == self.w:
            self.last = i
            return True
        return False


def _map_worker(w: int, n: int, jobs: list, dataset: str, moved: dict, spill: str, partitions: int,
                emit: Callable) -> None:
    outs = [open(_private(Path(spill) / f"{w}-{p}.pkl"), "ab") for p in range(partitions)]
    try:
        for file_idx, spec, path, conventions in jobs:
            writer = RecordWriter(None, dataset, None, moved=moved)  # one per file, as a load has: a row
            select = _Every(w, n)                                    # "named again" is of this file's load
            block, rows, rejects, read = None, [], [], 0

            def flush() -> None:
                if block is None:
                    return
                _spill(writer.prepare(rows), (file_idx, block), outs, partitions)
                emit(("block", file_idx, block, read, len(rows), len(rejects), rejects))

            for item in _mapped(spec, path, dataset, conventions, select=select):
                b = select.last // CHUNK_ROWS
                if b != block:
                    flush()
                    block, rows, rejects, read = b, [], [], 0
                read += 1
                if isinstance(item, Reject):
                    rejects.append(item)
                else:
                    rows.append(item)
            flush()
    finally:
        for f in outs:
            f.close()


def _spill(batch, seq: tuple[int, int], outs: list, partitions: int) -> None:
    """Append a prepared chunk's rows to the partitions of their element ids, in send order."""
    parts: dict[int, list] = {}
    for label, rows in batch.entities.items():
        for row in rows:
            parts.setdefault(_partition(row["id"], partitions), []).append(("n", label, row))
    for row in batch.named:
        parts.setdefault(_partition(row["id"], partitions), []).append(("s", row["id"], row["sources"]))
    for rtype, rows in batch.links.items():
        for row in rows:
            parts.setdefault(_partition(row["id"], partitions), []).append(("r", rtype, row))
    for p, entries in parts.items():
        pickle.dump((seq, entries), outs[p], protocol=pickle.HIGHEST_PROTOCOL)


def _partition(element_id: str, partitions: int) -> int:
    return zlib.crc32(element_id.encode("utf-8", "surrogatepass")) % partitions


def _merge_worker(w: int, n: int, partitions: int, spill: str, out: str, dataset: str, load_ids: list[str],
                  emit: Callable) -> None:
    for p in range(w, partitions, n):
        emit(("result", _merge_partition(p, Path(spill), Path(out), dataset, load_ids)))


def _merge_partition(p: int, spill: Path, out: Path, dataset: str, load_ids: list[str]) -> dict:
    """Replay a partition's rows in file and block order with the writer's merge rules; write its files."""
    chunks = []
    for path in sorted(spill.glob(f"*-{p}.pkl")):
        with open(path, "rb") as f:
            while True:
                try:
                    chunks.append(pickle.load(f))
                except EOFError:
                    break
        path.unlink()
    chunks.sort(key=lambda c: c[0])
    nodes: dict[str, dict] = {}
    links: dict[tuple, dict] = {}
    priors: list[tuple[str, str, dict]] = []  # (kind, label or type, the Prior's properties)
    for (file_idx, _), entries in chunks:
        load = load_ids[file_idx]
        for kind, what, row in entries:
            if kind == "n":
                _merge_node(nodes, what, row, load, file_idx, priors)
            elif kind == "s":
                node = nodes.get(what)
                if node is not None:
                    node["sources"].update(dict.fromkeys(row))
            else:
                _merge_link(links, what, row, load, file_idx, priors)
    del chunks
    result = {"partition": p, "nodes": [], "relationships": [], "empty_lists": [], "empty_link_lists": {},
              "entities": len(nodes), "links": len(links), "properties": 0,
              "created_nodes": Counter(n["file"] for n in nodes.values()),
              "created_links": Counter(r["file"] for r in links.values())}
    by_label: dict[str, list[dict]] = {}
    for node in nodes.values():
        by_label.setdefault(node["label"], []).append(node)
    for label, group in sorted(by_label.items()):
        result["nodes"].append(_write_nodes(out, p, label, group, dataset, result))
    by_type: dict[str, list[dict]] = {}
    for link in links.values():
        by_type.setdefault(link["type"], []).append(link)
    for rtype, group in sorted(by_type.items()):
        result["relationships"].append(_write_links(out, p, rtype, group, dataset, result))
    by_element: dict[tuple[str, str], list[dict]] = {}
    for kind, what, props in priors:
        props["dataset"] = dataset
        by_element.setdefault((kind, what), []).append(props)
    for (kind, what), group in sorted(by_element.items()):
        result["nodes"].append(_write_priors(out, p, kind, what, group))
    return result


def _write_priors(out: Path, p: int, kind: str, what: str, group: list[dict]) -> tuple[str, str]:
    """``(:Prior)`` nodes (loaders/writer.py): an element as it was before a later file's load touched it."""
    declared = {**(schema.SCHEMA.nodes[what].properties if kind == "entity"
                   else schema.SCHEMA.relationships[what].properties),
                "undo_loads": "string[]", "undo_sources": "integer", "undo_aliases": "integer"}
    names = sorted({k for props in group for k in props})
    types = [_TYPES[declared[k]] if k in declared else _column_type(None, k, [{"props": g} for g in group])
             for k in names]
    head, data = out / f"priors-{kind}-{what}-{p}.header.csv", out / f"priors-{kind}-{what}-{p}.csv"
    _write_text(head, ",".join([":LABEL", *(f"{k}{t}" for k, t in zip(names, types))]) + "\n")
    with open(_private(data), "w", encoding="utf-8", newline="") as f:
        for props in group:
            f.write(",".join(['"Prior"', *(_cell(props.get(k)) for k in names)]) + "\n")
    return str(head), str(data)


def _merge_node(nodes: dict, label: str, row: dict, load: str, file_idx: int, priors: list) -> None:
    """What ``_KEEP_PRIOR_NODES`` and ``_MERGE_NODES`` (loaders/writer.py) do with one row."""
    node = nodes.get(row["id"])
    if node is not None and load not in node["loads"]:  # a later file's load first touches it: kept for undo
        priors.append(("entity", label, {**node["props"], "id": node["id"], "dataset": None,
                                         "caption": node["caption"], "search_text": node["search_text"],
                                         "undo_load": load, "undo_of": node["id"], "undo_kind": "entity",
                                         "undo_loads": list(node["loads"]), "undo_sources": len(node["sources"]),
                                         "undo_aliases": len(node["aliases"])}))
    if node is None:
        nodes[row["id"]] = {"id": row["id"], "label": label, "props": {**row["keys"], **row["props"]},
                            "aliases": list(row["aliases"]), "sources": dict.fromkeys(row["sources"]),
                            "loads": [load], "caption": row["caption"], "search_text": row["search_text"],
                            "file": file_idx}
        return
    node["props"].update(row["props"])
    node["aliases"] += [a for a in row["aliases"] if a not in node["aliases"]]
    if load not in node["loads"]:
        node["loads"].append(load)
    shown = node["props"].get(schema.SCHEMA.nodes[label].caption)
    node["caption"] = _cypher_string(node["id"] if shown is None else shown)
    node["search_text"] = " ".join([node["id"], *node["aliases"]])
    node["sources"].update(dict.fromkeys(row["sources"]))


def _merge_link(links: dict, rtype: str, row: dict, load: str, file_idx: int, priors: list) -> None:
    """What ``_KEEP_PRIOR_RELATIONSHIPS`` and ``_MERGE_RELATIONSHIPS`` do with one row (a link is its type,
    id and end nodes)."""
    key = (rtype, row["id"], row["source"], row["target"])
    link = links.get(key)
    if link is not None and load not in link["loads"]:
        priors.append(("link", rtype, {**link["props"], "id": link["id"], "dataset": None, "undo_load": load,
                                       "undo_of": link["id"], "undo_kind": "link", "undo_type": rtype,
                                       "undo_loads": list(link["loads"]), "undo_sources": len(link["sources"])}))
    if link is None:
        links[key] = {"id": row["id"], "type": rtype, "source": row["source"], "target": row["target"],
                      "props": dict(row["props"]), "sources": dict.fromkeys(row["sources"]), "loads": [load],
                      "file": file_idx}
        return
    link["props"].update(row["props"])
    if load not in link["loads"]:
        link["loads"].append(load)
    link["sources"].update(dict.fromkeys(row["sources"]))


def _write_nodes(out: Path, p: int, label: str, group: list[dict], dataset: str, result: dict) -> tuple[str, str]:
    declared = schema.SCHEMA.nodes[label].properties
    names = sorted({k for node in group for k in node["props"]} - _RESERVED)
    types = [_column_type(declared.get(k), k, group) for k in names]
    header = _FIXED_NODE + [f"{k}{t}" for k, t in zip(names, types)]
    head, data = out / f"nodes-{label}-{p}.header.csv", out / f"nodes-{label}-{p}.csv"
    _write_text(head, ",".join(header) + "\n")
    labels = _quoted(ARRAY_DELIMITER.join([schema.ENTITY, label]))
    with open(_private(data), "w", encoding="utf-8", newline="") as f:
        for node in group:
            props = node["props"]
            empty = {k: [] for k in ("aliases", "sources") if not node[k]}
            empty.update({k: [] for k in names if props.get(k) == []})
            if empty:
                result["empty_lists"].append({"id": node["id"], "props": empty})
            result["properties"] += 8 + sum(1 for k in names if props.get(k) is not None)
            cells = [_quoted(node["id"]), labels, _quoted(dataset), _quoted(node["caption"]),
                     _quoted(node["search_text"]), _cell(node["aliases"]), _cell(list(node["sources"])),
                     _cell(node["loads"]), *(_cell(props.get(k)) for k in names)]
            f.write(",".join(cells) + "\n")
    return str(head), str(data)


def _write_links(out: Path, p: int, rtype: str, group: list[dict], dataset: str, result: dict) -> tuple[str, str]:
    declared = schema.SCHEMA.relationships[rtype].properties
    names = sorted({k for link in group for k in link["props"]} - _RESERVED)
    types = [_column_type(declared.get(k), k, group) for k in names]
    header = _FIXED_LINK + [f"{k}{t}" for k, t in zip(names, types)]
    head, data = out / f"rels-{rtype}-{p}.header.csv", out / f"rels-{rtype}-{p}.csv"
    _write_text(head, ",".join(header) + "\n")
    shown_type = _quoted(rtype)
    with open(_private(data), "w", encoding="utf-8", newline="") as f:
        for link in group:
            props = link["props"]
            empty = {k: [] for k in names if props.get(k) == []}
            if not link["sources"]:
                empty["sources"] = []
            if empty:
                result["empty_link_lists"].setdefault(rtype, []).append({"id": link["id"], "props": empty})
            result["properties"] += 4 + sum(1 for k in names if props.get(k) is not None)
            cells = [_quoted(link["source"]), _quoted(link["target"]), shown_type, _quoted(link["id"]),
                     _quoted(dataset), _cell(list(link["sources"])), _cell(link["loads"]),
                     *(_cell(props.get(k)) for k in names)]
            f.write(",".join(cells) + "\n")
    return str(head), str(data)


def _column_type(declared: str | None, name: str, group: list[dict]) -> str:
    """The importer's type of a property column: the schema's, else what the values are (one kind only)."""
    if declared is not None:
        return _TYPES[declared]
    kinds = {type(e["props"][name]) for e in group if e["props"].get(name) is not None}
    found = {str: "", bool: ":boolean", int: ":long", float: ":double", dt.date: ":date", list: ":string[]"}
    if len(kinds) == 1 and (kind := kinds.pop()) in found:
        return found[kind]
    raise ChokepointError(f"property {name!r} has values of more than one kind; a bulk load needs one per column "
                          "(load without --bulk)")


def _cell(value: Any) -> str:
    """A value as an importer CSV field: nothing for none (no property), text quoted, lists joined."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "NaN" if value != value else "Infinity" if value == math.inf else "-Infinity" \
            if value == -math.inf else repr(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return ""
        texts = [v if isinstance(v, str) else str(v) for v in value]
        if any(ARRAY_DELIMITER in t for t in texts):
            raise ChokepointError("a list value holds the character U+001F, which a bulk load cannot write "
                                  "(load without --bulk)")
        return _quoted(ARRAY_DELIMITER.join(texts))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return _quoted(str(value))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cypher_string(value: Any) -> str:
    """``toString(value)`` as Cypher writes it (booleans in lower case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _json(value: Any) -> str:
    import json
    return json.dumps(value, ensure_ascii=False)


def _private(path: Path) -> Path:
    """Create ``path`` (if new) with mode 0600 and return it; opened by the caller."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    return path


def _write_text(path: Path, text: str) -> None:
    with open(_private(path), "w", encoding="utf-8") as f:
        f.write(text)
