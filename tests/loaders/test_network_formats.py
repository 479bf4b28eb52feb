"""Pajek, UCINET DL and two-mode networks (matrices, edge lists, projections) imported into the real Neo4j."""

import csv
import json
from itertools import combinations

import networkx as nx
import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.values import jsonable
from chokepoint.loaders.networks import import_network

runner = CliRunner()


# -- helpers -----------------------------------------------------------------------------------
def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def expect(rows):
    return sorted(rows, key=lambda e: json.dumps(e, sort_keys=True))


def edges(store, dataset, rel_type=None):
    """(source label, caption, target label, caption, type, properties without bookkeeping), sorted (``count``,
    the rows merged into a relationship, is tests/loaders/test_networks.py's concern: left out but once)."""
    rows = store.read("MATCH (a:Entity {dataset: $d})-[r]->(b:Entity) WHERE $t IS NULL OR type(r) = $t "
                      "RETURN [l IN labels(a) WHERE l <> 'Entity'][0] AS al, a.caption AS a, "
                      "[l IN labels(b) WHERE l <> 'Entity'][0] AS bl, b.caption AS b, type(r) AS t, "
                      "properties(r) AS p", d=dataset, t=rel_type)
    out = []
    for row in rows:
        props = {k: jsonable(v) for k, v in row["p"].items() if k not in ("id", "dataset", "sources", "loads", "count")}
        out.append((f"{row['al']}:{row['a']}", f"{row['bl']}:{row['b']}", row["t"], props))
    return expect(out)


def nodes(store, dataset):
    rows = store.read("MATCH (n:Entity {dataset: $d}) RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS l, "
                      "n.caption AS c", d=dataset)
    return sorted(f"{r['l']}:{r['c']}" for r in rows)


def rejects_of(summary):
    with open(summary.rejects_report, newline="", encoding="utf-8") as f:
        return {(int(r["row"]), r["column"]): r["reason"] for r in csv.DictReader(f)}


def assert_invariant(summary):
    assert summary.rows_read == summary.edges_loaded + summary.rows_rejected


def undirected(a, b, **props):
    """An undirected Person link as stored: endpoints in id order, so compare as a set."""
    return frozenset((a, b)), {**props, "undirected": True}


def as_undirected(found):
    return sorted(((frozenset((a, b)), p) for a, b, _, p in found), key=lambda e: json.dumps([sorted(e[0]), e[1]]))


def entities(store):
    return store.read("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"]


# -- Pajek -------------------------------------------------------------------------------------
PAJEK = """% a network from a case file
*Network caso 7
*Vertices 6
1 "Andrés López" 0.1 0.2 0.5 ic Red
2 "Beto Cruz"
3 Carla
4 "Dora Ruiz" 0.3 0.4 0.5
% vertex 5 has no line: Pajek names it 5
6 "Eva Soto"
*Arcs
1 2 3.5
2 1 1 c Blue
1 9
2 3 heavy
*Edges
3 4 2
4 6
*Arcslist
6 1 2
*Edgeslist
2 4 6
"""


