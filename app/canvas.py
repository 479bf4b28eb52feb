"""The canvas: its toolbar, and the one callback that applies view changes (see ``app.view``).

Positions for big views are computed on the server (``app.positions``); undo/redo history is kept in
the browser (``assets/chokepoint.js``), so views never travel back to the server to be remembered.
"""

from __future__ import annotations

import datetime as dt

import dash_cytoscape as cyto
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html, no_update

from chokepoint.app import export, ids, positions, view
from chokepoint.app.style import LABEL_STYLE, LEGEND_ITEM, legend, stylesheet

__all__ = ["LAYOUTS", "CONTEXT_MENU", "layout", "register", "layout_options", "image_name"]

# name shown -> cytoscape layout; "server" means positions computed by app.positions
LAYOUTS = {
    "force": {"name": "cose", "animate": False, "nodeDimensionsIncludeLabels": True},
    "force (fast)": {"name": "fcose", "animate": False, "quality": "default"},
    "concentric": {"name": "concentric", "animate": False, "minNodeSpacing": 20},
    "breadthfirst": {"name": "breadthfirst", "animate": False, "directed": True, "spacingFactor": 1.1},
    "hierarchical (dagre)": {"name": "dagre", "animate": False, "rankDir": "LR", "nodeSep": 20},
    "hierarchical (klay)": {"name": "klay", "animate": False},
    "circle": {"name": "circle", "animate": False},
    "server force": {"name": "preset", "fit": True},
}

# the right-click menu; each item comes back as contextMenuData.menuItemId (app.panels.explore acts on it).
# The ids become DOM ids of the menu's buttons, hence the prefix.
CONTEXT_MENU = [
    {"id": "menu-expand", "label": "Expand neighbours", "availableOn": ["node"]},
    {"id": "menu-collapse", "label": "Collapse (hide neighbours linked only to it)", "availableOn": ["node"]},
    {"id": "menu-details", "label": "Details and provenance", "availableOn": ["node", "edge"]},
    {"id": "menu-hide", "label": "Hide", "availableOn": ["node", "edge"]},
    {"id": "menu-pin", "label": "Pin / unpin", "availableOn": ["node"]},
    {"id": "menu-path-start", "label": "Set as path start", "availableOn": ["node"]},
    {"id": "menu-path-end", "label": "Set as path end", "availableOn": ["node"]},
    {"id": "menu-cypher", "label": "Copy as Cypher", "availableOn": ["node", "edge"]},
]


def layout_options() -> list[dict]:
    return [{"label": name, "value": name} for name in LAYOUTS]


def image_name(elements: list[dict], now: dt.datetime | None = None) -> str:
    """A PNG or SVG export's file name (no suffix: the canvas adds it), the stamp an image can carry:
    what it shows, the time (UTC) and the first 12 hex digits of the data hash (``export.data_hash``).

    >>> image_name([{"data": {"id": "a"}}], now=dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc))
    'chokepoint-canvas-20240301T000000Z-1n-0l-sha256-ae40ac9cd1e5'
    """
    stamp = export.make_stamp(elements, "canvas", now=now)
    return export.filename(stamp, f"-{stamp['nodes']}n-{stamp['links']}l-sha256-{stamp['sha256'][:12]}")


def _button(label: str, id_: str, title: str) -> html.Button:
    return html.Button(label, id=id_, n_clicks=0, title=title, className="canvas-button")


def layout() -> html.Div:
    toolbar = html.Div(
        [
            _button("Undo", ids.UNDO, "go back to the previous view"),
            _button("Redo", ids.REDO, "go forward again"),
            _button("Clear", ids.CLEAR, "empty the canvas"),
            _button("Fit", ids.FIT, "fit the view to the window"),
            html.Span(id=ids.HISTORY_STATE, className="canvas-history"),
            html.Label("Layout ", className="cp-small"),
            dcc.Dropdown(id=ids.LAYOUT, options=layout_options(), value="force", clearable=False,
                         className="cp-picker canvas-layout"),
            dcc.Checklist(id=ids.SHOW_LABELS, options=[{"label": " labels", "value": "on"}], value=["on"],
                          inline=True, className="canvas-labels"),
            _button("PNG", ids.EXPORT_PNG, "download the canvas as PNG"),
            _button("SVG", ids.EXPORT_SVG, "download the canvas as SVG"),
        ],
        className="canvas-toolbar",
    )
    return html.Div([
        toolbar,
        legend(),
        html.Div(id="legend-selection", className="canvas-selection"),
        cyto.Cytoscape(id=ids.CANVAS, elements=[], stylesheet=stylesheet(), layout=LAYOUTS["force"],
                       contextMenu=CONTEXT_MENU, boxSelectionEnabled=True,
                       style={"width": "100%", "height": "72vh", "border": "1px solid #ddd"}),
        dcc.Store(id=ids.VIEW_CHANGE),
    ])


