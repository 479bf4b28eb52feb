"""Import a network file (edge list, adjacency matrix, GraphML, GEXF) as entities joined by one relationship type.

Every node name becomes an entity of one schema label (stable id from the dataset, the label and the
folded name, so "Andrés" and "ANDRES" are one node); every edge becomes one relationship of one schema
type, written through :class:`loaders.writer.RecordWriter` (the schema's allow-list) in chunks.
Rows that cannot be loaded go to a rejects report; for every file,
edge rows read == edges loaded + rows rejected. Problems with the whole file or with the chosen label
and type are fatal and raised before anything is written. See docs/networks.md.

Edge lists and matrices are streamed (memory grows with the number of distinct names, not with the
rows); GraphML and GEXF are read whole by networkx.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chokepoint.graph import ids, schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.loaders.readers import EXTRA_CELLS, ReadError, csv_cells, normalise_header, read_rows
from chokepoint.loaders.pipeline import few_collections
from chokepoint.loaders.rejects import RejectsReport
from chokepoint.loaders.rows import NodeRecord, Reject, RelRecord, canonical_keys
from chokepoint.loaders.conventions import NO_CONVENTION, Convention
from chokepoint.loaders.values import BadValue, Style, parse_value
from chokepoint.loaders.writer import RecordWriter

__all__ = ["FORMATS", "CHUNK_ROWS", "NetworkImportError", "NetworkSummary", "import_network"]

FORMATS = ("edgelist", "matrix", "graphml", "gexf")
CHUNK_ROWS = 5_000
_TIME_COLUMNS = ("date", "time")  # auto-detected, in this order of preference


class NetworkImportError(ChokepointError):
    """The file, the label or the relationship type cannot be imported at all; nothing was written."""


@dataclass
class NetworkSummary:
    file: str
    format: str
    dataset: str
    label: str
    rel_type: str
    directed: bool
    rows_read: int = 0          # edge rows (matrix: non-empty cells considered; graph files: edges)
    edges_loaded: int = 0
    rows_rejected: int = 0
    nodes: int = 0              # distinct node names (after folding) written
    counters: Counter = field(default_factory=Counter)
    rejects_report: str | None = None

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "dataset": self.dataset,
            "label": self.label,
            "rel_type": self.rel_type,
            "directed": self.directed,
            "rows_read": self.rows_read,
            "edges_loaded": self.edges_loaded,
            "rows_rejected": self.rows_rejected,
            "nodes": self.nodes,
            "nodes_created": self.counters["nodes_created"],
            "relationships_created": self.counters["relationships_created"],
            "rejects_report": self.rejects_report,
        }


@dataclass
class _Node:
    """A node the file declares (matrix header, GraphML/GEXF node), with or without edges."""
    name: str
    ref: str


@dataclass
class _Edge:
    row: int
    source: Any
    target: Any
    weight: Any                 # text, number or None
    date: Any                   # text or None
    values: dict[str, str]
    ref: str


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
    source_col: str
    target_col: str
    weight_col: str
    time_col: str
    style: Style = Style()      # how weights and dates are written (--decimal, --thousands, --dates)


def import_network(
    store: Store,
    path: Path,
    fmt: str,
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
    conventions: Convention = NO_CONVENTION,
) -> NetworkSummary:
    """Import the network in ``path`` as ``label`` nodes joined by ``rel_type`` relationships.

    ``directed``: None keeps the file's own (GraphML/GEXF) or treats the edges as directed (edge list,
    matrix). Column options apply to edge lists; ``weight_col`` and ``time_col`` also name edge
    attributes of GraphML/GEXF files. ``""`` for ``weight_col``/``time_col`` ignores weights/dates.
    Rejected rows go to ``rejects_path`` (default ``<path>.rejects.csv``). Raises
    :class:`NetworkImportError` (nothing written) for an unusable file, label, type or option.
    """
    path = Path(path)
    if fmt not in FORMATS:
        raise NetworkImportError(f"unknown network format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise NetworkImportError(f"{path}: no such file")
    key = _check_label_and_type(label, rel_type)
    for option, value in (("--source-col", source_col), ("--target-col", target_col)):
        if value is not None and fmt != "edgelist":
            raise NetworkImportError(f"{option} applies to edge lists only, not to {fmt}")
    for option, value in (("--weight-col", weight_col), ("--time-col", time_col)):
        if value is not None and fmt == "matrix":
            raise NetworkImportError(f"{option} does not apply to a matrix (its cells are the weights)")
    dataset = dataset or path.stem
    rel = schema.SCHEMA.relationships[rel_type]
    base = dict(file=path.name, dataset=dataset, label=label, key=key, rel_type=rel_type,
                undirected_prop="undirected" in rel.properties,
                style=Style(decimal=conventions.decimal, thousands=conventions.thousands, dates=conventions.dates,
                            format=conventions.format))

    if fmt == "edgelist":
        src, tgt, wcol, tcol = _edgelist_columns(path, source_col, target_col, weight_col, time_col)
        plan = _Plan(**base, directed=True if directed is None else directed,
                     weight=_allowed(path, rel_type, label, "weight", wcol, "weights"),
                     date=_allowed(path, rel_type, label, "date", tcol, "dates"),
                     source_col=src, target_col=tgt, weight_col=wcol or "", time_col=tcol or "")
        events: Iterable = _edgelist_events(path, plan)
    elif fmt == "matrix":
        layout = _matrix_layout(path, base["style"])
        weighted = "weight" in rel.properties
        if layout.nonbinary and not weighted:
            _allowed(path, rel_type, label, "weight", "cells", "weights")
        plan = _Plan(**base, directed=True if directed is None else directed, weight=weighted, date=False,
                     source_col="", target_col="", weight_col="", time_col="")
        events = _matrix_events(path, layout, plan)
    else:
        graph = _read_graph(path, fmt)
        wcol = "weight" if weight_col is None else _attr_name(weight_col)
        tcol = _graph_time_attribute(graph, time_col)
        has_weight = bool(wcol) and any(d.get(wcol) is not None for _, _, d in graph.edges(data=True))
        has_date = bool(tcol) and any(d.get(tcol) is not None for _, _, d in graph.edges(data=True))
        if weight_col and not has_weight:
            raise NetworkImportError(f"{path}: no edge has the attribute {wcol!r}")
        if time_col and not has_date:
            raise NetworkImportError(f"{path}: no edge has the attribute {tcol!r}")
        plan = _Plan(**base, directed=graph.is_directed() if directed is None else directed,
                     weight=_allowed(path, rel_type, label, "weight", wcol if has_weight else None, "weights"),
                     date=_allowed(path, rel_type, label, "date", tcol if has_date else None, "dates"),
                     source_col="source", target_col="target", weight_col=wcol, time_col=tcol or "")
        events = _graph_events(graph, plan)

    summary = NetworkSummary(file=str(path), format=fmt, dataset=dataset, label=label, rel_type=rel_type,
                             directed=plan.directed)
    rejects_path = Path(rejects_path or path.with_name(path.name + ".rejects.csv"))
    with RejectsReport(rejects_path) as report, few_collections():
        _Importer(store, plan, report, summary, progress).run(events)
    summary.rejects_report = str(rejects_path) if report.count else None
    return summary


def _attr_name(name: str) -> str:
    """GraphML/GEXF attribute names are used as given (trimmed)."""
    return name.strip()


# -- checks ------------------------------------------------------------------------------------
def _check_label_and_type(label: str, rel_type: str) -> str:
    """The key property of ``label``; raise when ``label``/``rel_type`` cannot carry a plain network."""
    node = schema.SCHEMA.node(label)            # UnknownName lists the labels
    rel = schema.SCHEMA.relationship(rel_type)  # UnknownName lists the types
    if len(node.keys) != 1:
        raise NetworkImportError(f"{label} is identified by {', '.join(node.keys)}; a network file gives "
                                 "one name per node, so use a label with a single key")
    extra = [p for p in node.required if p not in node.keys]
    if extra:
        raise NetworkImportError(f"{label} requires {', '.join(extra)} besides {node.keys[0]}; a network "
                                 "file gives only names")
    if not schema.SCHEMA.allows(rel_type, label, label):
        fitting = [t for t in schema.SCHEMA.relationships if schema.SCHEMA.allows(t, label, label)]
        raise NetworkImportError(f"{rel_type} cannot join {label} to {label} (it goes from "
                                 f"{', '.join(rel.sources)} to {', '.join(rel.targets)}); types that can: "
                                 f"{', '.join(fitting) or 'none'}")
    return node.keys[0]


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


# -- edge lists --------------------------------------------------------------------------------
def _edgelist_columns(path: Path, source_col, target_col, weight_col, time_col):
    """Check the columns (a first pass over the file: it also proves the file readable to the end)."""
    columns: set[str] = set()
    for _, row in read_rows(path):
        columns.update(row)
    columns.discard(EXTRA_CELLS)
    if not columns:  # no data rows: nothing to check, nothing to load
        return "source", "target", None, None

    def named(option: str, value: str | None, default: str | None) -> str | None:
        if value is not None and not value.strip():
            return None  # "" = ignore
        col = normalise_header(value) if value is not None else default
        if col is not None and col not in columns and value is not None:
            raise NetworkImportError(f"{path}: no column {col!r} ({option}); columns: {', '.join(sorted(columns))}")
        return col if col in columns else None

    src = named("--source-col", source_col, "source")
    tgt = named("--target-col", target_col, "target")
    for role, col, default in (("source", src, source_col), ("target", tgt, target_col)):
        if col is None:
            raise NetworkImportError(f"{path}: no {role} column {normalise_header(default or role)!r}; columns: "
                                     f"{', '.join(sorted(columns))} (name it with --{role}-col)")
    wcol = named("--weight-col", weight_col, "weight")
    auto_time = next((c for c in _TIME_COLUMNS if c in columns), None)
    tcol = named("--time-col", time_col, auto_time)
    return src, tgt, wcol, tcol


def _edgelist_events(path: Path, plan: _Plan) -> Iterator[_Edge | Reject]:
    for row_no, row in read_rows(path):
        if EXTRA_CELLS in row:
            yield Reject(plan.file, row_no, "", "more cells than the header has columns", row)
            continue
        yield _Edge(row_no, row.get(plan.source_col), row.get(plan.target_col),
                    row.get(plan.weight_col) if plan.weight_col else None,
                    row.get(plan.time_col) if plan.time_col else None,
                    row, f"{plan.file}:{row_no}")


# -- adjacency matrices ------------------------------------------------------------------------
@dataclass
class _Layout:
    names: list[str]            # column node names, in column order
    index: dict[str, int]       # folded name -> column index
    header_row: int
    row_lines: dict[int, int]   # column index of a row's node -> its row number
    nonbinary: bool             # some cell is a number other than 0 and 1


def _matrix_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(row_number, cells)`` of the non-blank rows, header included (row 1)."""
    try:
        yield from ((n, cells) for n, cells in csv_cells(path) if any(c.strip() for c in cells))
    except ReadError as err:
        raise NetworkImportError(str(err)) from err