def test_pajek_arcs_edges_lists_weights_and_labels(clean, tmp_path):
    path = write(tmp_path, "caso.net", PAJEK, encoding="cp1252")
    summary = import_network(clean, path, "pajek", "Person", "ASSOCIATED_WITH")
    assert summary.directed is True and summary.dataset == "caso"
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (10, 8, 2, 6)
    assert_invariant(summary)
    assert rejects_of(summary) == {(13, "target"): "no vertex '9' (vertices are 1..6)",
                                   (14, "weight"): "not a number: 'heavy'"}
    assert nodes(clean, "caso") == ["Person:5", "Person:Andrés López", "Person:Beto Cruz", "Person:Carla",
                                    "Person:Dora Ruiz", "Person:Eva Soto"]
    found = edges(clean, "caso")
    arcs = [(a, b, p) for a, b, _, p in found if "undirected" not in p]
    assert sorted(arcs, key=str) == sorted([
        ("Person:Andrés López", "Person:Beto Cruz", {"weight": 3.5}),
        ("Person:Beto Cruz", "Person:Andrés López", {"weight": 1.0}),
        ("Person:Eva Soto", "Person:Andrés López", {}),
        ("Person:Eva Soto", "Person:Beto Cruz", {}),
    ], key=str)
    assert as_undirected([e for e in found if "undirected" in e[3]]) == sorted([
        undirected("Person:Carla", "Person:Dora Ruiz", weight=2.0),
        undirected("Person:Dora Ruiz", "Person:Eva Soto"),
        undirected("Person:Beto Cruz", "Person:Dora Ruiz"),
        undirected("Person:Beto Cruz", "Person:Eva Soto"),
    ], key=lambda e: json.dumps([sorted(e[0]), e[1]]))
    andres = clean.read("MATCH (p:Person {dataset: 'caso', name: 'Andrés López'}) RETURN p.sources AS s")
    assert andres == [{"s": ["caso.net:4"]}]


def test_pajek_undirected_option_and_two_mode(clean, tmp_path):
    path = write(tmp_path, "u.net", "*Vertices 3\n1 A\n2 B\n3 C\n*Arcs\n1 2 2\n2 1 2\n2 3 1\n")
    summary = import_network(clean, path, "pajek", "Person", "ASSOCIATED_WITH", directed=False)
    assert summary.directed is False and summary.counters["relationships_created"] == 2  # 1-2 and 2-1 are one
    two = write(tmp_path, "club.net", '*Vertices 5 3\n1 "Ana"\n2 "Beto"\n3 "Carla"\n4 "Club Norte"\n5 "Cártel"\n'
                                      "*Edges\n1 4\n5 2\n3 5\n1 2\n")
    summary = import_network(clean, two, "pajek", "Person", "MEMBER_OF", col_label="Organization")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (4, 3, 1, 5)
    assert rejects_of(summary) == {(11, "target"): "a two-mode line must join a row to a column, but vertices 1 "
                                                   "and 2 are both rows (1..3)"}
    assert edges(clean, "club") == expect([
        ("Person:Ana", "Organization:Club Norte", "MEMBER_OF", {}),
        ("Person:Beto", "Organization:Cártel", "MEMBER_OF", {}),       # written 5 2: always row -> column
        ("Person:Carla", "Organization:Cártel", "MEMBER_OF", {}),
    ])


PAJEK_FATAL = [
    ("two-mode file without --two-mode", "*Vertices 3 1\n1 a\n2 b\n3 c\n*Edges\n1 2\n", "Person", "ASSOCIATED_WITH",
     {}, r"line 1: a two-mode Pajek network \(\*Vertices 3 1.*--two-mode --row-label"),
    ("--two-mode on a one-mode file", "*Vertices 2\n1 a\n2 b\n*Edges\n1 2\n", "Person", "MEMBER_OF",
     {"col_label": "Organization"}, "--two-mode needs a two-mode Pajek file"),
    ("weights the type cannot hold", "*Vertices 2\n1 a\n2 b\n*Arcs\n1 2 4\n", "Location", "LOCATED_IN", {},
     "has weights .* LOCATED_IN has no weight property"),
    ("a section not read", "*Vertices 2\n1 a\n2 b\n*Matrix\n0 1\n0 0\n", "Person", "ASSOCIATED_WITH", {},
     r"line 4: section \*Matrix is not read here"),
    ("a vertex beyond n", "*Vertices 2\n1 a\n3 c\n", "Person", "ASSOCIATED_WITH", {},
     r"line 3: vertex number '3' is not one of 1..2"),
    ("not a Pajek file", "source,target\na,b\n", "Person", "ASSOCIATED_WITH", {}, "not a Pajek file"),
]


