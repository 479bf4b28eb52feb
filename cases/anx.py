"""i2 Analyst's Notebook chart XML (ANX): entities with an icon chosen by their label, links with
their dates, every property as an attribute, provenance included.

The chart: ``<Chart>`` holds ``<AttributeClassCollection>`` (every attribute used, declared once with its
type: ``AttText``, ``AttNumber``, ``AttFlag`` or ``AttTime``), then ``<ChartItemCollection>``: an entity is
``<ChartItem Label=caption><End><Entity EntityId=id Identity=id><Icon><IconStyle Type=icon/></Icon>
</Entity></End><AttributeCollection>...</AttributeCollection></ChartItem>``; a link is ``<ChartItem
Label=type DateSet=... DateTime=...><Link End1Id=source End2Id=target><LinkStyle ArrowStyle=ArrowOnHead
Type=Link Strength=1/></Link>...</ChartItem>``, ``End1Id``/``End2Id`` naming entities' ``EntityId``.
A link's ``date`` becomes its ``DateTime`` (``DateSet="true"``); provenance (``sources``, each record's
``file:row``) is an attribute and the item's ``SourceReference``. Entities are laid out on a grid
(``XPosition``, ``End Y``): ANB's own layouts arrange them once opened. Last, ``<Summary>`` holds the
stamp: the title field is the query, the comments field the stamp as JSON, and each stamp field is a
custom property ``chokepoint_<field>``.

>>> text = anx([{"id": "p", "label": "Ana", "kind": "Person", "sources": ["people.csv:2"]},
...             {"id": "f", "label": "Phone 1", "kind": "Phone"}],
...            [{"id": "r", "source": "p", "target": "f", "type": "USES", "date": "2024-03-05"}],
...            {"query": "scope dataset=case", "sha256": "ab"})
>>> root = ET.fromstring(text)
>>> [e.get("Type") for e in root.iter("IconStyle")], root.find(".//Link").get("End1Id")
(['Person', 'Mobile Phone'], 'p')
>>> root.find(".//Link/..").get("DateTime")
'2024-03-05T00:00:00'
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

__all__ = ["ICONS", "DEFAULT_ICON", "anx"]

#: Our label -> the i2 Analyst's Notebook standard icon (``IconStyle Type``) its entities are drawn with
ICONS = {
    "Person": "Person",
    "Organization": "Organisation",
    "Chemical": "Drugs",
    "Lab": "Factory",
    "PortOfEntry": "Border Crossing",
    "Location": "Place",
    "Vehicle": "Car",
    "Phone": "Mobile Phone",
    "Shipment": "Package",
    "Seizure": "Police",
    "Firearm": "Gun",
}
#: The icon of an entity whose label is not in :data:`ICONS`
DEFAULT_ICON = "General"

_STRUCTURE = {"id", "label", "source", "target", "type"}
_DAY = re.compile(r"\d{4}-\d\d-\d\d\Z")
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?\Z")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GRID = 200  # chart units between two entities of the starting grid


def anx(nodes: list[Mapping], links: list[Mapping], stamp: Mapping[str, Any]) -> str:
    """The chart XML of ``nodes`` and ``links`` (element data: nodes with ``id``, ``label`` (caption),
    ``kind`` (our label) and properties; links with ``id``, ``source``, ``target``, ``type`` and
    properties), ``stamp`` in its summary."""
    node_attrs = [_attributes(n, _STRUCTURE) for n in nodes]
    link_attrs = [_attributes(e, _STRUCTURE | {"date"}) for e in links]
    classes = _classes(node_attrs + link_attrs)
    chart = ET.Element("Chart", IdReferenceLinking="false", Rigorous="true")
    collection = ET.SubElement(chart, "AttributeClassCollection")
    for name, kind in classes.items():
        ET.SubElement(collection, "AttributeClass", Name=_text(name), Type=kind, ShowValue="false",
                      Visible="false", IsUser="true", UserCanAdd="true", UserCanRemove="true")
    items = ET.SubElement(chart, "ChartItemCollection")
    columns = max(1, int(len(nodes) ** 0.5))
    for i, (node, attrs) in enumerate(zip(nodes, node_attrs)):
        item = ET.SubElement(items, "ChartItem", Label=_text(node.get("label") or node["id"]), DateSet="false",
                             XPosition=str(i % columns * _GRID), Description=_text(node.get("kind") or ""),
                             **_reference(node))
        end = ET.SubElement(item, "End", Y=str(i // columns * _GRID))
        entity = ET.SubElement(end, "Entity", EntityId=_text(node["id"]), Identity=_text(node["id"]))
        ET.SubElement(ET.SubElement(entity, "Icon"), "IconStyle", Type=ICONS.get(node.get("kind"), DEFAULT_ICON))
        _attribute_collection(item, attrs, classes)
    for link, attrs in zip(links, link_attrs):
        when = _datetime(link.get("date"))
        item = ET.SubElement(items, "ChartItem", Label=_text(link.get("type") or ""), Description=_text(link["id"]),
                             DateSet="true" if when else "false", **({"DateTime": when} if when else {}),
                             **_reference(link))
        element = ET.SubElement(item, "Link", End1Id=_text(link["source"]), End2Id=_text(link["target"]))
        arrow = "ArrowNone" if link.get("undirected") is True else "ArrowOnHead"
        ET.SubElement(element, "LinkStyle", ArrowStyle=arrow, Type="Link", Strength="1")
        _attribute_collection(item, attrs, classes)
    _summary(chart, stamp)
    ET.indent(chart, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(chart, encoding="unicode") + "\n"


# -- helpers -----------------------------------------------------------------------------------
def _attributes(data: Mapping, skipped: set[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in skipped and v is not None and v != []}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "AttFlag"
    if isinstance(value, (int, float)):
        return "AttNumber"
    if isinstance(value, str) and (_DAY.match(value) or _INSTANT.match(value)):
        return "AttTime"
    return "AttText"


def _classes(records: list[dict[str, Any]]) -> dict[str, str]:
    """Every attribute name used, with one type: the values' type when they agree, else text."""
    kinds: dict[str, set[str]] = {}
    for r in records:
        for k, v in r.items():
            kinds.setdefault(k, set()).add(_kind(v))
    return {k: seen.pop() if len(seen) == 1 else "AttText" for k, seen in sorted(kinds.items())}


