"""Importing network files (edge list, adjacency matrix, GraphML, GEXF) into the real Neo4j."""

import csv
import datetime as dt
import gc
import json
import os
import subprocess
import sys

import networkx as nx
import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from chokepoint.graph.projection import project
from chokepoint.graph.values import jsonable
from chokepoint.loaders.conventions import Convention
from chokepoint.loaders.networks import NetworkImportError, import_network
from chokepoint.loaders.pipeline import LOAD_THRESHOLDS

runner = CliRunner()


# -- helpers -----------------------------------------------------------------------------------
def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def entities(store, dataset=None):
    return store.read("MATCH (n:Entity) WHERE $d IS NULL OR n.dataset = $d RETURN count(n) AS n", d=dataset)[0]["n"]


def edges(store, dataset):
    """(source caption, target caption, properties without bookkeeping) of every relationship, sorted."""
    rows = store.read("MATCH (a:Entity {dataset: $d})-[r]->(b:Entity) "
                      "RETURN a.caption AS a, b.caption AS b, a.id AS aid, b.id AS bid, type(r) AS t, "
                      "properties(r) AS p", d=dataset)
    out = []
    for row in rows:
        props = {k: jsonable(v) for k, v in row["p"].items() if k not in ("id", "dataset", "sources", "loads")}
        out.append((row["a"], row["b"], row["t"], props))
    return expect(out)


def expect(rows):
    return sorted(rows, key=lambda e: json.dumps(e, sort_keys=True))


def dump(store):
    """Every entity and relationship with all their properties, sorted (to compare two imports)."""
    nodes = store.read("MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p ORDER BY id")
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p "
                      "ORDER BY r.id")
    return json.dumps(jsonable([nodes, rels]), sort_keys=True)