@pytest.mark.parametrize("case", PAJEK_FATAL, ids=[c[0] for c in PAJEK_FATAL])
def test_pajek_fatal_problems_write_nothing(clean, tmp_path, case):
    _, text, label, rel_type, options, message = case
    with pytest.raises(ChokepointError, match=message):
        import_network(clean, write(tmp_path, "f.net", text), "pajek", label, rel_type, **options)
    assert entities(clean) == 0


# -- UCINET DL ---------------------------------------------------------------------------------
def test_dl_fullmatrix_with_labels_directed_and_undirected(clean, tmp_path):
    text = ('DL N = 4, format = fullmatrix\nlabels:\n"Andrés López", beto\ncarla, "Dora Ruiz"\ndata:\n'
            "0 1 0 0\n1 0 2.5 0\n0 2.5 0 0 0 0 0 0\n")  # rows 3 and 4 on one line: a DL matrix is a stream
    path = write(tmp_path, "m.dl", text)
    summary = import_network(clean, path, "dl", "Person", "ASSOCIATED_WITH")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (4, 4, 0, 4)
    assert edges(clean, "m") == expect([
        ("Person:Andrés López", "Person:beto", "ASSOCIATED_WITH", {"weight": 1.0}),
        ("Person:beto", "Person:Andrés López", "ASSOCIATED_WITH", {"weight": 1.0}),
        ("Person:beto", "Person:carla", "ASSOCIATED_WITH", {"weight": 2.5}),
        ("Person:carla", "Person:beto", "ASSOCIATED_WITH", {"weight": 2.5}),
    ])
    assert "Person:Dora Ruiz" in nodes(clean, "m")  # an isolate is a node
    text = ("dl n=3\nformat=fullmatrix\nlabels embedded\ndata:\nb a c\n"
            "a 1 0 3\nb 0 1 x\nc 0 0 0\n")             # embedded, rows in another order than the columns
    summary = import_network(clean, write(tmp_path, "e.dl", text), "dl", "Person", "ASSOCIATED_WITH",
                             directed=False)
    assert_invariant(summary)
    assert rejects_of(summary) == {(7, "c"): "not a number: 'x' (row 'b', column 'c')",
                                   (8, "a"): "asymmetric: M[a][c]=3 but M[c][a]=0"}
    assert as_undirected(edges(clean, "e")) == [undirected("Person:a", "Person:b", weight=1.0),
                                                undirected("Person:a", "Person:c", weight=3.0)]


def test_dl_edgelist1_and_nodelist1(clean, tmp_path):
    text = "dl n=5 format=edgelist1\nlabels:\ngeorge, sally, jim, billy, jane\ndata:\n1 2\n1 3 2.5\n4 3\n6 1\n3 1 0\n"
    summary = import_network(clean, write(tmp_path, "el.dl", text), "dl", "Person", "ASSOCIATED_WITH")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (4, 3, 1, 5)
    assert rejects_of(summary) == {(8, "row"): "no row '6' (numbers are 1..5)"}   # "3 1 0" is no tie
    assert edges(clean, "el") == expect([
        ("Person:george", "Person:sally", "ASSOCIATED_WITH", {"weight": 1.0}),
        ("Person:george", "Person:jim", "ASSOCIATED_WITH", {"weight": 2.5}),
        ("Person:billy", "Person:jim", "ASSOCIATED_WITH", {"weight": 1.0}),
    ])
    assert "Person:jane" in nodes(clean, "el")
    text = 'DL n=3\nformat = edgelist1\nlabels embedded:\ndata:\n"Ana María" beto 2\nbeto carla\n'
    import_network(clean, write(tmp_path, "emb.dl", text), "dl", "Person", "ASSOCIATED_WITH")
    assert edges(clean, "emb") == expect([
        ("Person:Ana María", "Person:beto", "ASSOCIATED_WITH", {"weight": 2.0}),
        ("Person:beto", "Person:carla", "ASSOCIATED_WITH", {"weight": 1.0}),
    ])
    text = "dl n=4 format=nodelist1\nlabels:\na b c d\ndata:\n1 2 3 4\n3 1\n"
    summary = import_network(clean, write(tmp_path, "nl.dl", text), "dl", "Location", "LOCATED_IN")
    assert summary.edges_loaded == 4
    assert edges(clean, "nl") == expect([("Location:a", f"Location:{x}", "LOCATED_IN", {}) for x in "bcd"]
                                        + [("Location:c", "Location:a", "LOCATED_IN", {})])