def _value(value: Any, kind: str) -> str:
    if kind == "AttFlag":
        return "true" if value else "false"
    if kind == "AttNumber":
        return repr(value) if isinstance(value, float) else str(value)
    if kind == "AttTime":
        return _datetime(value) or str(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "true" if value is True else "false" if value is False else str(value)


def _attribute_collection(item: ET.Element, attrs: dict[str, Any], classes: dict[str, str]) -> None:
    if not attrs:
        return
    collection = ET.SubElement(item, "AttributeCollection")
    for name, value in attrs.items():
        ET.SubElement(collection, "Attribute", AttributeClass=_text(name), Value=_text(_value(value, classes[name])))


def _datetime(value: Any) -> str | None:
    """ISO date or instant text as ANB's ``DateTime`` (``yyyy-mm-ddThh:mm:ss``), None when not one."""
    if not isinstance(value, str):
        return None
    if _DAY.match(value):
        return f"{value}T00:00:00"
    if _INSTANT.match(value):
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return moment.replace(microsecond=0).isoformat()
    return None


def _reference(data: Mapping) -> dict[str, str]:
    """``SourceReference``: the records (``file:row``) the item came from."""
    sources = data.get("sources")
    if not sources:
        return {}
    shown = sources if isinstance(sources, list) else [sources]
    return {"SourceReference": _text("; ".join(str(s) for s in shown)), "SourceType": "chokepoint record"}


def _summary(chart: ET.Element, stamp: Mapping[str, Any]) -> None:
    summary = ET.SubElement(chart, "Summary")
    fields = ET.SubElement(summary, "Fields")
    ET.SubElement(fields, "Field", Type="SummaryFieldTitle", Content=_text(f"chokepoint: {stamp.get('query', '')}"))
    ET.SubElement(fields, "Field", Type="SummaryFieldComments",
                  Content=_text(json.dumps(dict(stamp), ensure_ascii=False, sort_keys=True, default=str)))
    custom = ET.SubElement(summary, "CustomPropertyCollection")
    for key, value in stamp.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        ET.SubElement(custom, "CustomProperty", Name=f"chokepoint_{key}", Type="SummaryTypeString", Value=_text(text))


def _text(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", str(value))
