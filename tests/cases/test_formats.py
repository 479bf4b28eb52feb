"""The formats analysts' tools read, checked by their own rules: i2 ANX chart XML by its structure (every
link's ends are entities, attribute classes declared before use, dates ISO), FollowTheMoney entities by
the followthemoney package."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chokepoint.cases import anx, graph_files
from format_checks import check_anx, check_ftm

NOW = dt.datetime(2024, 3, 1, 12, 30, 5, tzinfo=dt.timezone.utc)


@pytest.fixture()
def elements():
    return [
        {"data": {"id": "s:person:1", "label": "Ana <\"Ortega\"> & co\x00", "kind": "Person", "aliases": ["La Flaca"],
                  "sources": ["people.csv:2", "calls.csv:7"], "dob": "1990-02-03"}},
        {"data": {"id": "s:phone:1", "label": "+52 1", "kind": "Phone"}},
        {"data": {"id": "s:phone:2", "label": "+52 2", "kind": "Phone"}},
        {"data": {"id": "s:lab:1", "label": "Lab", "kind": "Lab", "subkind": "pill_press", "controlled": True}},
        {"data": {"id": "s:thing:1", "label": "Odd", "kind": "Unknown"}},
        {"data": {"id": "r1", "source": "s:phone:1", "target": "s:phone:2", "type": "CALLED", "date": "2024-03-05",
                  "duration_s": 65, "sources": ["calls.csv:7"]}},
        {"data": {"id": "r2", "source": "s:person:1", "target": "s:phone:1", "type": "USES"}},
        {"data": {"id": "r3", "source": "s:person:1", "target": "s:lab:1", "type": "ASSOCIATED_WITH", "undirected": True,
                  "weight": 2.5}},
    ]


def test_anx_is_a_chart_of_entities_with_icons_and_dated_links(elements):
    stamp = graph_files.make_stamp(elements, "scope dataset=s", {"dataset": "s"}, now=NOW)
    text, name = graph_files.export(elements, "anx", stamp)
    assert name == "chokepoint-scope-dataset-s-20240301T123005Z.anx"
    chart = check_anx(text)
    assert (chart["entities"], chart["links"]) == (5, 3)
    assert chart["icons"] == ["Person", "Mobile Phone", "Mobile Phone", "Factory", anx.DEFAULT_ICON]
    root = chart["root"]
    called = next(i for i in root.iter("ChartItem") if i.get("Label") == "CALLED")
    assert (called.get("DateSet"), called.get("DateTime")) == ("true", "2024-03-05T00:00:00")
    assert called.get("SourceReference") == "calls.csv:7"
    attrs = {a.get("AttributeClass"): a.get("Value") for a in called.iterfind("AttributeCollection/Attribute")}
    assert attrs == {"duration_s": "65", "sources": "calls.csv:7"}
    person = next(i for i in root.iter("ChartItem") if i.get("Description") == "Person")
    assert person.get("Label") == "Ana <\"Ortega\"> & co\ufffd"  # escaped; the NUL XML cannot hold replaced
    attrs = {a.get("AttributeClass"): a.get("Value") for a in person.iterfind("AttributeCollection/Attribute")}
    assert attrs["sources"] == "people.csv:2; calls.csv:7" and attrs["dob"] == "1990-02-03T00:00:00"
    declared = {c.get("Name"): c.get("Type") for c in root.find("AttributeClassCollection")}
    assert declared["dob"] == "AttTime" and declared["duration_s"] == "AttNumber" and declared["controlled"] == "AttFlag"
    undirected = next(i for i in root.iter("ChartItem") if i.get("Label") == "ASSOCIATED_WITH")
    assert undirected.find("Link/LinkStyle").get("ArrowStyle") == "ArrowNone"
    assert chart["summary"]["chokepoint_sha256"] == stamp["sha256"]
    assert json.loads(chart["summary"]["chokepoint_params"]) == {"dataset": "s"}


def test_every_label_has_an_icon():
    from chokepoint.graph.schema import SCHEMA

    assert set(anx.ICONS) == set(SCHEMA.nodes)


def test_ftm_lines_load_in_followthemoney_with_the_mapped_schemata(elements):
    elements = [*elements,
                {"data": {"id": "s:org:1", "label": "Fachada SA", "kind": "Organization", "roles": ["front_company"],
                          "country": "MX"}},
                {"data": {"id": "s:person:2", "label": "Beto", "kind": "Person", "nationality": "MX"}},
                {"data": {"id": "s:gun:1", "label": "SN1", "kind": "Firearm", "serial": "SN1", "make": "Colt"}},
                {"data": {"id": "m1", "source": "s:person:2", "target": "s:org:1", "type": "MEMBER_OF",
                          "role": "cell leader", "sources": ["members.csv:4"]}},
                {"data": {"id": "a1", "source": "s:person:1", "target": "s:person:2", "type": "ASSOCIATED_WITH"}},
                {"data": {"id": "b1", "source": "s:person:2", "target": "s:gun:1", "type": "PURCHASED",
                          "date": "2024-02-01"}}]
    for e in elements:
        if e["data"].get("kind") == "Phone":
            e["data"]["number"] = "+5255" + e["data"]["id"][-1] * 8
    stamp = graph_files.make_stamp(elements, "scope dataset=s", {"dataset": "s"}, now=NOW)
    text, name = graph_files.export(elements, "ftm", stamp)
    assert name == f"chokepoint-scope-dataset-s-20240301T123005Z-sha256-{stamp['sha256'][:12]}.ftm.json"
    schemata = check_ftm(text)
    assert schemata == {
        "s.person.1": "Person", "s.phone.1": "LegalEntity", "s.phone.2": "LegalEntity", "s.lab.1": "RealEstate",
        "s.thing.1": "Asset", "s.org.1": "Company", "s.person.2": "Person", "s.gun.1": "Asset",
        "r1": "Call", "r2": "UnknownLink", "r3": "UnknownLink", "m1": "Membership", "a1": "Associate",
        "b1": "Ownership"}
    entities = {e["id"]: e["properties"] for e in map(json.loads, text.splitlines())}
    assert entities["r1"]["date"] == ["2024-03-05"] and entities["r1"]["recordId"] == ["calls.csv:7"]
    assert entities["r1"]["callerNumber"] == ["+5255" + "1" * 8] and entities["r1"]["duration"] == ["65"]
    assert entities["r2"]["role"] == ["USES"] and entities["r2"]["subject"] == ["s.person.1"]
    assert entities["r3"]["role"] == ["ASSOCIATED_WITH"]  # a person and a lab: not an Associate
    assert entities["m1"]["role"] == ["cell leader"] and entities["m1"]["recordId"] == ["members.csv:4"]
    assert entities["b1"]["owner"] == ["s.person.2"] and entities["b1"]["date"] == ["2024-02-01"]
    person = entities["s.person.1"]
    assert person["alias"] == ["La Flaca"] and person["birthDate"] == ["1990-02-03"]
    assert person["notes"] == ["source: people.csv:2", "source: calls.csv:7"]
    assert sorted(entities["s.lab.1"]["notes"]) == ["controlled: True", "subkind: pill_press"]


def test_every_label_has_an_ftm_schema():
    from chokepoint.cases import ftm
    from chokepoint.graph.schema import SCHEMA

    assert set(ftm.NODE_SCHEMA) == set(SCHEMA.nodes)