def test_dl_one_mode_labels_of_one_side_name_both(clean, tmp_path):
    listed = "dl n=3\nrow labels:\na b c\ndata:\n0 1 0\n0 0 1\n1 0 0\n"
    embedded = "dl n=3\nrow labels embedded\ndata:\na 0 1 0\nb 0 0 1\nc 1 0 0\n"
    for name, text in (("listed", listed), ("embedded", embedded)):
        import_network(clean, write(tmp_path, f"{name}.dl", text), "dl", "Location", "LOCATED_IN")
        assert edges(clean, name) == expect([("Location:a", "Location:b", "LOCATED_IN", {}),
                                             ("Location:b", "Location:c", "LOCATED_IN", {}),
                                             ("Location:c", "Location:a", "LOCATED_IN", {})]), name


def test_dl_two_mode_fullmatrix_edgelist2_nodelist2(clean, tmp_path):
    text = ("dl nr=2, nc=3 format=fullmatrix\nrow labels:\nana beto\ncolumn labels:\n"
            '"Club Norte" "Cártel" Cell\ndata:\n1 0 1\n0 1 1\n')
    summary = import_network(clean, write(tmp_path, "tm.dl", text), "dl", "Person", "MEMBER_OF",
                             col_label="Organization")
    assert (summary.rows_read, summary.edges_loaded, summary.nodes, summary.directed) == (4, 4, 5, True)
    assert edges(clean, "tm") == expect([
        ("Person:ana", "Organization:Club Norte", "MEMBER_OF", {}),
        ("Person:ana", "Organization:Cell", "MEMBER_OF", {}),
        ("Person:beto", "Organization:Cártel", "MEMBER_OF", {}),
        ("Person:beto", "Organization:Cell", "MEMBER_OF", {}),
    ])
    text = "dl nr=3 nc=2 format=edgelist2\nrow labels embedded\ncolumn labels embedded\ndata:\nana norte\nbeto sur\n"
    import_network(clean, write(tmp_path, "te.dl", text), "dl", "Person", "MEMBER_OF", col_label="Organization")
    assert edges(clean, "te") == expect([("Person:ana", "Organization:norte", "MEMBER_OF", {}),
                                         ("Person:beto", "Organization:sur", "MEMBER_OF", {})])
    text = "dl nr=2 nc=3 format=nodelist2\nrow labels:\nana beto\ncol labels:\nx y z\ndata:\n1 1 3\n2 2\n"
    summary = import_network(clean, write(tmp_path, "tn.dl", text), "dl", "Person", "MEMBER_OF",
                             col_label="Organization")
    assert summary.edges_loaded == 3 and summary.rows_read == 3  # "1 1 3": ana in x and z
    assert edges(clean, "tn") == expect([("Person:ana", "Organization:x", "MEMBER_OF", {}),
                                         ("Person:ana", "Organization:z", "MEMBER_OF", {}),
                                         ("Person:beto", "Organization:y", "MEMBER_OF", {})])