def rejects_of(summary):
    with open(summary.rejects_report, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {(r["source_file"], int(r["row"]), r["column"]): r for r in rows}


def assert_invariant(summary):
    assert summary.rows_read == summary.edges_loaded + summary.rows_rejected


# -- edge lists --------------------------------------------------------------------------------
EDGES = ("source,target,weight,date\n"
         "Andrés López,Beto Cruz,2,2024-03-05\n"      # row 2
         "ANDRES LOPEZ,Carla Díaz,1.5,\n"             # row 3: same person, other spelling
         "Beto Cruz,Andrés López,3,2024-03-06\n"      # row 4: the other direction
         "Carla Díaz,Carla Díaz,,\n"                  # row 5: self-loop, no weight
         "Andrés López,Beto Cruz,2,2024-03-05\n")     # row 6: duplicate of row 2


def test_network_imports_run_the_garbage_collector_rarely_and_restore_it(clean, tmp_path):
    before = gc.get_threshold()
    seen = []
    import_network(clean, write(tmp_path, "net.csv", EDGES), "edgelist", "Person", "ASSOCIATED_WITH",
                   progress=lambda rows: seen.append(gc.get_threshold()))
    assert seen and set(seen) == {LOAD_THRESHOLDS}
    assert gc.get_threshold() == before


def test_edge_list_round_trips_directed_with_weights_and_dates(clean, tmp_path):
    path = write(tmp_path, "net.csv", EDGES)
    summary = import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH")
    assert summary.dataset == "net" and summary.directed is True
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (5, 5, 0, 3)
    assert (summary.relationships, summary.rows_merged, summary.duplicates) == (4, 1, "sum")
    assert summary.counters["nodes_created"] == 3 and summary.counters["relationships_created"] == 4
    assert summary.rejects_report is None and not (tmp_path / "net.csv.rejects.csv").exists()
    assert entities(clean) == 3
    assert edges(clean, "net") == expect([  # rows 2 and 6: one relationship, weights summed
        ("Andrés López", "Beto Cruz", "ASSOCIATED_WITH", {"weight": 4.0, "date": "2024-03-05", "count": 2}),
        ("Andrés López", "Carla Díaz", "ASSOCIATED_WITH", {"weight": 1.5, "count": 1}),
        ("Beto Cruz", "Andrés López", "ASSOCIATED_WITH", {"weight": 3.0, "date": "2024-03-06", "count": 1}),
        ("Carla Díaz", "Carla Díaz", "ASSOCIATED_WITH", {"count": 1}),
    ])
    andres = clean.read("MATCH (p:Person {id: $id}) RETURN properties(p) AS p",
                        id=entity_id("net", "Person", ["andres lopez"]))[0]["p"]
    assert andres["name"] == "Andrés López" and andres["dataset"] == "net"
    assert andres["aliases"] == ["Andrés López", "ANDRES LOPEZ"]
    assert andres["sources"] == ["net.csv:2", "net.csv:3"]
    dup = clean.read("MATCH (:Person {name: 'Andrés López'})-[r]->(:Person {name: 'Beto Cruz'}) "
                     "RETURN r.sources AS s, r.date AS d")
    assert len(dup) == 1 and dup[0]["s"] == ["net.csv:2", "net.csv:6"]
    assert dup[0]["d"].to_native() == dt.date(2024, 3, 5)


def test_edge_list_named_columns_tsv_undirected_collapses_both_directions(clean, tmp_path):
    path = write(tmp_path, "calls.tsv",
                 "Caller\tCallee\tCalls\tDay\n"
                 "+1 619 555 0101\t+52 664 555 0202\t3\t2024-01-02\n"   # row 2
                 "+52 664 555 0202\t+1 619 555 0101\t3\t2024-01-02\n"   # row 3: B-A, same date: one edge
                 "+1 619 555 0101\t+52 664 555 0202\t1\t2024-01-03\n"   # row 4: another date: another edge
                 "+52 664 555 0303\t+1 619 555 0101\t2\t02/01/2024\n")  # row 5: dd/mm/yyyy
    summary = import_network(clean, path, "edgelist", "Phone", "CALLED", dataset="calls", directed=False,
                             source_col="Caller", target_col="Callee", weight_col="Calls", time_col="Day",
                             conventions=Convention(dates="dayfirst"))  # 02/01/2024 alone could be either
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (4, 4, 0, 3)
    assert summary.counters["relationships_created"] == 3
    rows = clean.read("MATCH (a:Phone)-[r:CALLED]->(b:Phone) RETURN a.id AS a, b.id AS b, r.undirected AS u, "
                      "r.weight AS w, r.sources AS s, r.count AS n ORDER BY w")
    assert [(r["w"], r["n"]) for r in rows] == [(1.0, 1), (2.0, 1), (6.0, 2)]  # rows 2 and 3 summed
    assert all(r["u"] is True and r["a"] < r["b"] for r in rows)  # canonical order: by entity id
    assert rows[2]["s"] == ["calls.tsv:2", "calls.tsv:3"]
    numbers = {r["n"] for r in clean.read("MATCH (p:Phone) RETURN p.number AS n")}
    assert numbers == {"+16195550101", "+526645550202", "+526645550303"}  # stored in E.164
    dates = {r["d"].to_native() for r in clean.read("MATCH ()-[r:CALLED]->() RETURN r.date AS d")}
    assert dates == {dt.date(2024, 1, 2), dt.date(2024, 1, 3)}


def test_every_edge_list_reject_names_file_row_column_and_reason(clean, tmp_path):
    path = write(tmp_path, "bad.csv",
                 "source,target,weight,time\n"
                 "A,B,1,2024-01-01\n"       # row 2: fine
                 ",B,1,2024-01-01\n"        # row 3: empty source
                 "Z,  ,1,\n"                # row 4: empty target (Z must not become a node)
                 "A,B,lots,\n"              # row 5: weight not a number
                 "A,B,2,31/31/2024\n"       # row 6: bad date (the time column)
                 "A,B,3,2024-01-01,x\n"     # row 7: more cells than columns
                 "A,C,nan,\n"               # row 8: not a (finite) number
                 "\n"                       # blank line: not a row
                 "B,A,,\n")                 # row 10: fine, no weight
    summary = import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected) == (8, 2, 6)
    assert_invariant(summary)
    assert summary.rejects_report == str(tmp_path / "bad.csv.rejects.csv")
    found = rejects_of(summary)
    assert set(found) == {("bad.csv", 3, "source"), ("bad.csv", 4, "target"), ("bad.csv", 5, "weight"),
                          ("bad.csv", 6, "time"), ("bad.csv", 7, ""), ("bad.csv", 8, "weight")}
    assert found[("bad.csv", 3, "source")]["reason"] == "empty source"
    assert found[("bad.csv", 4, "target")]["reason"] == "empty target"
    assert found[("bad.csv", 5, "weight")]["reason"] == "not a number: 'lots'"
    assert found[("bad.csv", 6, "time")]["reason"] == "not a date (use yyyy-mm-dd): '31/31/2024'"
    assert found[("bad.csv", 7, "")]["reason"] == "more cells than the header has columns"
    assert found[("bad.csv", 8, "weight")]["reason"] == "not a number: 'nan'"
    assert json.loads(found[("bad.csv", 5, "weight")]["original_values"]) == \
        {"source": "A", "target": "B", "weight": "lots", "time": ""}
    assert {r["n"] for r in clean.read("MATCH (p:Person) RETURN p.name AS n")} == {"A", "B"}
    assert edges(clean, "bad") == expect([("A", "B", "ASSOCIATED_WITH", {"weight": 1.0, "date": "2024-01-01",
                                                                          "count": 1}),
                                          ("B", "A", "ASSOCIATED_WITH", {"count": 1})])
    # a clean re-run removes the old report
    write(tmp_path, "bad.csv", "source,target\nA,B\n")
    again = import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH")
    assert again.rejects_report is None and not (tmp_path / "bad.csv.rejects.csv").exists()


