"""Exports of the canvas and of query rows: stamped, and read back by networkx as the same graph."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from chokepoint.app import export

NOW = dt.datetime(2024, 3, 1, 12, 30, 5, tzinfo=dt.timezone.utc)


def node(i, kind="Person", **data):
    return {"data": {"id": f"sample:{kind.lower()}:{i}", "label": f"{kind} {i}", "kind": kind, **data},
            "classes": kind}


def link(a, b, type_="CALLED", i=0, **data):
    return {"data": {"id": f"{type_.lower()}:{a['data']['id']}-{b['data']['id']}-{i}", "source": a["data"]["id"],
                     "target": b["data"]["id"], "type": type_, **data}}


@pytest.fixture()
def elements():
    a, b, c = node(1, pagerank=0.25, size=1.0), node(2, pagerank=1, size=0.0), node(3, "PortOfEntry")
    # two links between the same pair (a multigraph), an attribute of mixed types, a list value
    return [a, b, c, link(a, b, i=0, date="2024-03-05"), link(a, b, i=1, date="2024-03-06"),
            link(b, c, "CROSSED_AT", community=[1, 2]), {**node(4, note=None), "position": {"x": 1, "y": 2}}]


def structure(elements):
    nodes = {e["data"]["id"] for e in elements if "source" not in e["data"]}
    edges = {(e["data"]["source"], e["data"]["target"], e["data"]["id"]) for e in elements if "source" in e["data"]}
    return nodes, edges


def graph_structure(g):
    return set(g.nodes), {(u, v, d["id"]) for u, v, d in g.edges(data=True)}


def test_the_hash_is_of_the_data_only_and_ignores_order_positions_and_classes(elements):
    h = export.data_hash(elements)
    moved = [{**e, "position": {"x": 9, "y": 9}, "classes": "path pinned",
              "data": {**e["data"], "_classes": "path pinned"}} for e in reversed(elements)]
    assert export.data_hash(moved) == h
    changed = [dict(e, data={**e["data"], "label": "renamed"}) if i == 0 else e for i, e in enumerate(elements)]
    assert export.data_hash(changed) != h
    assert export.data_hash(elements[:-1]) != h


def test_the_stamp_says_query_params_time_hash_and_counts(elements):
    s = export.make_stamp(elements, "query top-callers", {"top": 5}, view="http://x/?tab=queries",
                          steps=[{"op": "add"}], now=NOW)
    assert s["query"] == "query top-callers" and s["params"] == {"top": 5}
    assert s["exported_at"] == "2024-03-01T12:30:05Z"
    assert s["sha256"] == export.data_hash(elements) and (s["nodes"], s["links"]) == (4, 3)
    local = dt.datetime(2024, 3, 1, 14, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert export.make_stamp(elements, "q", now=local)["exported_at"] == s["exported_at"]  # always UTC


def test_graphml_reads_back_with_the_same_nodes_links_and_the_stamp(elements, tmp_path):
    s = export.make_stamp(elements, "query top-callers", {"top": 5, "since": "2024-01-01"}, now=NOW)
    text, name = export.export(elements, "graphml", s)
    assert name == "chokepoint-query-top-callers-20240301T123005Z.graphml"
    (tmp_path / name).write_text(text, encoding="utf-8")
    g = nx.read_graphml(tmp_path / name)
    assert graph_structure(g) == structure(elements)
    assert g.graph["stamp_query"] == "query top-callers"
    assert json.loads(g.graph["stamp_params"]) == {"top": 5, "since": "2024-01-01"}
    assert g.graph["stamp_sha256"] == export.data_hash(elements)
    assert g.graph["stamp_exported_at"] == "2024-03-01T12:30:05Z"
    a = g.nodes["sample:person:1"]
    assert a["label"] == "Person 1" and a["kind"] == "Person" and a["pagerank"] == 0.25
    assert g.nodes["sample:person:2"]["pagerank"] == 1.0  # int and float in one attribute: all float
    rel = {d["id"]: d for _, _, d in g.edges(data=True)}
    assert {d["rel_type"] for d in rel.values()} == {"CALLED", "CROSSED_AT"}
    assert [json.loads(d["community"]) for d in rel.values() if "community" in d] == [[1, 2]]


def test_gexf_reads_back_with_the_same_nodes_links_and_carries_the_stamp_in_meta(elements, tmp_path):
    s = export.make_stamp(elements, "query top-callers", {"top": 5}, now=NOW)
    text, name = export.export(elements, "gexf", s)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    g = nx.read_gexf(path)
    assert graph_structure(g) == structure(elements)
    assert {d["label"] for _, _, d in g.edges(data=True)} == {"CALLED", "CROSSED_AT"}
    assert g.nodes["sample:portofentry:3"]["label"] == "PortOfEntry 3"
    ns = {"g": "http://www.gexf.net/1.2draft"}
    meta = ET.parse(path).getroot().find("g:meta", ns)
    assert json.loads(meta.find("g:description", ns).text) == s
    assert meta.get("lastmodifieddate") == "2024-03-01"


def test_json_has_nodes_links_and_a_stamp_that_checks_against_them(elements):
    s = export.make_stamp(elements, "view entity=x", {"entity": "x"}, now=NOW)
    doc = json.loads(export.export(elements, "json", s)[0])
    assert doc["stamp"] == s
    back = [{"data": d} for d in doc["nodes"] + doc["links"]]
    assert export.data_hash(back) == doc["stamp"]["sha256"]  # the file can be checked against its stamp
    assert structure(back) == structure(elements)


def test_csv_nodes_and_links_open_with_the_stamp(elements):
    s = export.make_stamp(elements, "query q", {"role": "courier"}, now=NOW)
    nodes_text, nodes_name = export.export(elements, "csv-nodes", s)
    links_text, links_name = export.export(elements, "csv-links", s)
    assert nodes_name.endswith("-nodes.csv") and links_name.endswith("-links.csv")
    stamp, nodes = export.read_csv(nodes_text)
    assert stamp["sha256"] == s["sha256"] and stamp["params"] == {"role": "courier"} and stamp["query"] == "query q"
    assert [n["id"] for n in nodes] == [e["data"]["id"] for e in elements if "source" not in e["data"]]
    assert list(nodes[0])[:3] == ["id", "label", "kind"]
    _, links = export.read_csv(links_text)
    assert {(r["source"], r["target"], r["id"]) for r in links} == structure(elements)[1]
    assert [r["community"] for r in links if r["community"]] == ["1;2"]


def test_query_rows_csv_is_stamped_with_a_hash_of_the_rows():
    columns, rows = ["name", "roles", "n"], [["Ana", ["courier", "broker"], 3], ["Bo, Jr.", [], None]]
    s = export.result_stamp("entities-by-role", {"role": "courier"}, columns, rows, now=NOW)
    stamp, back = export.read_csv(export.rows_csv(columns, rows, s))
    assert stamp["query"] == "entities-by-role" and stamp["params"] == {"role": "courier"}
    assert stamp["sha256"] == export.rows_hash(columns, rows) != export.rows_hash(columns, rows[:1])
    assert back == [{"name": "Ana", "roles": "courier;broker", "n": "3"}, {"name": "Bo, Jr.", "roles": "", "n": ""}]


def test_an_unknown_format_is_refused(elements):
    with pytest.raises(ValueError, match="unknown export format"):
        export.export(elements, "xlsx", export.make_stamp(elements, "q"))


def test_doctests():
    import doctest

    from chokepoint.app import canvas
    from chokepoint.cases import exports, graph_files

    for module in (graph_files, exports, canvas):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_every_canvas_format_is_stamped_in_its_name_or_its_content(elements, fmt):
    from format_checks import check_anx, check_ftm

    s = export.make_stamp(elements, "query top-callers", {"top": 5}, now=NOW)
    text, name = export.export(elements, fmt, s)
    assert name.startswith("chokepoint-query-top-callers-20240301T123005Z")
    if fmt == "ftm":  # entities only: the name carries the hash
        assert s["sha256"][:12] in name
        assert len(check_ftm(text)) == s["nodes"] + s["links"]
    else:
        assert s["sha256"] in text
    if fmt == "anx":
        chart = check_anx(text)
        assert (chart["entities"], chart["links"]) == (s["nodes"], s["links"])
        assert chart["icons"][:3] == ["Person", "Person", "Border Crossing"]


def test_png_and_svg_names_carry_the_stamp(elements):
    from chokepoint.app.canvas import image_name

    name = image_name(elements, now=NOW)
    s = export.make_stamp(elements, "canvas", now=NOW)
    assert name == f"chokepoint-canvas-20240301T123005Z-{s['nodes']}n-{s['links']}l-sha256-{s['sha256'][:12]}"
