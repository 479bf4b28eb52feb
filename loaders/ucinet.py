"""UCINET DL files: ``format = fullmatrix`` (the default), ``edgelist1`` and ``nodelist1`` (one-mode, ``n =``),
and their two-mode forms (``nr = nc =``: ``fullmatrix``, ``edgelist2``, ``nodelist2``), with labels listed
(``labels:``, ``row labels:``, ``column labels:``) or embedded in the data (``labels embedded``...).

The header (everything before ``data:``) is read first; the data are read twice: a first pass checks their
shape (a full matrix holds exactly nr x nc values), the names and whether any value is other than 0 and 1;
a second pass yields the nodes and edges :mod:`loaders.networks` imports. Tokens are separated by blanks or
commas; a name with blanks is written in double quotes. A value of 0 is no tie (as in a matrix), any other
number a tie of that weight; edge lists without a value and node lists are ties of weight 1. See
docs/networks.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chokepoint.graph import ids
from chokepoint.graph import schema
from chokepoint.loaders.networks import NetworkImportError, NetworkOptions, Source, _Edge, _Node, _number, _Plan
from chokepoint.loaders.nettext import Token, check_weights, encoding, numbered_lines, tokens
from chokepoint.loaders.rows import Reject
from chokepoint.loaders.values import BadValue

__all__ = ["ONE_MODE", "TWO_MODE", "read"]

#: formats of one-mode files (n =) and of two-mode files (nr = nc =)
ONE_MODE = ("fullmatrix", "edgelist1", "nodelist1")
TWO_MODE = ("fullmatrix", "edgelist2", "nodelist2")


@dataclass
class _Header:
    encoding: str
    line: int = 1                           # the DL line
    sizes: dict[str, int] = field(default_factory=dict)     # n, nr, nc, nm
    format: str = "fullmatrix"
    rows: list[tuple[str, int]] | None = None   # listed row labels (label, line)
    cols: list[tuple[str, int]] | None = None   # listed column labels
    rows_embedded: bool = False
    cols_embedded: bool = False
    data_line: int = 0                      # the line of "data:"
    data_skip: int = 0                      # tokens of that line before the data

    @property
    def two_mode(self) -> bool:
        return "nr" in self.sizes

    @property
    def nr(self) -> int:
        return self.sizes.get("nr", self.sizes.get("n", 0))

    @property
    def nc(self) -> int:
        return self.sizes.get("nc", self.sizes.get("n", 0))


def read(path: Path, base: dict, options: NetworkOptions) -> Source:
    """The import plan and the node/edge events of the DL file ``path`` (``base``: the plan's common fields;
    ``base["col_label"]`` set for a two-mode import)."""
    directed = options.directed
    h = _header(path)
    two_mode = base["col_label"] is not None
    if h.two_mode and not two_mode:
        raise NetworkImportError(f"{path}: line {h.line}: a two-mode DL file (nr={h.nr} nc={h.nc}); import it with "
                                 "--two-mode --row-label L --col-label L")
    if two_mode and not h.two_mode:
        raise NetworkImportError(f"{path}: line {h.line}: --two-mode needs a two-mode DL file (nr= nc=); this one "
                                 f"is one-mode (n={h.nr})")
    label, target = base["label"], base["col_label"] or base["label"]
    weighted = "weight" in schema.SCHEMA.relationships[base["rel_type"]].properties
    p = _Plan(**base, file=path.name, directed=True if two_mode or directed is None else directed, weight=weighted,
              date=False, source_col="row", target_col="column", weight_col="weight", time_col="")
    read_as = {"dl_format": h.format, **{k: v for k, v in h.sizes.items() if k != "nm"},
               "labels": "embedded" if h.rows_embedded or h.cols_embedded else "listed" if h.rows or h.cols
               else "numbers"}
    if h.format == "fullmatrix":
        rows, cols, nonbinary = _check_matrix(path, h, p)
        if nonbinary:
            check_weights(path, p.rel_type, label, target, "values other than 0 and 1")
        return Source(p, _matrix_events(path, h, p, rows, cols), read_as)
    nonbinary = _check_lists(path, h, p)
    if nonbinary:
        check_weights(path, p.rel_type, label, target, "values other than 0 and 1")
    return Source(p, _list_events(path, h, p), read_as)


# -- the header ----------------------------------------------------------------------------------
def _header(path: Path) -> _Header:
    h = _Header(encoding(path))
    stream: list[tuple[int, int, Token]] = []       # (line, index in the line, token) up to "data:"
    for number, line in numbered_lines(path, h.encoding):
        cells = tokens(line, commas=True, split="=:")
        for k, cell in enumerate(cells):
            stream.append((number, k, cell))
        if any(a.text.lower() == "data" and not a.quoted and b.text == ":" and not b.quoted
               for a, b in zip(cells, cells[1:])):
            break
    words = _Words(path, stream)
    first = words.next()
    if first is None or first.text.lower() != "dl" or first.quoted:
        raise NetworkImportError(f"{path}: not a UCINET DL file: it must start with DL")
    h.line = words.line
    while True:
        word = words.next()
        if word is None:
            raise NetworkImportError(f"{path}: no data: line (the DL header never ends)")
        key = "" if word.quoted else word.text.lower()
        if key in ("n", "nr", "nc", "nm"):
            h.sizes[key] = words.integer(key)
        elif key == "format":
            words.expect("=")
            h.format = words.value("format").lower()
        elif key == "diagonal":
            words.expect("=")
            if words.value("diagonal").lower() != "present":
                raise NetworkImportError(f"{path}: line {words.line}: diagonal = absent is not read here; write the "
                                         "diagonal (0 for no self-tie)")
        elif key in ("labels", "row", "column", "col", "matrix"):
            if key != "labels":
                if (words.next() or Token("")).text.lower() != "labels":
                    raise NetworkImportError(f"{path}: line {words.line}: expected '{key} labels'")
            _labels(words, h, key)
        elif key == "data":
            words.expect(":")
            h.data_line, h.data_skip = words.line, words.index + 1
            break
        else:
            raise NetworkImportError(f"{path}: line {words.line}: unknown DL keyword {word.text!r}")
    _check_header(path, h)
    return h


class _Words:
    """The header's tokens, one at a time, knowing their line."""

    def __init__(self, path: Path, stream: list[tuple[int, int, Token]]):
        self.path, self.stream, self.at, self.line, self.index = path, stream, 0, 1, 0

    def next(self) -> Token | None:
        if self.at >= len(self.stream):
            return None
        self.line, self.index, token = self.stream[self.at]
        self.at += 1
        return token

    def peek(self) -> Token | None:
        return self.stream[self.at][2] if self.at < len(self.stream) else None

    def expect(self, text: str) -> None:
        token = self.next()
        if token is None or token.text != text:
            got = "the end" if token is None else repr(token.text)
            raise NetworkImportError(f"{self.path}: line {self.line}: expected {text!r}, got {got}")

    def value(self, what: str) -> str:
        token = self.next()
        if token is None:
            raise NetworkImportError(f"{self.path}: line {self.line}: no value for {what}")
        return token.text

    def integer(self, what: str) -> int:
        self.expect("=")
        text = self.value(what)
        if not text.isdigit() or int(text) < 1:
            raise NetworkImportError(f"{self.path}: line {self.line}: {what} = {text!r} is not a positive whole number")
        return int(text)


