"""Import a network file (edge list, adjacency matrix, GraphML, GEXF) as entities joined by one relationship type.

Every node name becomes an entity of one schema label (stable id from the dataset, the label and the
folded name, so "Andrés" and "ANDRES" are one node); every edge becomes one relationship of one schema
type, written through :class:`loaders.writer.RecordWriter` (the schema's allow-list) in chunks, and
rows for one relationship are merged by a declared strategy (``loaders/duplicates.py``). Each import is a
``(:Load)`` (``loaders/provenance.py``) whose id is on everything it wrote. Rows that cannot be loaded
go to a rejects report; for every file, edge rows read == edges loaded + rows rejected. Problems with
the whole file or with the chosen label and type are fatal and raised before anything is written. See
docs/networks.md.

A format is a reader in :data:`READERS`: it checks the file and the options that apply to it, and
returns the plan and the stream of nodes, edges and rejects (:class:`Source`); everything after that
(ids, merging, writing, counting) is common. Edge lists (``loaders/edgelists.py``) and matrices are
read from text or spreadsheet tables (``loaders/cells.py``) and streamed; GraphML and GEXF are read
whole by networkx; Pajek (``loaders/pajek.py``) and UCINET DL (``loaders/ucinet.py``) files are read twice.
A two-mode network (rows of one label, columns of another) and its projection: ``loaders/twomode.py``.
Without a declared format, the file's suffix names it (:data:`SUFFIXES`, :func:`format_of`). A dry run
reads, maps and merges everything as an import does and sends nothing (``_DryWriter``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chokepoint.graph import ids, schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.loaders import duplicates as dup
from chokepoint.loaders import limits
from chokepoint.loaders.limits import LimitExceeded
from chokepoint.loaders.cells import Table, open_table
from chokepoint.loaders.edgelists import EdgeListError, edge_cells, edgelist_layout
from chokepoint.loaders.pipeline import few_collections
from chokepoint.loaders.provenance import begin_load, end_load, file_digest, load_id
from chokepoint.loaders.readers import ReadError
from chokepoint.loaders.rejects import RejectsReport
from chokepoint.loaders.rows import NodeRecord, Reject, RelRecord, canonical_keys
from chokepoint.loaders.conventions import NO_CONVENTION, Convention
from chokepoint.loaders.values import BadValue, Style, parse_value
from chokepoint.loaders.writer import RecordWriter

__all__ = ["FORMATS", "READERS", "SUFFIXES", "format_of", "CHUNK_ROWS", "DUPLICATES", "NetworkImportError", "NetworkOptions",
           "NetworkSummary", "Source", "import_network"]

CHUNK_ROWS = 5_000
DUPLICATES = dup.STRATEGIES
_TIME_COLUMNS = ("date", "time")  # auto-detected, in this order of preference


class NetworkImportError(ChokepointError):
    """The file, the label or the relationship type cannot be imported at all; nothing was written."""


@dataclass(frozen=True)
class NetworkOptions:
    """What the user declared (None: not declared, the format's default or what the file shows)."""

    directed: bool | None = None
    source_col: str | None = None
    target_col: str | None = None
    weight_col: str | None = None   # "" ignores weights
    time_col: str | None = None     # "" ignores dates
    header: bool | None = None
    separator: str | None = None
    sheet: str | None = None
    duplicates: str = dup.DEFAULT

    #: option -> its command-line flag, for messages
    FLAGS = {"source_col": "--source-col", "target_col": "--target-col", "weight_col": "--weight-col",
             "time_col": "--time-col", "header": "--header/--no-header", "separator": "--separator",
             "sheet": "--sheet"}

    def given(self) -> list[str]:
        """The format-specific options that were declared."""
        return [name for name in self.FLAGS if getattr(self, name) is not None]


@dataclass
class NetworkSummary:
    file: str
    format: str
    dataset: str
    label: str
    rel_type: str
    directed: bool
    rows_read: int = 0          # edge rows (matrix: non-empty cells considered; graph files: edges)
    edges_loaded: int = 0       # rows that went into a relationship
    rows_rejected: int = 0
    rows_merged: int = 0        # loaded rows that joined an earlier row's relationship
    relationships: int = 0      # distinct relationships the loaded rows make
    nodes: int = 0              # distinct node names (after folding) written
    duplicates: str = dup.DEFAULT
    read_as: dict[str, Any] = field(default_factory=dict)  # how the file was read (header, separator, ...)
    load_id: str = ""
    sha256: str = ""
    counters: Counter = field(default_factory=Counter)
    rejects_report: str | None = None
    col_label: str | None = None        # two-mode: the columns' label (``label`` is the rows')
    projection: dict | None = None      # two-mode with a projection: what it wrote (loaders/twomode.py)
    dry_run: bool = False               # every edge mapped and merged, nothing written to Neo4j
    format_from: str = "declared"       # or "suffix .net": read from the file name (no --format)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "format_from": self.format_from,
            "dataset": self.dataset,
            "label": self.label,
            "rel_type": self.rel_type,
            "directed": self.directed,
            "rows_read": self.rows_read,
            "edges_loaded": self.edges_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_merged": self.rows_merged,
            "relationships": self.relationships,
            "duplicates": self.duplicates,
            "nodes": self.nodes,
            "nodes_created": self.counters["nodes_created"],
            "relationships_created": self.counters["relationships_created"],
            "read_as": self.read_as,
            "load_id": self.load_id,
            "sha256": self.sha256,
            "rejects_report": self.rejects_report,
            "col_label": self.col_label,
            "projection": self.projection,
            "dry_run": self.dry_run,
        }


