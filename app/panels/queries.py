"""Queries: the saved queries (search, a form per query, Ctrl+Enter runs), ad-hoc read-only Cypher,
and the exports of the canvas (CSV, JSON, GraphML, GEXF, each stamped).

What an analyst does here: find the reviewed question they need ("couriers at a port last month"),
fill in its parameters, run it, read the table, see the entities on the canvas, take the rows away as
CSV; or, when no saved query fits, type Cypher that may only read. And take the subgraph on the canvas
to Gephi or yEd with a stamp saying where it came from.

Callbacks are thin: :mod:`cases.saved_queries` lists, checks and runs; :mod:`app.export` writes the files;
the pure helpers below shape forms, tables and elements.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import export, ids, view, widgets
from chokepoint.cases import saved_queries as saved
from chokepoint.cases.exports import download
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.graph.values import display_text

__all__ = ["layout", "register", "result_elements", "query_options", "tag_options", "param_input", "display_cell",
           "form_text", "parse_param_lines", "bounded", "table", "provenance", "stamp_for_canvas",
           "TABLE_ROWS", "MAX_LIMIT", "MAX_TIMEOUT", "STEPS"]

#: rows drawn in the panel's table (the CSV has every row the query returned)
TABLE_ROWS = 200
#: the most rows and seconds a user may ask for
MAX_LIMIT = 10_000
MAX_TIMEOUT = 300.0
#: view changes remembered for the export stamp (since the last replace or clear)
STEPS = 50

_BOX = "cp-box"
_SMALL = "cp-meta"


# -- pure helpers ------------------------------------------------------------------------------
def query_options(queries: list[saved.SavedQuery]) -> list[dict]:
    """Options of the list: the title, with the name and tags beneath."""
    return [{"label": html.Span([html.Span(q.title), html.Br(),
                                 html.Span(f"{q.name} · {', '.join(q.tags)}", className=_SMALL)]),
             "value": q.name} for q in queries]


def tag_options(queries: list[saved.SavedQuery]) -> list[dict]:
    """Every tag of any query, with how many queries carry it."""
    counts: dict[str, int] = {}
    for q in queries:
        for t in q.tags:
            counts[t] = counts.get(t, 0) + 1
    return [{"label": f"{t} ({n})", "value": t} for t, n in sorted(counts.items())]


def form_text(value: Any) -> str | None:
    """A form value as the text :func:`queries.saved.coerce_params` reads; empty means the default.

    >>> [form_text(v) for v in (None, "", " x ", 3, 2.5, True, ["a", "b"])]
    [None, None, 'x', '3', '2.5', 'true', 'a; b']
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value) or None
    return str(value).strip()


def param_input(p: saved.Param) -> html.Label:
    """The input for one parameter, by its type: number (integer, float), yyyy-mm-dd text (date),
    true/false (boolean), items separated by ';' (string[]), text (string); filled with the default."""
    default = None if p.required or p.default is None else p.default
    key = {"type": "queries-param", "name": p.name}
    common = {"id": key, "name": f"queries-param-{p.name}", "className": "cp-full"}
    if p.type in ("integer", "float"):
        control = dcc.Input(type="number", value=default, step=1 if p.type == "integer" else "any",
                            placeholder="(required)" if p.required else "", **common)
    elif p.type == "date":
        # a text box, not dcc.DatePickerSingle: the picker only takes a typed date on Enter or Tab, so a
        # date typed and then run with the button would be shown but silently not used
        control = dcc.Input(type="text", value=default.isoformat() if default else "", pattern=r"\d{4}-\d{2}-\d{2}",
                            placeholder="yyyy-mm-dd" + (" (required)" if p.required else ""), debounce=False,
                            **common)
    elif p.type == "boolean":
        control = dcc.Dropdown(id=key, options=[{"label": "true", "value": "true"},
                                                {"label": "false", "value": "false"}],
                               value=None if default is None else form_text(default), clearable=not p.required)
    elif p.type == "string[]":
        control = dcc.Input(type="text", value=form_text(default) or "", placeholder="item; item; ...",
                            debounce=False, **common)
    else:
        control = dcc.Input(type="text", value=default or "", placeholder="(required)" if p.required else "",
                            debounce=False, **common)
    return html.Label([html.Div([html.B(p.name), html.Span(f" {p.type}{', required' if p.required else ''}",
                                                           className=_SMALL)]),
                       control, html.Div(p.help, className=_SMALL)],
                      className="queries-param")


