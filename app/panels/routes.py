"""Routes and chokepoints: supply routes drawn left to right by stage, max flow and its cut, what-if.

An analyst picks where goods start (suppliers, labs ...) and where they end (markets, stash houses, or
one port of entry), a dataset and a date window. The panel draws the time-respecting supply routes
between them by stage (supplier -> front company -> lab -> staging -> courier -> POE -> stash ->
market), link width by volume; lists the routes by corridor and the volume through each port; gives
the max flow and marks the chokepoints (the fewest entities on every route). What-if removes chosen
entities (or the greedy best k) and sets the figures before and after side by side.

The reports are ``cases.routes``; this module only reads the form and shapes the answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import ids, view
from chokepoint.app.forms import parse_day
from chokepoint.app.positions import by_stage, with_positions
from chokepoint.app.widgets import field, remark, table
from chokepoint.cases import routes as cases
from chokepoint.cases.routes import MAX_CANDIDATES as MAX_OPTIONS
from chokepoint.cases.routes import SINK_ROLES, SOURCE_ROLES, RoutesReport
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["layout", "register", "STAGES", "stage_of", "routes_change", "figure_text", "FIGURES", "ranked_cut",
           "MAX_ROUTES_DRAWN", "stages", "GAP_X", "MAX_OPTIONS", "SOURCE_ROLES", "SINK_ROLES"]

P = "routes-"
DATASET, DATE_FROM, DATE_TO = P + "dataset", P + "from", P + "to"
SOURCES, SINKS, HOPS, GAP, CAPACITY, RUN = P + "sources", P + "sinks", P + "hops", P + "gap", P + "capacity", P + "run"
SUMMARY, CUT, CORRIDORS, PORTS, STATE = P + "summary", P + "cut", P + "corridors", P + "ports", P + "state"
REMOVE, BEST_K, BEST, USE_CUT, WHAT_IF, FIGURES_BOX = (P + "remove", P + "best-k", P + "best", P + "use-cut",
                                                      P + "what-if", P + "figures")

#: the most distinct routes drawn (the heaviest); the rest are counted and listed by corridor
MAX_ROUTES_DRAWN = 60
#: pixels between two columns of the drawing
GAP_X = 140.0
# MAX_OPTIONS (the most entities offered for removal), SOURCE_ROLES and SINK_ROLES are cases.routes'

#: column of each kind of place, left to right; whoever carries a leg (a courier, a distributor) goes in
#: the column right after the place the goods left
STAGES = {"supplier": 0, "front": 2, "lab": 4, "staging": 6, "port": 8, "stash": 10, "market": 12}
_BY_KIND = {"staging_house": "staging", "stash_house": "stash", "market": "market"}
_CARRIERS = {"Person", "Vehicle"}

#: what-if figures: key -> (shown as, format)
FIGURES = {"max_flow": ("max flow", "{:,.1f}"), "routes": ("routes", "{:,.0f}"),
           "connected_pairs": ("source-sink pairs connected", "{:,.0f}"),
           "largest_component": ("largest component", "{:,.0f}"), "fragmentation": ("fragmentation", "{:.3f}")}


# -- pure shaping ----------------------------------------------------------------------------------
def stage_of(info: Mapping | None) -> int:
    """The column of a place (``describe``'s dict): suppliers 0 ... markets 12.

    Organizations are suppliers by role, else front companies; Locations go by kind (an unknown kind
    with the stash houses).

    >>> stage_of({"label": "Lab"}), stage_of({"label": "Location", "kind": "market"})
    (4, 12)
    """
    info = info or {}
    label, kind, roles = info.get("label"), info.get("kind"), info.get("roles") or []
    if label == "Organization":
        return STAGES["supplier"] if "supplier" in roles else STAGES["front"]
    if label == "Lab":
        return STAGES["lab"]
    if label == "PortOfEntry":
        return STAGES["port"]
    if label == "Location":
        return STAGES[_BY_KIND.get(kind, "stash")]
    return STAGES["stash"]


def stages(chains: Sequence[Sequence[str]], infos: Mapping[str, Mapping]) -> dict[str, int]:
    """Column of every entity on the chains: places by ``stage_of``, carriers (people, vehicles) one
    column right of the furthest place they carry goods from.

    >>> infos = {"lab": {"label": "Lab"}, "bodega": {"label": "Location", "kind": "staging_house"},
    ...          "carla": {"label": "Person"}, "poe": {"label": "PortOfEntry"}}
    >>> stages([["lab", "bodega", "carla", "poe"]], infos)
    {'lab': 4, 'bodega': 6, 'poe': 8, 'carla': 7}
    """
    def carrier(n: str) -> bool:
        return (infos.get(n) or {}).get("label") in _CARRIERS

    out = {n: stage_of(infos.get(n)) for chain in chains for n in chain if not carrier(n)}
    for chain in chains:
        for i, n in enumerate(chain):
            if carrier(n):
                before = max((out[m] for m in chain[:i] if not carrier(m)), default=STAGES["staging"])
                out[n] = max(out.get(n, 0), before + 1)
    return out


def routes_change(chains: Sequence[Sequence[str]], infos: Mapping[str, Mapping], capacity: Mapping[tuple[str, str], float],
                  cut: Iterable[str] = (), cut_links: Iterable[tuple[str, str]] = (), unit: str = "kg",
                  notice: str = "") -> dict:
    """A ``replace`` view change drawing the chains left to right by stage: nodes classed by label (and
    ``cut``), links ``u -> v`` with their volume (``data(volume)``, and as label) and ``data(weight)`` =
    volume / the largest drawn volume; ``layout`` preset with ``by_stage`` positions."""
    cut, cut_links = set(cut), set(cut_links)
    nodes = list(dict.fromkeys(n for c in chains for n in c))
    column = stages(chains, infos)
    pairs = list(dict.fromkeys((u, v) for c in chains for u, v in zip(c, c[1:])))
    top = max((capacity.get(p, 0.0) for p in pairs), default=0.0) or 1.0
    elements = []
    for n in nodes:
        info = infos.get(n) or {}
        label = info.get("label") or "Entity"
        elements.append({"data": {"id": n, "label": info.get("caption") or n, "kind": label, "stage": column[n]},
                         "classes": label + (" cut" if n in cut else "")})
    for u, v in pairs:
        volume = float(capacity.get((u, v), 0.0))
        elements.append({"data": {"id": f"flow:{u}>{v}", "source": u, "target": v,
                                  "type": f"{volume:,.1f} kg" if unit == "kg" else f"{volume:,.0f} {unit}",
                                  "volume": volume, "weight": round(volume / top, 4)},
                         "classes": "cut" if (u, v) in cut_links else ""})
    positions = by_stage(column, gap_x=GAP_X)
    return view.change("replace", notice, elements=with_positions(elements, positions),
                       layout={"name": "preset", "fit": True, "padding": 30})


def ranked_cut(cut: Iterable[str], throughput: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The cut's entities, most flow through them first (then by id).

    >>> ranked_cut({"b", "a", "z"}, [("b", 5.0), ("a", 7.0), ("q", 9.0)])
    [('a', 7.0), ('b', 5.0), ('z', 0.0)]
    """
    flow = dict(throughput)
    return sorted(((n, flow.get(n, 0.0)) for n in cut), key=lambda x: (-x[1], x[0]))


def figure_text(key: str, value: float) -> str:
    """How a what-if figure is shown.

    >>> figure_text("max_flow", 934.5), figure_text("routes", 26), figure_text("fragmentation", 0.8164)
    ('934.5', '26', '0.816')
    """
    return FIGURES[key][1].format(value)


def _table(head: Sequence[str], rows: Sequence[Sequence], id_: str) -> html.Table:
    """This panel's tables are ruled grids."""
    return table(head, rows, kind="grid", id=id_)


def _figures_table(before: Mapping[str, float], after: Mapping[str, float], unit: str) -> html.Table:
    rows = []
    for key, (name, _) in FIGURES.items():
        shown = f"{name} ({unit})" if key == "max_flow" else name
        b, a = before.get(key, 0.0), after.get(key, 0.0)
        change = f"{(a - b) / b:+.0%}" if b else "–"
        rows.append((shown, html.Td(figure_text(key, b), id=f"{P}before-{key}"),
                     html.Td(figure_text(key, a), id=f"{P}after-{key}"), change))
    return table(("", "before", "after", "change"), rows, kind="figures", id=P + "figures-table")


# -- layout ----------------------------------------------------------------------------------------
def _row(label: str, *children, title: str = "") -> html.Div:
    return field(label, *children, title=title, title_on_row=True)


def _sink_options(ports: Sequence[dict] = ()) -> list[dict]:
    return [{"label": name, "value": role} for role, name in SINK_ROLES.items()] + \
        [{"label": f"port of entry: {p['caption']}", "value": f"port:{p['id']}"} for p in ports]


def layout() -> html.Div:
    number = {"type": "number", "debounce": True, "className": "cp-number"}
    return html.Div([
        _row("Dataset", dcc.Dropdown(id=DATASET, placeholder="open this tab to list datasets", clearable=False,
                                     className="cp-small")),
        _row("From", dcc.Dropdown(id=SOURCES, value="lab", clearable=False, className="cp-small",
                                  options=[{"label": n, "value": r} for r, n in SOURCE_ROLES.items()]),
             title="where goods start: every entity of this role is a source"),
        _row("To", dcc.Dropdown(id=SINKS, value="market", clearable=False, className="cp-small",
                                options=_sink_options()),
             title="where goods end: every entity of this role, or one port of entry"),
        _row("Dates", html.Span([dcc.Input(id=DATE_FROM, placeholder="from yyyy-mm-dd", debounce=True,
                                           className="cp-date"),
                                 dcc.Input(id=DATE_TO, placeholder="to yyyy-mm-dd", debounce=True,
                                           className="cp-date")], className="cp-inline"),
             title="only shipment legs dated in this window (undated legs are then left out)"),
        _row("Hops / gap", html.Span([
            html.Span(dcc.Input(id=HOPS, value=6, min=1, max=10, step=1, **number), title="most legs in a route"),
            html.Span(dcc.Input(id=GAP, placeholder="gap days", min=0, step=1, **number),
                      title="at most this many days between one leg and the next")], className="cp-inline")),
        _row("Volume", dcc.RadioItems(id=CAPACITY, value="kg", inline=True, inputClassName="cp-spaced",
                                      options=[{"label": " kilograms", "value": "kg"},
                                               {"label": " shipments", "value": "shipments"}]),
             title="what a link carries in the flow: kilograms shipped, or the number of shipment legs"),
        html.Button("Show routes", id=RUN, n_clicks=0, className="routes-run"),
        html.Div(id=SUMMARY, role="status", className="routes-summary"),
        html.Div(id=CUT),
        html.Div(id=CORRIDORS),
        html.Div(id=PORTS),
        html.H4("What if", className="routes-what-if"),
        _row("Remove", dcc.Dropdown(id=REMOVE, multi=True, placeholder="entities to remove (show routes first)",
                                    className="cp-small")),
        html.Div([html.Button("What if removed", id=WHAT_IF, n_clicks=0),
                  html.Button("Remove the chokepoints", id=USE_CUT, n_clicks=0,
                              title="what if every chokepoint (the cut) were removed"),
                  html.Span([dcc.Input(id=BEST_K, value=3, min=1, max=20, step=1, **number),
                             html.Button("Greedy best k", id=BEST, n_clicks=0,
                                         title="the k entities whose removal cuts the most flow, chosen one at a time")],
                            className="routes-best")],
                 className="routes-actions"),
        html.Div(id=FIGURES_BOX),
        dcc.Store(id=STATE),
    ], className="cp-panel")


# -- callbacks -------------------------------------------------------------------------------------
def _show(store: Store, dataset, source_role, sink, date_from, date_to, hops, gap, capacity) -> RoutesReport:
    if not dataset:
        raise ChokepointError("Choose a dataset first.")
    start, end = parse_day(date_from, "From date"), parse_day(date_to, "To date")
    port = sink[len("port:"):] if sink.startswith("port:") else None
    return cases.routes_report(store, sinks=[port] if port else (), dataset=dataset, source_role=source_role,
                               sink_role=None if port else sink, max_hops=int(hops or 6),
                               max_gap=int(gap) if gap not in (None, "") else None, start=start, end=end,
                               capacity=capacity, distinct=True, limit=MAX_ROUTES_DRAWN)


def _caption(infos: Mapping, n: str) -> str:
    info = infos.get(n) or {}
    return f"{info.get('caption') or n} ({info.get('label') or '?'})"


def _notice(r: RoutesReport, unit: str) -> str:
    distinct, drawn = r.found, len(r.routes)
    found = f"{distinct:,}{'+' if r.stopped else ''} distinct time-respecting route(s)"
    shown = (f"drawing the heaviest {drawn:,}; narrow the dates or the ends to see the rest"
             if distinct > drawn else "all drawn")
    stopped = " (the search stopped early: narrow the dates or the ends)" if r.stopped else ""
    return f"{found}{stopped}, {shown}. Max flow {r.flow.value:,.1f} {unit}; {len(r.cut)} chokepoint(s) marked."


def _results(r: RoutesReport, unit: str) -> tuple[list, list, list, list]:
    infos = r.entities
    summary = [html.Div(_notice(r, unit)),
               html.Div([html.B("Max flow: "), html.Span(f"{r.flow.value:,.1f}", id=P + "max-flow"), f" {unit}"])]
    cut_rows = [(i + 1, _caption(infos, n), f"{f:,.1f}")
                for i, (n, f) in enumerate(ranked_cut(r.cut, r.flow.throughput))]
    links = [(_caption(infos, u), _caption(infos, v), f"{c:,.1f}") for u, v, c in r.flow.cut_links[:20]]
    more = ", first 20" if len(r.flow.cut_links) > 20 else ""
    cut = [html.B("Chokepoints"),
           remark("the fewest entities whose removal leaves no way from the sources to the sinks; "
                  "most flow through them first", "caption"),
           _table(("#", "entity", f"flow ({unit})"), cut_rows, P + "cut-table") if cut_rows
           else html.Div("none: no route, or none can be cut without removing an end", id=P + "cut-table"),
           html.B("Minimum cut links"),
           remark(f"links whose volumes add up to the max flow (largest first{more})", "caption"),
           _table(("from", "to", unit), links, P + "cut-links")]
    names = {p: (infos.get(p) or {}).get("caption") or p for c in r.routes for p in c.ports}
    corridor_rows = [(" → ".join(names.get(p, p) for p in g.ports) or "(no port of entry)", g.routes,
                      f"{g.kg:,.1f}", f"{g.first or ''} – {g.last or ''}") for g in r.corridors]
    corridors = [html.B("Routes by corridor"),
                 remark("the drawn routes by the ports they cross: how many, kg (each route's smallest step, "
                        "summed) and earliest arrivals", "caption"),
                 _table(("ports crossed", "routes", "kg", "arrivals"), corridor_rows, P + "corridor-table")]
    ports = [html.B("Volume through each port of entry"),
             _table(("port", "kg", "shipments"), [(f"{v.name or v.code} ({v.code})", f"{v.kg:,.1f}", v.shipments)
                                                  for v in r.ports], P + "port-table")]
    return summary, cut, corridors, ports


def register(app: Dash, store: Store) -> None:
    @app.callback(Output(DATASET, "options"), Output(DATASET, "value"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.TABS, "value"), State(DATASET, "options"), State(DATASET, "value"),
                  prevent_initial_call="initial_duplicate")
    def datasets(tab, shown, chosen):
        if tab != "routes" or shown:
            return no_update, no_update, no_update
        try:
            found = cases.goods_datasets(store)
        except ChokepointError as err:
            return no_update, no_update, str(err)
        return found, chosen or (found[0] if len(found) == 1 else None), no_update

    @app.callback(Output(SINKS, "options"), Output(SINKS, "value"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(DATASET, "value"), State(SINKS, "value"), prevent_initial_call=True)
    def sink_options(dataset, sink):
        if not dataset:
            return _sink_options(), no_update, no_update
        try:
            ports = cases.ports_of_entry(store, dataset)
        except ChokepointError as err:
            return no_update, no_update, str(err)
        options = _sink_options(ports)
        return options, sink if sink in {o["value"] for o in options} else "market", no_update

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Output(SUMMARY, "children"), Output(CUT, "children"), Output(CORRIDORS, "children"),
                  Output(PORTS, "children"), Output(STATE, "data"), Output(REMOVE, "options"),
                  Output(REMOVE, "value"), Output(FIGURES_BOX, "children"),
                  Input(RUN, "n_clicks"), State(DATASET, "value"), State(SOURCES, "value"), State(SINKS, "value"),
                  State(DATE_FROM, "value"), State(DATE_TO, "value"), State(HOPS, "value"), State(GAP, "value"),
                  State(CAPACITY, "value"), prevent_initial_call=True)
    def show(_, dataset, source_role, sink, date_from, date_to, hops, gap, capacity):
        capacity = capacity or "kg"
        unit = "kg" if capacity == "kg" else "shipments"
        try:
            r = _show(store, dataset, source_role, sink, date_from, date_to, hops, gap, capacity)
        except ChokepointError as err:
            return (no_update, str(err), *[no_update] * 8)
        cut_link_pairs = [(u, v) for u, v, _ in r.flow.cut_links]
        change = routes_change([c.nodes for c in r.routes], r.entities, r.capacity, r.cut, cut_link_pairs, unit,
                               _notice(r, unit))
        state = {"dataset": dataset, "start": date_from, "end": date_to, "capacity": capacity, "unit": unit,
                 "sources": list(r.sources), "sinks": list(r.sinks), "cut": sorted(r.cut)}
        options = [{"label": _caption(r.entities, n), "value": n} for n in r.candidates]
        return (change, "", *_results(r, unit), state, options, [], "")

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Output(REMOVE, "value", allow_duplicate=True), Output(FIGURES_BOX, "children", allow_duplicate=True),
                  Input(WHAT_IF, "n_clicks"), Input(USE_CUT, "n_clicks"), Input(BEST, "n_clicks"),
                  State(STATE, "data"), State(REMOVE, "value"), State(BEST_K, "value"), prevent_initial_call=True)
    def what_if(_w, _c, _b, state, chosen, k):
        if not state:
            return no_update, "Show routes first: what-if removes entities from those routes.", no_update, no_update
        remove, best = None, None
        if ctx.triggered_id == BEST:
            best = max(1, min(int(k or 1), 20))
        else:
            remove = list(state["cut"]) if ctx.triggered_id == USE_CUT else list(chosen or [])
        nothing = "Choose entities to remove (or use the chokepoints, or greedy best k)."
        if remove == []:
            return no_update, nothing, no_update, no_update
        try:
            result = cases.disruption_report(store, state["sources"], state["sinks"], state["dataset"], remove=remove,
                                             best=best, capacity=state["capacity"],
                                             start=parse_day(state.get("start"), "From"),
                                             end=parse_day(state.get("end"), "To"))
        except ChokepointError as err:
            return no_update, str(err), no_update, no_update
        remove = list(result.removed)
        if not remove:
            return no_update, nothing, no_update, no_update
        unit = state.get("unit", "kg")
        body = [html.Div(f"Removing {len(remove)} entit{'y' if len(remove) == 1 else 'ies'}"
                         + (" chosen greedily (max flow left after each: "
                            + ", ".join(f"{f:,.1f}" for f in result.flow_left) + ")" if result.flow_left else "") + ".",
                         className="routes-removing"),
                _figures_table(result.before, result.after, unit)]
        notice = (f"What if {len(remove)} removed: max flow {figure_text('max_flow', result.before['max_flow'])} → "
                  f"{figure_text('max_flow', result.after['max_flow'])} {unit}, routes {result.before['routes']:,} → "
                  f"{result.after['routes']:,}.")
        return view.change("mark", notice, cls="removed", ids=remove), "", remove, body
