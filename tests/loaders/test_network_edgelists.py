"""Edge lists as published networks ship them (no header, any separator, columns by position, spreadsheet
sheets), duplicate rows merged by a declared strategy, and every import recorded as a Load; real Neo4j."""

import hashlib
import json

import networkx as nx
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.graph.ids import entity_id
from chokepoint.graph.values import jsonable
from chokepoint.loaders.networks import NetworkImportError, import_network
from chokepoint.loaders.provenance import loads

runner = CliRunner()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edges(store, dataset):
    """{(source name, target name): [(weight, count), ...]} of the dataset's relationships (sorted lists)."""
    rows = store.read("MATCH (a:Entity {dataset: $d})-[r]->(b:Entity) RETURN a.caption AS a, b.caption AS b, "
                      "r.weight AS w, r.count AS n", d=dataset)
    out: dict = {}
    for r in rows:
        out.setdefault((r["a"], r["b"]), []).append((r["w"], r["n"]))
    return {k: sorted(v, key=lambda x: (x[0] is None, x[0] or 0, x[1] or 0)) for k, v in out.items()}


def names(store, dataset):
    return {r["n"] for r in store.read("MATCH (p:Entity {dataset: $d}) RETURN p.caption AS n", d=dataset)}


def dump(store, dataset):
    nodes = store.read("MATCH (n:Entity {dataset: $d}) RETURN n.id AS id, properties(n) AS p ORDER BY id", d=dataset)
    rels = store.read("MATCH (a:Entity {dataset: $d})-[r]->(b) RETURN r.id AS id, a.id AS a, b.id AS b, "
                      "properties(r) AS p ORDER BY id", d=dataset)
    return json.dumps(jsonable([nodes, rels]), sort_keys=True)


def imported(store, path, dataset, **options):
    options.setdefault("directed", False)
    summary = import_network(store, path, "edgelist", "Person", "ASSOCIATED_WITH", dataset=dataset, **options)
    assert summary.rows_read == summary.edges_loaded + summary.rows_rejected
    return summary


# -- headers, separators, positions ------------------------------------------------------------
def test_headerless_tsv_loads_its_first_row_as_an_edge(clean, tmp_path):
    path = write(tmp_path, "net.tsv", "Ana\tBeto\t2\nBeto\tCarla\t1.5\nCarla\tDora\t3\n")
    summary = imported(clean, path, "tsv", directed=True)
    assert summary.read_as["header"] is False
    assert summary.read_as["header_reason"] == "row 1 is the first edge: its weight cell '2' is a number"
    assert summary.read_as["separator"] == "tab"
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected) == (3, 3, 0)
    assert edges(clean, "tsv") == {("Ana", "Beto"): [(2.0, 1)], ("Beto", "Carla"): [(1.5, 1)],
                                   ("Carla", "Dora"): [(3.0, 1)]}
    assert clean.read("MATCH (p:Person {name: 'Ana'}) RETURN p.sources AS s") == [{"s": ["net.tsv:1"]}]


@pytest.mark.parametrize("writer", ["weighted", "data", "plain"])
def test_whitespace_edge_lists_as_networkx_writes_them(clean, tmp_path, writer):
    g = nx.Graph()
    g.add_edge("a", "b", weight=3)
    g.add_edge("b", "c", weight=1.5)
    g.add_edge("c", "a", weight=2)
    path = tmp_path / "g.txt"
    if writer == "weighted":
        nx.write_weighted_edgelist(g, path)           # a b 3
    elif writer == "data":
        nx.write_edgelist(g, path, data=True)         # a b {'weight': 3}
    else:
        nx.write_edgelist(g, path, data=False)        # a b
    summary = imported(clean, path, writer)
    assert summary.read_as["separator"] == "whitespace" and summary.read_as["header"] is False
    expected = nx.read_edgelist(path) if writer == "data" else nx.read_weighted_edgelist(path) \
        if writer == "weighted" else nx.read_edgelist(path, data=False)
    got = {frozenset(k): v for k, v in edges(clean, writer).items()}
    assert got == {frozenset((u, v)): [(d.get("weight"), 1)] for u, v, d in expected.edges(data=True)}
    assert summary.rows_rejected == 0 and summary.relationships == 3