@dataclass
class _Node:
    """A node the file declares (matrix header, GraphML/GEXF node), with or without edges."""
    name: str
    ref: str
    label: str | None = None    # two-mode: the column nodes' label (None: the plan's label)


@dataclass
class _Edge:
    row: int
    source: Any
    target: Any
    weight: Any                 # text, number or None
    date: Any                   # text or None
    values: dict[str, str]
    ref: str
    directed: bool | None = None    # this edge's own direction (a Pajek *Edges line in a file with *Arcs)


@dataclass(frozen=True)
class _Plan:
    file: str                   # file name, as in refs and rejects
    dataset: str
    label: str
    key: str
    rel_type: str
    directed: bool
    weight: bool                # store edge weights
    date: bool                  # store edge dates
    undirected_prop: bool       # mark undirected edges with undirected: true
    count_prop: bool            # keep the rows a relationship stands for in count
    source_col: str
    target_col: str
    weight_col: str
    time_col: str
    col_label: str | None = None    # two-mode: the label of the targets (the plan's label is the sources')
    style: Style = Style()      # how weights and dates are written (--decimal, --thousands, --dates)


@dataclass
class Source:
    """What a format's reader returns: the plan, the stream of nodes, edges and rejects, and how the file
    was read (for the summary and the Load record: header, separator, sheet, columns...)."""
    plan: _Plan
    events: Iterable
    read_as: dict[str, Any] = field(default_factory=dict)


#: A format's reader: ``(path, label/type fields of the plan, options) -> Source``; it raises
#: NetworkImportError (or ReadError) for a file it cannot read, before anything is written.
Reader = Callable[[Path, dict, NetworkOptions], Source]


@dataclass(frozen=True)
class _Format:
    read: Reader
    options: frozenset[str]     # the NetworkOptions fields (of FLAGS) it takes
    refused: str = ""           # why the others do not apply, for the message


def import_network(
    store: Store | None,
    path: Path,
    fmt: str | None,
    label: str,
    rel_type: str,
    dataset: str | None = None,
    directed: bool | None = None,
    rejects_path: Path | None = None,
    source_col: str | None = None,
    target_col: str | None = None,
    weight_col: str | None = None,
    time_col: str | None = None,
    progress: Callable[[int], None] | None = None,
    header: bool | None = None,
    separator: str | None = None,
    sheet: str | None = None,
    duplicates: str = dup.DEFAULT,
    col_label: str | None = None,
    project_to: str | None = None,
    projection_type: str | None = None,
    conventions: Convention = NO_CONVENTION,
    dry_run: bool = False,
) -> NetworkSummary:
    """Import the network in ``path`` as ``label`` nodes joined by ``rel_type`` relationships.

    ``directed``: None keeps the file's own (GraphML/GEXF) or treats the edges as directed (edge list,
    matrix). Column options apply to edge lists, by name or 1-based position; ``weight_col`` and
    ``time_col`` also name edge attributes of GraphML/GEXF files. ``""`` for ``weight_col``/``time_col``
    ignores weights/dates. ``header``: whether an edge list's first row is a header (None: decided from
    the file, see ``loaders/edgelists.py``). ``separator`` (text files) and ``sheet`` (XLSX/ODS) apply to
    edge lists and matrices. ``duplicates``: how rows for one relationship merge (one of
    :data:`DUPLICATES`). ``col_label``: a two-mode network, rows of ``label`` to columns of ``col_label``;
    ``project_to`` (``rows`` or ``cols``) also writes its one-mode projection as ``projection_type`` links
    (``loaders/twomode.py``). Rejected rows go to ``rejects_path`` (default ``<path>.rejects.csv``). Raises
    :class:`NetworkImportError` (nothing written) for an unusable file, label, type or option.

    ``fmt``: None reads the format from the file's suffix (:func:`format_of`).
    ``dry_run``: every edge is read, mapped and merged, the rejects report and the summary are written as
    an import would write them (``nodes`` and ``relationships``: what it would write), and nothing is
    sent to Neo4j (``store`` may be None; no Load record, ``nodes_created`` and ``relationships_created``
    stay 0).
    """
    if store is None and not dry_run:
        raise NetworkImportError("a network import needs a Neo4j store (only a dry run does not)")
    path = Path(path)
    options = NetworkOptions(directed, source_col, target_col, weight_col, time_col, header, separator, sheet,
                             duplicates)
    detected = fmt is None
    if detected:
        if not path.is_file():
            raise NetworkImportError(f"{path}: no such file")
        fmt = format_of(path, separator, sheet)
    form = READERS.get(fmt)
    if form is None:
        raise NetworkImportError(f"unknown network format {fmt!r}; use one of {', '.join(FORMATS)}")
    if duplicates not in DUPLICATES:
        raise NetworkImportError(f"unknown duplicates strategy {duplicates!r}; use one of {', '.join(DUPLICATES)}")
    if not path.is_file():
        raise NetworkImportError(f"{path}: no such file")
    for name in options.given():
        if name not in form.options:
            takers = [f for f, r in READERS.items() if name in r.options]
            raise NetworkImportError(f"{NetworkOptions.FLAGS[name]} does not apply to {fmt} files"
                                     f"{form.refused and ' (' + form.refused + ')'}; it applies to: "
                                     f"{', '.join(takers) or 'none'}")
    key = _check_label_and_type(label, rel_type, col_label)
    if col_label is not None or project_to is not None or projection_type is not None:
        from chokepoint.loaders import twomode
        twomode.check_options(fmt, label, col_label, directed, project_to, projection_type)
    dataset = dataset or path.stem
    rel = schema.SCHEMA.relationships[rel_type]
    base = dict(dataset=dataset, label=label, key=key, rel_type=rel_type,
                undirected_prop="undirected" in rel.properties, count_prop="count" in rel.properties,
                col_label=col_label,
                style=Style(decimal=conventions.decimal, thousands=conventions.thousands, dates=conventions.dates,
                            format=conventions.format))
    try:
        source = form.read(path, base, options)
    except (ReadError, EdgeListError) as err:
        raise NetworkImportError(str(err)) from err
    except (MemoryError, RecursionError) as err:
        raise NetworkImportError(f"{path}: {limits.exhausted(err)}") from None
    plan = source.plan

    sha = file_digest(path)
    recorded = {"format": fmt, "label": label, "rel_type": rel_type, "directed": plan.directed,
                "duplicates": duplicates, **source.read_as}
    if col_label is not None:
        recorded.update(col_label=col_label, project_to=project_to, projection_type=projection_type)
    options_json = json.dumps(recorded, sort_keys=True, default=str)
    options_sha = hashlib.sha256(options_json.encode()).hexdigest()  # in the id as a mapping's hash is
    summary = NetworkSummary(file=str(path), format=fmt, dataset=dataset, label=label, rel_type=rel_type,
                             directed=plan.directed, duplicates=duplicates, read_as=source.read_as, sha256=sha,
                             load_id=load_id(dataset, path.name, sha, options_sha), col_label=col_label,
                             dry_run=dry_run, format_from=f"suffix {path.suffix.lower()}" if detected else "declared")
    rejects_path = Path(rejects_path or path.with_name(path.name + ".rejects.csv"))
    if dry_run:
        store = None  # the importer then sends nothing (a _DryWriter)
    else:
        begin_load(store, summary.load_id, dataset=dataset, file=path.name, path=str(path.resolve()), sha256=sha,
                   kind="network", format=fmt, options=options_json, label=label, rel_type=rel_type)
    with RejectsReport(rejects_path) as report, few_collections():
        importer = _Importer(store, plan, duplicates, report, summary, progress)
        importer.pairs = [] if project_to else None
        importer.run(source.events)
        if project_to:
            from chokepoint.loaders import twomode
            twomode.write_projection(importer, project_to, projection_type)
    summary.rejects_report = str(rejects_path) if report.count else None
    if dry_run:
        return summary
    end_load(store, summary.load_id, rows_read=summary.rows_read, rows_loaded=summary.edges_loaded,
             rows_rejected=summary.rows_rejected, rows_merged=summary.rows_merged,
             relationships=summary.relationships, nodes=summary.nodes,
             nodes_created=summary.counters["nodes_created"],
             relationships_created=summary.counters["relationships_created"])
    return summary