# -- adjacency matrices ------------------------------------------------------------------------
def test_matrix_directed_round_trip(clean, tmp_path):
    path = write(tmp_path, "m.csv",
                 '"",A,B,C,D,E\n'
                 "A,0,2,,1,0\n"
                 "B,1,0,0,0,0\n"
                 "C,0,0,3.5,0,0\n"     # self-loop on the diagonal
                 "D,0,0,0,0,0\n"
                 "E,0,0,0,0,0\n")      # E has no edges: still a node
    summary = import_network(clean, path, "matrix", "Person", "ASSOCIATED_WITH")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (4, 4, 0, 5)
    assert summary.counters["nodes_created"] == 5 and summary.counters["relationships_created"] == 4
    assert edges(clean, "m") == expect([
        ("A", "B", "ASSOCIATED_WITH", {"weight": 2.0, "count": 1}),
        ("A", "D", "ASSOCIATED_WITH", {"weight": 1.0, "count": 1}),
        ("B", "A", "ASSOCIATED_WITH", {"weight": 1.0, "count": 1}),
        ("C", "C", "ASSOCIATED_WITH", {"weight": 3.5, "count": 1}),
    ])
    e = clean.read("MATCH (p:Person {name: 'E'}) RETURN p.sources AS s")
    assert e == [{"s": ["m.csv:1"]}]


def test_matrix_undirected_reads_the_upper_triangle_and_reports_asymmetry(clean, tmp_path):
    # rows in another order than the columns; semicolons
    path = write(tmp_path, "u.csv",
                 "players;A;B;C;D\n"
                 "A;0;2;x;1\n"         # row 2: A-B 2, A-C not a number, A-D 1
                 "C;5;0;0;0\n"         # row 3: C-A mirrors the bad A-C (skipped); C-B 0 but B-C 4: asymmetric
                 "B;2;1;4;0\n"         # row 4: B-A 2 mirrors A-B; B-B 1 self-loop; B-C 4
                 "D;3;0;0;0\n")        # row 5: D-A 3 but A-D 1: asymmetric
    summary = import_network(clean, path, "matrix", "Person", "ASSOCIATED_WITH", directed=False)
    assert (summary.edges_loaded, summary.rows_rejected) == (4, 3)
    assert_invariant(summary)
    found = rejects_of(summary)
    assert set(found) == {("u.csv", 2, "C"), ("u.csv", 3, "B"), ("u.csv", 5, "A")}
    assert found[("u.csv", 2, "C")]["reason"] == "not a number: 'x' (row 'A', column 'C')"
    assert found[("u.csv", 3, "B")]["reason"] == "asymmetric: M[B][C]=4 but M[C][B]=0"
    assert found[("u.csv", 5, "A")]["reason"] == "asymmetric: M[A][D]=1 but M[D][A]=3"
    assert json.loads(found[("u.csv", 5, "A")]["original_values"]) == \
        {"row": "D", "column": "A", "value": "3", "mirror": "1"}
    rows = clean.read("MATCH (a:Person)-[r:ASSOCIATED_WITH]->(b:Person) "
                      "RETURN a.id <= b.id AS ordered, r.undirected AS u, a.name AS a, b.name AS b, r.weight AS w")
    assert all(r["ordered"] and r["u"] is True for r in rows)
    assert sorted((sorted([r["a"], r["b"]]), r["w"]) for r in rows) == [
        (["A", "B"], 2.0), (["A", "D"], 1.0), (["B", "B"], 1.0), (["B", "C"], 4.0)]  # the upper value stands