def test_semicolon_separated_with_a_header(clean, tmp_path):
    path = write(tmp_path, "semi.csv", "source;target;weight\nAndrés López;Beto Cruz;2\nBeto Cruz;Carla Díaz;4\n")
    summary = imported(clean, path, "semi", directed=True)
    assert summary.read_as["separator"] == "semicolon" and summary.read_as["header"] is True
    assert summary.read_as["header_reason"] == "row 1 is the header: it names the columns source and target"
    assert edges(clean, "semi") == {("Andrés López", "Beto Cruz"): [(2.0, 1)],
                                    ("Beto Cruz", "Carla Díaz"): [(4.0, 1)]}


def test_a_declared_separator_wins_over_the_detected_one(clean, tmp_path):
    path = write(tmp_path, "names.txt", "Smith,J Jones,K\nJones,K Brown,L\n")  # comma inside the names
    detected = imported(clean, path, "detected", header=False)
    assert detected.read_as["separator"] == "comma"
    declared = imported(clean, path, "declared", header=False, separator="whitespace")
    assert declared.read_as["separator"] == "whitespace" and declared.read_as["separator_declared"] is True
    assert names(clean, "declared") == {"Smith,J", "Jones,K", "Brown,L"}


def test_columns_by_position_with_and_without_a_header(clean, tmp_path):
    with_header = write(tmp_path, "calls.csv", "day,callee,caller,calls\n2024-01-01,B,A,3\n2024-01-02,C,B,1\n")
    summary = imported(clean, with_header, "named", directed=True, source_col="3", target_col="2", weight_col="4",
                       time_col="1")
    assert summary.read_as["header"] is True
    assert summary.read_as["header_reason"] == "row 1 is the header: its weight cell 'calls' is no number, and the " \
                                               "later rows' are numbers"
    assert summary.read_as["columns"] == {"source": "caller", "target": "callee", "weight": "calls", "time": "day",
                                          "unused": []}
    rows = clean.read("MATCH (a {dataset: 'named'})-[r]->(b) RETURN a.name AS a, b.name AS b, r.weight AS w, "
                      "toString(r.date) AS d ORDER BY d")
    assert [(r["a"], r["b"], r["w"], r["d"]) for r in rows] == [("A", "B", 3.0, "2024-01-01"),
                                                                 ("B", "C", 1.0, "2024-01-02")]
    headerless = write(tmp_path, "cols.txt", "x 14 101 2\nx 14 7 1\nx 101 7 5\n")
    summary = imported(clean, headerless, "positions", directed=True, source_col="2", target_col="3",
                       weight_col="4")
    assert summary.read_as["columns"] == {"source": "2", "target": "3", "weight": "4", "time": None, "unused": ["1"]}
    assert edges(clean, "positions") == {("14", "101"): [(2.0, 1)], ("14", "7"): [(1.0, 1)], ("101", "7"): [(5.0, 1)]}


def test_following_the_hint_on_a_headerless_file_keeps_the_first_edge(clean, tmp_path):
    # the first row "14 101" was once taken as a header named 14 and 101: its edge and nodes were lost
    path = write(tmp_path, "snap.txt", "# Directed graph: snap.txt\n# FromNodeId\tToNodeId\n14\t101\n14\t7\n101\t7\n")
    summary = imported(clean, path, "snap", directed=True, source_col="1", target_col="2")
    assert summary.read_as["header"] is False and summary.read_as["comment_lines"] == 2
    assert summary.read_as["header_reason"] == "row 3 is the first edge: its endpoints '14' and '101' are numbers " \
                                               "(node ids)"
    assert (summary.rows_read, summary.edges_loaded) == (3, 3)
    assert names(clean, "snap") == {"14", "101", "7"}
    assert set(edges(clean, "snap")) == {("14", "101"), ("14", "7"), ("101", "7")}
    # the old hint's own example, names taken from the first row: refused, nothing written
    with pytest.raises(NetworkImportError, match=r"no column 14 \(--source-col\); no row has more than 2 cells "
                                                 r"\(digits are a position, 1 for the first column\)"):
        imported(clean, path, "hint", source_col="14", target_col="101")
    assert names(clean, "hint") == set()