def _attr_name(name: str) -> str:
    """GraphML/GEXF attribute names are used as given (trimmed)."""
    return name.strip()


# -- checks ------------------------------------------------------------------------------------
def _check_label_and_type(label: str, rel_type: str, col_label: str | None = None) -> str:
    """The key property of ``label``; raise when ``label``/``rel_type`` cannot carry a plain network (or, with
    ``col_label``, a two-mode one from ``label`` to ``col_label``)."""
    target = col_label or label
    for name in dict.fromkeys((label, target)):
        node = schema.SCHEMA.node(name)         # UnknownName lists the labels
        if len(node.keys) != 1:
            raise NetworkImportError(f"{name} is identified by {', '.join(node.keys)}; a network file gives "
                                     "one name per node, so use a label with a single key")
        extra = [p for p in node.required if p not in node.keys]
        if extra:
            raise NetworkImportError(f"{name} requires {', '.join(extra)} besides {node.keys[0]}; a network "
                                     "file gives only names")
    rel = schema.SCHEMA.relationship(rel_type)  # UnknownName lists the types
    if not schema.SCHEMA.allows(rel_type, label, target):
        fitting = [t for t in schema.SCHEMA.relationships if schema.SCHEMA.allows(t, label, target)]
        raise NetworkImportError(f"{rel_type} cannot join {label} to {target} (it goes from "
                                 f"{', '.join(rel.sources)} to {', '.join(rel.targets)}); types that can: "
                                 f"{', '.join(fitting) or 'none'}")
    return schema.SCHEMA.node(label).keys[0]


def _allowed(path: Path, rel_type: str, label: str, prop: str, column: str | None, what: str) -> bool:
    """True when the file has ``column`` for ``prop`` and ``rel_type`` has ``prop``; fatal when it lacks it."""
    if not column:
        return False
    if prop in schema.SCHEMA.relationships[rel_type].properties:
        return True
    fitting = [t for t, r in schema.SCHEMA.relationships.items()
               if prop in r.properties and schema.SCHEMA.allows(t, label, label)]
    hint = "" if column == "cells" else f", or ignore them with --{'weight' if prop == 'weight' else 'time'}-col ''"
    raise NetworkImportError(f"{path}: the file has {what} ({column}) but {rel_type} has no {prop} property; "
                             f"types joining {label} to {label} that have one: {', '.join(fitting) or 'none'}"
                             f"{hint}")


def _table(path: Path, options: NetworkOptions, comments: bool = False) -> Table:
    return open_table(path, separator=options.separator, sheet=options.sheet, comments=comments)


def _file_name(table: Table) -> str:
    """The file as refs and rejects name it: ``edges.xlsx[Sheet1]`` for a sheet of a workbook."""
    return table.path.name if table.kind == "text" else f"{table.path.name}[{table.sheet}]"


