"""Two-mode networks (rows and columns are entities of two kinds: people x organisations, people x events) and
their one-mode projections.

A two-mode import (``--two-mode --row-label R --col-label C --rel-type T``) writes every tie as ``(R)-[T]->(C)``:
from the row entity to the column entity, whatever the file's order, so ``T`` must allow that pair in the
schema. Edge lists (source = row, target = column), Pajek (``*Vertices n m``) and UCINET DL (``nr = nc =``)
files are read by their own readers with the plan's two labels; the rectangular CSV/TSV matrix is read here:
the first row names the columns, the first column the rows, a non-empty non-zero cell is a tie of that weight.

The projection (``--project-to rows`` or ``cols``) also writes, for every two rows (columns) that share at
least one column (row), one undirected link of the projection type (default ``ASSOCIATED_WITH``) whose
``weight`` is the number of column (row) entities they share, as
``networkx.algorithms.bipartite.weighted_projected_graph`` computes it. Only loaded ties count (a rejected
row shares nothing), each shared entity once (repeated ties do not add). See docs/networks.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from chokepoint.graph import ids, schema
from chokepoint.loaders.networks import (
    TWO_MODE_FORMATS, NetworkImportError, NetworkOptions, NetworkSummary, Source, _Edge, _file_name, _Importer,
    _matrix_rows, _Node, _number, _Plan, _table, _table_read_as,
)
from chokepoint.loaders.cells import Table
from chokepoint.loaders.nettext import check_weights
from chokepoint.loaders.rows import Reject
from chokepoint.loaders.values import BadValue

__all__ = ["SIDES", "DEFAULT_PROJECTION", "check_options", "read_matrix", "shared_counts", "write_projection"]

SIDES = ("rows", "cols")
#: the projection's relationship type unless one is named
DEFAULT_PROJECTION = "ASSOCIATED_WITH"


def check_options(fmt: str, label: str, col_label: str | None, directed: bool | None, project_to: str | None,
                  projection_type: str | None) -> None:
    """Refuse, in one line, two-mode options that do not fit together (before anything is read or written)."""
    if col_label is None:
        raise NetworkImportError(f"--{'project-to' if project_to else 'projection-type'} applies to a two-mode "
                                 "import (--two-mode --row-label L --col-label L)")
    if fmt not in TWO_MODE_FORMATS:
        raise NetworkImportError(f"--two-mode reads {', '.join(TWO_MODE_FORMATS)} files, not {fmt}")
    if directed is False:
        raise NetworkImportError("--undirected does not apply to --two-mode: every tie goes from the row entity to "
                                 "the column entity")
    if project_to is None:
        if projection_type is not None:
            raise NetworkImportError("--projection-type needs --project-to rows or cols")
        return
    if project_to not in SIDES:
        raise NetworkImportError(f"--project-to {project_to!r}: use rows or cols")
    side = label if project_to == "rows" else col_label
    rel_type = projection_type or DEFAULT_PROJECTION
    rel = schema.SCHEMA.relationship(rel_type)  # UnknownName lists the types
    if not schema.SCHEMA.allows(rel_type, side, side) or "weight" not in rel.properties:
        fitting = [t for t, r in schema.SCHEMA.relationships.items()
                   if "weight" in r.properties and schema.SCHEMA.allows(t, side, side)]
        raise NetworkImportError(f"the projection to {project_to} joins {side} to {side} with a weight (shared "
                                 f"{col_label if project_to == 'rows' else label} entities), which {rel_type} cannot "
                                 f"hold; types that can: {', '.join(fitting) or 'none'} (--projection-type)")


# -- the rectangular matrix ------------------------------------------------------------------------
@dataclass
class _Layout:
    header_row: int
    cols: list[str]
    rows: int
    nonbinary: bool


def read_matrix(path: Path, base: dict, options: NetworkOptions) -> Source:
    """The plan and the events of a two-mode matrix, from a text file or a sheet (rows of ``base["label"]``,
    columns of ``base["col_label"]``)."""
    table = _table(path, options)
    layout = _layout(table, base["dataset"], base["label"], base["col_label"])
    weighted = "weight" in schema.SCHEMA.relationships[base["rel_type"]].properties
    if layout.nonbinary and not weighted:
        check_weights(path, base["rel_type"], base["label"], base["col_label"], "cells other than 0 and 1")
    p = _Plan(**base, file=_file_name(table), directed=True, weight=weighted, date=False, source_col="",
              target_col="", weight_col="", time_col="")
    return Source(p, _matrix_events(table, layout, p), {**_table_read_as(table), "matrix_rows": layout.rows,
                                                       "matrix_columns": len(layout.cols)})


def _layout(table: Table, dataset: str, row_label: str, col_label: str) -> _Layout:
    """First pass: distinct names on each side, no row longer than the header."""
    path = table.path
    rows = _matrix_rows(table)
    first = next(rows, None)
    if first is None:
        raise NetworkImportError(f"{path}: empty file, no matrix")
    header_row, header = first
    cols = [c.strip() for c in header[1:]]
    while cols and not cols[-1]:
        cols.pop()  # a trailing delimiter
    seen: dict[str, int] = {}
    for j, name in enumerate(cols):
        node_id = ids.entity_id(dataset, col_label, [name])
        if node_id is None:
            raise NetworkImportError(f"{path}: row {header_row}: column {j + 2} has no usable {col_label} name")
        if node_id in seen:
            raise NetworkImportError(f"{path}: row {header_row}: {cols[seen[node_id]]!r} and {name!r} name the same "
                                     f"{col_label} (columns {seen[node_id] + 2} and {j + 2})")
        seen[node_id] = j
    row_ids: dict[str, int] = {}
    nonbinary = False
    count = 0
    for row_no, cells in rows:
        name = cells[0].strip()
        node_id = ids.entity_id(dataset, row_label, [name])
        if node_id is None:
            raise NetworkImportError(f"{path}: row {row_no}: no usable {row_label} name in the first column")
        if node_id in row_ids:
            raise NetworkImportError(f"{path}: row {row_no}: {name!r} names the same {row_label} as row "
                                     f"{row_ids[node_id]}")
        row_ids[node_id] = row_no
        if any(c.strip() for c in cells[len(cols) + 1:]):
            raise NetworkImportError(f"{path}: row {row_no}: {len(cells) - 1} cells but the header names "
                                     f"{len(cols)} columns")
        count += 1
        for text in cells[1:len(cols) + 1]:
            if not nonbinary and text.strip():
                try:
                    nonbinary = _number(text) not in (0.0, 1.0)
                except BadValue:
                    pass
    return _Layout(header_row, cols, count, nonbinary)


def _matrix_events(table: Table, layout: _Layout, p: _Plan) -> Iterator[_Node | _Edge | Reject]:
    cols, file = layout.cols, p.file
    for name in cols:
        yield _Node(name, f"{file}:{layout.header_row}", p.col_label)
    rows = _matrix_rows(table)
    next(rows)
    for row_no, cells in rows:
        row = cells[0].strip()
        yield _Node(row, f"{file}:{row_no}")
        for j, cell in enumerate(cells[1:len(cols) + 1]):
            text = cell.strip()
            if not text:
                continue
            values = {"row": row, "column": cols[j], "value": text}
            try:
                weight = _number(text, p.style)
            except BadValue as err:
                yield Reject(file, row_no, cols[j], f"{err} (row {row!r}, column {cols[j]!r})", values)
                continue
            if weight:
                yield _Edge(row_no, row, cols[j], weight if p.weight else None, None, values, f"{file}:{row_no}")


# -- the projection --------------------------------------------------------------------------------
def shared_counts(ties: list[tuple[str, str, str, str]], to: str) -> tuple[dict[tuple[str, str], int], dict[str, str]]:
    """For ``(row id, row name, column id, column name)`` ties: the number of distinct column (``to="rows"``)
    or row (``"cols"``) entities each pair of rows (columns) shares, keyed by the pair of ids in order, and
    the first name of each id.

    >>> ties = [("a", "A", "x", "X"), ("b", "B", "x", "X"), ("a", "A", "y", "Y"), ("b", "B", "y", "Y"),
    ...         ("c", "C", "y", "Y"), ("a", "A", "y", "Y")]
    >>> shared_counts(ties, "rows")[0]
    {('a', 'b'): 2, ('a', 'c'): 1, ('b', 'c'): 1}
    """
    members: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for row, row_name, col, col_name in ties:
        node, name, via = (row, row_name, col) if to == "rows" else (col, col_name, row)
        members[via].add(node)
        names.setdefault(node, name)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for group in members.values():
        for pair in combinations(sorted(group), 2):
            counts[pair] += 1
    return dict(sorted(counts.items())), names


def write_projection(importer: _Importer, to: str, projection_type: str | None) -> None:
    """Write the projection of the ties ``importer`` loaded (its ``pairs``), as part of the same load and
    knowing the names it wrote, and put its account in the summary's ``projection``; its counters join the
    summary's."""
    plan, ties, summary = importer.plan, importer.pairs, importer.summary
    rel_type = projection_type or DEFAULT_PROJECTION
    label = plan.label if to == "rows" else plan.col_label
    via = plan.col_label if to == "rows" else plan.label
    rel = schema.SCHEMA.relationships[rel_type]
    pplan = _Plan(file=plan.file, dataset=plan.dataset, label=label, key=schema.SCHEMA.nodes[label].keys[0],
                  rel_type=rel_type, directed=False, weight=True, date=False,
                  undirected_prop="undirected" in rel.properties, count_prop=False, source_col="", target_col="",
                  weight_col="weight", time_col="")
    counts, names = shared_counts(ties, to)
    ref = f"{plan.file}:projection to {to}"
    events = (_Edge(k, names[a], names[b], float(n), None, {"source": names[a], "target": names[b], "shared": str(n)},
                    ref) for k, (a, b) in enumerate(counts, start=1) for n in (counts[(a, b)],))
    sub = NetworkSummary(file=summary.file, format=summary.format, dataset=plan.dataset, label=label,
                         rel_type=rel_type, directed=False, load_id=summary.load_id)
    projector = _Importer(importer.store, pplan, "sum", importer.report, sub, importer.progress)
    projector.spellings, projector.ids = importer.spellings, importer.ids   # the names are written already
    projector.run(events)
    summary.counters += sub.counters
    summary.projection = {
        "to": to, "label": label, "rel_type": rel_type, "links": sub.edges_loaded,
        "relationships_created": sub.counters["relationships_created"],
        "weight": f"number of shared {via} entities",
    }