DL_FATAL = [
    ("not DL", "n=2\ndata:\n0 1\n1 0\n", {}, "not a UCINET DL file"),
    ("too few values", "dl n=2\ndata:\n0 1\n1\n", {}, r"line 4: the data end before value 2 of row 2"),
    ("too many values", "dl n=2\ndata:\n0 1\n1 0\n1\n", {}, r"line 5: more data than a 2 x 2 matrix"),
    ("several matrices", "dl n=2 nm=2\ndata:\n0 1\n1 0\n0 1\n1 0\n", {}, r"holds 2 matrices"),
    ("two-mode without --two-mode", "dl nr=2 nc=1\ndata:\n1\n0\n", {}, "a two-mode DL file .*--two-mode"),
    ("labels short", "dl n=3\nlabels:\na b\ndata:\n0 0 0\n0 0 0\n0 0 0\n", {}, "2 labels where 3 are expected"),
    ("format not read", "dl n=2 format=lowerhalf\ndata:\n1\n", {}, "format = lowerhalf is not read here"),
    ("one-mode format in two-mode", "dl nr=2 nc=2 format=edgelist1\ndata:\n1 1\n",
     {"col_label": "Organization", "rel_type": "MEMBER_OF"}, "edgelist1 is not read here for a two-mode"),
    ("unknown keyword", "dl n=2 colour=blue\ndata:\n0 1\n1 0\n", {}, "unknown DL keyword 'colour'"),
    ("row and column names differ", "dl n=2\nrow labels:\na b\ncolumn labels:\na c\ndata:\n0 1\n1 0\n", {},
     "only in rows: 'b'; only in columns: 'c'"),
    ("embedded names beyond n", "dl n=2 format=edgelist1\nlabels embedded\ndata:\na b\nb c\n", {},
     "line 5: the data name more than n = 2 nodes"),
]


@pytest.mark.parametrize("case", DL_FATAL, ids=[c[0] for c in DL_FATAL])
def test_dl_fatal_problems_write_nothing(clean, tmp_path, case):
    _, text, options, message = case
    options = {"rel_type": "ASSOCIATED_WITH", **options}
    rel_type = options.pop("rel_type")
    with pytest.raises(ChokepointError, match=message):
        import_network(clean, write(tmp_path, "f.dl", text), "dl", "Person", rel_type, **options)
    assert entities(clean) == 0


# -- two-mode matrices and edge lists, projections ------------------------------------------------
AFFILIATIONS = (",Club Norte,Cártel,Cell 9\n"
                "Ana,1,1,0\n"
                "Beto,1,1,1\n"
                "Carla,0,0,1\n"
                "Dora,0,0,0\n"
                "Eva,1,,x\n")


def test_two_mode_matrix_with_both_projections(clean, tmp_path):
    path = write(tmp_path, "aff.csv", AFFILIATIONS)
    summary = import_network(clean, path, "matrix", "Person", "MEMBER_OF", col_label="Organization",
                             project_to="rows")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected, summary.nodes) == (8, 7, 1, 8)
    assert summary.col_label == "Organization" and summary.directed is True
    assert rejects_of(summary) == {(6, "Cell 9"): "not a number: 'x' (row 'Eva', column 'Cell 9')"}
    assert edges(clean, "aff", "MEMBER_OF") == expect([
        ("Person:Ana", "Organization:Club Norte", "MEMBER_OF", {}), ("Person:Ana", "Organization:Cártel", "MEMBER_OF", {}),
        ("Person:Beto", "Organization:Club Norte", "MEMBER_OF", {}), ("Person:Beto", "Organization:Cártel", "MEMBER_OF", {}),
        ("Person:Beto", "Organization:Cell 9", "MEMBER_OF", {}), ("Person:Carla", "Organization:Cell 9", "MEMBER_OF", {}),
        ("Person:Eva", "Organization:Club Norte", "MEMBER_OF", {}),
    ])
    assert "Person:Dora" in nodes(clean, "aff")
    # shared organisations: Ana-Beto 2 (Club Norte, Cártel), Ana-Eva 1, Beto-Eva 1, Beto-Carla 1 (Cell 9)
    assert as_undirected(edges(clean, "aff", "ASSOCIATED_WITH")) == sorted([
        undirected("Person:Ana", "Person:Beto", weight=2.0), undirected("Person:Ana", "Person:Eva", weight=1.0),
        undirected("Person:Beto", "Person:Eva", weight=1.0), undirected("Person:Beto", "Person:Carla", weight=1.0),
    ], key=lambda e: json.dumps([sorted(e[0]), e[1]]))
    assert summary.projection == {"to": "rows", "label": "Person", "rel_type": "ASSOCIATED_WITH", "links": 4,
                                  "relationships_created": 4, "weight": "number of shared Organization entities"}
    assert summary.counters["relationships_created"] == 11
    summary = import_network(clean, path, "matrix", "Person", "MEMBER_OF", col_label="Organization",
                             project_to="cols", dataset="cols")
    # shared members: Club Norte-Cártel 2 (Ana, Beto), Club Norte-Cell 9 1 (Beto), Cártel-Cell 9 1 (Beto)
    assert as_undirected(edges(clean, "cols", "ASSOCIATED_WITH")) == sorted([
        undirected("Organization:Club Norte", "Organization:Cártel", weight=2.0),
        undirected("Organization:Club Norte", "Organization:Cell 9", weight=1.0),
        undirected("Organization:Cártel", "Organization:Cell 9", weight=1.0),
    ], key=lambda e: json.dumps([sorted(e[0]), e[1]]))


