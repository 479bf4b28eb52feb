"""Paths: how is this entity connected to that one?

Pick a start and an end (search them here, or right-click an entity on the canvas: "Set as path
start / end"), choose how to search (shortest, k shortest, all simple paths up to N hops,
time-respecting) and what a path may go through, and run. The paths found are added to the canvas
and marked (class ``path``, replacing any earlier path highlight), and listed here; clicking a listed
path highlights that one alone. The report is ``cases.paths``; this module only reads the form
and shapes the answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import ids, view
from chokepoint.app.forms import parse_day
from chokepoint.app.suggest import register_suggestions
from chokepoint.app.widgets import field, remark
from chokepoint.cases import paths as cases
from chokepoint.cases.paths import ANSWERS, DEFAULT_HOPS, MAX_HOPS, MODES, Path, PathFilter, PathReport
from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["layout", "register", "MODES", "MAX_LISTED", "DEFAULT_HOPS", "weight_options", "path_filter",
           "path_element_ids", "path_elements", "path_summary", "path_change", "find_paths"]

#: Neo4j stops a path search after this many seconds; the banner says so and suggests fewer hops
SEARCH_SECONDS = 20.0
#: the most paths listed and drawn at once (more: the notice says so and how to narrow)
MAX_LISTED = 20
# MODES, DEFAULT_HOPS (the longest path each mode looks for when the hops box is empty) and ANSWERS
# (errors that are an answer, shown as a message, not an error) are the use case's (cases.paths)

START, END = "paths-start", "paths-end"
MODE, K, HOPS, GAP = "paths-mode", "paths-k", "paths-hops", "paths-gap"
TYPES, LABELS, DIRECTION = "paths-types", "paths-labels", "paths-direction"
DATE_FROM, DATE_TO, AVOID, DATASET, WEIGHT = "paths-from", "paths-to", "paths-avoid", "paths-dataset", "paths-weight"
RUN, MESSAGE, LIST, FOUND, SHOW_ALL = "paths-run", "paths-message", "paths-list", "paths-found", "paths-show-all"
ITEM = "paths-item"  # pattern-matching id {"type": ITEM, "index": i} of each listed path


# -- pure shaping ----------------------------------------------------------------------------------
def weight_options() -> list[dict]:
    """Numeric link properties of the schema, each with the link types that have it."""
    found: dict[str, list[str]] = {}
    for rel in schema.SCHEMA.relationships.values():
        for prop, kind in rel.properties.items():
            if kind in ("integer", "float"):
                found.setdefault(prop, []).append(rel.type)
    return [{"label": f"{p} ({', '.join(types)})", "value": p} for p, types in sorted(found.items())]


def path_filter(types: Sequence[str] | None = None, labels: Sequence[str] | None = None, direction: str | None = "both",
                date_from: str | None = None, date_to: str | None = None, avoid: Sequence[str] | None = None,
                dataset: str | None = None) -> PathFilter:
    """The form's filter fields as a :class:`PathFilter` (names are checked by the queries' allow-list)."""
    return cases.path_filter(types, labels, direction, parse_day(date_from, "From"), parse_day(date_to, "To"), avoid,
                             (dataset or "").strip() or None)


def _link_id(link: dict) -> str:
    return str(link.get("id") or f"{link['source']}-{link.get('type')}-{link['target']}")


def path_element_ids(path: Path) -> list[str]:
    """The canvas ids of a path: its entities and the links between them."""
    return [*path.ids, *(_link_id(link) for link in path.links)]


def path_elements(paths: Iterable[Path]) -> list[dict]:
    """Cytoscape elements of ``paths`` (each entity and link once), all carrying class ``path``."""
    out: dict[str, dict] = {}
    for p in paths:
        for n in p.nodes:
            out.setdefault(n["id"], {"data": {"id": n["id"], "label": n.get("caption") or n["id"],
                                              "kind": n.get("label")},
                                     "classes": f"{n.get('label') or ''} path".strip()})
        for link in p.links:
            data = {"id": _link_id(link), "source": link["source"], "target": link["target"], "type": link.get("type")}
            if link.get("date"):
                data["date"] = str(link["date"])
            out.setdefault(data["id"], {"data": data, "classes": "path"})
    return list(out.values())


def path_summary(path: Path) -> dict[str, Any]:
    """What the list shows of a path: hops, captions in order, each leg's date (None: undated), arrival."""
    return {"hops": path.hops, "captions": [n.get("caption") or n["id"] for n in path.nodes],
            "dates": [str(link["date"]) if link.get("date") else None for link in path.links],
            "arrival": str(path.arrival) if path.arrival else None, "cost": path.cost,
            "alternatives": path.alternatives}


def path_change(paths: Sequence[Path], notice: str) -> dict:
    """One view change: add the paths' elements, then move the ``path`` class to exactly them (so an
    earlier path's highlight goes, and one undo takes back both)."""
    marked = list(dict.fromkeys(i for p in paths for i in path_element_ids(p)))
    return view.change("add", notice, elements=path_elements(paths),
                       then=view.change("mark", cls="path", ids=marked))