def test_header_detected_both_ways(clean, tmp_path):
    # names that come back as endpoints: row 1 is an edge
    again = write(tmp_path, "again.csv", "Ana,Beto\nBeto,Carla\nCarla,Ana\n")
    summary = imported(clean, again, "again")
    assert summary.read_as["header"] is False
    assert summary.read_as["header_reason"] == "row 1 is the first edge: its endpoints 'Ana' and 'Beto' appear " \
                                               "again as endpoints in later rows"
    assert summary.edges_loaded == 3 and names(clean, "again") == {"Ana", "Beto", "Carla"}
    # named columns: row 1 is the header
    named = write(tmp_path, "named.csv", "caller,callee\nAna,Beto\nBeto,Carla\n")
    summary = imported(clean, named, "named", source_col="Caller", target_col="callee")
    assert summary.read_as["header"] is True and summary.edges_loaded == 2
    assert summary.read_as["header_reason"] == "row 1 is the header: --source-col names a column"
    assert names(clean, "named") == {"Ana", "Beto", "Carla"}


def test_an_undecidable_first_row_is_refused_with_the_way_to_declare_it(clean, tmp_path):
    path = write(tmp_path, "from.csv", "from,to\nAna,Beto\n")
    with pytest.raises(NetworkImportError, match=r"from.csv: cannot tell whether row 1 \('from', 'to'\) is a header "
                                                 r"or the first edge; say --header or --no-header"):
        imported(clean, path, "from", source_col="1", target_col="2")
    with pytest.raises(NetworkImportError, match="no source column 'source'; columns: from, to .*--no-header"):
        imported(clean, path, "from")
    assert names(clean, "from") == set()


def test_a_declared_header_overrides_what_the_file_looks_like(clean, tmp_path):
    path = write(tmp_path, "decl.csv", "from,to\nAna,Beto\n")
    summary = imported(clean, path, "noheader", header=False)
    assert summary.read_as["header_reason"] == "declared (--no-header)"
    assert {frozenset(k) for k in edges(clean, "noheader")} == {frozenset({"from", "to"}), frozenset({"Ana", "Beto"})}
    numbers = write(tmp_path, "numbers.csv", "1,2,3\n1,3,4\n")  # looks like data; declared a header
    summary = imported(clean, numbers, "header", header=True, source_col="1", target_col="2", weight_col="3")
    assert summary.read_as["header_reason"] == "declared (--header)"
    assert (summary.rows_read, summary.edges_loaded) == (1, 1)
    assert names(clean, "header") == {"1", "3"}
    with pytest.raises(NetworkImportError, match="--source-col 'from' names a column, but the file has no header"):
        imported(clean, path, "bad", header=False, source_col="from")


# -- spreadsheets --------------------------------------------------------------------------------
def test_xlsx_sheets_hold_an_edge_list_and_a_matrix(clean, tmp_path):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Seized phones, March"])
    sheet = book.create_sheet("Edges")
    for row in (["Ana", "Beto", 2], ["Beto", "Carla", 4.5], ["Carla", "Ana", 1]):
        sheet.append(row)
    matrix = book.create_sheet("Matrix")
    for row in ([None, "Ana", "Beto", "Carla"], ["Ana", 0, 2, 0], ["Beto", 0, 0, 3], ["Carla", 1, 0, 0]):
        matrix.append(row)
    path = tmp_path / "case.xlsx"
    book.save(path)
    summary = imported(clean, path, "xl_edges", directed=True, sheet="edges")
    assert (summary.read_as["sheet"], summary.read_as["header"]) == ("Edges", False)
    assert edges(clean, "xl_edges") == {("Ana", "Beto"): [(2.0, 1)], ("Beto", "Carla"): [(4.5, 1)],
                                        ("Carla", "Ana"): [(1.0, 1)]}
    assert clean.read("MATCH (p:Person {dataset: 'xl_edges', name: 'Beto'}) RETURN p.sources AS s") == \
        [{"s": ["case.xlsx[Edges]:1"]}]
    m = import_network(clean, path, "matrix", "Person", "ASSOCIATED_WITH", dataset="xl_matrix", sheet="Matrix")
    assert m.read_as == {"sheet": "Matrix"} and m.rows_rejected == 0
    assert edges(clean, "xl_matrix") == {("Ana", "Beto"): [(2.0, 1)], ("Beto", "Carla"): [(3.0, 1)],
                                         ("Carla", "Ana"): [(1.0, 1)]}
    with pytest.raises(NetworkImportError,
                       match="case.xlsx: no sheet named 'Calls'; sheets: 'Notes', 'Edges', 'Matrix'"):
        imported(clean, path, "none", sheet="Calls")