def _labels(words: _Words, h: _Header, key: str) -> None:
    """``labels embedded`` / ``labels:`` followed by the labels (and the same for ``row``, ``column``, ``matrix``)."""
    token = words.next()
    text = "" if token is None else token.text.lower()
    if text == "embedded":
        if words.peek() is not None and words.peek().text == ":":
            words.next()
        if key == "matrix":
            raise NetworkImportError(f"{words.path}: line {words.line}: matrix labels embedded is not read here")
        if key in ("labels", "row"):
            h.rows_embedded = True
        if key in ("labels", "column", "col"):
            h.cols_embedded = True
        return
    if text != ":":
        raise NetworkImportError(f"{words.path}: line {words.line}: expected ':' or 'embedded' after "
                                 f"{'' if key == 'labels' else key + ' '}labels")
    size = {"labels": "n", "row": "nr", "column": "nc", "col": "nc", "matrix": "nm"}[key]
    count = h.sizes.get("nm", 1) if size == "nm" else (h.nr if size == "nr" else h.nc if size == "nc" else
                                                       h.sizes.get("n", 0))
    if not count:
        raise NetworkImportError(f"{words.path}: line {words.line}: labels before the size (n = or nr = nc =)")
    found: list[tuple[str, int]] = []
    while len(found) < count:
        token = words.next()
        if token is None or (not token.quoted and token.text.lower() == "data" and words.peek() is not None
                             and words.peek().text == ":"):
            what = "labels" if key == "labels" else f"{key} labels"
            raise NetworkImportError(f"{words.path}: line {words.line}: {len(found)} {what} where {count} are "
                                     "expected")
        if token.text == "=" and not token.quoted:
            continue  # UCINET also separates labels by '='
        found.append((token.text.strip(), words.line))
    if key in ("labels", "row"):
        h.rows = found
    if key in ("labels", "column", "col"):
        h.cols = found