def parse_param_lines(text: str | None) -> dict[str, str]:
    """The ad-hoc box's parameters: one ``key=value`` per line (blank lines and ``#`` lines skipped).

    >>> parse_param_lines("id = sample:person:1\\n\\nn=3")
    {'id': 'sample:person:1', 'n': '3'}
    >>> parse_param_lines("oops")
    Traceback (most recent call last):
    ...
    chokepoint.queries.saved.ParameterError: cypher: parameter line 1 'oops' is not key=value
    """
    raw: dict[str, str] = {}
    for i, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise saved.ParameterError(f"cypher: parameter line {i} {line.strip()!r} is not key=value")
        if key.strip() in raw:
            raise saved.ParameterError(f"cypher: parameter {key.strip()!r} given twice")
        raw[key.strip()] = value.strip()
    return raw


def bounded(value: Any, default: float, low: float, high: float) -> float:
    """A number from a form, ``default`` when empty or not a number, kept within ``low..high``.

    >>> bounded(None, 30, 1, 300), bounded(1e9, 30, 1, 300), bounded("5", 30, 1, 300)
    (30, 300, 5.0)
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def result_elements(graph: dict[str, list[dict]]) -> tuple[list[dict], int]:
    """Canvas elements for :attr:`queries.saved.QueryResult.graph`, and how many were left out (nodes
    without an entity id, links whose ends are not drawn). Nodes are captioned and classed by their
    label like everywhere else on the canvas; links keep their type.

    >>> els, left = result_elements({"nodes": [{"_labels": ["Person"], "id": "p1", "caption": "Ana"},
    ...                                        {"_labels": ["Load"], "name": "no id"}],
    ...                              "edges": [{"_type": "USES", "_start": "p1", "_end": "x", "id": "u1"}]})
    >>> els, left
    ([{'data': {'id': 'p1', 'label': 'Ana', 'kind': 'Person'}, 'classes': 'Person'}], 2)
    """
    nodes, seen = [], set()
    for n in graph.get("nodes") or []:
        if n.get("id") is None or str(n["id"]) in seen:
            continue
        seen.add(str(n["id"]))
        label = (n.get("_labels") or ["Entity"])[0]
        nodes.append({"data": {"id": str(n["id"]), "label": str(n.get("caption") or n.get("name") or n["id"]),
                               "kind": label}, "classes": label})
    edges = []
    for e in graph.get("edges") or []:
        start, end = e.get("_start"), e.get("_end")
        if start is None or end is None or str(start) not in seen or str(end) not in seen:
            continue
        eid = str(e.get("id") or f"{start}-{e.get('_type')}-{end}")
        edges.append({"data": {"id": eid, "source": str(start), "target": str(end), "type": e.get("_type")}})
    left = len(graph.get("nodes") or []) + len(graph.get("edges") or []) - len(nodes) - len(edges)
    return nodes + edges, left


def display_cell(value: Any) -> str:
    """A result value as the table shows it (:func:`graph.values.display_text`)."""
    return display_text(value)


def table(columns: list[str], rows: list[list[Any]], cap: int = TABLE_ROWS) -> html.Table:
    """The first ``cap`` rows as an HTML table (cells by :func:`display_cell`)."""
    return widgets.table(columns, [[display_cell(v) for v in row] for row in rows[:cap]], kind="data",
                         id="queries-table")


def provenance(steps: list[dict] | None, change: dict | None) -> list[dict]:
    """The changes that built the canvas: a replace or clear starts over; at most :data:`STEPS`.

    >>> s = provenance([], {"op": "replace", "notice": "12 neighbours."})
    >>> s = provenance(s, {"op": "add", "notice": "3 rows", "origin": {"query": "q", "params": {"n": 1}}})
    >>> [x["op"] for x in s], s[-1]["query"]
    (['replace', 'add'], 'q')
    """
    if not change or not change.get("op"):
        return list(steps or [])
    origin = change.get("origin") or {}
    step = {"op": change["op"], "notice": change.get("notice", "")}
    if origin:
        step.update(query=origin.get("query"), params=origin.get("params") or {})
    if change["op"] in ("replace", "clear"):
        return [step]
    return [*(steps or []), step][-STEPS:]


def stamp_for_canvas(elements: list[dict], steps: list[dict] | None, url: str | None, now=None) -> dict:
    """The stamp of a canvas export: the last query that drew on it (and its parameters), else the
    view's deep link; with every step since the view was started."""
    steps = list(steps or [])
    queried = [s for s in steps if s.get("query")]
    if queried:
        name, params = queried[-1]["query"], queried[-1].get("params") or {}
        query = name if name.startswith("cypher: ") else f"query {name}"
    else:
        from urllib.parse import parse_qs, urlparse

        params = {k: v[0] for k, v in parse_qs(urlparse(url or "").query).items()}
        query = "view " + (", ".join(f"{k}={v}" for k, v in params.items()) if params else "canvas")
    return export.make_stamp(elements, query, params, view=url or "", steps=steps, now=now)