def test_two_mode_matrix_from_a_sheet(clean, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notas"
    sheet = book.create_sheet("Afiliaciones")
    for row in [[None, "Club Norte", "Cártel"], ["Ana", 1, 1], ["Beto", None, 1]]:
        sheet.append(row)
    path = tmp_path / "aff.xlsx"
    book.save(path)
    summary = import_network(clean, path, "matrix", "Person", "MEMBER_OF", col_label="Organization",
                             sheet="Afiliaciones", project_to="rows")
    assert (summary.rows_read, summary.edges_loaded, summary.nodes) == (3, 3, 4)
    assert edges(clean, "aff", "MEMBER_OF") == expect([
        ("Person:Ana", "Organization:Club Norte", "MEMBER_OF", {}), ("Person:Ana", "Organization:Cártel", "MEMBER_OF", {}),
        ("Person:Beto", "Organization:Cártel", "MEMBER_OF", {})])
    assert as_undirected(edges(clean, "aff", "ASSOCIATED_WITH")) == [
        undirected("Person:Ana", "Person:Beto", weight=1.0)]
    sources = clean.read("MATCH (p:Person {dataset: 'aff', name: 'Beto'})-[r:ASSOCIATED_WITH]-() "
                         "RETURN p.sources AS p, r.sources AS r, r.loads = [$load] AS one_load", load=summary.load_id)
    assert sources == [{"p": ["aff.xlsx[Afiliaciones]:3"], "r": ["aff.xlsx[Afiliaciones]:projection to rows"],
                        "one_load": True}]


def test_two_mode_edge_list_projection_counts_each_shared_entity_once(clean, tmp_path):
    rows = ("source,target\nAna,Norte\nBeto,Norte\nAna,Sur\nBeto,Sur\nANA,Sur\nCarla,Sur\n,Sur\n")
    path = write(tmp_path, "el.csv", rows)   # "ANA,Sur" repeats Ana's tie: it does not add to the count
    summary = import_network(clean, path, "edgelist", "Person", "MEMBER_OF", col_label="Organization",
                             project_to="rows")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected) == (7, 6, 1)
    assert rejects_of(summary) == {(8, "source"): "empty source"}
    assert as_undirected(edges(clean, "el", "ASSOCIATED_WITH")) == sorted([
        undirected("Person:Ana", "Person:Beto", weight=2.0), undirected("Person:Ana", "Person:Carla", weight=1.0),
        undirected("Person:Beto", "Person:Carla", weight=1.0),
    ], key=lambda e: json.dumps([sorted(e[0]), e[1]]))
    counts = clean.read("MATCH (:Person {dataset: 'el', name: 'Ana'})-[r:MEMBER_OF]->(o) RETURN o.name AS o, "
                        "r.count AS n, r.sources AS s ORDER BY o")
    assert counts == [{"o": "Norte", "n": None, "s": ["el.csv:2"]},          # MEMBER_OF has no count property
                      {"o": "Sur", "n": None, "s": ["el.csv:4", "el.csv:6"]}]
    again = import_network(clean, path, "edgelist", "Person", "MEMBER_OF", col_label="Organization",
                           project_to="rows")
    assert again.counters["nodes_created"] == 0 and again.counters["relationships_created"] == 0