def _check_header(path: Path, h: _Header) -> None:
    sizes = h.sizes
    if sizes.get("nm", 1) != 1:
        raise NetworkImportError(f"{path}: line {h.line}: the file holds {sizes['nm']} matrices (nm); import one "
                                 "matrix per file")
    if "n" in sizes and ("nr" in sizes or "nc" in sizes):
        raise NetworkImportError(f"{path}: line {h.line}: give n = (one-mode) or nr = and nc = (two-mode), not both")
    if "n" not in sizes and not ("nr" in sizes and "nc" in sizes):
        raise NetworkImportError(f"{path}: line {h.line}: no size: give n = (one-mode) or nr = and nc = (two-mode)")
    allowed = TWO_MODE if h.two_mode else ONE_MODE
    if h.format not in allowed:
        mode = "two-mode (nr= nc=)" if h.two_mode else "one-mode (n=)"
        raise NetworkImportError(f"{path}: format = {h.format} is not read here for a {mode} file; read: "
                                 f"{', '.join(allowed)}")
    if not h.two_mode:  # one node set: labels given for one side name both
        if h.rows is not None and h.cols is None and not h.cols_embedded:
            h.cols = h.rows
        elif h.cols is not None and h.rows is None and not h.rows_embedded:
            h.rows = h.cols
        if h.format != "fullmatrix" and (h.rows_embedded or h.cols_embedded):
            h.rows_embedded = h.cols_embedded = True
    for names, what in ((h.rows, "row"), (h.cols, "column")):
        if names is not None and len(names) != (h.nr if what == "row" else h.nc):
            raise NetworkImportError(f"{path}: {len(names)} {what} labels for {h.nr if what == 'row' else h.nc} "
                                     f"{what}s")


# -- the data ------------------------------------------------------------------------------------
def _data_lines(path: Path, h: _Header) -> Iterator[tuple[int, list[str]]]:
    """``(line, tokens)`` of the data lines (what follows ``data:``), blank lines skipped."""
    for number, line in numbered_lines(path, h.encoding):
        if number < h.data_line:
            continue
        cells = [t.text for t in tokens(line, commas=True)]
        if number == h.data_line:
            # the header counted '=' and ':' as tokens of their own: skip what it read, by its own tokens
            split = tokens(line, commas=True, split="=:")
            rest = split[h.data_skip:]
            cells = [t.text for t in rest]
        if cells:
            yield number, cells


def _names(listed: list[tuple[str, int]] | None, count: int) -> list[str]:
    return [name for name, _ in listed] if listed is not None else [str(k) for k in range(1, count + 1)]


def _walk_matrix(path: Path, h: _Header) -> Iterator[tuple]:
    """``("col", line, name)`` for embedded column labels, ``("row", line, name)`` for embedded row labels,
    ``("cell", line, r, c, text)`` for every value; fatal when the data are not nr x nc values."""
    nr, nc = h.nr, h.nc
    flat = ((number, cell) for number, cells in _data_lines(path, h) for cell in cells)
    last = h.data_line

    def take(what: str) -> tuple[int, str]:
        nonlocal last
        got = next(flat, None)
        if got is None:
            raise NetworkImportError(f"{path}: line {last}: the data end before {what} (a full matrix of {nr} x {nc} "
                                     f"values{', with labels embedded' if h.rows_embedded or h.cols_embedded else ''})")
        last = got[0]
        return got

    if h.cols_embedded:
        for c in range(nc):
            number, name = take(f"column label {c + 1}")
            yield "col", number, name
    for r in range(nr):
        if h.rows_embedded:
            number, name = take(f"row label {r + 1}")
            yield "row", number, name
        for c in range(nc):
            number, text = take(f"value {c + 1} of row {r + 1}")
            yield "cell", number, r, c, text
    extra = next(flat, None)
    if extra is not None:
        raise NetworkImportError(f"{path}: line {extra[0]}: more data than a {nr} x {nc} matrix (from {extra[1]!r})")


