"""Saved, parameterised Cypher queries: reviewed ``.cypher`` files with a typed header, run read-only.

A saved query is configuration, not code: a file in ``queries/cypher/`` (or in the folder named by
``CHOKEPOINT_QUERIES``, whose queries replace built-in ones of the same name) that opens with a header
of ``// field: value`` lines and continues with one Cypher statement (format: docs/saved-queries.md).
Values reach the query only as ``$parameters``; :func:`run` checks with ``EXPLAIN`` that the statement
only reads, runs it in a READ transaction with a timeout, caps the rows, and returns both the table and
the graph elements in it. :func:`run_cypher` is the same runner for ad-hoc Cypher.

Example
-------
>>> q = parse('''// name: port-by-code
... // title: A port of entry by its code
... // param: code string = "2504" -- Port of entry code
... MATCH (p:PortOfEntry {code: $code}) RETURN p.name AS name''')
>>> q.name, [(p.name, p.type, p.default) for p in q.params]
('port-by-code', [('code', 'string', '2504')])
>>> coerce_params(q, {})
{'code': '2504'}
>>> coerce_params(q, {"code": " 2604 "})
{'code': '2604'}
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from chokepoint.graph import errors
from chokepoint.graph.errors import ChokepointError, StoreUnavailable
from chokepoint.graph.store import Store
from chokepoint.graph.values import jsonable
from chokepoint.graph.audit import audited

__all__ = [
    "BUILTIN",
    "DEFAULT_LIMIT",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "ENV",
    "FIELDS",
    "TYPES",
    "Param",
    "SavedQuery",
    "QueryResult",
    "SavedQueryError",
    "QueryFileError",
    "ParameterError",
    "NotReadOnly",
    "UnknownQuery",
    "QueryTimeout",
    "saved_queries",
    "get",
    "parse",
    "read_file",
    "coerce_params",
    "run",
    "run_cypher",
    "cypher_params",
]

#: The built-in queries, shipped with the package.
BUILTIN = Path(__file__).with_name("cypher")
#: Environment variable naming a folder of extra (or replacing) ``*.cypher`` queries.
ENV = "CHOKEPOINT_QUERIES"
#: Rows returned by :func:`run` unless told otherwise.
DEFAULT_LIMIT = 1_000
#: Seconds a query may run before Neo4j stops it, unless told otherwise.
DEFAULT_TIMEOUT = 30.0
#: The longest timeout a query may ask for (the local Neo4j's own transaction timeout).
MAX_TIMEOUT = 900.0
#: Parameter types a header may declare.
TYPES = ("string", "integer", "float", "boolean", "date", "string[]")
#: Header fields; ``param`` may repeat, the others appear at most once.
FIELDS = ("name", "title", "description", "tags", "param")

_REQUIRED_FIELDS = ("name", "title")
_NAME = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FIELD_LINE = re.compile(r"//(?: ?)([A-Za-z_]+)\s*:\s*(.*?)\s*\Z")
_PARAM_HEAD = re.compile(r"(?P<name>\S+)\s+(?P<type>\S+)\s*")
_PARAM_USE = re.compile(r"\$(\w+)")
_TRUE, _FALSE = {"true", "yes", "y", "1", "on"}, {"false", "no", "n", "0", "off"}


class SavedQueryError(ChokepointError):
    """A saved query that cannot be listed, read or run (the message says which and why)."""


class QueryFileError(SavedQueryError):
    """A ``.cypher`` file whose header or body is wrong; the message names the file and line."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = Path(path), line


class ParameterError(SavedQueryError, ValueError):
    """A parameter value that is missing, unknown or not of its declared type."""


class NotReadOnly(SavedQueryError, errors.NotReadOnly):
    """The query would write (or change the schema); saved queries only read."""


class UnknownQuery(SavedQueryError, LookupError):
    """No saved query has that name."""


class QueryTimeout(SavedQueryError, errors.QueryTimeout):
    """The query ran longer than its timeout; Neo4j stopped it and nothing was returned."""


