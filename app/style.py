"""How entities look on the canvas: one colour and shape per label, highlight classes, and the legend."""

from __future__ import annotations

from dash import html

__all__ = ["LABEL_STYLE", "COMMUNITY_COLOURS", "stylesheet", "legend", "LEGEND_ITEM"]

# label -> (colour, cytoscape shape)
LABEL_STYLE: dict[str, tuple[str, str]] = {
    "Person": ("#1f77b4", "ellipse"),
    "Organization": ("#ff7f0e", "round-rectangle"),
    "Chemical": ("#9467bd", "hexagon"),
    "Lab": ("#d62728", "octagon"),
    "PortOfEntry": ("#2ca02c", "diamond"),
    "Location": ("#8c564b", "round-triangle"),
    "Vehicle": ("#7f7f7f", "rectangle"),
    "Phone": ("#17becf", "ellipse"),
    "Shipment": ("#bcbd22", "tag"),
    "Seizure": ("#000000", "star"),
    "Firearm": ("#e377c2", "vee"),
}
#: node colours for ``data(community)`` 0..11 (bigger ids wrap around)
COMMUNITY_COLOURS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a6761d",
                     "#f781bf", "#999999", "#66c2a5", "#1b9e77", "#e7298a", "#d95f02"]
#: id prefix of the legend's clickable items (the label follows)
LEGEND_ITEM = "legend-"

# Classes panels set through view changes (app.view "mark"): what each means on the canvas.
HIGHLIGHTS = {
    "path": {"border-width": 4, "border-color": "#f5a623", "line-color": "#f5a623",
             "target-arrow-color": "#f5a623", "z-index": 10},
    "cut": {"border-width": 4, "border-color": "#d0021b", "line-color": "#d0021b",
            "target-arrow-color": "#d0021b", "line-style": "dashed"},
    "answer": {"border-width": 5, "border-color": "#7ed321"},
    "removed": {"opacity": 0.25},
    "disrupted": {"background-color": "#bdbdbd", "border-width": 2, "border-color": "#8c8c8c", "opacity": 0.4,
                  "color": "#8c8c8c"},   # the Disruption tab's removed entities, greyed
    "pinned": {"border-width": 2, "border-style": "double", "border-color": "#333"},
    "out-of-window": {"display": "none"},   # the timeline hides what lies outside its date window
}


def stylesheet(show_labels: bool = True) -> list[dict]:
    """The canvas rules. ``show_labels=False`` hides every caption and link type (redacted screenshots)."""
    rules = [
        {"selector": "node", "style": {"label": "data(label)" if show_labels else "", "font-size": 10,
                                       "width": 22, "height": 22, "text-valign": "bottom", "text-margin-y": 3}},
        {"selector": "edge", "style": {"curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5,
                                       "line-color": "#bbb", "target-arrow-color": "#bbb",
                                       "label": "data(type)" if show_labels else "",
                                       "font-size": 6, "color": "#777", "text-rotation": "autorotate",
                                       "text-background-color": "#fff", "text-background-opacity": 0.8}},
        # edge width by volume: data(weight) is scaled 0..1 by whoever draws it
        {"selector": "edge[weight]", "style": {"width": "mapData(weight, 0, 1, 1.5, 12)"}},
        # node size by a chosen metric (app.view "score" writes data(size) 0..1)
        {"selector": "node[size]", "style": {"width": "mapData(size, 0, 1, 14, 70)",
                                             "height": "mapData(size, 0, 1, 14, 70)"}},
        {"selector": ".center", "style": {"border-width": 3, "border-color": "#111"}},
    ]
    for label, (colour, shape) in LABEL_STYLE.items():
        rules.append({"selector": f".{label}", "style": {"background-color": colour, "shape": shape}})
    for i, colour in enumerate(COMMUNITY_COLOURS):
        rules.append({"selector": f"node[community = {i}]", "style": {"background-color": colour}})
    for cls, style in HIGHLIGHTS.items():
        rules.append({"selector": f".{cls}", "style": style})
    rules.append({"selector": "edge.path", "style": {"width": 4}})  # (a width on nodes would squash them)
    rules.append({"selector": ":selected", "style": {"border-width": 3, "border-color": "#f5c518"}})
    return rules


def legend() -> html.Div:
    """One swatch per label; clicking one selects every entity of that label on the canvas."""
    return html.Div(
        [html.Button([html.Span(className="cp-swatch legend-swatch", style={"background": c}), label],
                     id=LEGEND_ITEM + label, n_clicks=0, title=f"select every {label} on the canvas",
                     className="legend-item")
         for label, (c, _) in LABEL_STYLE.items()],
        className="legend",
    )