TWO_MODE_FATAL = [
    ("pair not allowed", "matrix", "Organization", "MEMBER_OF", {"col_label": "Person"},
     "MEMBER_OF cannot join Organization to Person .*types that can: SUPPLIES, SHIPPED_TO, ASSOCIATED_WITH"),
    ("undirected", "matrix", "Person", "MEMBER_OF", {"col_label": "Organization", "directed": False},
     "--undirected does not apply to --two-mode"),
    ("projection type cannot join", "matrix", "Person", "LOCATED_IN",
     {"col_label": "Location", "project_to": "cols"},
     "the projection to cols joins Location to Location with a weight .*types that can: none"),
    ("projection type without weight", "matrix", "Person", "MEMBER_OF",
     {"col_label": "Organization", "project_to": "rows", "projection_type": "SUPPLIES"},
     "SUPPLIES cannot hold; types that can: ASSOCIATED_WITH"),
    ("graphml", "graphml", "Person", "MEMBER_OF", {"col_label": "Organization"},
     "--two-mode reads edgelist, matrix, pajek, dl files, not graphml"),
    ("projection without two-mode", "matrix", "Person", "ASSOCIATED_WITH", {"project_to": "rows"},
     "--project-to applies to a two-mode import"),
    ("weights MEMBER_OF cannot hold", "matrix", "Person", "MEMBER_OF", {"col_label": "Organization"},
     "has weights .* MEMBER_OF has no weight property"),
]


@pytest.mark.parametrize("case", TWO_MODE_FATAL, ids=[c[0] for c in TWO_MODE_FATAL])
def test_two_mode_refusals_are_one_line_and_write_nothing(clean, tmp_path, case):
    _, fmt, label, rel_type, options, message = case
    path = write(tmp_path, "m.csv", ",X,Y\nA,1,2\nB,0,1\n")
    with pytest.raises(ChokepointError, match=message) as raised:
        import_network(clean, path, fmt, label, rel_type, **options)
    assert "\n" not in str(raised.value)
    assert entities(clean) == 0


