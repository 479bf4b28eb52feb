"""Pajek ``.net`` files: ``*Vertices`` with labels, ``*Arcs`` and ``*Edges`` (weights optional), ``*Arcslist`` and
``*Edgeslist``; one-mode, or two-mode (``*Vertices n m``: the first m vertices are one mode, the rest the other).

The file is read twice: a first pass reads the vertices (kept: one name per vertex) and finds the sections
and whether any line has a weight, a second pass yields the nodes and edges :mod:`loaders.networks` imports.
Lines starting with ``%`` are comments; ``*Network`` names the network and is ignored. Vertex coordinates,
shapes and colours, and edge attributes after the weight (``c Blue``...), are ignored. See docs/networks.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chokepoint.loaders.networks import NetworkImportError, NetworkOptions, Source, _Edge, _Node, _Plan
from chokepoint.loaders.nettext import check_weights, encoding, numbered_lines, tokens
from chokepoint.loaders.rows import Reject

__all__ = ["SECTIONS", "read"]

#: the edge sections read, and whether their lines are directed
SECTIONS = {"*arcs": True, "*edges": False, "*arcslist": True, "*edgeslist": False}
#: Pajek's edge attribute keywords: a third token that is one of them is not a weight
_EDGE_KEYWORDS = {"w", "c", "p", "l", "lp", "lr", "lphi", "lc", "la", "s", "a", "ap", "h1", "h2", "k1", "k2",
                  "a1", "a2", "fos", "font", "lw"}


@dataclass
class _Scan:
    encoding: str
    n: int = 0
    rows: int | None = None                     # two-mode: vertices 1..rows are the rows
    vertices_line: int = 0
    names: dict[int, tuple[str, int]] = field(default_factory=dict)   # vertex -> (label, line)
    sections: set[str] = field(default_factory=set)
    weighted: bool = False


def read(path: Path, base: dict, options: NetworkOptions) -> Source:
    """The import plan and the node/edge events of the Pajek file ``path`` (``base``: the plan's common fields;
    ``base["col_label"]`` set for a two-mode import)."""
    directed = options.directed
    scan = _scan(path)
    two_mode = base["col_label"] is not None
    if scan.rows is not None and not two_mode:
        raise NetworkImportError(f"{path}: line {scan.vertices_line}: a two-mode Pajek network (*Vertices {scan.n} "
                                 f"{scan.rows}: vertices 1-{scan.rows} of one mode, the rest of the other); import "
                                 "it with --two-mode --row-label L --col-label L")
    if two_mode and scan.rows is None:
        raise NetworkImportError(f"{path}: --two-mode needs a two-mode Pajek file (*Vertices n m: the first m "
                                 "vertices are the rows); this one is one-mode")
    if two_mode:
        plan_directed = True
    elif directed is not None:
        plan_directed = directed
    else:
        plan_directed = any(SECTIONS[s] for s in scan.sections) or not scan.sections
    weight = scan.weighted and check_weights(path, base["rel_type"], base["label"],
                                             base["col_label"] or base["label"], "on arcs or edges")
    p = _Plan(**base, file=path.name, directed=plan_directed, weight=weight, date=False, source_col="source",
              target_col="target", weight_col="weight", time_col="")
    kinds = {SECTIONS[s] for s in scan.sections}
    own_direction = directed is None and not two_mode and len(kinds) == 2  # *Arcs and *Edges: each its own
    read_as = {"vertices": scan.n, "sections": sorted(scan.sections),
               **({"row_vertices": scan.rows} if scan.rows is not None else {}),
               **({"directed": "per section"} if own_direction else {})}
    return Source(p, _events(path, scan, p, own_direction), read_as)


def _header(line: str) -> str | None:
    """The section keyword of a ``*...`` line, lower-cased; None for other lines."""
    text = line.strip()
    return text.split()[0].lower() if text.startswith("*") else None


def _scan(path: Path) -> _Scan:
    scan = _Scan(encoding(path))
    section = None
    for number, line in numbered_lines(path, scan.encoding):
        text = line.strip()
        if not text or text.startswith("%"):
            continue
        head = _header(text)
        if head is not None:
            section = head
            if head == "*network":
                continue
            if head == "*vertices":
                if scan.vertices_line:
                    raise NetworkImportError(f"{path}: line {number}: a second *Vertices line (the first is at "
                                             f"line {scan.vertices_line})")
                scan.vertices_line = number
                counts = text.split()[1:]
                if not 1 <= len(counts) <= 2 or not all(c.isdigit() for c in counts):
                    raise NetworkImportError(f"{path}: line {number}: expected *Vertices n (or *Vertices n m for a "
                                             f"two-mode network), got {text!r}")
                scan.n = int(counts[0])
                if len(counts) == 2:
                    scan.rows = int(counts[1])
                    if not 0 < scan.rows < scan.n:
                        raise NetworkImportError(f"{path}: line {number}: *Vertices {scan.n} {scan.rows}: the "
                                                 "rows must be between 1 and n - 1")
            elif head in SECTIONS:
                if not scan.vertices_line:
                    raise NetworkImportError(f"{path}: line {number}: {text.split()[0]} before any *Vertices line")
                scan.sections.add(head)
            else:
                known = ", ".join(["*Network", "*Vertices", "*Arcs", "*Edges", "*Arcslist", "*Edgeslist"])
                raise NetworkImportError(f"{path}: line {number}: section {text.split()[0]} is not read here "
                                         f"(read: {known})")
            continue
        if section == "*vertices":
            _vertex(path, scan, number, line)
        elif section in ("*arcs", "*edges"):
            cells = tokens(line)
            if len(cells) > 2 and cells[2].text.lower() not in _EDGE_KEYWORDS:
                scan.weighted = True
        elif section is None or section == "*network":
            raise NetworkImportError(f"{path}: line {number}: not a Pajek file (data before any *Vertices line): "
                                     f"{text[:60]!r}")
    if not scan.vertices_line:
        raise NetworkImportError(f"{path}: not a Pajek file: no *Vertices line")
    return scan


def _vertex(path: Path, scan: _Scan, number: int, line: str) -> None:
    cells = tokens(line)
    first = cells[0].text
    if not first.isdigit() or not 1 <= int(first) <= scan.n:
        raise NetworkImportError(f"{path}: line {number}: vertex number {first!r} is not one of 1..{scan.n} "
                                 f"(*Vertices {scan.n})")
    vertex = int(first)
    if vertex in scan.names:
        raise NetworkImportError(f"{path}: line {number}: vertex {vertex} is listed twice (first at line "
                                 f"{scan.names[vertex][1]})")
    label = cells[1].text.strip() if len(cells) > 1 else ""
    scan.names[vertex] = (label or first, number)


def _events(path: Path, scan: _Scan, p: _Plan, own_direction: bool) -> Iterator[_Node | _Edge | Reject]:
    """Every vertex (those without a line are named by their number, as Pajek does), then every edge line."""
    rows = scan.rows
    for vertex in range(1, scan.n + 1):
        name, line = scan.names.get(vertex, (str(vertex), scan.vertices_line))
        yield _Node(name, f"{p.file}:{line}", p.col_label if rows is not None and vertex > rows else None)
    section = None
    for number, line in numbered_lines(path, scan.encoding):
        text = line.strip()
        if not text or text.startswith("%"):
            continue
        head = _header(text)
        if head is not None:
            section = head
            continue
        if section not in SECTIONS:
            continue
        cells = [t.text for t in tokens(line)]
        direction = SECTIONS[section] if own_direction else None
        if section in ("*arcslist", "*edgeslist"):
            pairs = [(cells[0], target, None) for target in cells[1:]]
            if not pairs:
                continue  # a vertex with no arcs
        elif len(cells) < 2:
            values = {"section": section, "line": text}
            yield Reject(p.file, number, "target", "an arc or edge needs two vertex numbers", values)
            continue
        else:
            weight = cells[2] if len(cells) > 2 and cells[2].lower() not in _EDGE_KEYWORDS else None
            pairs = [(cells[0], cells[1], weight)]
        for source, target, weight in pairs:
            values = {"source": source, "target": target, **({"weight": weight} if weight is not None else {})}
            yield _edge(scan, p, number, source, target, weight, values, direction)


def _edge(scan: _Scan, p: _Plan, number: int, source: str, target: str, weight: str | None,
          values: dict[str, str], direction: bool | None) -> _Edge | Reject:
    ends = []
    for column, token in (("source", source), ("target", target)):
        if not token.isdigit() or not 1 <= int(token) <= scan.n:
            return Reject(p.file, number, column, f"no vertex {token!r} (vertices are 1..{scan.n})", values)
        ends.append(int(token))
    a, b = ends
    if scan.rows is not None:
        if (a <= scan.rows) == (b <= scan.rows):
            side = "rows" if a <= scan.rows else "columns"
            span = f"1..{scan.rows}" if side == "rows" else f"{scan.rows + 1}..{scan.n}"
            return Reject(p.file, number, "target", f"a two-mode line must join a row to a column, but vertices "
                          f"{a} and {b} are both {side} ({span})", values)
        if a > scan.rows:
            a, b = b, a  # always row -> column
    names = scan.names
    name_a, name_b = (names.get(v, (str(v), 0))[0] for v in (a, b))
    return _Edge(number, name_a, name_b, weight if p.weight else None, None, values, f"{p.file}:{number}", direction)
