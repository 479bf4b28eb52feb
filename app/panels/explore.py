"""Explore: search starts a view, double-click (or the menu) expands, the details panel explains.

What an investigator does first: find an entity by what they know of it, see who and what is linked to
it, grow the view one neighbourhood at a time, and read where each fact came from.
"""

from __future__ import annotations

import datetime as dt
import json

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import ids, view
from chokepoint.app.forms import parse_day
from chokepoint.app.suggest import register_suggestions
from chokepoint.app.elements import subgraph_elements
from chokepoint.app.widgets import remark, table
from chokepoint.cases import explore as cases
from chokepoint.cases.explore import DEFAULT_LIMIT
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["search_box", "layout", "register", "cypher_for"]

EXPAND_FROM, EXPAND_TO = "explore-from", "explore-to"
_HIDDEN = {"id", "search_text", "caption", "aliases", "sources", "loads", "dataset"}


def search_box() -> dcc.Dropdown:
    return dcc.Dropdown(id=ids.SEARCH, placeholder="Search a name, alias, phone, plate or id...",
                        options=[], searchable=True, clearable=True, className="explore-search")


def layout() -> html.Div:
    actions = html.Div(
        [
            dcc.Dropdown(id=ids.EXPAND_TYPE, placeholder="any link type", multi=True,
                         className="explore-types cp-small"),
            dcc.Input(id=EXPAND_FROM, type="text", placeholder="from yyyy-mm-dd", debounce=True,
                      className="explore-date cp-small"),
            dcc.Input(id=EXPAND_TO, type="text", placeholder="to yyyy-mm-dd", debounce=True,
                      className="explore-date cp-small"),
            html.Button("Expand", id=ids.EXPAND, n_clicks=0,
                        title="add this entity's neighbours (through the chosen link types and dates)"),
            html.Button("Hide", id=ids.HIDE, n_clicks=0, title="take the selected entities off the canvas"),
            html.Button("Pin", id=ids.PIN, n_clicks=0, title="pin / unpin the selected entities in place"),
            html.Button("Keep selected", id=ids.KEEP_SELECTED, n_clicks=0,
                        title="keep only the selected entities"),
        ],
        className="explore-actions",
    )
    return html.Div([actions, html.Div(id=ids.DETAILS)], className="cp-panel")


def cypher_for(element: dict) -> tuple[str, dict]:
    """A read-only Cypher query (and its parameters) that returns this node or link."""
    if element.get("source"):
        c = cases.link_cypher(element["source"], element["target"], element["id"])
    else:
        c = cases.entity_cypher(element["id"])
    return c.query, c.params


def _cypher_block(element: dict) -> html.Div:
    query, params = cypher_for(element)
    text = f":params {json.dumps(params)}\n{query}"
    return html.Div([html.Div(["Cypher ", dcc.Clipboard(id="cypher-copy", content=text, title="copy",
                                                        className="cp-inline-block")],
                              className="explore-cypher-title"),
                     html.Pre(text, id="cypher-text", className="explore-cypher")])


def _details(store: Store, entity_id: str) -> list:
    d = cases.entity(store, entity_id)
    props = d.properties
    rows = [(html.Th(k), ", ".join(map(str, v)) if isinstance(v, list) else str(v))
            for k, v in sorted(props.items()) if k not in _HIDDEN]
    aliases = props.get("aliases") or []
    sources = props.get("sources") or []
    provenance = [html.Li(s) for s in sources[:50]]
    if len(sources) > 50:
        provenance.append(html.Li(f"... and {len(sources) - 50:,} more rows"))
    return [
        html.H4(d.caption, className="cp-title"),
        remark(f"{d.label} · {d.degree:,} links · {d.id}", "muted"),
        table(None, rows, kind="properties"),
        html.Div([html.B("Aliases: "), ", ".join(aliases)], className="aliases") if aliases else None,
        html.Div([html.B("Provenance"),
                  html.Div(f"dataset {props.get('dataset', '?')}; loads {', '.join(props.get('loads') or [])}",
                           className="cp-muted"),
                  html.Ul(provenance, className="explore-sources")], className="provenance"),
        _cypher_block({"id": d.id}),
    ]


def _neighbours_change(store: Store, entity_id: str, op: str, types=(), limit: int = DEFAULT_LIMIT,
                       start: dt.date | None = None, end: dt.date | None = None) -> dict:
    sub = cases.expand(store, entity_id, limit=limit, types=types or (), start=start, end=end)
    kind = f" through {', '.join(types)}" if types else ""
    if start or end:
        kind += f" dated {start or '…'} to {end or '…'}"
    if sub.capped:
        notice = (f"Showing {sub.shown_neighbours:,} of {sub.total_neighbours:,} neighbours{kind}; "
                  "narrow by link type or dates (Details tab) to see the rest.")
    else:
        notice = f"{sub.total_neighbours:,} neighbours{kind}."
    return view.change(op, notice, elements=subgraph_elements(sub))