def _whole(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _hops(value: Any, mode: str) -> int | None:
    """The hops box: empty is the mode's default, else a whole number of links up to ``MAX_HOPS``."""
    if value in (None, ""):
        return DEFAULT_HOPS.get(mode)
    schema.bound(_whole(value), 1, MAX_HOPS, "hops")
    return int(value)


def find_paths(store: Store, source: str, target: str, mode: str = "shortest", filters: PathFilter = PathFilter(),
               k: Any = 3, hops: Any = None, gap: Any = None, weight: str | None = None) -> PathReport:
    """The form's search (the path report of ``cases.paths``): at most ``MAX_LISTED`` paths, and whether
    more were found. Raises its typed errors (and ChokepointError for a bad form value, before any query)."""
    max_hops = _hops(hops, mode)
    if mode == "k":
        k = _whole(k)
        schema.bound(k, 1, MAX_LISTED, "k")
    return cases.path_report(store, source, target, mode, filters, k=k, max_hops=max_hops,
                             max_gap=None if gap in ("", None) else _whole(gap), weight=weight or None,
                             limit=MAX_LISTED, tell_more=True, timeout=SEARCH_SECONDS)


def _notice(paths: Sequence[Path], capped: bool, mode: str, weight: str | None) -> str:
    n = len(paths)
    text = f"{n} path{'s' if n != 1 else ''} found ({MODES[mode].lower()})"
    if capped:
        text = (f"Showing the first {MAX_LISTED} paths ({MODES[mode].lower()}); there are more: "
                "lower the hops or add filters (types, labels, dates, entities to avoid) to narrow them")
    if weight and mode in ("k", "shortest"):
        text += f", weighted by {weight}"
    elif weight:
        text += f"; the weight {weight} is only used by shortest and k shortest"
    return text + "."


def _listing(paths: Sequence[Path], capped: bool) -> list:
    items = []
    for i, p in enumerate(paths):
        s = path_summary(p)
        legs = ", ".join(d or "undated" for d in s["dates"])
        extra = [f"arrival {s['arrival']}" if s["arrival"] else "no dated link"]
        if s["cost"] != s["hops"]:
            extra.append(f"cost {s['cost']:g}")
        if s["alternatives"] > 1:
            extra.append(f"{s['alternatives']} parallel variants")
        items.append(html.Li(html.Button(
            [html.B(f"{s['hops']} hop{'s' if s['hops'] != 1 else ''}: "),
             html.Span(" → ".join(s["captions"]), className="paths-captions"),
             remark(f"legs: {legs} · {' · '.join(extra)}", "caption")],
            id={"type": ITEM, "index": i}, n_clicks=0, title="highlight this path alone", className="paths-choice"),
            className="paths-item"))
    out = [html.Ol(items, className="paths-list")]
    if capped:
        out.append(remark(f"Only the first {MAX_LISTED} are listed and drawn.", "caution"))
    return out


# -- layout and callbacks --------------------------------------------------------------------------
def _entity_dropdown(id_: str, placeholder: str, multi: bool = False) -> dcc.Dropdown:
    return dcc.Dropdown(id=id_, placeholder=placeholder, options=[], searchable=True, clearable=True, multi=multi,
                        className="cp-small")


def _row(label: str, *children, title: str = "") -> html.Div:
    return field(label, *children, title=title, wide=True)


def layout() -> html.Div:
    number = {"type": "number", "debounce": True, "className": "cp-number"}
    return html.Div([
        _row("Start", _entity_dropdown(START, "search the start entity...")),
        _row("End", _entity_dropdown(END, "search the end entity...")),
        _row("Mode", dcc.RadioItems(id=MODE, options=[{"label": f" {v}", "value": k} for k, v in MODES.items()],
                                    value="shortest", inline=True, inputClassName="cp-spaced")),
        _row("k / hops / gap",
             html.Span([html.Span(dcc.Input(id=K, value=3, min=1, max=MAX_LISTED, step=1, **number),
                                  title="k (k shortest)"),
                        html.Span(dcc.Input(id=HOPS, placeholder="hops", min=1, max=MAX_HOPS, step=1, **number),
                                  title="longest path, in links (empty: 15 for shortest and k shortest, 4 otherwise)"),
                        html.Span(dcc.Input(id=GAP, placeholder="gap days", min=0, step=1, **number),
                                  title="time-respecting: at most this many days between dated legs")],
                       className="cp-inline")),
        _row("Link types", dcc.Dropdown(id=TYPES, multi=True, placeholder="any",
                                        options=sorted(schema.SCHEMA.relationships), className="cp-small")),
        _row("Through", dcc.Dropdown(id=LABELS, multi=True, placeholder="any label",
                                     options=sorted(schema.SCHEMA.nodes), className="cp-small"),
             title="labels the entities between the ends may have"),
        _row("Direction", dcc.RadioItems(id=DIRECTION, value="both", inline=True, inputClassName="cp-spaced",
                                         options=[{"label": " both", "value": "both"},
                                                  {"label": " out (start → end)", "value": "out"},
                                                  {"label": " in", "value": "in"}])),
        _row("Dates", html.Span([dcc.Input(id=DATE_FROM, placeholder="from yyyy-mm-dd", debounce=True,
                                           className="cp-date"),
                                 dcc.Input(id=DATE_TO, placeholder="to yyyy-mm-dd", debounce=True,
                                           className="cp-date")], className="cp-inline"),
             title="links dated in this window (undated links always pass)"),
        _row("Avoid", _entity_dropdown(AVOID, "entities the path must not go through", multi=True)),
        _row("Dataset", dcc.Input(id=DATASET, placeholder="any dataset", debounce=True, className="paths-dataset")),
        _row("Weight", dcc.Dropdown(id=WEIGHT, options=weight_options(), placeholder="none (fewest links)",
                                    className="cp-small"),
             title="shortest / k shortest: least total of this link property (links without it are skipped)"),
        html.Div([html.Button("Find paths", id=RUN, n_clicks=0),
                  html.Button("Show all", id=SHOW_ALL, n_clicks=0, title="highlight every listed path again",
                              className="cp-spaced")], className="paths-actions"),
        html.Div(id=MESSAGE, role="status", className="paths-message"),
        html.Div(id=LIST),
        dcc.Store(id=FOUND),
    ], className="cp-panel")


def _option_for(store: Store, entity_id: str) -> list[dict]:
    label = cases.end_label(store, entity_id)
    return [{"label": label, "value": entity_id, "search": f"{label} {entity_id}"}]


def register(app: Dash, store: Store) -> None:
    for box in (START, END, AVOID):
        register_suggestions(app, store, box)

    for shared, box in ((ids.PATH_START, START), (ids.PATH_END, END)):
        _register_handoff(app, store, shared, box)

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True), Output(MESSAGE, "children"),
                  Output(LIST, "children"), Output(FOUND, "data"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(RUN, "n_clicks"),
                  State(START, "value"), State(END, "value"), State(MODE, "value"), State(K, "value"),
                  State(HOPS, "value"), State(GAP, "value"), State(TYPES, "value"), State(LABELS, "value"),
                  State(DIRECTION, "value"), State(DATE_FROM, "value"), State(DATE_TO, "value"),
                  State(AVOID, "value"), State(DATASET, "value"), State(WEIGHT, "value"), prevent_initial_call=True)
    def run(_, source, target, mode, k, hops, gap, types, labels, direction, date_from, date_to, avoid, dataset,
            weight):
        if not source or not target:
            return no_update, "Pick a start and an end (search here, or right-click entities on the canvas).", \
                no_update, no_update, no_update
        unmark = view.change("mark", "", cls="path", ids=[])
        try:
            filters = path_filter(types, labels, direction, date_from, date_to, avoid, dataset)
            report = find_paths(store, source, target, mode, filters, k=k, hops=hops, gap=gap, weight=weight)
        except ANSWERS as err:
            return unmark, f"No answer: {err}.", [], None, ""
        except ChokepointError as err:
            return no_update, "", no_update, no_update, str(err)
        paths, capped = report.paths, report.more
        notice = _notice(paths, capped, mode, weight)
        found = [path_element_ids(p) for p in paths]
        return path_change(paths, notice), notice, _listing(paths, capped), found, ""

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Input({"type": ITEM, "index": ALL}, "n_clicks"), Input(SHOW_ALL, "n_clicks"),
                  State(FOUND, "data"), prevent_initial_call=True)
    def highlight(clicks, _all, found):
        if not found or not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update  # a new list's buttons appearing is not a click
        if ctx.triggered_id == SHOW_ALL:
            return view.change("mark", f"All {len(found)} paths highlighted.", cls="path",
                               ids=list(dict.fromkeys(i for p in found for i in p)))
        i = ctx.triggered_id["index"]
        if i >= len(found):
            return no_update
        return view.change("mark", f"Path {i + 1} of {len(found)} highlighted.", cls="path", ids=found[i])


def _register_handoff(app: Dash, store: Store, shared: str, box: str) -> None:
    @app.callback(Output(box, "value"), Output(box, "options", allow_duplicate=True),
                  Input(shared, "data"), State(box, "options"), prevent_initial_call=True)
    def handoff(entity_id, shown):
        """The canvas menu set this end: show it in the box (with its caption)."""
        if not entity_id:
            return no_update, no_update
        try:
            option = _option_for(store, entity_id)
        except ChokepointError:
            option = [{"label": entity_id, "value": entity_id}]
        return entity_id, option + [o for o in shown or [] if o["value"] != entity_id]