def _table_read_as(table: Table) -> dict[str, Any]:
    if table.kind == "text":
        return {"separator": table.separator, "separator_declared": table.separator_declared,
                "comment_lines": table.comments}
    return {"sheet": table.sheet}


# -- edge lists --------------------------------------------------------------------------------
def _read_edgelist(path: Path, base: dict, options: NetworkOptions) -> Source:
    table = _table(path, options, comments=True)
    layout = edgelist_layout(table, options.header, options.source_col, options.target_col, options.weight_col,
                             options.time_col)
    label, rel_type = base["label"], base["rel_type"]
    weight_name = layout.name(layout.weight) if layout.weight is not None else None
    time_name = layout.name(layout.time) if layout.time is not None else None
    file = _file_name(table)
    plan = _Plan(**base, file=file, directed=True if options.directed is None else options.directed,
                 weight=_allowed(path, rel_type, label, "weight", weight_name, "weights"),
                 date=_allowed(path, rel_type, label, "date", time_name, "dates"),
                 source_col=layout.name(layout.source), target_col=layout.name(layout.target),
                 weight_col=weight_name or "", time_col=time_name or "")

    def events() -> Iterator[_Edge | Reject]:
        for item in edge_cells(table, layout, file):
            if isinstance(item, Reject):
                yield item
            else:
                yield _Edge(item.row, item.source, item.target, item.weight if plan.weight else None,
                            item.date if plan.date else None, item.values, f"{file}:{item.row}")

    read_as = {"header": layout.header, "header_reason": layout.header_reason, **_table_read_as(table),
               "columns": layout.described}
    return Source(plan, events(), read_as)


# -- adjacency matrices ------------------------------------------------------------------------
@dataclass
class _Layout:
    names: list[str]            # column node names, in column order
    index: dict[str, int]       # folded name -> column index
    header_row: int
    row_lines: dict[int, int]   # column index of a row's node -> its row number
    nonbinary: bool             # some cell is a number other than 0 and 1


def _matrix_rows(table: Table) -> Iterator[tuple[int, list[str]]]:
    """``(row_number, cells)`` of the non-blank rows, the header (the first) included."""
    try:
        yield from table.rows()
    except ReadError as err:
        raise NetworkImportError(str(err)) from err


def _number(text: str, numbers: Style | None = None) -> float:
    value = parse_value(text, "float", numbers)
    if value is None or not math.isfinite(value):
        raise BadValue(f"not a number: {text!r}")
    return value


def _matrix_layout(table: Table, numbers: Style | None = None) -> _Layout:
    """First pass: the matrix is square with the same names on both sides, and no row is too long."""
    path = table.path
    rows = _matrix_rows(table)
    first = next(rows, None)
    if first is None:
        raise NetworkImportError(f"{path}: empty file, no matrix")
    header_row, header = first
    names = [c.strip() for c in header[1:]]
    while names and not names[-1]:
        names.pop()  # a trailing delimiter
    index: dict[str, int] = {}
    for j, name in enumerate(names):
        folded = ids.normalise_key(name)
        if not folded:
            raise NetworkImportError(f"{path}: row {header_row}: column {j + 2} has no node name")
        if folded in index:
            raise NetworkImportError(f"{path}: row {header_row}: node {name!r} names two columns")
        index[folded] = j
    row_lines: dict[int, int] = {}
    only_rows: list[str] = []
    nonbinary = False
    for row_no, cells in rows:
        name = cells[0].strip()
        folded = ids.normalise_key(name)
        if not folded:
            raise NetworkImportError(f"{path}: row {row_no}: no node name in the first column")
        if any(c.strip() for c in cells[len(names) + 1:]):
            raise NetworkImportError(f"{path}: row {row_no}: {len(cells) - 1} cells but the header names "
                                     f"{len(names)} columns")
        i = index.get(folded)
        if i is None:
            only_rows.append(name)
            continue
        if i in row_lines:
            raise NetworkImportError(f"{path}: row {row_no}: node {name!r} names two rows "
                                     f"(first at row {row_lines[i]})")
        row_lines[i] = row_no
        for text in cells[1:len(names) + 1]:
            if not nonbinary and text.strip():
                try:
                    nonbinary = _number(text, numbers) not in (0.0, 1.0)
                except BadValue:
                    pass
    only_columns = [n for j, n in enumerate(names) if j not in row_lines]
    if only_rows or only_columns:
        def some(xs: list[str]) -> str:
            return ", ".join(repr(x) for x in xs[:5]) + (f" and {len(xs) - 5} more" if len(xs) > 5 else "")
        parts = [f"only in rows: {some(only_rows)}" if only_rows else "",
                 f"only in columns: {some(only_columns)}" if only_columns else ""]
        raise NetworkImportError(f"{path}: not a square adjacency matrix, row and column names differ: "
                                 + "; ".join(p for p in parts if p))
    return _Layout(names, index, header_row, row_lines, nonbinary)


