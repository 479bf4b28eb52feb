"""Checks of exported files by their format's own rules, shared by the unit and the CLI tests."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

__all__ = ["check_anx", "check_ftm"]


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


def check_ftm(text: str) -> dict:
    """Every line loaded by the followthemoney package, strictly: a concrete schema, every property one the
    schema has, no value dropped by FtM's cleaning (dates, countries, phones, numbers, ids), required
    properties present, and every entity-valued property naming an entity of the file of its range.
    Returns the schema of each entity id."""
    import json
    import re

    lines = [json.loads(line) for line in text.splitlines()]
    schemata = {e["id"]: e["schema"] for e in lines}
    assert len(schemata) == len(lines), "ids are unique"
    from followthemoney import model  # in the test extra: the check is never weaker than FtM's own
    for data in lines:
        assert set(data) == {"id", "schema", "properties"}
        assert re.fullmatch(r"[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?", data["id"]), data["id"]
        proxy = model.get_proxy(data, cleaned=False)
        schema = proxy.schema
        assert not schema.abstract, data
        for name, values in data["properties"].items():
            assert name in schema.properties, (schema.name, name)
            prop = schema.properties[name]
            assert len(proxy.get(name)) == len(set(values)), (schema.name, name, values, proxy.get(name))
            if prop.range is not None:
                for ref in values:
                    assert ref in schemata, (schema.name, name, ref)
                    assert model.get(schemata[ref]).is_a(prop.range), (schema.name, name, schemata[ref])
        for name in schema.required:
            assert proxy.get(name), (schema.name, name)
    return schemata