def _number(text: str, numbers: Style | None = None) -> float:
    value = parse_value(text, "float", numbers)
    if value is None or not math.isfinite(value):
        raise BadValue(f"not a number: {text!r}")
    return value


def _matrix_layout(path: Path, numbers: Style | None = None) -> _Layout:
    """First pass: the matrix is square with the same names on both sides, and no row is too long."""
    rows = _matrix_rows(path)
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


def _matrix_events(path: Path, layout: _Layout, plan: _Plan) -> Iterator[_Node | _Edge | Reject]:
    names, file = layout.names, plan.file
    for name in names:
        yield _Node(name, f"{file}:{layout.header_row}")
    undirected = not plan.directed
    upper: dict[tuple[int, int], tuple[float, str]] = {}        # (i, j), i < j: non-zero upper cells
    lower: dict[tuple[int, int], tuple[float, str]] = {}        # the mirror (j, i) of a non-zero lower cell
    bad: set[tuple[int, int]] = set()                            # pairs with a cell that is not a number
    rows = _matrix_rows(path)
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


# -- GraphML and GEXF --------------------------------------------------------------------------
def _read_graph(path: Path, fmt: str):
    import networkx as nx

    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    try:
        return reader(path)
    except Exception as err:  # networkx raises XML, key and value errors of many kinds
        raise NetworkImportError(f"{path}: cannot read as {fmt}: {type(err).__name__}: {err}") from err


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


