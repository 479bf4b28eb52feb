"""Checks of exported files by their format's own rules, shared by the unit and the CLI tests."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

__all__ = ["check_anx"]


def check_anx(text: str) -> dict:
    """The chart's structure, checked: returns entity and link counts and the icons used."""
    root = ET.fromstring(text)
    assert root.tag == "Chart"
    order = [child.tag for child in root]
    assert order.index("AttributeClassCollection") < order.index("ChartItemCollection") < order.index("Summary")
    declared = {c.get("Name"): c.get("Type") for c in root.find("AttributeClassCollection")}
    assert set(declared.values()) <= {"AttText", "AttNumber", "AttFlag", "AttTime"}
    entities, links, icons = {}, [], []
    for item in root.find("ChartItemCollection"):
        assert item.tag == "ChartItem" and item.get("Label") is not None
        entity = item.find("End/Entity")
        link = item.find("Link")
        assert (entity is None) != (link is None), "an item is an entity or a link"
        if entity is not None:
            assert entity.get("EntityId") and entity.get("Identity") and entity.get("EntityId") not in entities
            entities[entity.get("EntityId")] = item
            icons.append(entity.find("Icon/IconStyle").get("Type"))
        else:
            links.append(item)
            assert link.find("LinkStyle").get("ArrowStyle") in ("ArrowOnHead", "ArrowNone")
            if item.get("DateSet") == "true":
                assert dt.datetime.fromisoformat(item.get("DateTime"))
            else:
                assert item.get("DateTime") is None
        for attribute in item.iterfind("AttributeCollection/Attribute"):
            kind = declared[attribute.get("AttributeClass")]  # declared before use
            value = attribute.get("Value")
            if kind == "AttTime":
                assert dt.datetime.fromisoformat(value)
            elif kind == "AttNumber":
                float(value)
            elif kind == "AttFlag":
                assert value in ("true", "false")
    for item in links:
        link = item.find("Link")
        assert link.get("End1Id") in entities and link.get("End2Id") in entities
    summary = {c.get("Name"): c.get("Value") for c in root.iterfind("Summary/CustomPropertyCollection/CustomProperty")}
    return {"entities": len(entities), "links": len(links), "icons": icons, "summary": summary, "root": root}
