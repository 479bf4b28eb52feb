"""Analytics: who matters (centrality) and how the network holds together (structure).

An analyst picks a measure and a scope (the whole stored graph, or what is on the canvas, narrowed by
labels, relationship types, a date window and a dataset), reads the top-N table, sizes the canvas by
the measure, colours it by community, and marks key players, cut points and bridges. Every figure
comes from the ranking and structure reports (``cases.ranking``, ``cases.structure``); this module only
reads the form, calls them and shapes their answers (small pure helpers, unit-tested).

Slow analytics do not block the page: the app is served threaded, each result sits in a
``dcc.Loading`` and says how long it took on how big a graph; on big graphs betweenness is sampled
unless the analyst asks for the exact value.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence

import networkx as nx
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import ids, view
from chokepoint.app.widgets import figures, remark, row, section, swatch, table
from chokepoint.app.forms import parse_day
from chokepoint.app.style import COMMUNITY_COLOURS, LABEL_STYLE
from chokepoint.cases import ranking as rankings
from chokepoint.cases import scope as scopes
from chokepoint.cases import structure
from chokepoint.cases.ranking import SAMPLE_K, Score
from chokepoint.cases.scope import BadParameter, EmptyGraph
from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = [
    "MEASURE_CHOICES", "MAX_TOP", "layout", "register",
    "make_scope", "canvas_scores", "community_paint", "bridge_edge_ids", "entity_elements", "timed",
]

#: (value, what the dropdown says); values are cases.ranking.MEASURES names
MEASURE_CHOICES = (
    ("degree", "Degree (total)"),
    ("in_degree", "Degree (in)"),
    ("out_degree", "Degree (out)"),
    ("betweenness", "Betweenness"),
    ("closeness", "Closeness"),
    ("harmonic", "Harmonic"),
    ("pagerank", "PageRank"),
    ("eigenvector", "Eigenvector"),
)
_NAMES = dict(MEASURE_CHOICES)
#: The longest table shown.
MAX_TOP = 200
#: what the banner says when the scope holds nothing (the ranking, the structure analyses)
EMPTY_RANK = "nothing in that scope (check labels, types, dataset, dates)"
EMPTY = "nothing in that scope (check the labels, types, dataset and dates)"

P = "analytics-"  # this panel's component ids


# -- pure helpers ------------------------------------------------------------------------------

def make_scope(where: str, elements: Sequence[dict] | None, labels=None, types=None, dataset=None,
               start: str | None = None, end: str | None = None) -> scopes.Scope:
    """The :class:`Scope` the form describes: ``where`` is ``"graph"`` (everything stored) or ``"canvas"``
    (the entities on the canvas). Raises :class:`BadParameter` for an empty canvas or a bad date."""
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if first and last and first > last:
        raise BadParameter(f"the date window is empty: {first} is after {last}")
    chosen = None
    if where == "canvas":
        chosen = sorted(view.node_ids(elements or []))
        if not chosen:
            raise BadParameter("the canvas is empty: search an entity first, or choose the whole graph")
    return scopes.scope(labels, types, (dataset or "").strip() or None, first, last, chosen)


def timed(seconds: float, nodes: int, relationships: int, what: str) -> str:
    """The status line of a result: what ran, on how big a graph, how long it took.

    >>> timed(0.1234, 1200, 3400, "PageRank")
    'PageRank over 1,200 entities and 3,400 relationships in 0.12 s.'
    """
    return f"{what} over {nodes:,} entities and {relationships:,} relationships in {seconds:.2f} s."


def canvas_scores(scores: Mapping[Hashable, float], elements: Sequence[dict] | None) -> dict[str, float]:
    """The scores of the entities on the canvas (what "size nodes by it" sends)."""
    on = view.node_ids(elements or [])
    return {str(v): float(s) for v, s in scores.items() if str(v) in on}


def community_paint(membership: Mapping[Hashable, int], elements: Sequence[dict] | None) -> dict[str, dict]:
    """Paint values for the canvas: ``community`` is the colour index the stylesheet knows
    (community id modulo the palette, largest communities first), ``community_id`` the community itself.

    >>> community_paint({"a": 0, "b": 13, "z": 1}, [{"data": {"id": "a"}}, {"data": {"id": "b"}}])
    {'a': {'community': 0, 'community_id': 0}, 'b': {'community': 1, 'community_id': 13}}
    """
    on = view.node_ids(elements or [])
    n = len(COMMUNITY_COLOURS)
    return {str(v): {"community": int(c) % n, "community_id": int(c)} for v, c in membership.items() if str(v) in on}


def bridge_edge_ids(elements: Sequence[dict] | None, bridges: Iterable[tuple]) -> list[str]:
    """The canvas links between the pairs of ``bridges`` (either direction, every parallel link).

    >>> links = [{"data": {"id": "r1", "source": "a", "target": "b"}}, {"data": {"id": "r2", "source": "c", "target": "b"}}]
    >>> bridge_edge_ids(links, [("b", "a")])
    ['r1']
    """
    pairs = {frozenset((str(u), str(v))) for u, v in bridges}
    return [e["data"]["id"] for e in elements or []
            if not view.is_node(e) and frozenset((e["data"]["source"], e["data"]["target"])) in pairs]


def entity_elements(graph: nx.MultiDiGraph, wanted: Iterable[str]) -> list[dict]:
    """Canvas elements for the entities ``wanted`` of a projection, and every relationship of the projection
    that touches one of them (its other end is in the projection: on the canvas, or wanted too)."""
    chosen = {w: None for w in wanted if w in graph}
    nodes = [{"data": {"id": v, "label": graph.nodes[v].get("caption") or v, "kind": graph.nodes[v].get("label")},
              "classes": graph.nodes[v].get("label") or ""} for v in chosen]
    edges = [{"data": {"id": key, "source": u, "target": v, "type": d.get("type")}}
             for u, v, key, d in graph.edges(keys=True, data=True) if u in chosen or v in chosen]
    return nodes + edges


# -- layout ------------------------------------------------------------------------------------

_SMALL = "cp-small"
_NUMBER = "cp-number analytics-number"


def layout() -> html.Div:
    scope = section(
        "Scope",
        dcc.RadioItems(id=P + "where", value="canvas", inline=True, className=_SMALL,
                       options=[{"label": " what is on the canvas ", "value": "canvas"},
                                {"label": " the whole graph", "value": "graph"}]),
        dcc.Dropdown(id=P + "labels", multi=True, placeholder="every label", options=list(schema.SCHEMA.nodes),
                     className=_SMALL),
        dcc.Dropdown(id=P + "types", multi=True, placeholder="every relationship type",
                     options=list(schema.SCHEMA.relationships), className=_SMALL),
        row(html.Label("links dated from", className=_SMALL),
            dcc.Input(id=P + "from", type="text", placeholder="yyyy-mm-dd", debounce=True, className="analytics-date"),
            html.Label("to", className=_SMALL),
            dcc.Input(id=P + "to", type="text", placeholder="yyyy-mm-dd", debounce=True, className="analytics-date"),
            dcc.Input(id=P + "dataset", type="text", placeholder="dataset (all)", debounce=True,
                      className="analytics-dataset")),
    )
    measure = section(
        "Centrality",
        row(dcc.Dropdown(id=P + "measure", value="pagerank", clearable=False, className="analytics-measure cp-small",
                         options=[{"label": label, "value": value} for value, label in MEASURE_CHOICES]),
            html.Label("top", className=_SMALL),
            dcc.Input(id=P + "top", type="number", value=10, min=1, max=MAX_TOP, step=1, className=_NUMBER),
            html.Span(dcc.Input(id=P + "weight", type="text", placeholder="weight property", debounce=True,
                                className="analytics-weight"),
                      title="degree, PageRank, eigenvector: sum this numeric link property")),
        html.Div([dcc.RadioItems(id=P + "bmode", value="auto", inline=True, className=_SMALL,
                            options=[{"label": " auto ", "value": "auto"}, {"label": " exact ", "value": "exact"},
                                     {"label": " sampled", "value": "sampled"}]),
             html.Label("k", className=_SMALL),
             dcc.Input(id=P + "k", type="number", value=SAMPLE_K, min=2, step=1, className=_NUMBER),
             html.Label("seed", className=_SMALL),
             dcc.Input(id=P + "seed", type="number", value=0, step=1, className=_NUMBER)],
                 id=P + "betweenness-options", className="cp-row",
                 title="betweenness: exact, or estimated from k sampled sources"),
        row(html.Span(dcc.Checklist(id=P + "directed", options=[{"label": " follow link direction", "value": "on"}],
                                    value=[], className=_SMALL), title="betweenness, closeness, harmonic")),
        row(html.Button("Rank", id=P + "run", n_clicks=0, title="compute the measure and list the top entities"),
            html.Button("Size nodes by it", id=P + "size", n_clicks=0,
                        title="scale the canvas nodes by the last computed measure"),
            html.Button("Add top to canvas", id=P + "add-top", n_clicks=0,
                        title="draw the listed entities (and their links to the canvas)")),
        dcc.Loading(html.Div([html.Div(id=P + "status", className="cp-status"),
                              html.Div(id=P + "table")]), type="dot"),
        dcc.Store(id=P + "scores"),
    )
    communities = section(
        "Communities",
        row(dcc.Dropdown(id=P + "method", value="louvain", clearable=False, className="analytics-method cp-small",
                         options=[{"label": "Louvain", "value": "louvain"}, {"label": "Leiden", "value": "leiden"}]),
            html.Label("resolution", className=_SMALL),
            dcc.Input(id=P + "resolution", type="number", value=1.0, min=0.05, step=0.05, className=_NUMBER),
            html.Button("Colour by community", id=P + "communities", n_clicks=0)),
        dcc.Loading(html.Div(id=P + "communities-out"), type="dot"),
    )
    players = section(
        "Key players",
        row(html.Label("k", className=_SMALL),
            dcc.Input(id=P + "kp-k", type="number", value=3, min=1, step=1, className=_NUMBER),
            html.Button("Find key players", id=P + "keyplayers", n_clicks=0,
                        title="the k entities whose removal fragments the network most; marked on the canvas")),
        dcc.Loading(html.Div(id=P + "keyplayers-out"), type="dot"),
    )
    brokers = section(
        "Brokerage roles",
        row(html.Label("group by", className=_SMALL),
            html.Span(dcc.Input(id=P + "group", type="text", value="label", debounce=True, className="analytics-group"),
                      title="label, or an entity property (country, dataset, community...)"),
            dcc.Dropdown(id=P + "role", value="total", clearable=False, className="analytics-role cp-small",
                         options=["total", *structure.ROLES]),
            html.Button("Top brokers", id=P + "brokers", n_clicks=0)),
        dcc.Loading(html.Div(id=P + "brokers-out"), type="dot"),
    )
    cuts = section(
        "Cut points, bridges, components",
        row(html.Button("Mark cut points and bridges", id=P + "cuts", n_clicks=0),
            html.Button("Components and cores", id=P + "components", n_clicks=0)),
        dcc.Loading(html.Div([html.Div(id=P + "cuts-out"), html.Div(id=P + "components-out")]), type="dot"),
    )
    return html.Div([scope, measure, communities, players, brokers, cuts], className="cp-panel")


def _table(name: str, rows: Sequence[Score], value_label: str = "score", extra: Mapping | None = None,
           fmt: str = "{:.4g}") -> html.Table:
    """A clickable table: the caption selects the entity (details), "+" draws it on the canvas."""
    extra_cols = list(next(iter(extra.values())).keys()) if extra else []
    head = ["#", "entity", "label", value_label, *extra_cols, ""]
    body = []
    for i, s in enumerate(rows, 1):
        key = {"type": P + "pick", "table": name, "id": str(s.id)}
        body.append(html.Tr([
            html.Td(i),
            html.Td(html.Button(s.caption or str(s.id), id=key, n_clicks=0, className=P + "entity cp-link",
                                title=f"show {s.id} in Details")),
            html.Td(s.label or "", style={"color": LABEL_STYLE.get(s.label or "", ("#555",))[0]}),  # by label
            html.Td(fmt.format(s.score), className=P + "score"),
            *[html.Td(extra[s.id][c]) for c in extra_cols],
            html.Td(html.Button("+", id={**key, "type": P + "add"}, n_clicks=0, title="add to the canvas",
                                className="cp-add")),
        ], **{"data-id": str(s.id)}))
    return table(head, body, kind="list", id=P + name + "-table")


def _figures(*pairs) -> html.Div:
    return figures(*pairs, prefix=P)


# -- callbacks ---------------------------------------------------------------------------------

def _busy(button: str) -> list:
    """While an analysis runs its button is disabled, so a second click cannot queue the same work."""
    return [(Output(P + button, "disabled"), True, False)]


def register(app: Dash, store: Store) -> None:
    scope_state = [State(P + "where", "value"), State(ids.CANVAS, "elements"), State(P + "labels", "value"),
                   State(P + "types", "value"), State(P + "dataset", "value"), State(P + "from", "value"),
                   State(P + "to", "value")]

    @app.callback(Output(P + "betweenness-options", "style"), Input(P + "measure", "value"))
    def betweenness_only(measure):
        return {} if measure == "betweenness" else {"display": "none"}  # shown or hidden: the one style left

    @app.callback(Output(P + "status", "children"), Output(P + "table", "children"), Output(P + "scores", "data"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(P + "run", "n_clicks"), State(P + "measure", "value"), State(P + "top", "value"),
                  State(P + "bmode", "value"), State(P + "k", "value"), State(P + "seed", "value"),
                  State(P + "directed", "value"), State(P + "weight", "value"), *scope_state,
                  running=_busy("run"), prevent_initial_call=True)
    def rank(_, measure, top, bmode, k, seed, directed, weight, where, elements, labels, types, dataset, start,
             end):
        began = time.perf_counter()
        try:
            scope = make_scope(where, elements, labels, types, dataset, start, end)
            top = max(1, min(int(top or 10), MAX_TOP))
            report = rankings.ranking(store, measure, scope, top=top, method=bmode or "auto", k=k, seed=seed,
                                      directed=bool(directed), weight=weight)
        except EmptyGraph:
            return no_update, no_update, no_update, EMPTY_RANK
        except (ChokepointError, ValueError, TypeError) as err:
            return no_update, no_update, no_update, str(err)
        ranking, caveat = report.ranking, report.notice
        where_text = "on the canvas" if where == "canvas" else "in the whole graph"
        status = [timed(time.perf_counter() - began, ranking.nodes, ranking.relationships,
                        f"{_NAMES.get(measure, measure)} {where_text}")]
        if caveat:
            status.append(remark(caveat, "caution", id=P + "sampled"))
        scores = {"measure": measure, "where": where, "scores": canvas_scores(ranking.scores, elements),
                  "top": [str(s.id) for s in ranking.top], "scope": _scope_data(scope)}
        return status, _table("rank", ranking.top, _NAMES.get(measure, measure)), scores, ""

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(P + "size", "n_clicks"), State(P + "scores", "data"), State(ids.CANVAS, "elements"),
                  prevent_initial_call=True)
    def size(_, scores, elements):
        if not scores:
            return no_update, "Rank first: there is no measure to size the nodes by."
        values = {k: v for k, v in scores["scores"].items() if k in view.node_ids(elements or [])}
        if not values:
            return no_update, "None of the entities on the canvas has a score: rank again."
        missing = len(view.node_ids(elements or [])) - len(values)
        notice = f"Node size: {_NAMES.get(scores['measure'], scores['measure'])} ({len(values):,} entities)."
        if missing:
            notice += f" {missing:,} entities drawn since the ranking have no score (small): rank again to include them."
        return view.change("score", notice, key=scores["measure"], values=values), ""

    @app.callback(Output(ids.SELECTED, "data", allow_duplicate=True),
                  Input({"type": P + "pick", "table": ALL, "id": ALL}, "n_clicks"), prevent_initial_call=True)
    def pick(clicks):
        if not ctx.triggered_id or not any(t.get("value") for t in ctx.triggered):
            return no_update
        return ctx.triggered_id["id"]

    def _add(wanted: list[str], elements, notice: str):
        on = sorted(view.node_ids(elements or []))
        g = scopes.among(store, on, wanted)
        return view.change("add", notice, elements=entity_elements(g, wanted))

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input({"type": P + "add", "table": ALL, "id": ALL}, "n_clicks"), Input(P + "add-top", "n_clicks"),
                  State(P + "scores", "data"), State(ids.CANVAS, "elements"), prevent_initial_call=True)
    def add(_clicks, _top, scores, elements):
        if not ctx.triggered_id or not any(t.get("value") for t in ctx.triggered):
            return no_update, no_update
        if ctx.triggered_id == P + "add-top":
            if not scores:
                return no_update, "Rank first: there is no table to draw."
            wanted = scores["top"]
        else:
            wanted = [ctx.triggered_id["id"]]
        try:
            return _add(wanted, elements, f"Added {len(wanted):,} entities with their links to the canvas."), ""
        except ChokepointError as err:
            return no_update, str(err)

    @app.callback(Output(P + "communities-out", "children"), Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(P + "communities", "n_clicks"), State(P + "method", "value"), State(P + "resolution", "value"),
                  *scope_state, running=_busy("communities"), prevent_initial_call=True)
    def communities(_, method, resolution, where, elements, labels, types, dataset, start, end):
        began = time.perf_counter()
        try:
            scope = make_scope(where, elements, labels, types, dataset, start, end)
            found = structure.communities(store, scope, method=method, resolution=float(resolution or 1.0))
        except EmptyGraph:
            return no_update, no_update, EMPTY
        except (ChokepointError, ValueError, TypeError) as err:
            return no_update, no_update, str(err)
        paint = community_paint(found.membership, elements)
        shown = Counter(v["community_id"] for v in paint.values())
        rows = []
        for i, group in enumerate(found.groups[:MAX_TOP]):
            names = sorted(found.captions.get(v) or str(v) for v in group)[:3]
            rows.append(html.Tr([
                html.Td(swatch(COMMUNITY_COLOURS[i % len(COMMUNITY_COLOURS)])),
                html.Td(i), html.Td(f"{len(group):,}"), html.Td(f"{shown.get(i, 0):,}"),
                html.Td(", ".join(names) + (" ..." if len(group) > 3 else ""))]))
        legend = table(("", "community", "entities", "on canvas", "e.g."), rows, kind="legend")
        out = [remark(timed(time.perf_counter() - began, found.nodes, found.relationships,
                            f"{method.title()} communities"), "status"),
               _figures(("communities", f"{len(found.groups):,}", "community-count"),
                        ("modularity", f"{found.modularity:.4f}", "modularity")),
               legend]
        if len(found.groups) > len(COMMUNITY_COLOURS):
            out.insert(2, remark(f"{len(COMMUNITY_COLOURS)} colours: communities {len(COMMUNITY_COLOURS)} "
                                 "and above reuse them (the table lists each one's colour).",
                                 "warning"))
        ch = view.change("paint", f"Coloured {len(paint):,} canvas entities by {len(shown):,} communities "
                                  f"(modularity {found.modularity:.4f}).",
                         fields=["community", "community_id"], values=paint)
        return out, ch, ""

    @app.callback(Output(P + "keyplayers-out", "children"), Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(P + "keyplayers", "n_clicks"), State(P + "kp-k", "value"), *scope_state,
                  running=_busy("keyplayers"), prevent_initial_call=True)
    def key_players(_, k, where, elements, labels, types, dataset, start, end):
        began = time.perf_counter()
        try:
            scope = make_scope(where, elements, labels, types, dataset, start, end)
            found = structure.key_players(store, scope, k=int(k or 1))
        except EmptyGraph:
            return no_update, no_update, EMPTY
        except (ChokepointError, ValueError, TypeError) as err:
            return no_update, no_update, str(err)
        on = view.node_ids(elements or [])
        marked = [str(s.id) for s in found.players if str(s.id) in on]
        off = len(found.players) - len(marked)
        out = [remark(timed(time.perf_counter() - began, found.nodes, found.relationships,
                            f"{len(found.players)} key players"), "status"),
               _figures(("fragmentation before", f"{found.before:.4f}", "frag-before"),
                        ("after removing them", f"{found.after:.4f}", "frag-after")),
               remark("Score: fragmentation lost if that player stayed.", "hint"),
               _table("keyplayers", found.players, "contribution")]
        players = [str(s.id) for s in found.players]
        mark = view.change("mark", f"Marked {len(players)} key players (green border).", cls="answer", ids=players)
        if not off:
            return out, mark, ""
        try:  # whole-graph players not drawn yet: draw them (with their links to the canvas), then mark
            drawn = _add([p for p in players if p not in on], elements,
                         f"Drew {off} key players not on the canvas and marked all {len(players)} (green border).")
        except ChokepointError as err:
            return out, view.change("mark", mark["notice"], cls="answer", ids=marked), str(err)
        return out, {**drawn, "then": mark}, ""

    @app.callback(Output(P + "brokers-out", "children"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(P + "brokers", "n_clicks"), State(P + "group", "value"), State(P + "role", "value"),
                  State(P + "top", "value"), *scope_state, running=_busy("brokers"), prevent_initial_call=True)
    def brokers(_, group, role, top, where, elements, labels, types, dataset, start, end):
        began = time.perf_counter()
        group = (group or "label").strip()
        try:
            scope = make_scope(where, elements, labels, types, dataset, start, end)
            top = max(1, min(int(top or 10), MAX_TOP))
            found = structure.brokers(store, scope, group=group, role=role, top=top)
        except EmptyGraph:
            return no_update, EMPTY
        except (ChokepointError, ValueError, TypeError, AttributeError) as err:
            return no_update, str(err)
        ranked = found.top
        extra = {s.id: {r[:5]: getattr(found.counts[s.id], r) for r in structure.ROLES} for s in ranked}
        out = [remark(timed(time.perf_counter() - began, found.nodes, found.relationships,
                            f"Brokerage by {group}"), "status")]
        if found.ungrouped:
            out.append(remark(f"{found.ungrouped:,} entities have no {group!r} and broker nothing.",
                              "warning"))
        out.append(_table("brokers", ranked, role, extra=extra, fmt="{:.0f}"))
        return out, ""

    @app.callback(Output(P + "cuts-out", "children"), Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(P + "cuts", "n_clicks"), State(P + "top", "value"), *scope_state,
                  running=_busy("cuts"), prevent_initial_call=True)
    def cuts(_, top, where, elements, labels, types, dataset, start, end):
        began = time.perf_counter()
        try:
            scope = make_scope(where, elements, labels, types, dataset, start, end)
            top = max(1, min(int(top or 10), MAX_TOP))
            found = structure.cut_points(store, scope, top=top)
        except EmptyGraph:
            return no_update, no_update, EMPTY
        except (ChokepointError, ValueError, TypeError) as err:
            return no_update, no_update, str(err)
        points, pairs, ranked = found.points, found.bridges, found.by_neighbours
        on = view.node_ids(elements or [])
        marked = [str(v) for v in points if str(v) in on] + bridge_edge_ids(elements, pairs)
        out = [remark(timed(time.perf_counter() - began, found.nodes, found.relationships,
                            "Cut points and bridges"), "status"),
               _figures(("cut points", f"{len(points):,}", "cut-count"), ("bridges", f"{len(pairs):,}", "bridge-count")),
               remark(f"Cut points with most neighbours (top {top}):", "hint"),
               _table("cuts", ranked, "neighbours", fmt="{:.0f}")]
        notice = f"Marked {len(points):,} cut points and {len(pairs):,} bridges (red, dashed) where drawn."
        return out, view.change("mark", notice, cls="cut", ids=marked), ""

    @app.callback(Output(P + "components-out", "children"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(P + "components", "n_clicks"), *scope_state, running=_busy("components"),
                  prevent_initial_call=True)
    def components(_, where, elements, labels, types, dataset, start, end):
        began = time.perf_counter()
        try:
            scope = make_scope(where, elements, labels, types, dataset, start, end)
            found = structure.components(store, scope, cores=True)
        except EmptyGraph:
            return no_update, EMPTY
        except (ChokepointError, ValueError, TypeError) as err:
            return no_update, str(err)
        s = found.summary
        cores = ", ".join(f"{k}: {n:,}" for k, n in list(s["cores"].items())[:8])
        members = [found.captions.get(v) or str(v) for v in s["core_members"][:10]]
        return [remark(timed(time.perf_counter() - began, s["entities"], s["relationships"], "Components and cores"),
                       "status"),
                _figures(("weak components", f"{s['weak']:,}", "weak-count"),
                         ("largest", ", ".join(f"{n:,}" for n in s["largest"]), None),
                         ("isolated", f"{s['isolated']:,}", None)),
                _figures(("strong components", f"{s['strong']:,}", "strong-count"),
                         ("largest strong", f"{s['largest_strong']:,}", None)),
                _figures(("innermost core", f"k = {s['max_core']}", "max-core"),
                         ("its entities", f"{s['max_core_size']:,}", None)),
                remark(f"entities by core number: {cores}", "small"),
                remark(f"in the {s['max_core']}-core: {', '.join(members)}"
                       + (" ..." if len(s["core_members"]) > 10 else ""), "small")], ""


def _scope_data(scope: scopes.Scope) -> dict:
    return {"labels": scope.labels, "types": scope.rel_types, "dataset": scope.dataset,
            "start": scope.start.isoformat() if scope.start else None,
            "end": scope.end.isoformat() if scope.end else None, "canvas": scope.ids is not None}