# -- the common part ---------------------------------------------------------------------------
class _Importer:
    """Turns nodes and edges into records, writes them in chunks, reports rejects, counts."""

    def __init__(self, store: Store, plan: _Plan, report: RejectsReport, summary: NetworkSummary,
                 progress: Callable[[int], None] | None):
        self.store, self.plan, self.report, self.summary, self.progress = store, plan, report, summary, progress
        self.writer = RecordWriter(store, plan.dataset)
        self.spellings: set[tuple[str, str]] = set()   # (id, spelling) already written
        self.ids: set[str] = set()
        self.chunk: list[tuple[list[NodeRecord], list[RelRecord]]] = []
        self.unreported = 0

    def run(self, events: Iterable[_Node | _Edge | Reject]) -> None:
        for event in events:
            if isinstance(event, _Node):
                node_id = ids.entity_id(self.plan.dataset, self.plan.label, [event.name])
                self._add(self._nodes([(node_id, event.name)], event.ref), [])
            elif isinstance(event, Reject):
                self._reject(event)
            else:
                self._edge(event)
        self._flush()
        if self.progress and self.unreported:
            self.progress(self.unreported)
        self.summary.nodes = len(self.ids)

    def _edge(self, e: _Edge) -> None:
        p = self.plan
        self._count_row()
        a_name, b_name = _text(e.source), _text(e.target)
        a = ids.entity_id(p.dataset, p.label, [a_name])
        b = ids.entity_id(p.dataset, p.label, [b_name])
        for end, name, node_id, column in (("source", a_name, a, p.source_col), ("target", b_name, b, p.target_col)):
            if node_id is None:  # blank, or nothing left once normalised (a "phone number" without digits)
                reason = f"empty {end}" if not name else f"no usable {p.label} {p.key} in {end} {name!r}"
                return self._reject(Reject(p.file, e.row, column, reason, e.values), counted=True)
        props: dict[str, Any] = {}
        if p.weight and _text(e.weight):
            try:
                props["weight"] = _weight(e.weight, p.style)
            except BadValue as err:
                return self._reject(Reject(p.file, e.row, p.weight_col, str(err), e.values), counted=True)
        if p.date and _text(e.date):
            try:
                props["date"] = parse_value(_text(e.date), "date", p.style)
            except BadValue as err:
                return self._reject(Reject(p.file, e.row, p.time_col, str(err), e.values), counted=True)
        nodes = self._nodes([(a, a_name), (b, b_name)], e.ref)
        if not p.directed:  # one relationship per pair, endpoints in id order, so A-B and B-A are one
            if p.undirected_prop:
                props["undirected"] = True
            if b < a:
                a, b = b, a
        rel = RelRecord(ids.relationship_id(p.rel_type, a, b, props), p.rel_type, a, b, props, e.ref)
        self.summary.edges_loaded += 1
        self._add(nodes, [rel])

    def _nodes(self, named: list[tuple[str | None, str]], ref: str) -> list[NodeRecord]:
        """Records for names not written yet: the first spelling of an id sets the key property, later
        spellings only add an alias (and where they were first seen)."""
        out = []
        for node_id, name in named:
            if node_id is None or (node_id, name) in self.spellings:
                continue
            self.spellings.add((node_id, name))
            props = {} if node_id in self.ids else {self.plan.key: name}
            self.ids.add(node_id)
            out.append(NodeRecord(node_id, self.plan.label, canonical_keys(self.plan.label, props), [name], ref))
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


def _weight(value: Any, numbers: Style | None = None) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return _number(_text(value), numbers)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
