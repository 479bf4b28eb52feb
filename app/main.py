"""The explorer: one canvas, and panels (tabs) that fill it: explore, paths, analytics, routes, ...

Callbacks are thin: they call a use case (``cases``) and shape the result. The store is handed in by
:func:`create_app`; the app never creates a driver of its own.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash_cytoscape as cyto
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import audit, auth, canvas, ids, security
from chokepoint.app.panels import analytics, disruption, explore, geo, metrics, paths, routes, timeline, trainer
from chokepoint.app.panels import queries as saved_queries  # (the tab; `queries` is the analytics package)
from chokepoint.cases import explore as explore_cases
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["create_app", "app_settings", "PANELS", "HEALTH_SECONDS", "LINKED", "link_values"]

#: the store settings ``serve`` gives the app: short Neo4j retries and connect timeout (app.security)
app_settings = security.app_settings

#: What a link holds: URL parameter -> (the control the URL follows, what a link sets). A path end is
#: set through the store the canvas menu sets too, so the Paths box shows its caption. Other
#: parameters (the trainer's lesson and step) are kept as they are.
LINKED = {
    "entity": ((ids.SEARCH, "value"), (ids.SEARCH, "value")),
    "tab": ((ids.TABS, "value"), (ids.TABS, "value")),
    "types": ((ids.EXPAND_TYPE, "value"), (ids.EXPAND_TYPE, "value")),
    "from": ((explore.EXPAND_FROM, "value"), (explore.EXPAND_FROM, "value")),
    "to": ((explore.EXPAND_TO, "value"), (explore.EXPAND_TO, "value")),
    "path_start": ((paths.START, "value"), (ids.PATH_START, "data")),
    "path_end": ((paths.END, "value"), (ids.PATH_END, "data")),
}


def link_values(query: dict[str, str]) -> dict:
    """The controls' values a link's parameters ask for (None where it says nothing).

    >>> v = link_values({"entity": "e1", "types": "CALLED,USES_PHONE", "from": "2024-01-01"})
    >>> v["entity"], v["types"], v["from"], v["path_start"]
    ('e1', ['CALLED', 'USES_PHONE'], '2024-01-01', None)
    """
    values: dict = {key: query.get(key) or None for key in LINKED}
    if values["types"]:
        values["types"] = [t for t in values["types"].split(",") if t]
    return values

# (tab value, tab label, panel module): each module has layout() and register(app, store)
PANELS = (
    ("details", "Details", explore),
    ("paths", "Paths", paths),
    ("analytics", "Analytics", analytics),
    ("routes", "Routes", routes),
    ("disruption", "Disruption", disruption),
    ("timeline", "Timeline", timeline),
    ("map", "Map", geo),
    ("metrics", "Metrics", metrics),
    ("queries", "Queries", saved_queries),
    ("trainer", "Trainer", trainer),
)
HEALTH_SECONDS = 5


def create_app(store: Store, auth_config: auth.AuthConfig | None = None, bind: str | None = None) -> Dash:
    """Build the Dash app over ``store``. All JS and CSS are served by the app itself (no CDN).

    Every request is authenticated as ``auth_config`` says (default: the environment,
    :func:`app.auth.config_from_env`); with nothing configured the app is open. Only requests naming an
    allowed host are answered (loopback, ``bind`` unless a wildcard, ``CHOKEPOINT_ALLOWED_HOSTS``), and
    every response carries the security headers (:mod:`app.security`).
    """
    auth_config = auth.config_from_env() if auth_config is None else auth_config
    hosts = security.allowed_hosts(bind=bind)
    cyto.load_extra_layouts()  # dagre, klay, fcose... served from the package, like everything else
    app = Dash(__name__, title="Chokepoint", serve_locally=True, update_title=None,
               suppress_callback_exceptions=False)
    auth.install(app.server, auth_config)
    audit.install(app.server, required=auth_config.enabled)  # after auth; required audit with authentication
    tabs = dcc.Tabs(id=ids.TABS, value=PANELS[0][0],
                    children=[dcc.Tab(label=label, value=value, children=module.layout(), id=f"tab-{value}",
                                      className="cp-tab", selected_className="cp-tab-selected")
                              for value, label, module in PANELS],
                    className="cp-tabs")
    app.layout = html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SELECTED), dcc.Store(id=ids.EXPAND_REQUEST),
            dcc.Store(id=ids.PATH_START), dcc.Store(id=ids.PATH_END),
            dcc.Interval(id=ids.HEALTH, interval=HEALTH_SECONDS * 1000),
            html.Div(id="store-status", role="status",
                     className="cp-store-status"),
            html.Div([html.H2("Chokepoint", className="cp-brand"), explore.search_box()], className="cp-header"),
            html.Div(id=ids.BANNER, role="alert", className="cp-banner"),
            html.Div(id=ids.NOTICE, className="cp-notice"),
            html.Div([html.Div(canvas.layout(), className="cp-canvas-side"),
                      html.Div(tabs, className="cp-panel-side")], className="cp-main"),
        ],
        className="cp-shell",
    )
    canvas.register(app)
    for _, _, module in PANELS:
        module.register(app, store)
    _register_shell(app, store)
    # last: the policy names the hashes of every inline script (Dash's, the clientside callbacks')
    security.install(app.server, hosts, security.content_security_policy(app.csp_hashes()))
    return app


def _register_shell(app: Dash, store: Store) -> None:
    @app.callback(Output("store-status", "children"), Input(ids.HEALTH, "n_intervals"))
    def health(_):
        """A banner while Neo4j cannot be reached; it goes when Neo4j is back (the driver reconnects)."""
        why = store.reachable()
        return f"Neo4j is unreachable ({store.where}): {why}. Retrying every {HEALTH_SECONDS} s." if why else ""

    # Deep links: the URL holds the view (see LINKED and docs/explorer.md); a link or a reload reproduces
    # it, and the URL follows the controls.
    @app.callback(Output(ids.URL, "search"), Output(ids.SEARCH, "options", allow_duplicate=True),
                  Output(ids.EXPAND_TYPE, "options", allow_duplicate=True),
                  *[Output(*sets, allow_duplicate=True) for _, sets in LINKED.values()],
                  Input(ids.URL, "search"), *[Input(*follows) for follows, _ in LINKED.values()],
                  State(ids.SEARCH, "options"),
                  prevent_initial_call="initial_duplicate")
    def deep_link(search, *values_and_options):
        *values, options = values_and_options
        current = dict(zip(LINKED, values))
        query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
        unchanged = [no_update] * len(LINKED)
        if ctx.triggered_id == ids.URL or not ctx.triggered_id:
            wanted = link_values(query)
            if wanted["tab"] not in {p[0] for p in PANELS}:
                wanted["tab"] = None
            out = [wanted[k] if wanted[k] and wanted[k] != current[k] else no_update for k in LINKED]
            new_options = no_update
            entity = wanted["entity"]
            if entity and entity != current["entity"]:
                try:
                    d = explore_cases.entity(store, entity)
                    new_options = [{"label": f"{d.caption} ({d.label})", "value": d.id,
                                    "search": d.caption}, *(options or [])]
                except ChokepointError:
                    out[list(LINKED).index("entity")] = no_update
            # a dropdown drops a value it has no option for, so the link's types come with theirs
            type_options = [{"label": t, "value": t} for t in wanted["types"]] if wanted["types"] else no_update
            return no_update, new_options, type_options, *out
        for key, value in current.items():
            query.pop(key, None)
            text = ",".join(value) if isinstance(value, list) else value
            if text:
                query[key] = text
        return ("?" + urlencode(query) if query else ""), no_update, no_update, *unchanged