def test_matrices_in_any_separator(clean, tmp_path):
    spaced = write(tmp_path, "m.txt", "x A B C\nA 0 1 0\nB 1 0 2\nC 0 2 0\n")
    summary = import_network(clean, spaced, "matrix", "Person", "ASSOCIATED_WITH", dataset="wm", directed=False)
    assert summary.read_as == {"separator": "whitespace", "separator_declared": False, "comment_lines": 0}
    assert {frozenset(k): v for k, v in edges(clean, "wm").items()} == {frozenset("AB"): [(1.0, 1)],
                                                                         frozenset("BC"): [(2.0, 1)]}
    piped = write(tmp_path, "p.txt", "|Smith, J|Jones, K\nSmith, J|0|3\nJones, K|0|0\n")
    summary = import_network(clean, piped, "matrix", "Person", "ASSOCIATED_WITH", dataset="pm", separator="|")
    assert (summary.read_as["separator"], summary.read_as["separator_declared"]) == ("pipe", True)
    assert edges(clean, "pm") == {("Smith, J", "Jones, K"): [(3.0, 1)]}


def test_ods_sheet_edge_list(clean, tmp_path):
    path = tmp_path / "case.ods"
    with pd.ExcelWriter(path, engine="odf") as w:
        pd.DataFrame([["source", "target", "weight"], ["Ana", "Beto", 2], ["Beto", "Carla", 0.5]]).to_excel(
            w, sheet_name="Calls", header=False, index=False, startrow=1)  # a blank row above the header
    summary = imported(clean, path, "ods", directed=True, sheet="Calls")
    assert summary.read_as["header"] is True and summary.read_as["sheet"] == "Calls"
    assert edges(clean, "ods") == {("Ana", "Beto"): [(2.0, 1)], ("Beto", "Carla"): [(0.5, 1)]}
    assert clean.read("MATCH (p:Person {dataset: 'ods', name: 'Ana'}) RETURN p.sources AS s") == \
        [{"s": ["case.ods[Calls]:3"]}]


# -- duplicates ----------------------------------------------------------------------------------
DUPES = ("source,target,weight\n"
         "a,b,\n"        # row 2: no weight
         "b,a,5\n"       # row 3: the other direction
         "a,b,2\n"       # row 4
         "a,b,3\n"       # row 5
         "c,d,1\n")      # row 6: alone


@pytest.mark.parametrize("strategy,weight", [("sum", 10.0), ("max", 5.0), ("min", 2.0), ("first", None),
                                             ("last", 3.0)])
def test_each_merge_strategy_on_an_undirected_pair(clean, tmp_path, strategy, weight):
    path = write(tmp_path, "dupes.csv", DUPES)
    summary = imported(clean, path, strategy, duplicates=strategy)
    assert (summary.edges_loaded, summary.relationships, summary.rows_merged) == (5, 2, 3)
    got = {frozenset(k): v for k, v in edges(clean, strategy).items()}
    assert got == {frozenset("ab"): [(weight, 4)], frozenset("cd"): [(1.0, 1)]}
    rel = clean.read("MATCH (:Person {dataset: $d, name: 'a'})-[r]-(:Person {name: 'b'}) RETURN r.sources AS s",
                     d=strategy)
    assert rel == [{"s": ["dupes.csv:2", "dupes.csv:3", "dupes.csv:4", "dupes.csv:5"]}]


