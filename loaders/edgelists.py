"""Edge lists: whether the first row is a header, and which cells are the endpoints, the weight and the date.

The cells come from :mod:`loaders.cells` (any separator, or a spreadsheet sheet). Columns are given by
name (a header's names, normalised as record headers are) or by 1-based position (``1``, ``2``, ...:
an option made only of digits is always a position). The first row is a header when it is declared
(``header=True``/``False``) or, when it is not, decided from the file in this order:

1. a column named by name (``--source-col caller``): the names are in a header;
2. the first row holds the cells ``source`` and ``target`` (the default names): a header;
3. the first row looks like an edge: its weight cell (the third, or the weight position) is a number
   or a networkx attribute dict ``{...}``; or both its endpoint cells are numbers (node ids); or both
   its endpoint cells appear again as endpoints in later rows (names are folded for case, accents and
   whitespace). Then it is the first edge, never a header;
4. its weight cell is text while the weight cells of every later row that has one are numbers
   (``day,callee,caller,calls`` over ``2024-01-01,B,A,3``): a header;
5. otherwise nothing shows what the first row is: with endpoint positions given, the import is refused
   (say ``--header`` or ``--no-header``); without, the first row is taken as a header, and since it
   does not name ``source`` and ``target`` the import is refused asking for the columns or
   ``--no-header``.

The decision and its reason are part of the import's summary. Without a header the columns are named
by position (``1``, ``2``, ...; a reject names its column so), the endpoints default to columns 1 and
2 and the weight to column 3 when a row has one; dates are read only from a declared ``--time-col``, or
from the ``date``/``time`` key of networkx's attribute dicts (``u v {'weight': 3}``, whose ``weight`` key
is the weight).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from chokepoint.graph import ids
from chokepoint.graph.errors import ChokepointError
from chokepoint.loaders.cells import OverLimit, Table
from chokepoint.loaders.readers import ReadError, normalise_header
from chokepoint.loaders.rows import Reject
from chokepoint.loaders.values import BadValue, parse_value

__all__ = ["EdgeListError", "EdgeListLayout", "EdgeCells", "edgelist_layout", "edge_cells"]

_TIME_COLUMNS = ("date", "time")  # auto-detected, in this order of preference
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class EdgeListError(ChokepointError):
    """The edge list cannot be read as asked (a column, the header); nothing was written."""


@dataclass(frozen=True)
class EdgeListLayout:
    """How an edge list is read: the header decision and the cell index (0-based) of each role."""

    header: bool
    header_reason: str           # how it was decided, for the summary
    columns: tuple[str, ...]     # the header's names (normalised), or "1", "2", ... by position
    source: int
    target: int
    weight: int | None
    time: int | None
    attributes: bool = False     # no header, and cell 3 holds networkx attribute dicts
    unused: tuple[str, ...] = ()  # columns read but loaded nowhere

    def name(self, index: int | None) -> str:
        """The name of the column at ``index`` ('' for none), as rejects name it."""
        if index is None:
            return ""
        return self.columns[index] if index < len(self.columns) else str(index + 1)

    @property
    def described(self) -> dict[str, Any]:
        """The columns as the summary lists them."""
        return {"source": self.name(self.source), "target": self.name(self.target),
                "weight": "weight (attribute)" if self.attributes and self.weight is not None else
                self.name(self.weight) or None,
                "time": ("date (attribute)" if self.attributes else self.name(self.time)) if self.time is not None
                else None,
                "unused": list(self.unused)}


@dataclass
class EdgeCells:
    """One row of an edge list: its endpoints, weight and date as found (text, or a number or text from
    an attribute dict), and its cells by column name (for the rejects report)."""

    row: int
    source: Any
    target: Any
    weight: Any
    date: Any
    values: dict[str, Any]


@dataclass
class _Scan:
    """What a first pass over the rows tells."""
    first: tuple[int, list[str]] | None = None
    width: int = 0
    source_again: bool = False   # the first row's endpoint cells appear as endpoints later
    target_again: bool = False
    attribute_weight: bool = False  # some attribute dict has a weight key
    attribute_time: bool = False
    later_weights: int = 0       # later rows with a weight cell, and how many of those are numbers
    later_numbers: int = 0


def edgelist_layout(table: Table, header: bool | None = None, source_col: str | None = None,
                    target_col: str | None = None, weight_col: str | None = None,
                    time_col: str | None = None) -> EdgeListLayout:
    """Decide the header and the columns (a first pass over the rows, which also proves the file
    readable to its end). Raises :class:`EdgeListError` (and ReadError for an unreadable file)."""
    path = table.path
    options = {"--source-col": source_col, "--target-col": target_col, "--weight-col": weight_col,
               "--time-col": time_col}
    named = [o for o, v in options.items() if v is not None and v.strip() and not _is_position(v)]
    for option in ("--source-col", "--target-col"):
        if options[option] is not None and not options[option].strip():
            raise EdgeListError(f"{option} cannot be empty: an edge needs its {option[2:-4]}")
    src_at = _position(source_col, 0)
    tgt_at = _position(target_col, 1)
    scan = _scan(table, src_at, tgt_at, _position(weight_col, 2))
    if scan.first is None:  # no rows: nothing to check, nothing to load
        return EdgeListLayout(header is not False, "the file has no rows", ("source", "target"), 0, 1, None, None)
    first_no, row1 = scan.first
    for option, value in options.items():
        if value is not None and _is_position(value) and int(value) > scan.width:
            raise EdgeListError(f"{path}: no column {value.strip()} ({option}); no row has more than {scan.width} "
                                "cells (digits are a position, 1 for the first column)")
    if header is False and named:
        raise EdgeListError(f"{path}: {named[0]} {options[named[0]]!r} names a column, but the file has no "
                            "header (--no-header): give its position (1, 2, ...)")
    if header is not None:
        reason = "declared (--header)" if header else "declared (--no-header)"
    elif named:
        header, reason = True, f"row {first_no} is the header: {named[0]} names a column"
    elif {"source", "target"} <= {normalise_header(c) for c in row1}:
        header, reason = True, f"row {first_no} is the header: it names the columns source and target"
    elif evidence := _looks_like_an_edge(row1, src_at, tgt_at, weight_col, scan):
        header, reason = False, f"row {first_no} is the first edge: {evidence}"
    elif evidence := _looks_like_a_header(row1, weight_col, scan):
        header, reason = True, f"row {first_no} is the header: {evidence}"
    elif source_col is not None or target_col is not None:
        shown = ", ".join(repr(c) for c in row1[:4])
        raise EdgeListError(f"{path}: cannot tell whether row {first_no} ({shown}) is a header or the first "
                            "edge; say --header or --no-header")
    else:
        header, reason = True, f"row {first_no} is taken as the header: it does not look like an edge"
    if header:
        return _with_header(table, row1, first_no, reason, options)
    return _without_header(table, row1, scan, reason, options)


def _is_position(value: str) -> bool:
    return value.strip().isascii() and value.strip().isdigit()


def _position(value: str | None, default: int | None) -> int | None:
    """0-based index of a position option (``"3"`` -> 2); ``default`` when none is given."""
    if value is None:
        return default
    if not value.strip():
        return None
    if _is_position(value):
        if int(value) < 1:
            raise EdgeListError(f"column positions start at 1, not {value.strip()}")
        return int(value) - 1
    return default


def _scan(table: Table, src_at: int, tgt_at: int, weight_at: int | None) -> _Scan:
    scan = _Scan()
    folded: tuple[str, str] = ("", "")
    for entry in table.entries():
        if isinstance(entry, OverLimit):  # rejected when the edges are read; the first row may be the header
            if scan.first is None:
                raise ReadError(f"{table.path}: {entry.reason} (the first row, which may be the header)")
            continue
        row_no, cells = entry
        scan.width = max(scan.width, len(cells))
        if len(cells) > 2 and _attributes(cells[2]):
            scan.attribute_weight = scan.attribute_weight or "weight" in cells[2]
            scan.attribute_time = scan.attribute_time or any(k in cells[2] for k in _TIME_COLUMNS)
        if scan.first is None:
            scan.first = (row_no, cells)
            folded = (_folded(cells, src_at), _folded(cells, tgt_at))
            continue
        if not (scan.source_again and scan.target_again):
            later = {_folded(cells, src_at), _folded(cells, tgt_at)}
            scan.source_again = scan.source_again or (bool(folded[0]) and folded[0] in later)
            scan.target_again = scan.target_again or (bool(folded[1]) and folded[1] in later)
        if weight_at is not None and weight_at < len(cells) and cells[weight_at].strip() and \
                scan.later_numbers == scan.later_weights:  # (once one is no number, the rest do not matter)
            scan.later_weights += 1
            scan.later_numbers += _is_number(cells[weight_at].strip())
    return scan


def _folded(cells: list[str], at: int) -> str:
    return ids.normalise_key(cells[at]) if at < len(cells) else ""


def _attributes(cell: str) -> bool:
    text = cell.strip()
    return text.startswith("{") and text.endswith("}")


def _is_number(text: str) -> bool:
    try:
        value = parse_value(text, "float")
    except BadValue:
        return False
    return value is not None and math.isfinite(value)


def _looks_like_an_edge(row1: list[str], src_at: int, tgt_at: int, weight_col: str | None, scan: _Scan) -> str:
    """Why the first row is an edge ('' when nothing shows it)."""
    weight_at = _position(weight_col, 2)
    if weight_at is not None and weight_at < len(row1):
        cell = row1[weight_at].strip()
        if cell and _is_number(cell):
            return f"its weight cell {cell!r} is a number"
        if weight_at == 2 and _attributes(cell):
            return "its third cell is a networkx attribute dict"
    ends = [row1[i].strip() if i < len(row1) else "" for i in (src_at, tgt_at)]
    if all(_NUMBER.fullmatch(e) for e in ends):
        return f"its endpoints {ends[0]!r} and {ends[1]!r} are numbers (node ids)"
    if scan.source_again and scan.target_again:
        return f"its endpoints {ends[0]!r} and {ends[1]!r} appear again as endpoints in later rows"
    return ""


def _looks_like_a_header(row1: list[str], weight_col: str | None, scan: _Scan) -> str:
    """Why the first row is a header ('' when nothing shows it): its weight cell is text over numbers."""
    weight_at = _position(weight_col, 2)
    if weight_at is None or weight_at >= len(row1) or not row1[weight_at].strip():
        return ""
    if scan.later_weights and scan.later_numbers == scan.later_weights:
        return f"its weight cell {row1[weight_at].strip()!r} is no number, and the later rows' are numbers"
    return ""


def _with_header(table: Table, row1: list[str], row_no: int, reason: str, options: dict) -> EdgeListLayout:
    path = table.path
    names = [normalise_header(c) for c in row1]
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise EdgeListError(f"{path}: row {row_no}: duplicate column(s) {', '.join(dupes)}")
    present = [n for n in names if n]

    def column(option: str, default: str | None) -> int | None:
        value = options[option]
        if value is not None and not value.strip():
            return None  # "" = ignore
        if value is not None and _is_position(value):
            at = int(value) - 1
            if at >= len(names) or not names[at]:
                raise EdgeListError(f"{path}: no column {value.strip()} ({option}); the header has {len(names)} "
                                    f"columns: {', '.join(present)}")
            return at
        name = normalise_header(value) if value is not None else default
        if name is not None and name in names:
            return names.index(name)
        if value is not None:
            raise EdgeListError(f"{path}: no column {name!r} ({option}); columns: {', '.join(sorted(present))}")
        return None

    src = column("--source-col", "source")
    tgt = column("--target-col", "target")
    for role, at in (("source", src), ("target", tgt)):
        if at is None:
            asked = options[f"--{role}-col"]
            raise EdgeListError(f"{path}: no {role} column {normalise_header(asked or role)!r}; columns: "
                                f"{', '.join(sorted(present))} (name it with --{role}-col, or say --no-header if "
                                f"row {row_no} is an edge)")
    weight = column("--weight-col", "weight")
    auto_time = next((c for c in _TIME_COLUMNS if c in names), None)
    time = column("--time-col", auto_time)
    used = {src, tgt, weight, time}
    unused = tuple(n for i, n in enumerate(names) if n and i not in used)
    return EdgeListLayout(True, reason, tuple(names), src, tgt, weight, time, False, unused)


def _without_header(table: Table, row1: list[str], scan: _Scan, reason: str, options: dict) -> EdgeListLayout:
    width = scan.width
    attributes = width == 3 and len(row1) > 2 and _attributes(row1[2])

    def column(option: str, default: int | None) -> int | None:
        at = _position(options[option], default)
        if at is not None and at >= width:  # (positions beyond every row are refused before)
            raise EdgeListError(f"{table.path}: no column {at + 1} ({option}); no row has more than {width} cells")
        return at

    src = column("--source-col", 0)
    tgt = column("--target-col", 1)
    if attributes:
        weight = 2 if scan.attribute_weight and options["--weight-col"] != "" else None
        time = 2 if scan.attribute_time and options["--time-col"] != "" else None
    else:
        weight = column("--weight-col", 2 if width > 2 else None)
        time = column("--time-col", None)
    used = {src, tgt, weight, time} | ({2} if attributes else set())
    columns = tuple(str(i + 1) for i in range(width))
    unused = tuple(c for i, c in enumerate(columns) if i not in used)
    return EdgeListLayout(False, reason, columns, src, tgt, weight, time, attributes, unused)


def edge_cells(table: Table, layout: EdgeListLayout, file: str) -> Iterator[EdgeCells | Reject]:
    """The rows of ``table`` as ``layout`` reads them (the header skipped); a row that cannot be an edge
    (cells beyond the header, an attribute dict that does not parse) is a :class:`Reject` of ``file``."""
    rows = table.entries()
    if layout.header:
        next(rows, None)
    names = layout.columns
    for entry in rows:
        if isinstance(entry, OverLimit):  # a cell or the row over a limit (loaders/limits.py): this row only
            yield _over_limit(file, entry, names)
            continue
        row_no, cells = entry
        if layout.header:
            values: dict[str, Any] = {n: (cells[i] if i < len(cells) else None) for i, n in enumerate(names) if n}
            if any(c.strip() for c in cells[len(names):]) or \
                    any(not n and i < len(cells) and cells[i].strip() for i, n in enumerate(names)):
                yield Reject(file, row_no, "", "more cells than the header has columns", values)
                continue
        else:
            values = {n: (cells[i] if i < len(cells) else None) for i, n in enumerate(names)}

        def cell(at: int | None) -> Any:
            return cells[at] if at is not None and at < len(cells) else None

        weight, date = cell(layout.weight), cell(layout.time)
        if layout.attributes and len(cells) > 2:
            parsed = _parse_attributes(cells[2])
            if parsed is None:
                yield Reject(file, row_no, "3", f"not a networkx attribute dict: {cells[2].strip()[:60]!r}", values)
                continue
            weight = parsed.get("weight") if layout.weight is not None else None
            date = next((parsed[k] for k in _TIME_COLUMNS if k in parsed), None) if layout.time is not None else None
        yield EdgeCells(row_no, cell(layout.source), cell(layout.target), weight, date, values)


def _over_limit(file: str, entry: OverLimit, names: tuple[str, ...]) -> Reject:
    """The reject of a row over a cell or row limit: the column of the cell over it (by the layout's
    name, or its position beyond them), the cells as the report shows them."""
    column = ""
    if entry.column is not None:
        column = names[entry.column - 1] if entry.column <= len(names) and names[entry.column - 1] \
            else str(entry.column)
    values = {(names[i] if i < len(names) and names[i] else str(i + 1)): c for i, c in enumerate(entry.cells)}
    return Reject(file, entry.row, column, entry.reason, values)


def _parse_attributes(text: str) -> dict | None:
    """networkx's ``{'weight': 3}`` (a Python literal), or None."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