def _matrix_events(table: Table, layout: _Layout, plan: _Plan) -> Iterator[_Node | _Edge | Reject]:
    names, file = layout.names, plan.file
    for name in names:
        yield _Node(name, f"{file}:{layout.header_row}")
    undirected = not plan.directed
    upper: dict[tuple[int, int], tuple[float, str]] = {}        # (i, j), i < j: non-zero upper cells
    lower: dict[tuple[int, int], tuple[float, str]] = {}        # the mirror (j, i) of a non-zero lower cell
    bad: set[tuple[int, int]] = set()                            # pairs with a cell that is not a number
    rows = _matrix_rows(table)
    next(rows)
    for row_no, cells in rows:
        i = layout.index[ids.normalise_key(cells[0])]
        for j, cell in enumerate(cells[1:len(names) + 1]):
            text = cell.strip()
            if not text:
                continue
            values = {"row": names[i], "column": names[j], "value": text}
            pair = (min(i, j), max(i, j))
            try:
                weight = _number(text, plan.style)
            except BadValue as err:
                bad.add(pair)
                yield Reject(file, row_no, names[j], f"{err} (row {names[i]!r}, column {names[j]!r})", values)
                continue
            if weight == 0:
                continue
            if undirected and j < i:
                lower[pair] = (weight, text)
                continue
            if undirected and i < j:
                upper[pair] = (weight, text)
            yield _Edge(row_no, names[i], names[j], weight if plan.weight else None, None, values,
                        f"{file}:{row_no}")
    if undirected:  # a lower cell that differs from its upper mirror is reported; the upper value stands
        for i, j in sorted(set(upper) | set(lower), key=lambda p: (layout.row_lines[p[1]], p[0])):
            if (i, j) in bad:
                continue
            up, low = upper.get((i, j), (0.0, "0")), lower.get((i, j), (0.0, "0"))
            if up[0] == low[0]:
                continue
            reason = f"asymmetric: M[{names[i]}][{names[j]}]={up[1]} but M[{names[j]}][{names[i]}]={low[1]}"
            yield Reject(file, layout.row_lines[j], names[i], reason,
                         {"row": names[j], "column": names[i], "value": low[1], "mirror": up[1]})


def _read_matrix(path: Path, base: dict, options: NetworkOptions) -> Source:
    if base["col_label"] is not None:  # two-mode: rows and columns are different entities
        from chokepoint.loaders import twomode
        return twomode.read_matrix(path, base, options)
    table = _table(path, options)
    layout = _matrix_layout(table, base["style"])
    weighted = "weight" in schema.SCHEMA.relationships[base["rel_type"]].properties
    if layout.nonbinary and not weighted:
        _allowed(path, base["rel_type"], base["label"], "weight", "cells", "weights")
    plan = _Plan(**base, file=_file_name(table), directed=True if options.directed is None else options.directed,
                 weight=weighted, date=False, source_col="", target_col="", weight_col="", time_col="")
    return Source(plan, _matrix_events(table, layout, plan), _table_read_as(table))


# -- GraphML and GEXF --------------------------------------------------------------------------
def _read_graph(path: Path, fmt: str):
    """The file's graph as networkx reads it, but streamed: each node and edge element is handed to
    networkx's own reader as it ends, then dropped, and nesting is capped (``loaders/limits.py``), so
    memory holds the graph, never the XML tree (a deeply nested file took 48 times its size)."""
    try:
        return (_stream_graphml if fmt == "graphml" else _stream_gexf)(path)
    except LimitExceeded as err:
        raise NetworkImportError(f"{path}: {err}") from None
    except (MemoryError, RecursionError) as err:
        raise NetworkImportError(f"{path}: {limits.exhausted(err)}") from None
    except Exception as err:  # networkx raises XML, key and value errors of many kinds
        raise NetworkImportError(f"{path}: cannot read as {fmt}: {type(err).__name__}: {err}") from err


def _elements(path: Path) -> Iterator[tuple[str, Any, list]]:
    """``(event, element, open elements)`` of an XML file, ``start`` and ``end``, nesting capped."""
    from xml.etree.ElementTree import iterparse

    guard, stack = limits.NestingGuard(), []
    for event, element in iterparse(path, events=("start", "end")):
        if event == "start":
            guard.start(element.tag)
            stack.append(element)
            yield event, element, stack
        else:
            stack.pop()
            yield event, element, stack
            guard.end()


def _stream_graphml(path: Path):
    """``networkx.read_graphml(path)`` (its first graph), element by element."""
    import networkx as nx
    from xml.etree.ElementTree import Element

    reader = nx.readwrite.graphml.GraphMLReader()
    ns = f"{{{reader.NS_GRAPHML}}}"
    keys, defaults, graph, top, graph_data = {}, {}, None, None, Element("graph")
    for event, element, stack in _elements(path):
        depth = len(stack) + (event == "end")  # the element's own level (the root is 1)
        if event == "start":
            if depth == 2 and element.tag == f"{ns}graph" and graph is None:
                top = element
                graph = nx.MultiDiGraph() if element.get("edgedefault") == "directed" else nx.MultiGraph()
                graph.graph.update(node_default={}, edge_default={})
                for key_id, value in defaults.items():
                    if keys[key_id]["for"] in ("node", "edge"):
                        graph.graph[f"{keys[key_id]['for']}_default"][keys[key_id]["name"]] = keys[key_id]["type"](value)
            continue
        if depth == 2:
            if element.tag == f"{ns}key":
                wrapper = Element("keys")
                wrapper.append(element)
                found, found_defaults = reader.find_graphml_keys(wrapper)
                keys.update(found)
                defaults.update(found_defaults)
            if element is not top:
                del stack[0][:]  # done with it (a second graph is ignored, as networkx does)
        elif depth == 3 and top is not None and stack[-1] is top:
            if element.tag == f"{ns}node":
                reader.add_node(graph, element, keys, defaults)
            elif element.tag == f"{ns}edge":
                reader.add_edge(graph, element, keys)
            elif element.tag == f"{ns}hyperedge":
                raise nx.NetworkXError("GraphML reader doesn't support hyperedges")
            elif element.tag == f"{ns}data":  # the graph's own data, decoded at the end
                graph_data.append(element)
            del top[:]  # done with (the parser may have read ahead: later elements still come as events)
    if graph is None:
        raise nx.NetworkXError("file not successfully read as graphml")
    graph.graph.update(reader.decode_data_elements(keys, graph_data))
    if reader.multigraph:
        return graph
    graph = nx.DiGraph(graph) if graph.is_directed() else nx.Graph(graph)
    nx.set_edge_attributes(graph, values=reader.edge_ids, name="id")
    return graph