def test_merge_strategies_keep_the_two_directions_of_a_directed_file_apart(clean, tmp_path):
    path = write(tmp_path, "dupes.csv", DUPES)
    summary = imported(clean, path, "directed", directed=True)
    assert (summary.relationships, summary.rows_merged) == (3, 2)
    assert edges(clean, "directed") == {("a", "b"): [(5.0, 3)], ("b", "a"): [(5.0, 1)], ("c", "d"): [(1.0, 1)]}


@pytest.mark.parametrize("directed", [False, True])
def test_keep_writes_every_row_as_a_parallel_relationship(clean, tmp_path, directed):
    path = write(tmp_path, "dupes.csv", DUPES)
    dataset = f"keep{directed}"
    summary = imported(clean, path, dataset, duplicates="keep", directed=directed)
    assert (summary.relationships, summary.rows_merged, summary.counters["relationships_created"]) == (5, 0, 5)
    got = edges(clean, dataset)
    if directed:
        assert got == {("a", "b"): [(2.0, 1), (3.0, 1), (None, 1)], ("b", "a"): [(5.0, 1)], ("c", "d"): [(1.0, 1)]}
    else:
        assert {frozenset(k): v for k, v in got.items()} == {
            frozenset("ab"): [(2.0, 1), (3.0, 1), (5.0, 1), (None, 1)], frozenset("cd"): [(1.0, 1)]}
    again = imported(clean, path, dataset, duplicates="keep", directed=directed)
    assert again.counters["relationships_created"] == 0 and edges(clean, dataset) == got


def test_an_undirected_pair_in_both_directions_with_other_weights_is_one_relationship(clean, tmp_path):
    # as a published network ships it: 3 pairs, each written both ways with different weights
    path = write(tmp_path, "both.txt", "18 19 5\n19 18 6\n1 2 1\n3 1 2\n2 1 4\n1 3 1\n")
    summary = imported(clean, path, "both")
    assert (summary.edges_loaded, summary.relationships, summary.rows_merged) == (6, 3, 3)
    assert clean.read("MATCH (:Person {dataset: 'both'})-[r]->() RETURN count(r) AS n") == [{"n": 3}]
    got = {frozenset(k): v for k, v in edges(clean, "both").items()}
    assert got == {frozenset({"18", "19"}): [(11.0, 2)], frozenset({"1", "2"}): [(5.0, 2)],
                   frozenset({"1", "3"}): [(3.0, 2)]}
    assert all(r["u"] for r in clean.read("MATCH (:Person {dataset: 'both'})-[r]->() RETURN r.undirected AS u"))


def test_rows_of_one_pair_on_two_dates_are_two_relationships(clean, tmp_path):
    path = write(tmp_path, "dated.csv", "source,target,weight,date\na,b,1,2024-01-01\nb,a,2,2024-01-01\n"
                                        "a,b,4,2024-01-02\n")
    summary = imported(clean, path, "dated")
    assert (summary.relationships, summary.rows_merged) == (2, 1)
    rows = clean.read("MATCH (:Person {dataset: 'dated'})-[r]->() RETURN toString(r.date) AS d, r.weight AS w, "
                      "r.count AS n ORDER BY d")
    assert [(r["d"], r["w"], r["n"]) for r in rows] == [("2024-01-01", 3.0, 2), ("2024-01-02", 4.0, 1)]
    ignored = imported(clean, path, "undated", time_col="")
    assert (ignored.relationships, ignored.rows_merged) == (1, 2)
    assert {frozenset(k): v for k, v in edges(clean, "undated").items()} == {frozenset("ab"): [(7.0, 3)]}


def test_an_unknown_strategy_is_refused(clean, tmp_path):
    path = write(tmp_path, "dupes.csv", DUPES)
    with pytest.raises(NetworkImportError, match="unknown duplicates strategy 'mean'; use one of sum, max, min, "
                                                 "first, last, keep"):
        imported(clean, path, "mean", duplicates="mean")


