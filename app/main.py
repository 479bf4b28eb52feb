"""The explorer: search an entity, see its neighbourhood on the canvas, read its details.

Callbacks are thin: they call ``queries`` and shape the result. The store is handed in by
:func:`create_app`; the app never creates a driver of its own.
"""

from __future__ import annotations

import dash_cytoscape as cyto
from dash import Dash, Input, Output, State, dcc, html, no_update

from app import ids
from app.elements import subgraph_elements, suggestion_options
from app.style import legend, stylesheet
from graph.errors import ChokepointError
from graph.store import Store
from queries.neighbourhood import DEFAULT_LIMIT, entity_details, neighbourhood
from queries.search import search_entities

__all__ = ["create_app"]


def create_app(store: Store, neighbour_limit: int = DEFAULT_LIMIT) -> Dash:
    """Build the Dash app over ``store``. All JS and CSS are served by the app itself (no CDN)."""
    app = Dash(__name__, title="Chokepoint", serve_locally=True, update_title=None)
    app.layout = html.Div(
        [
            html.Div(id=ids.BANNER, role="alert", style={"color": "#a00", "fontWeight": "bold"}),
            html.H2("Chokepoint", style={"margin": "4px 0"}),
            dcc.Dropdown(id=ids.SEARCH, placeholder="Search a name, alias, phone, plate or id...",
                         options=[], searchable=True, clearable=True, style={"maxWidth": 640}),
            html.Div(id=ids.NOTICE, style={"fontSize": 13, "color": "#555", "minHeight": 18}),
            legend(),
            html.Div(
                [
                    cyto.Cytoscape(id=ids.CANVAS, elements=[], stylesheet=stylesheet(),
                                   layout={"name": "cose", "animate": False},
                                   style={"width": "100%", "height": "70vh", "border": "1px solid #ddd"}),
                    html.Div(id=ids.DETAILS, style={"width": 340, "fontSize": 13, "overflowY": "auto",
                                                    "maxHeight": "70vh", "paddingLeft": 12}),
                ],
                style={"display": "flex"},
            ),
        ],
        style={"fontFamily": "system-ui, sans-serif", "margin": 12},
    )

    @app.callback(Output(ids.SEARCH, "options"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.SEARCH, "search_value"), State(ids.SEARCH, "options"), prevent_initial_call=True)
    def suggest(text, shown):
        if not text:
            return no_update, no_update
        try:
            matches = search_entities(store, text)
        except ChokepointError as err:
            return no_update, str(err)
        return suggestion_options(text, matches, shown or []), ""

    @app.callback(Output(ids.CANVAS, "elements"), Output(ids.NOTICE, "children"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.SEARCH, "value"), prevent_initial_call=True)
    def show(entity_id):
        if not entity_id:
            return [], "", no_update
        try:
            sub = neighbourhood(store, entity_id, limit=neighbour_limit)
        except ChokepointError as err:
            return no_update, "", str(err)
        notice = (f"Showing {sub.shown_neighbours:,} of {sub.total_neighbours:,} neighbours; "
                  "narrow by type or time to see the rest." if sub.capped
                  else f"{sub.total_neighbours:,} neighbours.")
        return subgraph_elements(sub), notice, ""

    @app.callback(Output(ids.DETAILS, "children"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.CANVAS, "tapNodeData"), Input(ids.SEARCH, "value"), prevent_initial_call=True)
    def details(node, entity_id):
        chosen = (node or {}).get("id") or entity_id
        if not chosen:
            return "", no_update
        try:
            d = entity_details(store, chosen)
        except ChokepointError as err:
            return "", str(err)
        props = d["properties"]
        hidden = {"id", "search_text", "caption"}
        rows = [html.Tr([html.Th(k, style={"textAlign": "left", "paddingRight": 8}),
                         html.Td(", ".join(map(str, v)) if isinstance(v, list) else str(v))])
                for k, v in sorted(props.items()) if k not in hidden]
        return [html.H4(d["caption"], style={"margin": "0 0 4px"}),
                html.Div(f"{d['label']} · {d['degree']} links · {d['id']}", style={"color": "#666"}),
                html.Table(rows)], ""

    return app