def _check_matrix(path: Path, h: _Header, p: _Plan) -> tuple[list[str], list[str], bool]:
    """First pass over a full matrix: its row and column names and whether a value is other than 0 and 1."""
    rows, cols = [], []
    row_lines: list[int] = []
    nonbinary = False
    for item in _walk_matrix(path, h):
        if item[0] == "col":
            cols.append(item[2].strip())
        elif item[0] == "row":
            rows.append(item[2].strip())
            row_lines.append(item[1])
        elif not nonbinary and item[4].strip():
            try:
                nonbinary = _number(item[4]) not in (0.0, 1.0)
            except BadValue:
                pass
    rows = rows if h.rows_embedded else _names(h.rows, h.nr)
    if not h.cols_embedded:
        one_set = not h.two_mode and h.rows_embedded and h.cols is None
        cols = list(rows) if one_set else _names(h.cols, h.nc)  # one node set: row labels name the columns too
    col_label = p.col_label or p.label
    _distinct(path, p.dataset, p.label, rows, "row")
    _distinct(path, p.dataset, col_label, cols, "column")
    if not h.two_mode:
        ids_r = {ids.entity_id(p.dataset, p.label, [n]) for n in rows}
        ids_c = {ids.entity_id(p.dataset, p.label, [n]) for n in cols}
        if ids_r != ids_c:
            only_r = [n for n in rows if ids.entity_id(p.dataset, p.label, [n]) not in ids_c]
            only_c = [n for n in cols if ids.entity_id(p.dataset, p.label, [n]) not in ids_r]
            raise NetworkImportError(f"{path}: a one-mode matrix needs the same names on rows and columns: only in "
                                     f"rows: {', '.join(map(repr, only_r[:5]))}; only in columns: "
                                     f"{', '.join(map(repr, only_c[:5]))}")
    return rows, cols, nonbinary


def _distinct(path: Path, dataset: str, label: str, names: list[str], what: str) -> None:
    seen: dict[str, str] = {}
    for name in names:
        node_id = ids.entity_id(dataset, label, [name])
        if node_id is None:
            raise NetworkImportError(f"{path}: a {what} label {name!r} gives no usable {label} name")
        if node_id in seen:
            raise NetworkImportError(f"{path}: the {what} labels {seen[node_id]!r} and {name!r} name the same "
                                     f"{label}")
        seen[node_id] = name


def _node_refs(p: _Plan, h: _Header, listed, count: int) -> list[str]:
    if listed is not None:
        return [f"{p.file}:{line}" for _, line in listed]
    return [f"{p.file}:{h.line}"] * count


def _matrix_events(path: Path, h: _Header, p: _Plan, rows: list[str], cols: list[str]) -> Iterator:
    file = p.file
    col_label = p.col_label
    if not h.rows_embedded:
        for name, ref in zip(rows, _node_refs(p, h, h.rows, h.nr)):
            yield _Node(name, ref)
    undirected = not p.directed
    # one-mode: the position of each row's name among the columns (rows may come in another order)
    where = {ids.entity_id(p.dataset, p.label, [n]): j for j, n in enumerate(cols)}
    index = [where[ids.entity_id(p.dataset, p.label, [n])] for n in rows] if not h.two_mode else list(range(len(rows)))
    upper: dict[tuple[int, int], tuple[float, str]] = {}
    lower: dict[tuple[int, int], tuple[float, str, int]] = {}
    bad: set[tuple[int, int]] = set()
    first_line: dict[int, int] = {}     # a row (by its column position) -> the line of its first value
    for item in _walk_matrix(path, h):
        kind, number = item[0], item[1]
        if kind == "col":
            yield _Node(item[2].strip(), f"{file}:{number}", col_label)
            continue
        if kind == "row":
            yield _Node(item[2].strip(), f"{file}:{number}")
            continue
        _, number, r, c, text = item
        if c == 0:
            first_line.setdefault(index[r], number)
        values = {"row": rows[r], "column": cols[c], "value": text}
        i, j = index[r], c
        pair = (min(i, j), max(i, j))
        try:
            weight = _number(text)
        except BadValue as err:
            bad.add(pair)
            yield Reject(file, number, cols[c], f"{err} (row {rows[r]!r}, column {cols[c]!r})", values)
            continue
        if weight == 0:
            continue
        if undirected and j < i:
            lower[pair] = (weight, text, number)
            continue
        if undirected and i < j:
            upper[pair] = (weight, text)
        yield _Edge(number, rows[r], cols[c], weight if p.weight else None, None, values, f"{file}:{number}")
    if h.two_mode and not h.cols_embedded:
        for name, ref in zip(cols, _node_refs(p, h, h.cols, h.nc)):
            yield _Node(name, ref, col_label)
    if undirected:  # a lower cell that differs from its upper mirror is reported; the upper value stands
        for i, j in sorted(set(upper) | set(lower)):
            if (i, j) in bad:
                continue
            up, low = upper.get((i, j), (0.0, "0")), lower.get((i, j), (0.0, "0", 0))
            if up[0] == low[0]:
                continue
            line = low[2] or first_line[j]   # the lower cell M[j][i], or where its row starts
            reason = f"asymmetric: M[{cols[i]}][{cols[j]}]={up[1]} but M[{cols[j]}][{cols[i]}]={low[1]}"
            yield Reject(file, line, cols[i], reason,
                         {"row": cols[j], "column": cols[i], "value": low[1], "mirror": up[1]})