# -- layout ------------------------------------------------------------------------------------
def layout() -> html.Div:
    saved_box = html.Div(
        [
            html.H4("Saved queries", className="cp-box-title"),
            html.Div([
                dcc.Input(id="queries-search", type="search", placeholder="search name, title, tag...",
                          debounce=False, className="queries-search"),
                dcc.Dropdown(id="queries-tag", placeholder="any tag", clearable=True,
                             className="queries-tag cp-small"),
            ], className="cp-inline queries-find"),
            html.Div(id="queries-count", className=_SMALL),
            dcc.RadioItems(id="queries-list", options=[], value=None,
                           labelClassName="queries-choice", className="queries-list"),
            html.Div(id="queries-chosen"),
            html.Div(id="queries-form"),
            html.Button("Run (Ctrl+Enter)", id="queries-run", n_clicks=0, disabled=True,
                        title="run the chosen query with these parameters"),
        ],
        id="queries-saved", className=_BOX,
    )
    adhoc_box = html.Div(
        [
            html.H4("Ad-hoc Cypher (read only)", className="cp-box-title"),
            dcc.Textarea(id="queries-cypher", placeholder="MATCH (p:Person)-[r:USES]->(v:Vehicle) RETURN p, r, v",
                         className="queries-cypher"),
            dcc.Textarea(id="queries-cypher-params", placeholder="parameters, one key=value per line",
                         className="queries-cypher-params"),
            html.Button("Run Cypher (Ctrl+Enter)", id="queries-adhoc-run", n_clicks=0,
                        title="run this Cypher; anything that would write is refused"),
        ],
        id="queries-adhoc", className=_BOX,
    )
    options = html.Div(
        [
            html.Label(["rows ", dcc.Input(id="queries-limit", type="number", value=saved.DEFAULT_LIMIT, min=1,
                                           max=MAX_LIMIT, step=1, className="queries-limit")]),
            html.Label([" timeout s ", dcc.Input(id="queries-timeout", type="number", value=saved.DEFAULT_TIMEOUT,
                                                 min=1, max=MAX_TIMEOUT, step=1, className="queries-timeout")]),
            dcc.RadioItems(id="queries-draw", value="add", inline=True,
                           options=[{"label": " add to canvas ", "value": "add"},
                                    {"label": " replace canvas ", "value": "replace"},
                                    {"label": " table only", "value": "none"}]),
        ],
        className="queries-options",
    )
    results = html.Div(
        [
            html.Div([html.B("Result "), html.Span(id="queries-note", className=_SMALL)]),
            html.Button("Download CSV", id="queries-csv", n_clicks=0, disabled=True,
                        title="every row of the last result, stamped with the query and its parameters"),
            dcc.Download(id="queries-csv-download"),
            html.Div(id="queries-result", className="queries-result"),
            dcc.Store(id="queries-last"),
        ],
        className=_BOX,
    )
    exports = html.Div(
        [
            html.H4("Export the canvas", className="cp-box-title"),
            html.Div([
                dcc.Dropdown(id="queries-export-format", value="graphml", clearable=False,
                             options=[{"label": label, "value": key} for key, (label, _) in export.FORMATS.items()],
                             className="queries-format cp-small"),
                html.Button("Export", id="queries-export", n_clicks=0,
                            title="download the subgraph on the canvas, stamped with its query, time and hash"),
            ], className="cp-inline"),
            html.Div(id="queries-export-note", className=_SMALL),
            dcc.Download(id="queries-export-download"),
            dcc.Store(id="queries-steps", data=[]),
        ],
        className=_BOX,
    )
    return html.Div([saved_box, adhoc_box, options, results, exports], id="queries-panel", className="cp-panel")