def _stream_gexf(path: Path):
    """``networkx.read_gexf(path)``, element by element."""
    import networkx as nx

    reader = nx.readwrite.gexf.GEXFReader(version="1.2draft")
    graph, ns, top = None, None, None
    node_attr, edge_attr = {}, {}
    weight = {"weight": {"type": "double", "mode": "static", "title": "weight"}}  # networkx's Gephi 0.7 fix
    for event, element, stack in _elements(path):
        depth = len(stack) + (event == "end")
        if event == "start":
            if depth == 1:
                ns = element.tag[:element.tag.index("}") + 1] if element.tag.startswith("{") else ""
                version = next((v for v, d in reader.versions.items() if f"{{{d['NS_GEXF']}}}" == ns), None)
                if version is not None:
                    reader.set_version(version)
            elif depth == 2 and element.tag == f"{ns}graph" and graph is None and \
                    ns == f"{{{reader.NS_GEXF}}}":
                top = element
                graph = nx.MultiDiGraph() if element.get("defaultedgetype") == "directed" else nx.MultiGraph()
                for name in ("name", "start", "end"):
                    if element.get(name, "") != "":
                        graph.graph[name] = element.get(name)
                graph.graph["mode"] = "dynamic" if element.get("mode", "") == "dynamic" else "static"
                reader.timeformat = element.get("timeformat")
                if reader.timeformat == "date":
                    reader.timeformat = "string"
                edge_attr.update(weight)
                graph.graph["edge_default"] = {}
            continue
        if top is None or depth == 2 or stack[1:2] != [top]:
            if depth >= 2 and element is not top and len(stack) >= 1:
                del stack[-1][:]  # outside the graph read: dropped
            continue
        if depth == 3 and element.tag == f"{ns}attributes":
            found, found_defaults = reader.find_gexf_attributes(element)
            attrs = {"node": node_attr, "edge": edge_attr}.get(element.get("class"))
            if attrs is None:
                raise nx.NetworkXError(f"unknown attribute class {element.get('class')!r}")
            attrs.update(found)
            graph.graph.setdefault(f"{element.get('class')}_default", {}).update(found_defaults)
            edge_attr.update(weight)
            del top[:]
        elif depth == 4 and element.tag == f"{ns}node" and stack[-1].tag == f"{ns}nodes":
            reader.add_node(graph, element, node_attr)
            del stack[-1][:]
        elif depth == 4 and element.tag == f"{ns}edge" and stack[-1].tag == f"{ns}edges":
            reader.add_edge(graph, element, edge_attr)
            del stack[-1][:]
        elif depth == 3:
            del top[:]
    if graph is None:
        raise nx.NetworkXError("No <graph> element in GEXF file.")
    if reader.simple_graph:
        graph = nx.DiGraph(graph) if graph.is_directed() else nx.Graph(graph)
    return graph


def _graph_time_attribute(graph, time_col: str | None) -> str | None:
    if time_col is not None:
        return _attr_name(time_col) or None
    present = set()
    for _, _, data in graph.edges(data=True):
        present.update(data)
    return next((c for c in _TIME_COLUMNS if c in present), None)


def _graph_events(graph, plan: _Plan) -> Iterator[_Node | _Edge]:
    names = {}
    for node, data in graph.nodes(data=True):
        label = data.get("label")
        names[node] = str(label).strip() if label is not None and str(label).strip() else str(node)
        yield _Node(names[node], f"{plan.file}:node {node}")
    for k, (u, v, data) in enumerate(graph.edges(data=True), start=1):
        values = {"source": str(u), "target": str(v), **{str(a): str(x) for a, x in data.items()}}
        yield _Edge(k, names[u], names[v], data.get(plan.weight_col) if plan.weight else None,
                    data.get(plan.time_col) if plan.date else None, values, f"{plan.file}:edge {k}")


def _read_graph_file(path: Path, base: dict, options: NetworkOptions, fmt: str) -> Source:
    graph = _read_graph(path, fmt)
    weight_col, time_col = options.weight_col, options.time_col
    label, rel_type = base["label"], base["rel_type"]
    wcol = "weight" if weight_col is None else _attr_name(weight_col)
    tcol = _graph_time_attribute(graph, time_col)
    has_weight = bool(wcol) and any(d.get(wcol) is not None for _, _, d in graph.edges(data=True))
    has_date = bool(tcol) and any(d.get(tcol) is not None for _, _, d in graph.edges(data=True))
    if weight_col and not has_weight:
        raise NetworkImportError(f"{path}: no edge has the attribute {wcol!r}")
    if time_col and not has_date:
        raise NetworkImportError(f"{path}: no edge has the attribute {tcol!r}")
    directed = graph.is_directed() if options.directed is None else options.directed
    plan = _Plan(**base, file=path.name, directed=directed,
                 weight=_allowed(path, rel_type, label, "weight", wcol if has_weight else None, "weights"),
                 date=_allowed(path, rel_type, label, "date", tcol if has_date else None, "dates"),
                 source_col="source", target_col="target", weight_col=wcol, time_col=tcol or "")
    return Source(plan, _graph_events(graph, plan), {"file_directed": graph.is_directed()})


def _text_format(module: str, path: Path, base: dict, options: NetworkOptions) -> Source:
    """Pajek and UCINET DL are read by their own modules (which build on this one)."""
    import importlib

    return importlib.import_module(f"chokepoint.loaders.{module}").read(path, base, options)