# -- edge lists and node lists ---------------------------------------------------------------------
def _ends(h: _Header) -> tuple[list[str] | None, list[str] | None]:
    """Names by number for rows and columns (None: the data name them, labels embedded)."""
    rows = None if h.rows_embedded else _names(h.rows, h.nr)
    cols = None if h.cols_embedded else _names(h.cols, h.nc)
    return rows, cols


def _resolve(token: str, names: list[str] | None) -> str | None:
    """The name a data token stands for: itself (labels embedded) or the label of vertex number ``token``."""
    if names is None:
        return token.strip()
    if token.isdigit() and 1 <= int(token) <= len(names):
        return names[int(token) - 1]
    return None


def _pairs(path: Path, h: _Header) -> Iterator[tuple[int, str, str, str | None, str | None, str | None,
                                                       dict[str, str]]]:
    """``(line, problem or "", its column, row name, column name, value text, values)`` for each pair of the
    data."""
    rows, cols = _ends(h)
    edgelist = h.format.startswith("edgelist")
    for number, cells in _data_lines(path, h):
        if edgelist:
            values = dict(zip(("row", "column", "value"), cells))
            if len(cells) < 2:
                yield number, "a pair needs two ends", "column", None, None, None, values
                continue
            if len(cells) > 3:
                yield (number, f"{len(cells)} values on an edge list line (row, column, value)", "", None, None, None,
                       values)
                continue
            pairs = [(cells[0], cells[1], cells[2] if len(cells) == 3 else None)]
        else:
            pairs = [(cells[0], target, None) for target in cells[1:]]
        for a, b, value in pairs:
            values = {"row": a, "column": b, **({"value": value} if value is not None else {})}
            name_a, name_b = _resolve(a, rows), _resolve(b, cols)
            problem, column = "", ""
            for what, token, name, names in (("row", a, name_a, rows), ("column", b, name_b, cols)):
                if name is None and not problem:
                    problem, column = f"no {what} {token!r} (numbers are 1..{len(names)})", what
            yield number, problem, column, name_a, name_b, value, values


def _check_lists(path: Path, h: _Header, p: _Plan) -> bool:
    """First pass over an edge or node list: whether a value is other than 0 and 1; with labels embedded,
    no more names than the header says."""
    nonbinary = False
    seen_rows: set[str] = set()
    seen_cols: set[str] = set()
    col_label = p.col_label or p.label
    for number, problem, _, a, b, value, _ in _pairs(path, h):
        if problem:
            continue
        if value is not None and not nonbinary:
            try:
                nonbinary = _number(value) not in (0.0, 1.0)
            except BadValue:
                pass
        if h.rows_embedded:
            seen_rows.add(ids.entity_id(p.dataset, p.label, [a]))
        if h.cols_embedded:
            (seen_cols if h.two_mode else seen_rows).add(ids.entity_id(p.dataset, col_label, [b]))
        for seen, size, what in ((seen_rows, h.nr, "nr" if h.two_mode else "n"), (seen_cols, h.nc, "nc")):
            seen.discard(None)
            if len(seen) > size:
                raise NetworkImportError(f"{path}: line {number}: the data name more than {what} = {size} nodes")
    return nonbinary


def _list_events(path: Path, h: _Header, p: _Plan) -> Iterator:
    rows, cols = _ends(h)
    if rows is not None:
        for name, ref in zip(rows, _node_refs(p, h, h.rows, h.nr)):
            yield _Node(name, ref)
    if cols is not None and h.two_mode:
        for name, ref in zip(cols, _node_refs(p, h, h.cols, h.nc)):
            yield _Node(name, ref, p.col_label)
    for number, problem, column, a, b, value, values in _pairs(path, h):
        if problem:
            yield Reject(p.file, number, column, problem, values)
            continue
        weight = 1.0
        if value is not None:
            try:
                weight = _number(value)
            except BadValue as err:
                yield Reject(p.file, number, "value", str(err), values)
                continue
            if weight == 0:
                continue  # no tie, as a 0 in a matrix
        yield _Edge(number, a, b, weight if p.weight else None, None, values, f"{p.file}:{number}")
