"""The explorer: one canvas, and panels (tabs) that fill it: explore, paths, analytics, routes, ...

Callbacks are thin: they call ``queries`` and shape the result. The store is handed in by
:func:`create_app`; the app never creates a driver of its own.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash_cytoscape as cyto
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from app import audit, auth, canvas, ids
from app.panels import analytics, explore, geo, metrics, paths, routes, timeline, trainer
from app.panels import queries as saved_queries  # (the tab; `queries` is the analytics package)
from graph.errors import ChokepointError
from graph.store import Store
from queries.neighbourhood import entity_details

__all__ = ["create_app", "PANELS", "HEALTH_SECONDS"]

# (tab value, tab label, panel module): each module has layout() and register(app, store)
PANELS = (
    ("details", "Details", explore),
    ("paths", "Paths", paths),
    ("analytics", "Analytics", analytics),
    ("routes", "Routes", routes),
    ("timeline", "Timeline", timeline),
    ("map", "Map", geo),
    ("metrics", "Metrics", metrics),
    ("queries", "Queries", saved_queries),
    ("trainer", "Trainer", trainer),
)
HEALTH_SECONDS = 5


def create_app(store: Store, auth_config: auth.AuthConfig | None = None) -> Dash:
    """Build the Dash app over ``store``. All JS and CSS are served by the app itself (no CDN).

    Every request is authenticated as ``auth_config`` says (default: the environment,
    :func:`app.auth.config_from_env`); with nothing configured the app is open.
    """
    auth_config = auth.config_from_env() if auth_config is None else auth_config
    cyto.load_extra_layouts()  # dagre, klay, fcose... served from the package, like everything else
    app = Dash(__name__, title="Chokepoint", serve_locally=True, update_title=None,
               suppress_callback_exceptions=False)
    auth.install(app.server, auth_config)
    audit.install(app.server)  # after auth: one audit action per authenticated request
    tab_style = {"padding": "4px 8px", "flex": "0 0 auto", "lineHeight": "20px"}
    tabs = dcc.Tabs(id=ids.TABS, value=PANELS[0][0],
                    children=[dcc.Tab(label=label, value=value, children=module.layout(), id=f"tab-{value}",
                                      style=tab_style, selected_style={**tab_style, "fontWeight": "bold"})
                              for value, label, module in PANELS],
                    style={"fontSize": 13, "display": "flex", "flexWrap": "wrap", "height": "auto"})
    app.layout = html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SELECTED), dcc.Store(id=ids.EXPAND_REQUEST),
            dcc.Store(id=ids.PATH_START), dcc.Store(id=ids.PATH_END),
            dcc.Interval(id=ids.HEALTH, interval=HEALTH_SECONDS * 1000),
            html.Div(id="store-status", role="status",
                     style={"background": "#fde2e2", "color": "#900", "fontWeight": "bold"}),
            html.Div([html.H2("Chokepoint", style={"margin": "0 12px 0 0"}), explore.search_box()],
                     style={"display": "flex", "alignItems": "center"}),
            html.Div(id=ids.BANNER, role="alert", style={"color": "#a00", "fontWeight": "bold"}),
            html.Div(id=ids.NOTICE, style={"fontSize": 13, "color": "#555", "minHeight": 18}),
            html.Div(
                [html.Div(canvas.layout(), style={"flex": "1 1 60%", "minWidth": 0}),
                 html.Div(tabs, style={"flex": "0 0 460px", "maxHeight": "85vh", "overflowY": "auto",
                                       "paddingLeft": 12})],
                style={"display": "flex"},
            ),
        ],
        style={"fontFamily": "system-ui, sans-serif", "margin": 12},
    )
    canvas.register(app)
    for _, _, module in PANELS:
        module.register(app, store)
    _register_shell(app, store)
    return app


def _register_shell(app: Dash, store: Store) -> None:
    @app.callback(Output("store-status", "children"), Input(ids.HEALTH, "n_intervals"))
    def health(_):
        """A banner while Neo4j cannot be reached; it goes when Neo4j is back (the driver reconnects)."""
        why = store.reachable()
        return f"Neo4j is unreachable ({store.where}): {why}. Retrying every {HEALTH_SECONDS} s." if why else ""

    # Deep links: ?entity=ID&tab=NAME reproduces the view; the URL follows the search and the tab.
    @app.callback(Output(ids.URL, "search"), Output(ids.SEARCH, "value"), Output(ids.SEARCH, "options",
                                                                                  allow_duplicate=True),
                  Output(ids.TABS, "value"),
                  Input(ids.URL, "search"), Input(ids.SEARCH, "value"), Input(ids.TABS, "value"),
                  State(ids.SEARCH, "options"), prevent_initial_call="initial_duplicate")
    def deep_link(search, entity, tab, options):
        if ctx.triggered_id == ids.URL or not ctx.triggered_id:
            query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
            wanted, wanted_tab = query.get("entity"), query.get("tab")
            new_tab = wanted_tab if wanted_tab in {p[0] for p in PANELS} else no_update
            if not wanted or wanted == entity:
                return no_update, no_update, no_update, new_tab
            try:
                d = entity_details(store, wanted)
            except ChokepointError:
                return no_update, no_update, no_update, new_tab
            option = {"label": f"{d['caption']} ({d['label']})", "value": d["id"], "search": d["caption"]}
            return no_update, d["id"], [option, *(options or [])], new_tab
        query = {k: v for k, v in (("entity", entity), ("tab", tab)) if v}
        return "?" + urlencode(query) if query else "", no_update, no_update, no_update