def _layout_for(elements: list[dict], ch: dict, chosen: str) -> tuple[list[dict], dict]:
    """The change's own layout, else server positions for big views, else the chosen layout."""
    if ch.get("layout"):
        return elements, ch["layout"]
    if chosen == "server force" or len(view.node_ids(elements)) > positions.BROWSER_LAYOUT_LIMIT:
        return positions.with_positions(elements, positions.force_positions(elements)), LAYOUTS["server force"]
    return elements, LAYOUTS.get(chosen, LAYOUTS["force"])


def register(app: Dash) -> None:
    @app.callback(Output(ids.CANVAS, "elements", allow_duplicate=True),
                  Output(ids.CANVAS, "layout", allow_duplicate=True),
                  Output(ids.NOTICE, "children", allow_duplicate=True),
                  Input(ids.VIEW_CHANGE, "data"), State(ids.CANVAS, "elements"), State(ids.LAYOUT, "value"),
                  prevent_initial_call=True)
    def apply_change(ch, elements, chosen):
        if not ch:
            return no_update, no_update, no_update
        try:
            new = view.apply(elements or [], ch)
        except view.ViewTooBig as err:
            return no_update, no_update, str(err)
        if ch["op"] in ("mark", "toggle", "score", "paint"):  # same nodes, same places: no new layout
            return new, no_update, ch.get("notice", no_update)
        new, lay = _layout_for(new, ch, chosen)
        return new, lay, ch.get("notice", "")

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True), Input(ids.CLEAR, "n_clicks"),
                  prevent_initial_call=True)
    def clear(_):
        return view.change("clear", "Canvas cleared.")

    @app.callback(Output(ids.CANVAS, "elements", allow_duplicate=True),
                  Output(ids.CANVAS, "layout", allow_duplicate=True),
                  Input(ids.LAYOUT, "value"), State(ids.CANVAS, "elements"), prevent_initial_call=True)
    def relayout(chosen, elements):
        if chosen == "server force":
            return _layout_for(elements or [], {}, chosen)
        return no_update, {**LAYOUTS[chosen], "fit": True}

    @app.callback(Output(ids.CANVAS, "stylesheet"), Input(ids.SHOW_LABELS, "value"))
    def labels(shown):
        return stylesheet(show_labels=bool(shown))

    @app.callback(Output(ids.CANVAS, "generateImage"), Input(ids.EXPORT_PNG, "n_clicks"),
                  Input(ids.EXPORT_SVG, "n_clicks"), State(ids.CANVAS, "elements"), prevent_initial_call=True)
    def export_image(png, svg, elements):
        from dash import ctx

        kind = "svg" if ctx.triggered_id == ids.EXPORT_SVG else "png"
        return {"type": kind, "action": "download", "filename": image_name(elements or [])}

    app.clientside_callback(ClientsideFunction("chokepoint", "remember"), Output(ids.HISTORY_STATE, "children"),
                            Input(ids.CANVAS, "elements"))
    app.clientside_callback(ClientsideFunction("chokepoint", "undo"),
                            Output(ids.CANVAS, "elements", allow_duplicate=True),
                            Output(ids.HISTORY_STATE, "children", allow_duplicate=True),
                            Input(ids.UNDO, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("chokepoint", "redo"),
                            Output(ids.CANVAS, "elements", allow_duplicate=True),
                            Output(ids.HISTORY_STATE, "children", allow_duplicate=True),
                            Input(ids.REDO, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("chokepoint", "selectLabel"), Output("legend-selection", "children"),
                            *[Input(LEGEND_ITEM + label, "n_clicks") for label in LABEL_STYLE],
                            prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("chokepoint", "fit"), Output(ids.FIT, "title"),
                            Input(ids.FIT, "n_clicks"), prevent_initial_call=True)