# -- callbacks ---------------------------------------------------------------------------------
def register(app: Dash, store: Store) -> None:
    @app.callback(Output("queries-list", "options"), Output("queries-tag", "options"),
                  Output("queries-count", "children"),
                  Input("queries-search", "value"), Input("queries-tag", "value"))
    def listing(text, tag):
        try:
            every = saved.saved_queries()
            shown = saved.saved_queries(search=text or None, tag=tag or None)
        except ChokepointError as err:  # a broken user query file: say which, list nothing
            return [], [], str(err)
        return query_options(shown), tag_options(every), f"{len(shown)} of {len(every)} queries"

    @app.callback(Output("queries-chosen", "children"), Output("queries-form", "children"),
                  Output("queries-run", "disabled"), Input("queries-list", "value"))
    def choose(name):
        if not name:
            return html.Div("Choose a query.", className=_SMALL), [], True
        try:
            q = saved.saved_query(name)
        except ChokepointError as err:
            return widgets.remark(str(err), "error"), [], True
        head = [html.H4(q.title, id="queries-title", className="queries-title"),
                html.Div(q.description, className="queries-description"),
                html.Div(f"{q.name} · {q.source}", className=_SMALL)]
        form = [param_input(p) for p in q.params] or [html.Div("No parameters.", className=_SMALL)]
        return head, form, False

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Output("queries-note", "children"), Output("queries-result", "children"),
                  Output("queries-last", "data"), Output("queries-csv", "disabled"),
                  Input("queries-run", "n_clicks"), Input("queries-adhoc-run", "n_clicks"),
                  State("queries-list", "value"),
                  State({"type": "queries-param", "name": ALL}, "value"),
                  State({"type": "queries-param", "name": ALL}, "id"),
                  State("queries-cypher", "value"), State("queries-cypher-params", "value"),
                  State("queries-limit", "value"), State("queries-timeout", "value"), State("queries-draw", "value"),
                  prevent_initial_call=True)
    def run(_saved, _adhoc, name, values, keys, cypher, cypher_params, limit, timeout, draw):
        limit = int(bounded(limit, saved.DEFAULT_LIMIT, 1, MAX_LIMIT))
        timeout = bounded(timeout, saved.DEFAULT_TIMEOUT, 1, MAX_TIMEOUT)
        try:
            if ctx.triggered_id == "queries-adhoc-run":
                params = saved.cypher_params(parse_param_lines(cypher_params))
                result = saved.run_cypher(store, cypher or "", params, limit=limit, timeout=timeout)
            else:
                if not name:
                    return no_update, "Choose a saved query first.", no_update, no_update, no_update, no_update
                raw = {k["name"]: form_text(v) for k, v in zip(keys, values)}
                result = saved.run_saved(store, name, {k: v for k, v in raw.items() if v is not None},
                                   limit=limit, timeout=timeout)
        except ChokepointError as err:
            return no_update, str(err), html.Span(str(err), className="cp-error"), [], None, True
        elements, left = result_elements(result.graph)
        shown = len(result.rows) > TABLE_ROWS
        note = "; ".join(filter(None, [
            result.note, result.graph_note,
            f"the table shows the first {TABLE_ROWS:,}, the CSV has them all" if shown else "",
            f"{left:,} graph elements without an entity id not drawn" if left else ""]))
        change = no_update
        if elements and draw in ("add", "replace"):
            label = "query " + result.name if result.name != "cypher" else "ad-hoc Cypher"
            source = result.name if result.name != "cypher" else "cypher: " + " ".join((cypher or "").split())[:500]
            change = view.change(draw, f"{label}: {result.note}; {result.graph_note}.", elements=elements,
                                 then=view.change("mark", cls="answer", ids=[e["data"]["id"] for e in elements]),
                                 origin={"query": source, "params": result.params})
        # the CSV is written now, from the rows as Neo4j returned them (a trip through the browser
        # would turn 10.0 into 10), stamped with the time the query ran
        stamp = export.result_stamp(result.name, result.params, result.columns, result.rows)
        last = {"csv": export.rows_csv(result.columns, result.rows, stamp),
                "filename": export.filename({**stamp, "query": f"query {result.name}"}, ".csv"),
                "query": result.name if result.name != "cypher" else cypher or "", "params": result.params,
                "rows": len(result.rows), "sha256": stamp["sha256"]}
        return change, "", note, table(result.columns, result.rows), last, False

    @app.callback(Output("queries-csv-download", "data"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input("queries-csv", "n_clicks"), State("queries-last", "data"), prevent_initial_call=True)
    def download_csv(_, last):
        if not last:
            return no_update, no_update
        try:  # audited (graph.audit.exported) before it is handed over
            return download(last["csv"], last["filename"], last.get("query") or "", last.get("params"), "csv",
                            last.get("rows"), mime="text/csv", sha256=last.get("sha256")), no_update
        except ChokepointError as err:
            return no_update, str(err)

    @app.callback(Output("queries-steps", "data"), Input(ids.VIEW_CHANGE, "data"), State("queries-steps", "data"),
                  prevent_initial_call=True)
    def remember(change, steps):
        return provenance(steps, change)

    @app.callback(Output("queries-export-download", "data"), Output("queries-export-note", "children"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input("queries-export", "n_clicks"), State("queries-export-format", "value"),
                  State(ids.CANVAS, "elements"), State("queries-steps", "data"), State(ids.URL, "href"),
                  prevent_initial_call=True)
    def export_canvas(_, fmt, elements, steps, href):
        elements = elements or []
        if not elements:
            return no_update, "The canvas is empty: nothing to export.", no_update
        stamp = stamp_for_canvas(elements, steps, href)
        text, filename = export.export(elements, fmt, stamp)
        rows = {"csv-nodes": stamp["nodes"], "csv-links": stamp["links"]}.get(fmt, stamp["nodes"] + stamp["links"])
        try:  # audited (graph.audit.exported) before it is handed over
            data = download(text, filename, stamp["query"], stamp["params"], fmt, rows, nodes=stamp["nodes"],
                            links=stamp["links"], sha256=stamp["sha256"], view=stamp["view"])
        except ChokepointError as err:
            return no_update, str(err), str(err)
        return (data, f"{filename}: {stamp['nodes']:,} nodes, {stamp['links']:,} links, "
                      f"sha256 {stamp['sha256'][:12]}…", no_update)
