"""How entities look on the canvas: one colour and shape per label, and the legend that explains them."""

from __future__ import annotations

from dash import html

__all__ = ["LABEL_STYLE", "stylesheet", "legend"]

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


def stylesheet() -> list[dict]:
    rules = [
        {"selector": "node", "style": {"label": "data(label)", "font-size": 10, "width": 22, "height": 22,
                                       "text-valign": "bottom", "text-margin-y": 3}},
        {"selector": "edge", "style": {"curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5,
                                       "line-color": "#bbb", "target-arrow-color": "#bbb", "label": "data(type)",
                                       "font-size": 6, "color": "#777", "text-rotation": "autorotate",
                                       "text-background-color": "#fff", "text-background-opacity": 0.8}},
        {"selector": ".center", "style": {"border-width": 3, "border-color": "#111", "width": 30, "height": 30}},
        {"selector": ":selected", "style": {"border-width": 3, "border-color": "#f5c518"}},
    ]
    for label, (colour, shape) in LABEL_STYLE.items():
        rules.append({"selector": f".{label}", "style": {"background-color": colour, "shape": shape}})
    return rules


def legend() -> html.Div:
    return html.Div(
        [html.Span([html.Span(style={"display": "inline-block", "width": 10, "height": 10, "background": c,
                                     "marginRight": 4}), label], style={"marginRight": 12})
         for label, (c, _) in LABEL_STYLE.items()],
        style={"fontSize": 12, "margin": "4px 0"},
    )