#: the formats, each with the options it takes (besides --directed/--undirected and --duplicates)
READERS: dict[str, _Format] = {
    "edgelist": _Format(_read_edgelist, frozenset({"source_col", "target_col", "weight_col", "time_col", "header",
                                                   "separator", "sheet"})),
    "matrix": _Format(_read_matrix, frozenset({"separator", "sheet"}),
                      "a matrix's first row and column name the nodes and its cells are the weights"),
    "graphml": _Format(functools.partial(_read_graph_file, fmt="graphml"), frozenset({"weight_col", "time_col"})),
    "gexf": _Format(functools.partial(_read_graph_file, fmt="gexf"), frozenset({"weight_col", "time_col"})),
    "pajek": _Format(functools.partial(_text_format, "pajek"), frozenset(),
                     "a Pajek file's lines give the ends and the weight; it has no dates"),
    "dl": _Format(functools.partial(_text_format, "ucinet"), frozenset(),
                  "a DL file's values are the weights; it has no dates"),
}
FORMATS = tuple(READERS)
#: file suffix -> the format read when none is declared; a table (text or sheet) is an edge list unless it
#: starts like a matrix (``format_of``); a matrix is always declared (docs/networks.md#formats-by-suffix)
SUFFIXES = {".csv": "edgelist", ".tsv": "edgelist", ".tab": "edgelist", ".txt": "edgelist",
            ".edgelist": "edgelist", ".edges": "edgelist", ".xlsx": "edgelist", ".xlsm": "edgelist",
            ".ods": "edgelist", ".graphml": "graphml", ".gexf": "gexf", ".net": "pajek", ".dl": "dl"}


def format_of(path: Path, separator: str | None = None, sheet: str | None = None) -> str:
    """The format of ``path`` from its suffix (:data:`SUFFIXES`, case-insensitive). Raises
    NetworkImportError for a suffix not listed, and for a table whose first cell is empty while its first
    row names columns (an adjacency matrix's corner: declare ``--format matrix``, or ``edgelist``).

    >>> format_of(Path("caso.NET")), format_of(Path("red.dl")), format_of(Path("g.graphml"))
    ('pajek', 'dl', 'graphml')
    """
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(f"{s} {f}" for s, f in SUFFIXES.items())
        raise NetworkImportError(f"{path.name}: no format for the suffix {path.suffix or '(none)'!r}; give "
                                 f"--format ({', '.join(FORMATS)}); suffixes read without it: {known}")
    if fmt == "edgelist" and _matrix_corner(path, separator, sheet):
        raise NetworkImportError(f"{path.name}: the first cell is empty and the first row names columns, as in "
                                 "an adjacency matrix; give --format matrix (or --format edgelist)")
    return fmt


def _matrix_corner(path: Path, separator: str | None, sheet: str | None) -> bool:
    """True when the first row of the table ``path`` has an empty first cell and a name after it."""
    try:
        rows = open_table(path, separator=separator, sheet=sheet, comments=True).rows()
        try:
            first = next(iter(rows), None)
        finally:
            getattr(rows, "close", lambda: None)()
    except ReadError:
        return False  # the reader says what is wrong with the file
    return first is not None and not first[1][0].strip() and any(c.strip() for c in first[1][1:])
#: the formats a two-mode network can come in
TWO_MODE_FORMATS = ("edgelist", "matrix", "pajek", "dl")