def test_binary_matrix_loads_into_a_type_without_weight(clean, tmp_path):
    path = write(tmp_path, "places.csv", ",Tijuana,Baja California\nTijuana,0,1\nBaja California,0,0\n")
    summary = import_network(clean, path, "matrix", "Location", "LOCATED_IN")
    assert (summary.edges_loaded, summary.counters["relationships_created"]) == (1, 1)
    assert edges(clean, "places") == [("Tijuana", "Baja California", "LOCATED_IN", {})]


def test_empty_column_options_ignore_weights_and_dates(clean, tmp_path):
    path = write(tmp_path, "within.csv", "source,target,weight,date\nTijuana,Baja California,3,2024-01-01\n")
    summary = import_network(clean, path, "edgelist", "Location", "LOCATED_IN", weight_col="", time_col="")
    assert (summary.edges_loaded, summary.counters["relationships_created"]) == (1, 1)
    assert edges(clean, "within") == [("Tijuana", "Baja California", "LOCATED_IN", {})]


# -- GraphML and GEXF --------------------------------------------------------------------------
def small_digraph():
    g = nx.DiGraph()
    g.add_node("n1", label="Andrés López")
    g.add_node("n2", label="Beto Cruz")
    g.add_node("n3")                       # no label: its id is the name
    g.add_node("n4", label="Dora")          # isolated
    g.add_edge("n1", "n2", weight=2.5, date="2024-05-01")
    g.add_edge("n2", "n1", weight=1.0, date="2024-05-02")
    g.add_edge("n2", "n3", weight=4.0, date="2024-05-03")
    return g


def test_graphml_round_trip_keeps_direction_weights_dates_and_isolates(clean, tmp_path):
    path = tmp_path / "g.graphml"
    nx.write_graphml(small_digraph(), path)
    summary = import_network(clean, path, "graphml", "Person", "ASSOCIATED_WITH")
    assert summary.directed is True
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (3, 3, 0, 4)
    assert entities(clean, "g") == 4
    assert edges(clean, "g") == expect([
        ("Andrés López", "Beto Cruz", "ASSOCIATED_WITH", {"weight": 2.5, "date": "2024-05-01", "count": 1}),
        ("Beto Cruz", "Andrés López", "ASSOCIATED_WITH", {"weight": 1.0, "date": "2024-05-02", "count": 1}),
        ("Beto Cruz", "n3", "ASSOCIATED_WITH", {"weight": 4.0, "date": "2024-05-03", "count": 1}),
    ])
    assert clean.read("MATCH (p:Person {name: 'Dora'}) RETURN p.sources AS s") == [{"s": ["g.graphml:node n4"]}]
    # --undirected on a directed file: A->B and B->A are on different dates (two events), so two edges
    summary = import_network(clean, path, "graphml", "Person", "ASSOCIATED_WITH", dataset="g2", directed=False)
    assert summary.directed is False and summary.counters["relationships_created"] == 3
    rows = clean.read("MATCH (a:Person {dataset: 'g2'})-[r]->(b) RETURN a.id < b.id AS ordered, r.undirected AS u")
    assert len(rows) == 3 and all(r["ordered"] and r["u"] is True for r in rows)