# -- the Load record -----------------------------------------------------------------------------
def test_every_import_is_a_load_on_everything_it_wrote(clean, tmp_path):
    path = write(tmp_path, "dupes.csv", DUPES)
    summary = imported(clean, path, "loaded")
    recorded = loads(clean, "loaded")
    assert len(recorded) == 1
    load = recorded[0]
    assert load["id"] == summary.load_id and load["file"] == "dupes.csv" and load["status"] == "complete"
    assert load["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() == summary.sha256
    assert (load["rows_read"], load["rows_loaded"], load["rows_rejected"]) == (5, 5, 0)
    node = clean.read("MATCH (l:Load {id: $id}) RETURN properties(l) AS p", id=summary.load_id)[0]["p"]
    assert (node["kind"], node["format"], node["rows_merged"], node["relationships"], node["nodes"]) == \
        ("network", "edgelist", 3, 2, 4)
    options = json.loads(node["options"])
    assert (options["duplicates"], options["directed"], options["header"], options["separator"]) == \
        ("sum", False, True, "comma")
    marked = clean.read("MATCH (n:Entity {dataset: 'loaded'}) RETURN collect(DISTINCT n.loads) AS l")[0]["l"]
    assert marked == [[summary.load_id]]
    marked = clean.read("MATCH (:Entity {dataset: 'loaded'})-[r]->() RETURN collect(DISTINCT r.loads) AS l")[0]["l"]
    assert marked == [[summary.load_id]]
    # the same file with the same options: the same load and the same graph
    before = dump(clean, "loaded")
    again = imported(clean, path, "loaded")
    assert again.load_id == summary.load_id and len(loads(clean, "loaded")) == 1
    assert dump(clean, "loaded") == before
    # other options: another load, on what it touched
    other = imported(clean, path, "loaded", duplicates="max")
    assert other.load_id != summary.load_id and len(loads(clean, "loaded")) == 2
    a = clean.read("MATCH (p:Person {id: $id}) RETURN p.loads AS l", id=entity_id("loaded", "Person", ["a"]))
    assert a == [{"l": [summary.load_id, other.load_id]}]


def test_a_fatal_problem_records_no_load(clean, tmp_path):
    path = write(tmp_path, "from.csv", "from,to\nAna,Beto\n")
    with pytest.raises(NetworkImportError):
        imported(clean, path, "fatal")
    assert loads(clean, "fatal") == []


# -- end to end: the CLI on a headerless file gives networkx's figures --------------------------
def test_cli_import_of_a_headerless_edge_list_gives_networkx_figures(clean, neo4j_env, tmp_path):
    graph = nx.les_miserables_graph()
    graph.add_edges_from([("Stray1", "Stray2"), ("Stray2", "Stray3")])  # a second component
    path = tmp_path / "lesmis.txt"
    lines = []
    for k, (u, v, d) in enumerate(graph.edges(data=True)):
        w = d.get("weight", 1)
        lines.append(f"{u} {v} {w}" if k % 2 else f"{v} {u} {w}")    # either direction
        if k % 7 == 0:
            lines.append(f"{v} {u} {w}")                                 # and some rows twice, reversed
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference = nx.read_weighted_edgelist(path)  # networkx on the same file (a Graph: one edge per pair)
    betweenness = nx.betweenness_centrality(reference)
    ranked = sorted(betweenness.items(), key=lambda kv: -kv[1])
    assert ranked[4][1] > ranked[5][1]  # the top 5 is not a tie, so it is one set

    result = runner.invoke(app, ["import-network", str(path), "--format", "edgelist", "--node-label", "Person",
                                 "--rel-type", "ASSOCIATED_WITH", "--undirected", "--dataset", "lesmis", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["read_as"]["header"] is False and summary["read_as"]["separator"] == "whitespace"
    assert summary["rows_rejected"] == 0 and summary["relationships"] == reference.number_of_edges()
    assert summary["rows_merged"] == len(lines) - reference.number_of_edges()

    def cli(*args):
        done = runner.invoke(app, [*args, "--dataset", "lesmis", "--json"])
        assert done.exit_code == 0, done.output
        return json.loads(done.stdout)

    degree = cli("centrality", "--metric", "degree", "--top", str(reference.number_of_nodes()))
    assert degree["nodes"] == reference.number_of_nodes() and degree["relationships"] == reference.number_of_edges()
    assert sorted(s["score"] for s in degree["top"]) == sorted(d for _, d in reference.degree())
    assert cli("structure", "components")["count"] == nx.number_connected_components(reference) == 2
    top = cli("centrality", "--metric", "betweenness", "--top", "5")["top"]
    assert [s["caption"] for s in top] == [name for name, _ in ranked[:5]]
    assert [s["score"] for s in top] == pytest.approx([score for _, score in ranked[:5]], abs=1e-9)
    weights = {frozenset((r["a"], r["b"])): r["w"] for r in clean.read(
        "MATCH (a:Person {dataset: 'lesmis'})-[r]->(b) RETURN a.name AS a, b.name AS b, r.weight AS w")}
    for k, (u, v, d) in enumerate(graph.edges(data=True)):  # a row written twice sums (--duplicates sum)
        w = float(d.get("weight", 1))
        assert weights[frozenset((u, v))] == (2 * w if k % 7 == 0 else w)


# -- fatal problems and the command line --------------------------------------------------------
FATAL = [
    ("unknown separator", "e.txt", "a b\n", {"separator": "colon"}, "unknown separator 'colon'; use one of comma"),
    ("sheet of a text file", "e.csv", "source,target\na,b\n", {"sheet": "Edges"},
     "a sheet .'Edges'. can only be chosen in an XLSX or ODS file"),
    ("position beyond the cells", "e.txt", "1 2\n2 3\n", {"weight_col": "3"},
     r"no column 3 \(--weight-col\); no row has more than 2 cells"),
    ("position beyond the header", "e.csv", "source,target\na,b\n", {"time_col": "5"},
     r"no column 5 \(--time-col\); no row has more than 2 cells"),
    ("empty endpoint option", "e.csv", "source,target\na,b\n", {"source_col": ""}, "--source-col cannot be empty"),
]


@pytest.mark.parametrize("case", FATAL, ids=[c[0] for c in FATAL])
def test_fatal_problems_write_nothing_and_record_no_load(clean, tmp_path, case):
    _, name, text, options, message = case
    path = write(tmp_path, name, text)
    with pytest.raises(NetworkImportError, match=message):
        imported(clean, path, "fatal", **options)
    assert names(clean, "fatal") == set() and loads(clean, "fatal") == []


def test_an_option_a_format_does_not_take_is_refused(clean, tmp_path):
    path = write(tmp_path, "m.csv", ",A,B\nA,0,1\nB,1,0\n")
    with pytest.raises(NetworkImportError, match=r"--header/--no-header does not apply to matrix files .*it applies "
                                                 "to: edgelist"):
        import_network(clean, path, "matrix", "Person", "ASSOCIATED_WITH", header=False)


def test_cli_options_and_what_the_summary_says(clean, neo4j_env, tmp_path):
    path = write(tmp_path, "pairs.txt", "Ana Beto 2\nBeto Ana 5\nCarla Dora 1\n")
    args = ["import-network", str(path), "--format", "edgelist", "--node-label", "Person", "--rel-type",
            "ASSOCIATED_WITH", "--undirected", "--dataset", "cli"]
    result = runner.invoke(app, [*args, "--no-header", "--separator", "whitespace", "--duplicates", "max"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "duplicates (max): 1 row(s) merged into 2 relationship(s)" in text
    assert "header: no (declared (--no-header))" in text
    assert "separator: whitespace (declared)" in text and "columns: source 1, target 2, weight 3" in text
    assert f"load {loads(clean, 'cli')[0]['id']}" in text
    assert {frozenset(k): v for k, v in edges(clean, "cli").items()} == {frozenset({"Ana", "Beto"}): [(5.0, 2)],
                                                                          frozenset({"Carla", "Dora"}): [(1.0, 1)]}
    result = runner.invoke(app, [*args, "--duplicates", "mean"])
    assert result.exit_code == 2
    assert "'mean' is not one of sum, max, min, first, last, keep" in " ".join(result.output.replace("│", " ").split())