# -- the common part ---------------------------------------------------------------------------
class _Importer:
    """Turns nodes and edges into records, merges the rows of one relationship, writes in chunks (the
    nodes as they come, the merged relationships once every row is read), reports rejects, counts."""

    def __init__(self, store: Store | None, plan: _Plan, duplicates: str, report: RejectsReport,
                 summary: NetworkSummary, progress: Callable[[int], None] | None):
        self.store, self.plan, self.report, self.summary, self.progress = store, plan, report, summary, progress
        self.writer = _DryWriter() if store is None else RecordWriter(store, plan.dataset, summary.load_id)
        self.spellings: set[tuple[str, str]] = set()   # (id, spelling) already written
        self.ids: set[str] = set()
        self.chunk: list[tuple[list[NodeRecord], list[RelRecord]]] = []
        self.unreported = 0
        self.keep = duplicates == "keep"
        self.groups = None if self.keep else dup.EdgeGroups(duplicates)
        self.parallel: Counter = Counter()             # keep: rows seen per relationship key
        self.pairs: list[tuple[str, str, str, str]] | None = None   # two-mode: (row id, name, column id, name) loaded

    def run(self, events: Iterable[_Node | _Edge | Reject]) -> None:
        for event in events:
            if isinstance(event, _Node):
                if reason := limits.key_too_long(event.name):  # not a row: reported, not counted
                    self.report.add(Reject(self.plan.file, 0, "node", f"node name {reason}",
                                           {"node": event.ref, "name": event.name}))
                    continue
                label = event.label or self.plan.label
                node_id = ids.entity_id(self.plan.dataset, label, [event.name])
                self._add(self._nodes([(node_id, event.name)], event.ref, label), [])
            elif isinstance(event, Reject):
                self._reject(event)
            else:
                self._edge(event)
        self._flush()
        if self.groups is not None:
            self._write_groups()
        if self.progress and self.unreported:
            self.progress(self.unreported)
        self.summary.nodes = len(self.ids)
        self.summary.relationships = sum(self.parallel.values()) if self.keep else len(self.groups)
        self.summary.rows_merged = self.summary.edges_loaded - self.summary.relationships

    def _edge(self, e: _Edge) -> None:
        p = self.plan
        self._count_row()
        a_name, b_name = _text(e.source), _text(e.target)
        b_label = p.col_label or p.label
        a = ids.entity_id(p.dataset, p.label, [a_name])
        b = ids.entity_id(p.dataset, b_label, [b_name])
        for end, name, node_id, column, label in (("source", a_name, a, p.source_col, p.label),
                                                  ("target", b_name, b, p.target_col, b_label)):
            if reason := limits.key_too_long(name):  # Neo4j's key index would fail the whole import
                return self._reject(Reject(p.file, e.row, column, f"{end} {reason}", e.values), counted=True)
            if node_id is None:  # blank, or nothing left once normalised (a "phone number" without digits)
                key = schema.SCHEMA.nodes[label].keys[0]
                reason = f"empty {end}" if not name else f"no usable {label} {key} in {end} {name!r}"
                return self._reject(Reject(p.file, e.row, column, reason, e.values), counted=True)
        weight = None
        if p.weight and _text(e.weight):
            try:
                weight = _weight(e.weight, p.style)
            except BadValue as err:
                return self._reject(Reject(p.file, e.row, p.weight_col, str(err), e.values), counted=True)
        date = None
        if p.date and _text(e.date):
            try:
                date = parse_value(_text(e.date), "date", p.style)
            except BadValue as err:
                return self._reject(Reject(p.file, e.row, p.time_col, str(err), e.values), counted=True)
        nodes = self._nodes([(a, a_name)], e.ref) + self._nodes([(b, b_name)], e.ref, b_label)
        if self.pairs is not None:
            self.pairs.append((a, a_name, b, b_name))
        undirected = not (p.directed if e.directed is None else e.directed)
        if undirected and b < a:  # one relationship per pair, endpoints in id order, so A-B and B-A are one
            a, b = b, a
        self.summary.edges_loaded += 1
        # an edge with its own direction (Pajek *Edges beside *Arcs) says it in its key: A-B is not the arc A->B
        key = (a, b, date) if e.directed is None else (a, b, date, undirected)
        if self.keep:  # every row its own relationship: the first of a key has the merged id, later ones a number
            self.parallel[key] += 1
            self._add(nodes, [self._relationship(key, weight, 1, e.ref, self.parallel[key])])
            return
        self.groups.add(key, weight, e.ref)
        self._add(nodes, [])

    def _relationship(self, key: tuple, weight: float | None, count: int, ref: str, parallel: int = 1) -> RelRecord:
        """The record of relationship ``key`` (source id, target id, date[, undirected]) with its merged
        properties."""
        p = self.plan
        a, b, date = key[:3]
        undirected = not p.directed if len(key) == 3 else key[3]
        identity: dict[str, Any] = {"date": date}
        if len(key) > 3 and undirected:
            identity["undirected"] = True
        if parallel > 1:
            identity["parallel"] = parallel
        props: dict[str, Any] = {}
        if weight is not None:
            props["weight"] = weight
        if date is not None:
            props["date"] = date
        if undirected and p.undirected_prop:
            props["undirected"] = True
        if p.count_prop:
            props["count"] = count
        return RelRecord(ids.relationship_id(p.rel_type, a, b, identity), p.rel_type, a, b, props, ref)

    def _write_groups(self) -> None:
        """The merged relationships, in chunks (one record per row, so ``sources`` lists every row)."""
        batch: list[RelRecord] = []
        for key, weight, count, refs in self.groups.groups():
            r = self._relationship(key, weight, count, refs[0])
            for ref in refs:  # a relationship of many rows is split over chunks (the writer unites sources)
                batch.append(RelRecord(r.id, r.type, r.source, r.target, r.props, ref))
                if len(batch) >= CHUNK_ROWS:
                    self.summary.counters += self.writer.write([([], batch)])
                    batch = []
        if batch:
            self.summary.counters += self.writer.write([([], batch)])

    def _nodes(self, named: list[tuple[str | None, str]], ref: str, label: str | None = None) -> list[NodeRecord]:
        """Records of ``label`` (default: the plan's) for names not written yet: the first spelling of an id
        sets the key property, later spellings only add an alias (and where they were first seen)."""
        label = label or self.plan.label
        key = self.plan.key if label == self.plan.label else schema.SCHEMA.nodes[label].keys[0]
        out = []
        for node_id, name in named:
            if node_id is None or (node_id, name) in self.spellings:
                continue
            self.spellings.add((node_id, name))
            props = {} if node_id in self.ids else {key: name}
            self.ids.add(node_id)
            out.append(NodeRecord(node_id, label, canonical_keys(label, props), [name], ref))
        return out

    def _reject(self, reject: Reject, counted: bool = False) -> None:
        if not counted:
            self._count_row()
        self.summary.rows_rejected += 1
        self.report.add(reject)

    def _count_row(self) -> None:
        self.summary.rows_read += 1
        self.unreported += 1
        if self.progress and self.unreported >= 1000:
            self.progress(self.unreported)
            self.unreported = 0

    def _add(self, nodes: list[NodeRecord], rels: list[RelRecord]) -> None:
        if nodes or rels:
            self.chunk.append((nodes, rels))
        if len(self.chunk) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.chunk:
            self.summary.counters += self.writer.write(self.chunk)
            self.chunk = []


class _DryWriter:
    """A dry run's writer: takes the chunks a :class:`RecordWriter` would write and sends nothing."""

    def write(self, mapped_rows) -> Counter:
        for _ in mapped_rows:
            pass
        return Counter()


def _weight(value: Any, numbers: Style | None = None) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return _number(_text(value), numbers)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
