"""Subgraphs as files other tools read (CSV, JSON, GraphML, GEXF, i2 ANX, FollowTheMoney) and a query's
rows (CSV), each stamped with where it came from.

Pure functions, no Dash and no queries: the explorer's Queries panel hands in the canvas elements (or a
result) and gets back the file's text and name; ``chokepoint export`` hands in a scope's projection as
elements (:func:`graph_elements`). Every file carries a *stamp*: the query or view it came from,
its parameters, the time of the export (UTC) and ``sha256``, a hash of the data itself (see
:func:`data_hash`), so a file can be traced and checked long after it left the app.

Where the stamp goes: JSON has a ``"stamp"`` object; GraphML has graph-level attributes
(``stamp_query``, ``stamp_params``, ...); GEXF has it in ``<meta>`` (``<description>`` holds the
stamp as JSON) and as the graph's name; CSV files open with ``# key: value`` comment lines
(:func:`read_csv` reads them back).

CSV cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first, other
than a plain number) get a leading ``'`` (``graph.csvsafe``); a stamp line that holds a comma is one
quoted cell, so no part of it can become a cell of its own. JSON, GraphML and GEXF keep exact values.

Example
-------
>>> els = [{"data": {"id": "a", "label": "A", "kind": "Person"}}, {"data": {"id": "b", "label": "B"}},
...        {"data": {"id": "r", "source": "a", "target": "b", "type": "CALLED"}}]
>>> s = make_stamp(els, "query top-callers", {"top": 5}, now=dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc))
>>> s["exported_at"], s["nodes"], s["links"], len(s["sha256"])
('2024-03-01T00:00:00Z', 2, 1, 64)
>>> text, name = export(els, "csv-nodes", s)
>>> name
'chokepoint-query-top-callers-20240301T000000Z-nodes.csv'
>>> read_csv(text)[0]["sha256"] == s["sha256"]
True
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from chokepoint.cases.anx import anx
from chokepoint.cases.ftm import ftm_lines
from chokepoint.graph import csvsafe
from chokepoint.graph.values import cell_text

__all__ = ["FORMATS", "STAMP_PREFIX", "canonical", "data_hash", "rows_hash", "make_stamp", "result_stamp",
           "to_networkx", "nodes_csv", "links_csv", "to_json", "to_graphml", "to_gexf", "to_anx", "export", "rows_csv",
           "read_csv", "filename", "table_csv", "graph_elements", "split", "xml_text"]

#: export format -> (what the user picks, file name suffix)
FORMATS = {
    "graphml": ("GraphML (yEd, Gephi, Cytoscape)", ".graphml"),
    "gexf": ("GEXF (Gephi)", ".gexf"),
    "anx": ("i2 Analyst's Notebook chart (ANX)", ".anx"),
    "ftm": ("FollowTheMoney entities (JSON Lines)", ".ftm.json"),
    "json": ("JSON (nodes, links and stamp)", ".json"),
    "csv-nodes": ("CSV: nodes", "-nodes.csv"),
    "csv-links": ("CSV: links", "-links.csv"),
}
#: GraphML graph attributes holding the stamp are named ``stamp_<field>``
STAMP_PREFIX = "stamp_"
_STRUCTURE = ("id", "source", "target")


# -- the stamp ---------------------------------------------------------------------------------
def canonical(elements: Iterable[Mapping]) -> str:
    """The elements' data as one canonical JSON text: nodes then links, each sorted by id, keys sorted.

    Only ``data`` counts (less fields starting with ``_``, such as ``_classes``): positions, selection
    and classes (highlights, pins) are how the view looks, not what it holds, so moving or
    highlighting nodes does not change the hash.

    >>> canonical([{"data": {"id": "b", "x": 1}, "position": {"x": 3}}, {"data": {"id": "a"}, "classes": "path"}])
    '{"links":[],"nodes":[{"id":"a"},{"id":"b","x":1}]}'
    """
    nodes, links = _split(elements)
    key = lambda d: str(d.get("id"))  # noqa: E731
    return json.dumps({"nodes": sorted(nodes, key=key), "links": sorted(links, key=key)}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False, default=str)


def data_hash(elements: Iterable[Mapping]) -> str:
    """sha256 (hex) of :func:`canonical`: the same subgraph gives the same hash, in any order."""
    return hashlib.sha256(canonical(elements).encode("utf-8")).hexdigest()


def rows_hash(columns: list[str], rows: list[list[Any]]) -> str:
    """sha256 (hex) of a query result's columns and rows as canonical JSON (row order counts)."""
    text = json.dumps({"columns": columns, "rows": rows}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_stamp(elements: list[Mapping], query: str, params: Mapping[str, Any] | None = None, view: str = "",
               steps: list[Mapping] | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The stamp of a subgraph export: ``query`` (the query or view it came from), ``params``, ``view``
    (the deep link), ``steps`` (the changes that built the view), ``exported_at`` (UTC), ``sha256``
    (:func:`data_hash`) and the node and link counts."""
    nodes, links = _split(elements)
    return {"generator": "chokepoint", "query": query or "canvas", "params": dict(params or {}), "view": view,
            "steps": [dict(s) for s in steps or []], "exported_at": _utc(now), "sha256": data_hash(elements),
            "nodes": len(nodes), "links": len(links)}


def result_stamp(name: str, params: Mapping[str, Any], columns: list[str], rows: list[list[Any]],
                 now: dt.datetime | None = None) -> dict[str, Any]:
    """The stamp of a query result's CSV: the query, its parameters, when it ran (UTC) and
    :func:`rows_hash` of the rows as the query returned them."""
    return {"generator": "chokepoint", "query": name, "params": dict(params), "ran_at": _utc(now),
            "sha256": rows_hash(columns, rows), "rows": len(rows)}


def filename(stamp: Mapping[str, Any], suffix: str) -> str:
    """``chokepoint-<query>-<time><suffix>``, safe on every file system.

    >>> filename({"query": "query couriers-at-port", "exported_at": "2024-03-01T10:00:00Z"}, ".csv")
    'chokepoint-query-couriers-at-port-20240301T100000Z.csv'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(stamp.get("query") or "canvas").lower()).strip("-")[:60] or "canvas"
    when = re.sub(r"[-:]", "", str(stamp.get("exported_at") or stamp.get("ran_at") or ""))
    return f"chokepoint-{slug}-{when}{suffix}"


# -- the subgraph as files ---------------------------------------------------------------------
#: Element data fields the explorer owns: a node property of the same name is written with this prefix
_OWN = {"label", "kind"}
_SKIPPED = {"id", "caption", "label", "labels", "search_text"}  # search_text: the search index's own text


def graph_elements(g: nx.MultiDiGraph) -> list[dict]:
    """A projection (``graph.projection``: nodes with their properties, ``label`` and ``labels``; edges
    keyed by relationship id with ``type``) as elements, the shape the canvas exports take: a node's
    ``label`` is its caption and ``kind`` its schema label; a node property named ``kind`` (a Lab's,
    a Location's) is kept as ``subkind``; dates become ISO text (``2024-03-05``); the search index's own
    text (``search_text``) is left out.

    >>> import datetime as dt
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("p1", id="p1", caption="Ana", name="Ana", label="Person", labels=["Person"])
    >>> g.add_node("l1", id="l1", caption="Lab 1", kind="pill_press", label="Lab", labels=["Lab"])
    >>> _ = g.add_edge("p1", "l1", key="r1", type="OPERATES", date=dt.date(2024, 3, 5))
    >>> [e["data"] for e in graph_elements(g)]  # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'p1', 'label': 'Ana', 'kind': 'Person', 'name': 'Ana'},
     {'id': 'l1', 'label': 'Lab 1', 'kind': 'Lab', 'subkind': 'pill_press'},
     {'id': 'r1', 'source': 'p1', 'target': 'l1', 'type': 'OPERATES', 'date': '2024-03-05'}]
    """
    out: list[dict] = []
    for n, attrs in g.nodes(data=True):
        data = {"id": str(n), "label": str(attrs.get("caption") or attrs.get("id") or n), "kind": attrs.get("label")}
        for k, v in attrs.items():
            if k not in _SKIPPED:
                data["sub" + k if k in _OWN else k] = _iso(v)
        out.append({"data": data})
    for u, v, key, attrs in g.edges(keys=True, data=True):
        data = {"id": str(key), "source": str(u), "target": str(v), "type": attrs.get("type")}
        data.update({k: _iso(x) for k, x in attrs.items() if k not in ("id", "source", "target", "type")})
        out.append({"data": data})
    return out


def split(elements: Iterable[Mapping]) -> tuple[list[dict], list[dict]]:
    """The data of the nodes and of the links (cytoscape elements: a link's data has ``source``),
    without the app's own bookkeeping fields (``_classes`` and any other name starting with ``_``)."""
    return _split(elements)


def xml_text(value: Any) -> Any:
    """``value``, text in it XML 1.0 cannot hold replaced with U+FFFD."""
    return _xml_text(value)


def _iso(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def to_networkx(elements: Iterable[Mapping]) -> nx.MultiDiGraph:
    """The elements as a directed multigraph: node keys are the entity ids; each link keeps its id
    (as the edge key and ``id``), its relationship type as ``label`` and ``rel_type``. Attribute
    values are numbers, booleans or text (lists and maps as JSON), one type per attribute name, so
    GraphML and GEXF can declare them."""
    nodes, links = _split(elements)
    g = nx.MultiDiGraph()
    node_attrs = _typed([{k: v for k, v in d.items() if k != "id"} for d in nodes])
    for d, attrs in zip(nodes, node_attrs):
        g.add_node(str(d["id"]), **attrs)
    link_data = []
    for d in links:
        rest = {k: v for k, v in d.items() if k not in _STRUCTURE and k != "type"}
        if d.get("type") is not None:
            rest["label"] = rest["rel_type"] = str(d["type"])
        link_data.append(rest)
    for d, attrs in zip(links, _typed(link_data)):
        g.add_edge(str(d["source"]), str(d["target"]), key=str(d["id"]), id=str(d["id"]), **attrs)
    return g


def nodes_csv(elements: list[Mapping], stamp: Mapping[str, Any]) -> str:
    """Stamp comment lines, then ``id,label,kind,...`` (every data field of any node) per node."""
    nodes, _ = _split(elements)
    return _csv(stamp, "nodes", nodes, ["id", "label", "kind"])


def links_csv(elements: list[Mapping], stamp: Mapping[str, Any]) -> str:
    """Stamp comment lines, then ``id,source,target,type,...`` per link."""
    _, links = _split(elements)
    return _csv(stamp, "links", links, ["id", "source", "target", "type"])


def to_json(elements: list[Mapping], stamp: Mapping[str, Any]) -> str:
    """``{"stamp": {...}, "nodes": [data, ...], "links": [data, ...]}`` (the elements' data as drawn)."""
    nodes, links = _split(elements)
    return json.dumps({"stamp": dict(stamp), "nodes": nodes, "links": links}, indent=1, ensure_ascii=False,
                      default=str)


def to_graphml(elements: list[Mapping], stamp: Mapping[str, Any]) -> str:
    """GraphML (networkx's writer; text XML 1.0 cannot hold, such as NUL, becomes U+FFFD); the stamp as graph attributes ``stamp_query``, ``stamp_params``
    (JSON), ``stamp_view``, ``stamp_steps`` (JSON), ``stamp_exported_at``, ``stamp_sha256``,
    ``stamp_nodes``, ``stamp_links``, ``stamp_generator``."""
    g = to_networkx(elements)
    for key, value in stamp.items():
        g.graph[STAMP_PREFIX + key] = _scalar(value)
    return "\n".join(nx.generate_graphml(_xml_graph(g), edge_id_from_attribute="id")) + "\n"


def to_gexf(elements: list[Mapping], stamp: Mapping[str, Any]) -> str:
    """GEXF 1.2 (networkx's writer; text as in :func:`to_graphml`); the stamp in ``<meta>``: ``<description>`` is the stamp as JSON,
    ``<keywords>`` the query, ``lastmodifieddate`` the export's day (UTC); the graph is named after
    the query."""
    g = _xml_graph(to_networkx(elements))
    g.graph["name"] = _xml_text(str(stamp.get("query", "")))
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(g)
    meta = writer.xml.find("meta")
    meta.set("lastmodifieddate", str(stamp.get("exported_at", ""))[:10])
    SubElement(meta, "keywords").text = _xml_text(str(stamp.get("query", "")))
    SubElement(meta, "description").text = json.dumps(dict(stamp), ensure_ascii=False, sort_keys=True, default=str)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + str(writer) + "\n"


def to_anx(elements: list[Mapping], stamp: Mapping[str, Any]) -> str:
    """i2 Analyst's Notebook chart XML (:mod:`chokepoint.cases.anx`): icons by label, links with their dates,
    properties and provenance as attributes, the stamp in the chart's summary."""
    return anx(*_split(elements), stamp)


_WRITERS = {"graphml": to_graphml, "gexf": to_gexf, "anx": to_anx, "json": to_json, "csv-nodes": nodes_csv,
            "csv-links": links_csv, "ftm": lambda elements, stamp: ftm_lines(*_split(elements))}


def export(elements: list[Mapping], fmt: str, stamp: Mapping[str, Any]) -> tuple[str, str]:
    """``(text, file name)`` of the elements in format ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    # FtM lines are entities only: the name carries the start of the hash too
    suffix = f"-sha256-{str(stamp.get('sha256', ''))[:12]}{FORMATS[fmt][1]}" if fmt == "ftm" else FORMATS[fmt][1]
    return _WRITERS[fmt](list(elements), stamp), filename(stamp, suffix)


# -- a query's rows ----------------------------------------------------------------------------
def rows_csv(columns: list[str], rows: list[list[Any]], stamp: Mapping[str, Any]) -> str:
    """Stamp comment lines, the header, then one line per row (lists joined by ';', maps as JSON,
    null empty: the same cells as ``chokepoint query run --format csv``)."""
    out = io.StringIO()
    _stamp_lines(out, stamp, "rows")
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return out.getvalue()


def table_csv(columns: list[str], rows: list[Mapping[str, Any]]) -> str:
    """A table's rows (dicts, as a grid holds them) as CSV: the header, then one line per row, in the
    order given (no stamp: the metrics tables' exports).

    >>> print(table_csv(["port", "n"], [{"port": "=HYPERLINK(1)", "n": -3}]), end="")
    port,n
    '=HYPERLINK(1),-3
    """
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell_text(r.get(k)) for k in columns] for r in rows)
    return out.getvalue()


def read_csv(text: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """``(stamp, rows)`` of a CSV written here: the ``# key: value`` lines (``params`` and ``steps``
    read as JSON), then the rows as dicts.

    >>> read_csv("# query: q\\n# params: {\\"n\\": 1}\\nname\\nAna\\n")
    ({'query': 'q', 'params': {'n': 1}}, [{'name': 'Ana'}])
    """
    lines = text.splitlines(keepends=True)
    stamp: dict[str, Any] = {}
    i = 0
    while i < len(lines) and lines[i].startswith(("#", '"#')):
        line = next(csv.reader([lines[i]]))[0] if lines[i].startswith('"') else lines[i]
        key, _, value = line[1:].strip().partition(": ")
        if key != "chokepoint export":
            stamp[key] = json.loads(value) if key in ("params", "steps") else value
        i += 1
    return stamp, list(csv.DictReader(io.StringIO("".join(lines[i:]))))


# -- helpers -----------------------------------------------------------------------------------
def _split(elements: Iterable[Mapping]) -> tuple[list[dict], list[dict]]:
    """The data of the nodes and of the links (cytoscape elements: a link's data has ``source``),
    without the app's own bookkeeping fields (``_classes`` and any other name starting with ``_``)."""
    nodes, links = [], []
    for e in elements:
        data = {k: v for k, v in (e.get("data") or {}).items() if not str(k).startswith("_")}
        (links if "source" in data else nodes).append(data)
    return nodes, links


def _utc(now: dt.datetime | None) -> str:
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    return now.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _typed(records: list[dict]) -> list[dict]:
    """Attribute dicts with one value type per name: int, float, bool, else text; None dropped."""
    kinds: dict[str, set[type]] = {}
    for r in records:
        for k, v in r.items():
            if v is not None:
                kinds.setdefault(k, set()).add(type(v))

    def convert(k: str, v: Any) -> Any:
        seen = kinds[k]
        if len(seen) == 1 and seen <= {bool, int, float, str}:
            return v
        if seen <= {int, float}:
            return float(v)
        return cell_text(v) if isinstance(v, bool) else v if isinstance(v, str) else _scalar(v)

    return [{k: convert(k, v) for k, v in r.items() if v is not None} for r in records]


#: Characters XML 1.0 cannot hold (not even as character references)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: Any) -> Any:
    """``value``, text in it XML cannot hold replaced with U+FFFD (a NUL in a name would make the file
    unreadable: no XML parser accepts it)."""
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _xml_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` with :func:`_xml_text` applied to every id, key and attribute value."""
    clean = nx.MultiDiGraph()
    clean.graph.update({k: _xml_text(v) for k, v in g.graph.items()})
    for n, attrs in g.nodes(data=True):
        clean.add_node(_xml_text(n), **{k: _xml_text(v) for k, v in attrs.items()})
    for u, v, key, attrs in g.edges(keys=True, data=True):
        clean.add_edge(_xml_text(u), _xml_text(v), key=_xml_text(key), **{k: _xml_text(x) for k, x in attrs.items()})
    return clean


def _stamp_lines(out: io.StringIO, stamp: Mapping[str, Any], what: str) -> None:
    out.write(f"# chokepoint export: {what}\n")
    for key, value in stamp.items():
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) \
            if isinstance(value, (dict, list)) else str(value)
        text = " ".join(text.splitlines())  # one line per field, whatever the value
        # one cell: quoted when it holds a comma or a quote, so no part of it is a cell of its own
        csv.writer(out, lineterminator="\n").writerow([f"# {key}: {text}"])


def _csv(stamp: Mapping[str, Any], what: str, records: list[dict], first: list[str]) -> str:
    out = io.StringIO()
    _stamp_lines(out, stamp, what)
    extra = sorted({k for r in records for k in r} - set(first))
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(first + extra)
    writer.writerows([cell_text(r.get(k)) for k in first + extra] for r in records)
    return out.getvalue()