@dataclass(frozen=True)
class Param:
    """One declared parameter: ``// param: NAME TYPE [= DEFAULT] -- HELP``."""

    name: str
    type: str
    help: str
    required: bool            # declared without a default
    default: Any = None       # typed (a ``datetime.date`` for dates, a list for ``string[]``)
    line: int = 0

    def describe(self) -> str:
        """``name (type) = default``, as the CLI and docs show it.

        >>> Param("port", "string", "Port code", False, "2504").describe()
        'port (string) = "2504"'
        >>> Param("start", "date", "From", True).describe()
        'start (date, required)'
        """
        if self.required:
            return f"{self.name} ({self.type}, required)"
        return f"{self.name} ({self.type}) = {self.default_text}"

    @property
    def default_text(self) -> str:
        """The default as the header writes it (a JSON literal), or ``(required)``."""
        return "(required)" if self.required else json.dumps(jsonable(self.default), ensure_ascii=False)


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    cypher: str
    path: Path | None = None
    source: str = "built-in"      # "built-in" or "user"
    replaces: Path | None = None  # the built-in file a user query replaces

    def matches(self, text: str) -> bool:
        """Whether ``text`` occurs (any case) in the name, title, description or tags."""
        needle = text.casefold()
        return any(needle in s.casefold() for s in (self.name, self.title, self.description, *self.tags))


@dataclass
class QueryResult:
    name: str
    params: dict[str, Any]          # the values the query ran with, JSON-friendly
    columns: list[str]
    rows: list[list[Any]]           # JSON-friendly values, one list per row in column order
    capped: bool                    # True when more rows existed than ``limit``
    limit: int
    #: every node and relationship in the rows (also inside paths, lists and maps), once each:
    #: ``{"nodes": [{"_labels": [...], "id": ...}], "edges": [{"_type": ..., "_start": id, "_end": id}]}``
    graph: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"nodes": [], "edges": []})
    #: the size cap in bytes when it stopped the reading (``capped`` is then True too), else 0
    byte_cap: int = 0

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    @property
    def note(self) -> str:
        """One line on how many rows there are.

        >>> QueryResult("q", {}, ["n"], [[1], [2]], True, 2).note
        'showing 2 of more rows (capped at 2; raise the limit to see more)'
        >>> QueryResult("q", {}, ["n"], [[1]], False, 2).note
        '1 row'
        >>> QueryResult("q", {}, ["n"], [[1]], True, 2, byte_cap=16 * 2**20).note
        'showing 1 row: the result was capped at 16 MiB (return fewer or smaller values to see more)'
        """
        n = len(self.rows)
        if self.byte_cap:
            return (f"showing {n:,} row{'' if n == 1 else 's'}: the result was capped at "
                    f"{self.byte_cap / 2**20:g} MiB (return fewer or smaller values to see more)")
        if self.capped:
            return f"showing {n:,} of more rows (capped at {self.limit:,}; raise the limit to see more)"
        return f"{n:,} row{'' if n == 1 else 's'}"

    @property
    def graph_note(self) -> str:
        """How many graph elements the rows hold.

        >>> QueryResult("q", {}, ["p"], [[{}]], False, 5, {"nodes": [{}, {}], "edges": [{}]}).graph_note
        'graph: 2 nodes, 1 relationship'
        """
        n, e = len(self.graph["nodes"]), len(self.graph["edges"])
        return f"graph: {n:,} node{'' if n == 1 else 's'}, {e:,} relationship{'' if e == 1 else 's'}"

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.name, "params": self.params, "columns": self.columns, "rows": self.records(),
                "row_count": len(self.rows), "capped": self.capped, "limit": self.limit, "note": self.note,
                "byte_cap": self.byte_cap or None, "graph": self.graph}


# -- finding queries ---------------------------------------------------------------------------
def saved_queries(search: str | None = None, tag: str | None = None) -> list[SavedQuery]:
    """Every saved query (built-in, then ``$CHOKEPOINT_QUERIES`` replacing by name), sorted by name.

    ``search`` keeps queries whose name, title, description or tags contain the text (any case);
    ``tag`` keeps those with exactly that tag.

    >>> "couriers-at-port" in [q.name for q in saved_queries(tag="couriers")]
    True
    """
    found: dict[str, SavedQuery] = {}
    for folder, source in _folders():
        seen: dict[str, Path] = {}
        for path in sorted(folder.glob("*.cypher")):
            query = read_file(path, source=source)
            if query.name in seen:
                raise QueryFileError(path, 1, f"name {query.name!r} is already used by {seen[query.name]}")
            seen[query.name] = path
            if query.name in found and source == "user":
                query = replace(query, replaces=found[query.name].path)
            found[query.name] = query
    queries = sorted(found.values(), key=lambda q: q.name)
    if search:
        queries = [q for q in queries if q.matches(search)]
    if tag:
        queries = [q for q in queries if tag.casefold() in q.tags]
    return queries


