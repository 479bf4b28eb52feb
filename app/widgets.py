"""The panels' shared widgets: tables, form rows, labelled fields, notices, figures, sections.

Their look is the stylesheet ``app/assets/widgets.css`` (Dash serves every file of ``app/assets``):
a widget sets class names (``cp-*``), never an inline style, so a colour or a spacing is changed in
one place. Inline styles are left for what is computed (a label's colour, a community swatch, a
toggled display). ``tests/app/test_widgets.py`` checks every class the app names is in the CSS.

Example
-------
>>> t = table(("#", "entity"), [(1, "Luis Ortega")], kind="grid", id="t")
>>> t.className, [c.children for c in t.children[1].children[0].children]
('cp-grid', [1, 'Luis Ortega'])
>>> remark("3 paths found.", "warning").className
'cp-warning'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dash import html

__all__ = ["TABLES", "TONES", "table", "row", "field", "remark", "figures", "section", "swatch"]

#: table kinds -> class: ``grid`` (ruled rows), ``data`` (a query result, full width), ``list`` (a ranking,
#: full width), ``legend`` (a table of swatches), ``figures`` (before/after figures), ``properties`` (key: value),
#: ``loads`` (datasets, each followed by its loads)
TABLES = {"grid": "cp-grid", "data": "cp-data", "list": "cp-list", "legend": "cp-legend",
          "figures": "cp-figures-table", "properties": "cp-properties", "loads": "cp-loads"}
#: notice tones -> class: ``status`` (what ran, small grey), ``warning`` (small amber), ``hint`` (a line
#: under a heading), ``caption`` (what a table shows), ``muted``, ``quiet``, ``caution`` and ``error`` (colour only)
TONES = {"status": "cp-status", "warning": "cp-warning", "hint": "cp-hint", "caption": "cp-caption",
         "muted": "cp-muted", "quiet": "cp-quiet", "caution": "cp-caution", "error": "cp-error",
         "meta": "cp-meta", "small": "cp-small"}


def _id(props: dict, id: Any) -> dict:
    """Dash refuses ``id=None``: only pass an id that is set."""
    if id is not None:
        props["id"] = id
    return props


def table(head: Sequence | None, rows: Iterable, *, kind: str = "grid", id: Any = None) -> html.Table:
    """A table of ``rows`` under the column names ``head`` (None: no header row).

    A row is a sequence of cells, or an ``html.Tr`` already built (to carry attributes); a cell is a
    value or an ``html.Td`` / ``html.Th`` already built (to carry an id or a computed colour).
    """
    def cell(c: Any) -> html.Td | html.Th:
        return c if isinstance(c, (html.Td, html.Th)) else html.Td(c)

    body = [r if isinstance(r, html.Tr) else html.Tr([cell(c) for c in r]) for r in rows]
    props = _id({"className": TABLES[kind]}, id)
    if head is None:
        return html.Table(body, **props)
    titles = html.Tr([h if isinstance(h, html.Th) else html.Th(h) for h in head])
    return html.Table([html.Thead(titles), html.Tbody(body)], **props)


def row(*children, id: Any = None, title: str | None = None) -> html.Div:
    """Controls side by side, centred, wrapping, with a small gap."""
    props = _id({"className": "cp-row"}, id)
    if title:
        props["title"] = title
    return html.Div(list(children), **props)


def field(label: str, *children, title: str = "", wide: bool = False, title_on_row: bool = False) -> html.Div:
    """A form line: a fixed-width label (wider with ``wide``) and its controls beside it."""
    props: dict = {"className": "cp-field"}
    if title_on_row:
        props["title"] = title
    return html.Div([html.Label(label, title=title, className="cp-field-label-wide" if wide else "cp-field-label"),
                     html.Div(list(children), className="cp-field-body")], **props)


def remark(text: Any, tone: str = "status", *, id: Any = None, **props) -> html.Div:
    """A line of text in one of the :data:`TONES`."""
    return html.Div(text, **_id({"className": TONES[tone], **props}, id))


def figures(*pairs: tuple[str, Any, str | None], prefix: str = "") -> html.Div:
    """Named figures on one line, each value bold; a pair's third item (if not None) is the value's id
    (after ``prefix``), for tests and links.

    >>> f = figures(("largest", "3", None), ("weak components", "2", "weak-count"), prefix="analytics-")
    >>> [s.children[1].to_plotly_json()["props"].get("id") for s in f.children]
    [None, 'analytics-weak-count']
    """
    return html.Div([html.Span([f"{k}: ", html.B(v, **_id({}, prefix + i if i else None)), "  "])
                     for k, v, i in pairs], className="cp-figures")


def section(title: str, *children, open: bool = True) -> html.Details:
    """A titled block that folds."""
    return html.Details([html.Summary(html.B(title)), *children], open=open, className="cp-section")


def swatch(colour: str) -> html.Span:
    """A small square of ``colour`` (the one inline style: the colour is the data)."""
    return html.Span(className="cp-swatch", style={"background": colour})