def test_gexf_direction_from_the_file_or_the_option(clean, tmp_path):
    g = nx.Graph()
    g.add_edge("Ana", "Beto", weight=3)
    g.add_edge("Carla", "Ana", weight=1)
    path = tmp_path / "g.gexf"
    nx.write_gexf(g, path)
    summary = import_network(clean, path, "gexf", "Person", "ASSOCIATED_WITH")
    assert summary.directed is False and summary.edges_loaded == 2
    rows = clean.read("MATCH (a:Person {dataset: 'g'})-[r]->(b) RETURN a.id < b.id AS ordered, r.undirected AS u, "
                      "a.name AS a, b.name AS b, r.weight AS w ORDER BY w")
    assert [(r["ordered"], r["u"], sorted([r["a"], r["b"]]), r["w"]) for r in rows] == [
        (True, True, ["Ana", "Carla"], 1.0), (True, True, ["Ana", "Beto"], 3.0)]
    # --directed on an undirected file: each edge as networkx reports it (write_gexf wrote it so: Ana first)
    summary = import_network(clean, path, "gexf", "Person", "ASSOCIATED_WITH", dataset="d", directed=True)
    assert summary.directed is True
    assert edges(clean, "d") == expect([("Ana", "Beto", "ASSOCIATED_WITH", {"weight": 3.0, "count": 1}),
                                        ("Ana", "Carla", "ASSOCIATED_WITH", {"weight": 1.0, "count": 1})])


GRAPHML_BAD = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="w" for="edge" attr.name="weight" attr.type="string"/>
  <key id="t" for="edge" attr.name="date" attr.type="string"/>
  <key id="l" for="node" attr.name="label" attr.type="string"/>
  <graph edgedefault="directed">
    <node id="a"><data key="l">Ana</data></node>
    <node id="b"><data key="l">ANA</data></node>
    <node id="c"/>
    <edge source="a" target="c"><data key="w">2</data><data key="t">2024-01-01</data></edge>
    <edge source="c" target="a"><data key="w">heavy</data></edge>
    <edge source="b" target="c"><data key="t">someday</data></edge>
  </graph>