def get(name: str) -> SavedQuery:
    """The saved query called ``name``; :class:`UnknownQuery` names close matches when there is none."""
    queries = {q.name: q for q in saved_queries()}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `chokepoint query list` shows them all"
    raise UnknownQuery(f"no saved query named {name!r}{hint}")


def read_file(path: Path, source: str = "user") -> SavedQuery:
    """Read and validate one ``.cypher`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryFileError(path, 1, f"cannot read: {e}") from None
    return parse(text, path, source=source)


# -- the format --------------------------------------------------------------------------------
def parse(text: str, path: Path | str = "<text>", source: str = "user") -> SavedQuery:
    """Parse a saved query's text: a header of ``// field: value`` lines, then the Cypher.

    Raises :class:`QueryFileError` (naming ``path`` and the line) on an unknown field or type, a
    missing name or title, a duplicate parameter, or a ``$parameter`` used but not declared or
    declared but not used.

    >>> parse("// name: x\\n// title: X\\nRETURN $n AS n")
    Traceback (most recent call last):
    ...
    chokepoint.queries.saved.QueryFileError: <text>:3: $n is used but not declared (add '// param: n TYPE ... -- help')
    """
    lines = text.splitlines()
    fields: dict[str, tuple[str, int]] = {}
    params: list[Param] = []
    last = None
    body_start = len(lines)
    for i, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped.startswith("//"):
            body_start = i - 1
            break
        rest = stripped[2:]
        if not rest.strip():
            last = None
            continue
        if rest[:2].isspace() and last == "description":      # "//   more text" continues the description
            value, at = fields["description"]
            fields["description"] = (f"{value} {rest.strip()}".strip(), at)
            continue
        m = _FIELD_LINE.match(stripped)
        if not m or rest[:2].isspace():
            raise QueryFileError(path, i, "expected '// field: value' (fields: " + ", ".join(FIELDS)
                                 + "); only a description continues on lines indented after '//'")
        key, value = m.group(1).lower(), m.group(2)
        if key not in FIELDS:
            raise QueryFileError(path, i, f"unknown field {key!r}; known: {', '.join(FIELDS)}")
        last = key
        if key == "param":
            params.append(_param(value, path, i, params))
            continue
        if key in fields:
            raise QueryFileError(path, i, f"field {key!r} given twice (first on line {fields[key][1]})")
        fields[key] = (value, i)
    for key in _REQUIRED_FIELDS:
        if not fields.get(key, ("",))[0]:
            raise QueryFileError(path, fields.get(key, ("", 1))[1], f"missing {key!r} (add '// {key}: ...')")
    name, name_line = fields["name"]
    if not _NAME.match(name):
        raise QueryFileError(path, name_line, f"name {name!r} must be lower-case words joined by - or _")
    tags = _tags(*fields.get("tags", ("", 0)), path)
    cypher, first_line = _body(lines, body_start, path)
    _check_params(cypher, first_line, params, path)
    return SavedQuery(name=name, title=fields["title"][0], description=fields.get("description", ("",))[0],
                      tags=tags, params=tuple(params), cypher=cypher,
                      path=None if str(path) == "<text>" else Path(path), source=source)


# -- parameters --------------------------------------------------------------------------------
def coerce_params(query: SavedQuery, raw: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Typed values for every parameter of ``query``, from text (a form, the CLI) or typed values.

    Empty or absent values take the default; a parameter without a default must be given. Text is
    read as its type: integers and floats as numbers, booleans as true/false/yes/no/1/0, dates as
    ``yyyy-mm-dd``, ``string[]`` as items separated by ``;`` or ``|`` (or a JSON array).

    >>> q = parse('''// name: q
    ... // title: Q
    ... // param: n integer = 2 -- At least this many
    ... // param: since date -- From this day
    ... // param: roles string[] = ["courier"] -- Roles
    ... MATCH (p:Person) WHERE p.dob >= $since AND size(p.roles) >= $n AND p.roles = $roles RETURN p''')
    >>> coerce_params(q, {"since": "2024-03-01", "roles": "broker; cook"})
    {'n': 2, 'since': datetime.date(2024, 3, 1), 'roles': ['broker', 'cook']}
    >>> coerce_params(q, {"n": "two", "since": "2024-03-01"})
    Traceback (most recent call last):
    ...
    chokepoint.queries.saved.ParameterError: query q: parameter 'n' must be an integer (e.g. 3), got 'two'
    """
    raw = dict(raw or {})
    unknown = [k for k in raw if k not in {p.name for p in query.params}]
    if unknown:
        raise ParameterError(f"query {query.name}: unknown parameter(s) {', '.join(map(repr, unknown))}; its "
                             f"parameters: {', '.join(p.name for p in query.params) or '(none)'}")
    values: dict[str, Any] = {}
    for p in query.params:
        value = raw.get(p.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if p.required:
                raise ParameterError(f"query {query.name}: parameter {p.name!r} ({p.type}) is required: {p.help}")
            values[p.name] = p.default
            continue
        try:
            values[p.name] = _from_text(p.type, value) if isinstance(value, str) else _checked(p.type, value)
        except ValueError as e:
            raise ParameterError(f"query {query.name}: parameter {p.name!r} must be {e}") from None
    return values


# -- running -----------------------------------------------------------------------------------
def run(store: Store, query: SavedQuery | str, params: Mapping[str, Any] | None = None,
        limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run a saved query read-only and return at most ``limit`` rows and the graph elements in them.

    ``params`` may be text or typed values (see :func:`coerce_params`). The statement is first
    checked with ``EXPLAIN``: anything but a read query (``query_type`` ``'r'``), or a read that loads
    files (``LOAD CSV``), commits its own transactions or runs unchecked Cypher through APOC, raises
    :class:`NotReadOnly` before it runs. It then runs in a READ access-mode transaction, so the
    server refuses any write too, and Neo4j stops it after ``timeout`` seconds (:class:`QueryTimeout`).
    Values are JSON-friendly (dates as ISO text, nodes as their properties with ``_labels``,
    relationships with ``_type``, ``_start`` and ``_end``); ``capped`` says whether rows were left out;
    ``graph`` holds every node and relationship in the rows once.
    """
    with audited("saved-query", query if isinstance(query, str) else query.name, dict(params or {})) as entry:
        if isinstance(query, str):
            query = get(query)
        values = coerce_params(query, params)
        entry.params = values
        result = _execute(store, f"query {query.name}", "saved queries", query.name, query.cypher, values, limit,
                          timeout)
        entry.rows = len(result.rows)
        return result


def run_cypher(store: Store, cypher: str, params: Mapping[str, Any] | None = None,
               limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run ad-hoc Cypher through the same read-only runner as :func:`run` (result name ``cypher``).

    ``params`` are values as they are (see :func:`cypher_params` for text from the command line);
    every ``$parameter`` the query uses must be given, and every one given must be used.

    >>> run_cypher(None, "MATCH (p:Person {id: $id}) RETURN p", {"ID": "x"})
    Traceback (most recent call last):
    ...
    chokepoint.queries.saved.ParameterError: cypher: $id is used but not given (add --param id=...); not used by the query: ID
    """
    cypher = (cypher or "").strip()
    if cypher.endswith(";"):
        cypher = cypher[:-1].rstrip()
    values = dict(params or {})
    with audited("cypher", cypher, values) as entry:
        if not _code_only(cypher).strip():
            raise SavedQueryError("cypher: no query given")
        used = {m.group(1) for m in _PARAM_USE.finditer(_code_only(cypher))}
        problems = [f"${name} is used but not given (add --param {name}=...)" for name in sorted(used - set(values))]
        if set(values) - used:
            problems.append("not used by the query: " + ", ".join(sorted(set(values) - used)))
        if problems:
            raise ParameterError("cypher: " + "; ".join(problems))
        result = _execute(store, "cypher", "ad-hoc queries", "cypher", cypher, values, limit, timeout)
        entry.rows = len(result.rows)
        return result


def cypher_params(raw: Mapping[str, str]) -> dict[str, Any]:
    """Text values for ad-hoc Cypher: JSON numbers and booleans become numbers and booleans, a JSON
    string (in double quotes) the text inside, anything else (dates, ``null``, lists) the text as it is.

    >>> cypher_params({"n": "3", "x": "2.5", "b": "true", "d": "2024-03-01", "s": '"2504"', "z": "null"})
    {'n': 3, 'x': 2.5, 'b': True, 'd': '2024-03-01', 's': '2504', 'z': 'null'}
    """
    values: dict[str, Any] = {}
    for key, text in raw.items():
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            value = text
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        values[key] = value if number or isinstance(value, (bool, str)) else text
    return values


def _execute(store: Store, label: str, kind: str, name: str, cypher: str, values: dict[str, Any], limit: int,
             timeout: float) -> QueryResult:
    """The one runner behind :func:`run` and :func:`run_cypher`; errors start with ``label``."""
    if limit < 1:
        raise SavedQueryError(f"limit must be at least 1, got {limit}")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not timeout > 0:
        raise SavedQueryError(f"timeout must be more than 0 seconds, got {timeout!r}")
    if timeout > MAX_TIMEOUT:
        raise SavedQueryError(f"timeout must be at most {MAX_TIMEOUT:g} seconds, got {timeout!r}")
    try:
        columns, rows, capped, graph, byte_cap = store.read_only(cypher, values, limit, timeout=timeout)
    except errors.NotReadOnly as e:
        raise NotReadOnly(f"{label}: {e}; {kind} may only read") from e
    except errors.QueryTimeout as e:
        raise QueryTimeout(f"{label}: {e}; raise the timeout or narrow the query") from e
    except StoreUnavailable:
        raise
    except ChokepointError as e:
        raise SavedQueryError(f"{label}: {e}") from e
    return QueryResult(name, {k: jsonable(v) for k, v in values.items()}, columns, rows, capped, limit, graph,
                       byte_cap)


# -- helpers -----------------------------------------------------------------------------------
def _folders() -> list[tuple[Path, str]]:
    folders = [(BUILTIN, "built-in")]
    extra = os.environ.get(ENV)
    if extra:
        folder = Path(extra).expanduser()
        if not folder.is_dir():
            raise SavedQueryError(f"{ENV}={extra} is not a folder")
        folders.append((folder, "user"))
    return folders


def _param(spec: str, path: Path | str, line: int, seen: list[Param]) -> Param:
    """``NAME TYPE [= DEFAULT] -- HELP``; DEFAULT is a JSON literal (``"text"``, ``3``, ``true``, ``null``, ``[...]``)."""
    m = _PARAM_HEAD.match(spec)
    if not m:
        raise QueryFileError(path, line, "expected '// param: NAME TYPE [= DEFAULT] -- HELP'")
    name, ptype, rest = m.group("name"), m.group("type"), spec[m.end():]
    if not _IDENT.match(name):
        raise QueryFileError(path, line, f"parameter name {name!r} is not a plain identifier")
    if ptype not in TYPES:
        raise QueryFileError(path, line, f"parameter {name!r}: unknown type {ptype!r}; known: {', '.join(TYPES)}")
    for p in seen:
        if p.name == name:
            raise QueryFileError(path, line, f"duplicate parameter {name!r} (first declared on line {p.line})")
    required, default = True, None
    if rest.startswith("="):
        rest = rest[1:].lstrip()
        try:
            literal, end = json.JSONDecoder().raw_decode(rest)
        except json.JSONDecodeError:
            raise QueryFileError(path, line, f"parameter {name!r}: the default must be a JSON literal "
                                 '("text", 3, 2.5, true, null, ["a", "b"]), got ' + repr(rest.split(" --")[0]))
        rest = rest[end:].lstrip()
        required = False
        try:
            default = None if literal is None else _checked(ptype, literal, from_json=True)
        except ValueError as e:
            raise QueryFileError(path, line, f"parameter {name!r}: the default must be {e}") from None
    if not rest.startswith("--") or not rest[2:].strip():
        raise QueryFileError(path, line, f"parameter {name!r} needs help text after ' -- '")
    return Param(name, ptype, rest[2:].strip(), required, default, line)


def _tags(text: str, line: int, path: Path | str) -> tuple[str, ...]:
    if not text:
        return ()
    tags = tuple(t.strip().lower() for t in text.split(","))
    for t in tags:
        if not _NAME.match(t):
            raise QueryFileError(path, line, f"tag {t!r} must be a lower-case word (tags are separated by commas)")
    return tags


def _body(lines: list[str], start: int, path: Path | str) -> tuple[str, int]:
    """The Cypher after the header (a final ';' dropped) and the file line it starts on."""
    raw = "\n".join(lines[start:])
    cypher = raw.strip()
    first = start + 1 + raw[:len(raw) - len(raw.lstrip())].count("\n")
    if cypher.endswith(";"):
        cypher = cypher[:-1].rstrip()
    code = _code_only(cypher)
    if not code.strip():
        raise QueryFileError(path, min(first, max(len(lines), 1)), "no Cypher after the header")
    if ";" in code:
        raise QueryFileError(path, first + code[:code.index(";")].count("\n"),
                             "one statement per file (found ';' before the end)")
    if re.match(r"\s*(EXPLAIN|PROFILE)\b", code, flags=re.I):
        raise QueryFileError(path, first, "the query must not start with EXPLAIN or PROFILE")
    return cypher, first


def _check_params(cypher: str, first: int, params: list[Param], path: Path | str) -> None:
    """Every ``$name`` in the code (not in strings or comments) is declared, and every declared one used."""
    code = _code_only(cypher)
    if "$`" in code:
        raise QueryFileError(path, first + code[:code.index("$`")].count("\n"),
                             "use plain $name parameters (no back-ticks)")
    used: dict[str, int] = {}
    for m in _PARAM_USE.finditer(code):
        used.setdefault(m.group(1), first + code[:m.start()].count("\n"))
    declared = {p.name: p for p in params}
    for name, line in used.items():
        if name not in declared:
            raise QueryFileError(path, line, f"${name} is used but not declared "
                                 f"(add '// param: {name} TYPE ... -- help')")
    for p in params:
        if p.name not in used:
            raise QueryFileError(path, p.line, f"parameter {p.name!r} is declared but the query never uses ${p.name}")


def _code_only(cypher: str) -> str:
    """The text with string literals, back-tick names and comments blanked (newlines kept).

    >>> _code_only("RETURN '$x' AS a, $y // $z")
    "RETURN '  ' AS a, $y      "
    """
    out = list(cypher)
    i, n = 0, len(cypher)
    while i < n:
        c = cypher[i]
        if c in "'\"`":
            j = i + 1
            while j < n and cypher[j] != c:
                j += 2 if cypher[j] == "\\" and c != "`" else 1
            for k in range(i + 1, min(j, n)):
                if out[k] != "\n":
                    out[k] = " "
            i = j + 1
        elif cypher.startswith("//", i):
            j = cypher.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif cypher.startswith("/*", i):
            j = cypher.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out[i:j] = ["\n" if ch == "\n" else " " for ch in cypher[i:j]]
            i = j
        else:
            i += 1
    return "".join(out)


def _from_text(ptype: str, text: str) -> Any:
    text = text.strip()
    if ptype == "string":
        return text
    if ptype == "integer":
        if not re.fullmatch(r"[+-]?\d+", text.replace("_", "").replace(",", "")):
            raise ValueError(f"an integer (e.g. 3), got {text!r}")
        return int(text.replace("_", "").replace(",", ""))
    if ptype == "float":
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"a number (e.g. 2.5), got {text!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"a finite number, got {text!r}")
        return value
    if ptype == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"true or false (yes/no, 1/0), got {text!r}")
    if ptype == "date":
        return _date(text)
    if text.startswith("["):
        try:
            return _checked(ptype, json.loads(text))
        except json.JSONDecodeError:
            raise ValueError(f"a list: items separated by ';' or '|', or a JSON array, got {text!r}") from None
    return [item.strip() for item in re.split(r"[;|]", text) if item.strip()]


def _checked(ptype: str, value: Any, from_json: bool = False) -> Any:
    """A typed value (or a JSON literal when ``from_json``) checked against ``ptype``."""
    if ptype == "string" and isinstance(value, str):
        return value
    if ptype == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if ptype == "float" and isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if ptype == "boolean" and isinstance(value, bool):
        return value
    if ptype == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if from_json and isinstance(value, str):
            return _date(value)
    if ptype == "string[]" and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"{_ARTICLE[ptype]}, got {value!r}")


_ARTICLE = {"string": "a string", "integer": "an integer", "float": "a number", "boolean": "true or false",
            "date": "a date (yyyy-mm-dd)", "string[]": "a list of strings"}


def _date(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"a date (yyyy-mm-dd), got {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"a date (yyyy-mm-dd), got {text!r} (no such day)") from None