# -- the command line against networkx's own figures ---------------------------------------------
def cli(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def figures(dataset, *scope):
    """Degree sequence, number of components and the top-5 betweenness (caption -> score) by the CLI."""
    n = json.loads(cli("centrality", "--metric", "degree", "--dataset", dataset, *scope, "--top", "10000",
                       "--json").stdout)
    degrees = sorted(s["score"] for s in n["top"])
    parts = json.loads(cli("structure", "components", "--dataset", dataset, *scope, "--json").stdout)["count"]
    top = json.loads(cli("centrality", "--metric", "betweenness", "--dataset", dataset, *scope, "--top", "5",
                         "--json").stdout)["top"]
    return degrees, parts, {s["caption"]: s["score"] for s in top}


def assert_figures(got, graph):
    """``got`` (from :func:`figures`) equals networkx's figures on ``graph`` (a simple undirected graph)."""
    degrees, parts, top = got
    assert degrees == sorted(float(d) for _, d in graph.degree())
    assert parts == nx.number_connected_components(graph)
    expected = nx.betweenness_centrality(graph)
    fifth = sorted(expected.values(), reverse=True)[4]
    assert len(top) == 5
    assert all(abs(score - expected[name]) < 1e-9 for name, score in top.items())
    assert all(score >= fifth - 1e-9 for score in top.values())  # the five best (ties in any order)


def test_cli_pajek_gives_networkx_figures(clean, neo4j_env, tmp_path):
    g = nx.les_miserables_graph()
    g = nx.relabel_nodes(g, {n: n.replace(".", ". ") for n in g})  # labels with blanks: quoted in the file
    g.add_node("Solo Isolated")
    path = tmp_path / "miserables.net"
    nx.write_pajek(g, path)
    reference = nx.Graph(nx.read_pajek(path))       # networkx's own reading of the file
    assert reference.number_of_edges() == 254 and reference.number_of_nodes() == 78
    result = cli("import-network", path, "--format", "pajek", "--node-label", "Person", "--rel-type",
                 "ASSOCIATED_WITH", "--json")
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert (summary["edges_loaded"], summary["rows_rejected"], summary["nodes"]) == (254, 0, 78)
    assert summary["directed"] is False
    assert_figures(figures("miserables"), reference)


def dl_text(g):
    """A one-mode DL full matrix of ``g`` with its labels (written here, not by networkx)."""
    names = list(g)
    rows = [" ".join("1" if g.has_edge(u, v) else "0" for v in names) for u in names]
    quoted = ", ".join(f'"{n}"' for n in names)
    return f"DL N={len(names)}\nFORMAT = FULLMATRIX\nLABELS:\n{quoted}\nDATA:\n" + "\n".join(rows) + "\n"


def test_cli_dl_gives_networkx_figures(clean, neo4j_env, tmp_path):
    g = nx.relabel_nodes(nx.florentine_families_graph(), lambda n: f"Familia {n}")
    g.add_edge("Familia Soto", "Familia Ruiz")        # a second component
    path = write(tmp_path, "florentine.dl", dl_text(g))
    result = cli("import-network", path, "--format", "dl", "--node-label", "Organization", "--rel-type",
                 "ASSOCIATED_WITH", "--undirected")
    assert "0 rejected" in result.stdout
    reference = nx.Graph()                            # built from the same edges, independently of the file
    reference.add_edges_from(g.edges())
    assert_figures(figures("florentine"), reference)


def test_cli_two_mode_and_projection_give_networkx_figures(clean, neo4j_env, tmp_path):
    from networkx.algorithms import bipartite

    davis = nx.davis_southern_women_graph()
    women, events = davis.graph["top"], davis.graph["bottom"]
    path = tmp_path / "davis.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["", *events])
        w.writerows([woman, *(1 if davis.has_edge(woman, e) else 0 for e in events)] for woman in women)
    result = cli("import-network", path, "--format", "matrix", "--two-mode", "--row-label", "Person",
                 "--col-label", "Organization", "--rel-type", "MEMBER_OF", "--project-to", "rows")
    assert "projection to rows: 139 ASSOCIATED_WITH links between Person entities" in " ".join(result.stdout.split())
    assert_figures(figures("davis", "--type", "MEMBER_OF"), davis)
    projected = bipartite.weighted_projected_graph(davis, women)
    assert_figures(figures("davis", "--type", "ASSOCIATED_WITH", "--label", "Person"), projected)
    stored = {frozenset((r["a"], r["b"])): r["w"] for r in clean.read(
        "MATCH (a:Person {dataset: 'davis'})-[r:ASSOCIATED_WITH]->(b:Person) RETURN a.name AS a, b.name AS b, "
        "r.weight AS w")}
    assert stored == {frozenset((u, v)): float(d["weight"]) for u, v, d in projected.edges(data=True)}
    assert all(len(set(davis[u]) & set(davis[v])) == stored.get(frozenset((u, v)), 0)
               for u, v in combinations(women, 2))


def test_cli_two_mode_options_are_checked(clean, neo4j_env, tmp_path):
    path = write(tmp_path, "m.csv", ",X\nA,1\n")
    result = runner.invoke(app, ["import-network", str(path), "--format", "matrix", "--two-mode", "--node-label",
                                 "Person", "--rel-type", "MEMBER_OF"])
    assert result.exit_code == 2 and "--two-mode takes --row-label L --col-label L" in result.output
    result = runner.invoke(app, ["import-network", str(path), "--format", "matrix", "--node-label", "Person",
                                 "--rel-type", "ASSOCIATED_WITH", "--project-to", "rows"])
    assert result.exit_code == 2 and "need --two-mode" in result.output
    assert entities(clean) == 0