def register(app: Dash, store: Store) -> None:
    register_suggestions(app, store, ids.SEARCH)

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.SELECTED, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.SEARCH, "value"), State(ids.EXPAND_TYPE, "value"), State(EXPAND_FROM, "value"),
                  State(EXPAND_TO, "value"), prevent_initial_call=True)
    def start_view(entity_id, types, date_from, date_to):
        """The searched entity and its neighbours, through the link types and dates chosen (if any)."""
        if not entity_id:
            return no_update, no_update, no_update
        try:
            return _neighbours_change(store, entity_id, "replace", types=types or (),
                                      start=parse_day(date_from, "From"), end=parse_day(date_to, "To")), entity_id, ""
        except ChokepointError as err:
            return no_update, no_update, str(err)

    @app.callback(Output(ids.SELECTED, "data", allow_duplicate=True), Input(ids.CANVAS, "tapNodeData"),
                  prevent_initial_call=True)
    def tap(node):
        return node["id"] if node else no_update

    # a double-click on a node (cytoscape's dbltap, caught in assets/chokepoint.js) sets EXPAND_REQUEST
    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.EXPAND_REQUEST, "data"), prevent_initial_call=True)
    def double_tap(request):
        if not request:
            return no_update, no_update
        try:
            return _neighbours_change(store, request["id"], "add"), ""
        except ChokepointError as err:
            return no_update, str(err)

    @app.callback(Output(ids.SELECTED, "data", allow_duplicate=True), Input(ids.CANVAS, "tapEdgeData"),
                  prevent_initial_call=True)
    def tap_link(edge):
        return {"link": edge} if edge else no_update

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.SELECTED, "data", allow_duplicate=True),
                  Output(ids.PATH_START, "data"), Output(ids.PATH_END, "data"),
                  Output(ids.TABS, "value", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.CANVAS, "contextMenuData"), State(ids.CANVAS, "elements"), prevent_initial_call=True)
    def menu(item, elements):
        nothing = [no_update] * 6
        if not item or not item.get("elementId"):
            return nothing
        action, target = item["menuItemId"].removeprefix("menu-"), item["elementId"]
        out = list(nothing)
        try:
            if action == "expand":
                out[0], out[1] = _neighbours_change(store, target, "add"), target
            elif action == "collapse":
                leaves = view.leaves_of(elements or [], target)
                out[0] = view.change("remove", f"Collapsed: {len(leaves):,} neighbours linked only to it hidden.",
                                     ids=leaves)
            elif action == "hide":
                out[0] = view.change("remove", "Hidden.", ids=[target])
            elif action == "pin":
                out[0] = _pin_change(elements or [], [target])
            elif action == "path-start":
                out[2], out[4] = target, "paths"
            elif action == "path-end":
                out[3], out[4] = target, "paths"
            elif action in ("details", "cypher"):
                link = item.get("edgeSource")
                out[1] = {"link": {"id": target, "source": item["edgeSource"], "target": item["edgeTarget"]}} \
                    if link else target
                out[4] = "details"
        except ChokepointError as err:
            out[5] = str(err)
        return out

    @app.callback(Output(ids.DETAILS, "children"), Output(ids.EXPAND_TYPE, "options"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.SELECTED, "data"), prevent_initial_call=True)
    def details(selected):
        if not selected:
            return "", [], no_update
        if isinstance(selected, dict):  # a link
            link = selected["link"]
            return [html.H4(link.get("type", "link"), className="cp-title"),
                    remark(f"{link.get('source')} → {link.get('target')}", "muted"),
                    _cypher_block(link)], no_update, ""
        try:
            types = cases.link_types(store, selected)
            return _details(store, selected), [{"label": f"{t.type} ({t.links:,})", "value": t.type}
                                               for t in types], ""
        except ChokepointError as err:
            return "", [], str(err)

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.EXPAND, "n_clicks"), State(ids.SELECTED, "data"), State(ids.EXPAND_TYPE, "value"),
                  State(EXPAND_FROM, "value"), State(EXPAND_TO, "value"), prevent_initial_call=True)
    def expand(_, selected, types, date_from, date_to):
        if not selected or isinstance(selected, dict):
            return no_update, "Select an entity on the canvas (or search one) to expand it."
        try:
            return _neighbours_change(store, selected, "add", types=types or (), start=parse_day(date_from, "From"),
                                      end=parse_day(date_to, "To")), ""
        except ChokepointError as err:
            return no_update, str(err)

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Input(ids.HIDE, "n_clicks"), Input(ids.PIN, "n_clicks"), Input(ids.KEEP_SELECTED, "n_clicks"),
                  State(ids.CANVAS, "selectedNodeData"), State(ids.SELECTED, "data"), State(ids.CANVAS, "elements"),
                  prevent_initial_call=True)
    def selection_actions(_h, _p, _k, selected_nodes, selected, elements):
        chosen = [n["id"] for n in selected_nodes or []]
        if not chosen and isinstance(selected, str):
            chosen = [selected]
        if not chosen:
            return no_update
        if ctx.triggered_id == ids.HIDE:
            return view.change("remove", f"Hid {len(chosen)} entities.", ids=chosen)
        if ctx.triggered_id == ids.PIN:
            return _pin_change(elements or [], chosen)
        return view.change("keep", f"Kept {len(chosen)} entities.", ids=chosen)


def _pin_change(elements: list[dict], chosen: list[str]) -> dict:
    """Pin what is not pinned among ``chosen``, unpin what is (the browser locks pinned nodes in place)."""
    return view.change("toggle", f"Pinned / unpinned {len(chosen)} entities.", cls="pinned", ids=chosen)