</graphml>
"""


def test_graph_file_rejects_name_the_edge_and_the_attribute(clean, tmp_path):
    path = write(tmp_path, "bad.graphml", GRAPHML_BAD)
    summary = import_network(clean, path, "graphml", "Person", "ASSOCIATED_WITH")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected) == (3, 1, 2)
    assert summary.nodes == 2  # "Ana" and "ANA" fold to one person
    found = rejects_of(summary)
    assert {k[2]: v["reason"] for k, v in found.items()} == {
        "weight": "not a number: 'heavy'", "date": "not a date (use yyyy-mm-dd): 'someday'"}
    values = {json.loads(v["original_values"])["source"] for v in found.values()}
    assert values == {"b", "c"}
    ana = clean.read("MATCH (p:Person {dataset: 'bad'}) WHERE p.name = 'Ana' RETURN p.aliases AS a, p.sources AS s")
    assert ana == [{"a": ["Ana", "ANA"], "s": ["bad.graphml:node a", "bad.graphml:node b"]}]


# -- fatal problems ----------------------------------------------------------------------------
FATAL = [
    ("unknown label", "e.csv", "source,target\nA,B\n", "edgelist", "Spaceship", "ASSOCIATED_WITH", {},
     "unknown node label 'Spaceship'"),
    ("unknown type", "e.csv", "source,target\nA,B\n", "edgelist", "Person", "KNOWS", {},
     "unknown relationship type 'KNOWS'"),
    ("endpoints", "e.csv", "source,target\nA,B\n", "edgelist", "Phone", "ASSOCIATED_WITH", {},
     "ASSOCIATED_WITH cannot join Phone to Phone .*types that can: CALLED"),
    ("required besides key", "e.csv", "source,target\nA,B\n", "edgelist", "PortOfEntry", "SHIPPED_TO", {},
     "PortOfEntry requires name besides code"),
    ("weights without weight", "e.csv", "source,target,weight\nA,B,\nA,C,\nB,C,2\n", "edgelist", "Location",
     "LOCATED_IN", {}, r"has weights \(weight\) but LOCATED_IN has no weight property"),
    ("dates without date", "e.csv", "source,target,date\nA,B,2024-01-01\n", "edgelist", "Location", "LOCATED_IN",
     {}, r"has dates \(date\) but LOCATED_IN has no date property"),
    ("matrix weights without weight", "m.csv", ",A,B\nA,0,2\nB,0,0\n", "matrix", "Location", "LOCATED_IN", {},
     "has weights .* LOCATED_IN has no weight property"),
    ("no source column", "e.csv", "from,to\nA,B\n", "edgelist", "Person", "ASSOCIATED_WITH", {},
     "no source column 'source'; columns: from, to"),
    ("named column missing", "e.csv", "source,target\nA,B\n", "edgelist", "Person", "ASSOCIATED_WITH",
     {"weight_col": "Calls"}, r"no column 'calls' \(--weight-col\)"),
    ("matrix names differ", "m.csv", ",A,B,C\nA,0,1,0\nB,0,0,0\nX,1,0,0\n", "matrix", "Person", "ASSOCIATED_WITH",
     {}, "m.csv: not a square adjacency matrix.*only in rows: 'X'; only in columns: 'C'"),
    ("matrix row too long", "m.csv", ",A,B\nA,0,1,7\nB,0,0\n", "matrix", "Person", "ASSOCIATED_WITH", {},
     "m.csv: row 2: 3 cells but the header names 2 columns"),
    ("broken graphml", "g.graphml", "<graphml><graph>", "graphml", "Person", "ASSOCIATED_WITH", {},
     "g.graphml: cannot read as graphml"),
    ("unknown format", "e.csv", "source,target\nA,B\n", "sif", "Person", "ASSOCIATED_WITH", {},
     "unknown network format 'sif'"),
    ("column option on a matrix", "m.csv", ",A\nA,1\n", "matrix", "Person", "ASSOCIATED_WITH",
     {"source_col": "from"}, "--source-col does not apply to matrix files .*it applies to: edgelist"),
]


@pytest.mark.parametrize("case", FATAL, ids=[c[0] for c in FATAL])
def test_fatal_problems_write_nothing(clean, tmp_path, case):
    _, name, text, fmt, label, rel_type, options, message = case
    path = write(tmp_path, name, text)
    with pytest.raises(ChokepointError, match=message):
        import_network(clean, path, fmt, label, rel_type, **options)
    assert entities(clean) == 0
    assert not (tmp_path / f"{name}.rejects.csv").exists()


def test_weight_check_is_a_network_import_error_before_any_write(clean, tmp_path):
    rows = "".join(f"P{i},P{i + 1},\n" for i in range(6000)) + "P1,P2,7\n"  # weights only after a chunk
    path = write(tmp_path, "late.csv", "source,target,weight\n" + rows)
    with pytest.raises(NetworkImportError, match="LOCATED_IN has no weight property"):
        import_network(clean, path, "edgelist", "Location", "LOCATED_IN")
    assert entities(clean) == 0


# -- idempotence and a known network ----------------------------------------------------------
def test_reimport_gives_the_same_graph(clean, tmp_path):
    files = [
        (write(tmp_path, "net.csv", EDGES), "edgelist", None),
        (write(tmp_path, "m.csv", ",A,B\nA,0,2\nB,3,1\n"), "matrix", False),
        (write(tmp_path, "bad.graphml", GRAPHML_BAD), "graphml", None),
    ]
    for path, fmt, directed in files:
        import_network(clean, path, fmt, "Person", "ASSOCIATED_WITH", directed=directed)
    first = dump(clean)
    for path, fmt, directed in files:
        again = import_network(clean, path, fmt, "Person", "ASSOCIATED_WITH", directed=directed)
        assert again.counters["nodes_created"] == 0 and again.counters["relationships_created"] == 0
    assert dump(clean) == first


def write_karate(tmp_path):
    g = nx.karate_club_graph()
    nx.write_graphml(g, tmp_path / "karate.graphml")
    with open(tmp_path / "karate.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["source", "target", "weight"])
        w.writerows((u, v, d["weight"]) for u, v, d in g.edges(data=True))
    nodes = list(g)
    with open(tmp_path / "karate_matrix.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["", *nodes])
        w.writerows([u, *(g[u][v]["weight"] if g.has_edge(u, v) else 0 for v in nodes)] for u in nodes)
    return g


def test_karate_club_matches_networkx_in_every_format(clean, tmp_path):
    karate = write_karate(tmp_path)
    expected_degrees = sorted(d for _, d in karate.degree())
    runs = [("karate.graphml", "graphml", "kg", None), ("karate.csv", "edgelist", "ke", False),
            ("karate_matrix.csv", "matrix", "km", False)]
    for name, fmt, dataset, directed in runs:
        summary = import_network(clean, tmp_path / name, fmt, "Person", "ASSOCIATED_WITH", dataset=dataset,
                                 directed=directed)
        assert summary.rows_rejected == 0 and summary.directed is False, name
        assert summary.edges_loaded == karate.number_of_edges() == 78
        g = project(clean, dataset=dataset)
        assert g.number_of_nodes() == karate.number_of_nodes() == 34
        assert g.number_of_edges() == karate.number_of_edges()
        assert sorted(d for _, d in g.degree()) == expected_degrees
        for u, v, data in karate.edges(data=True):
            a, b = (entity_id(dataset, "Person", [str(x)]) for x in (u, v))
            found = [e for e in (g.get_edge_data(a, b) or {}).values()] + \
                    [e for e in (g.get_edge_data(b, a) or {}).values()]
            assert [e["weight"] for e in found] == [float(data["weight"])], (name, u, v)
            assert found[0]["undirected"] is True


# -- the command line --------------------------------------------------------------------------
def test_cli_import_network(clean, neo4j_env, tmp_path):
    path = write(tmp_path, "net.csv", EDGES + ",B,1,\n")
    result = runner.invoke(app, ["import-network", str(path), "--format", "edgelist", "--node-label", "Person",
                                 "--rel-type", "ASSOCIATED_WITH", "--undirected", "--dataset", "cli", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["dataset"] == "cli" and summary["directed"] is False
    assert (summary["rows_read"], summary["edges_loaded"], summary["rows_rejected"]) == (6, 5, 1)
    assert (summary["nodes"], summary["nodes_created"], summary["relationships_created"]) == (3, 3, 4)
    assert summary["rejects_report"] == str(tmp_path / "net.csv.rejects.csv")
    assert entities(clean, "cli") == 3
    report = tmp_path / "r.csv"
    result = runner.invoke(app, ["import-network", str(path), "--format", "edgelist", "--node-label", "Person",
                                 "--rel-type", "ASSOCIATED_WITH", "--undirected", "--dataset", "cli",
                                 "--rejects", str(report)])
    assert result.exit_code == 0, result.output
    assert "dataset cli: 6 edge rows read, 5 loaded, 1 rejected; 3 Person names; 0 nodes and 0 " \
           "ASSOCIATED_WITH relationships created (undirected)" in " ".join(result.stdout.split())
    assert f"rejects: {report}" in result.stdout.replace("\n", "") and report.exists()
    result = runner.invoke(app, ["import-network", str(path), "--format", "sif", "--node-label", "Person",
                                 "--rel-type", "ASSOCIATED_WITH"])
    assert result.exit_code == 2
    assert "'sif' is not one of edgelist, matrix, graphml, gexf, pajek, dl" in " ".join(result.output.replace("│", " ").split())


def test_cli_fatal_error_is_one_line(clean, neo4j_env, tmp_path):
    path = write(tmp_path, "net.csv", EDGES)
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "import-network", str(path), "--format", "edgelist",
                           "--node-label", "Phone", "--rel-type", "ASSOCIATED_WITH"],
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "error: ASSOCIATED_WITH cannot join Phone to Phone" in done.stderr
    assert "Traceback" not in done.stderr
    assert entities(clean) == 0
