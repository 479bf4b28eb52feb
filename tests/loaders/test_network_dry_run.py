"""``import-network --dry-run`` (every edge read, mapped and merged; nothing in Neo4j) and the format read from
a file's suffix when ``--format`` is not given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chokepoint.cases import loading
from chokepoint.cli.main import app
from chokepoint.loaders.networks import SUFFIXES, NetworkImportError, format_of

runner = CliRunner()

# a,b twice in both directions (undirected: one relationship of 3 rows), a bad weight, an empty target
EDGES = "source,target,weight\na,b,1\nb,a,2\nb,c,x\nc,,1\nc,d,4\na,b,5\nd,e,1\n"
PAJEK = "*Vertices 3\n1 \"Ana\"\n2 \"Beto\"\n3 \"Carla\"\n*Edges\n1 2 2\n2 3 1\n2 1 1\n"
# two-mode: persons x organisations, with the projection on the persons
AFFILIATIONS = "source,target\nana,o1\nbeto,o1\ncarla,o1\nana,o2\nbeto,o2\ndiego,o3\n"
FIGURES = ("rows_read", "edges_loaded", "rows_rejected", "rows_merged", "relationships", "nodes", "load_id",
           "format", "directed", "read_as", "sha256")


def _count(store) -> int:
    return store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]


def _written(store, dataset):
    row = store.read("MATCH (n:Entity {dataset: $d}) WITH count(n) AS nodes "
                     "OPTIONAL MATCH (:Entity {dataset: $d})-[r]->(:Entity) RETURN nodes, count(r) AS rels", d=dataset)
    return row[0]["nodes"], row[0]["rels"]


@pytest.mark.parametrize("name, text, args", [
    ("ties.csv", EDGES, dict(fmt="edgelist", label="Person", rel_type="ASSOCIATED_WITH", directed=False)),
    ("caso.net", PAJEK, dict(fmt="pajek", label="Person", rel_type="ASSOCIATED_WITH")),
    ("members.csv", AFFILIATIONS, dict(fmt="edgelist", label="Person", col_label="Organization", rel_type="MEMBER_OF",
                                      project_to="rows")),
])
def test_a_dry_run_writes_nothing_and_reports_what_the_import_does(clean, tmp_path, name, text, args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = _count(clean)
    dry = loading.import_network(clean, path, dataset="d", rejects=tmp_path / "dry.csv", dry_run=True, **args)
    assert _count(clean) == before                            # no entity, link or Load record
    assert dry.as_dict()["dry_run"] is True
    assert (dry.as_dict()["nodes_created"], dry.as_dict()["relationships_created"]) == (0, 0)

    real = loading.import_network(clean, path, dataset="d", rejects=tmp_path / "real.csv", **args)
    d, r = dry.as_dict(), real.as_dict()
    assert {k: d[k] for k in FIGURES} == {k: r[k] for k in FIGURES}
    assert r["dry_run"] is False
    projection = r["projection"] or {}
    # what the dry run says would be written is what the import wrote, on an empty database
    assert _written(clean, "d") == (d["nodes"], d["relationships"] + projection.get("links", 0)) \
        == (r["nodes_created"], r["relationships_created"])
    if projection:
        assert {k: v for k, v in d["projection"].items() if k != "relationships_created"} == \
               {k: v for k, v in projection.items() if k != "relationships_created"}
    assert (d["rejects_report"] is None) == (r["rejects_report"] is None)
    if d["rejects_report"]:
        assert Path(d["rejects_report"]).read_text(encoding="utf-8") == \
               Path(r["rejects_report"]).read_text(encoding="utf-8")


def test_dry_run_figures_of_the_edge_list(tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text(EDGES, encoding="utf-8")
    d = loading.import_network(None, path, "edgelist", "Person", "ASSOCIATED_WITH", directed=False,
                               rejects=tmp_path / "r.csv", dry_run=True).as_dict()
    # 7 rows: 2 rejected (weight x, empty target); a-b three times -> one relationship; b-c... c-d, d-e
    assert (d["rows_read"], d["edges_loaded"], d["rows_rejected"], d["rows_merged"], d["relationships"],
            d["nodes"]) == (7, 5, 2, 2, 3, 5)
    rejects = (tmp_path / "r.csv").read_text(encoding="utf-8")
    assert "not a number: 'x'" in rejects and "empty target" in rejects


def test_without_a_store_only_a_dry_run(tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text(EDGES, encoding="utf-8")
    with pytest.raises(NetworkImportError, match="only a dry run"):
        loading.import_network(None, path, "edgelist", "Person", "ASSOCIATED_WITH")


def test_the_cli_dry_run_needs_no_neo4j(tmp_path, monkeypatch):
    path = tmp_path / "ties.csv"
    path.write_text(EDGES, encoding="utf-8")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("CHOKEPOINT_NEO4J_DATA", str(tmp_path / "no-neo4j-here"))
    base = ["import-network", str(path), "--node-label", "Person", "--rel-type", "ASSOCIATED_WITH", "--undirected",
            "--dry-run", "--rejects", str(tmp_path / "r.csv")]
    result = runner.invoke(app, [*base, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["dry_run"], summary["format"], summary["format_from"]) == (True, "edgelist", "suffix .csv")
    text = runner.invoke(app, base)
    assert text.exit_code == 0, text.output
    said = " ".join(text.stdout.split())      # the console wraps at its width
    assert said.startswith("dry run, nothing written: dataset ties: 7 edge rows read, 5 would load, 2 rejected; "
                           "5 Person nodes and 3 ASSOCIATED_WITH relationships would be written (undirected) "
                           "format: edgelist (from the suffix .csv) ")
    assert not any(line.startswith("load ") for line in text.stdout.splitlines())


# -- the format from the suffix ----------------------------------------------------------------
@pytest.mark.parametrize("name, fmt", [("a.csv", "edgelist"), ("a.TSV", "edgelist"), ("a.txt", "edgelist"),
                                       ("a.net", "pajek"), ("a.dl", "dl"), ("a.graphml", "graphml"),
                                       ("a.gexf", "gexf"), ("a.Net", "pajek")])
def test_the_suffix_names_the_format(tmp_path, name, fmt):
    path = tmp_path / name
    path.write_text("a,b\n", encoding="utf-8")
    assert format_of(path) == fmt == SUFFIXES[Path(name).suffix.lower()]


def test_an_unknown_suffix_is_one_line_listing_the_formats(tmp_path):
    path = tmp_path / "network.dat"
    path.write_text("a b\n", encoding="utf-8")
    result = runner.invoke(app, ["import-network", str(path), "--node-label", "Person", "--rel-type",
                                 "ASSOCIATED_WITH", "--dry-run"])
    assert isinstance(result.exception, NetworkImportError)   # main() prints it as one line "error: ..."
    message = str(result.exception)
    assert "\n" not in message
    assert "no format for the suffix '.dat'" in message
    for fmt in ("edgelist", "matrix", "graphml", "gexf", "pajek", "dl"):
        assert fmt in message
    assert ".net pajek" in message and ".dl dl" in message


def test_a_table_that_starts_like_a_matrix_asks_for_the_format(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(",a,b\na,0,1\nb,1,0\n", encoding="utf-8")
    with pytest.raises(NetworkImportError, match="adjacency matrix; give --format matrix"):
        format_of(path)
    d = loading.import_network(None, path, "matrix", "Person", "ASSOCIATED_WITH", directed=False,
                               rejects=tmp_path / "r.csv", dry_run=True).as_dict()
    assert (d["format"], d["format_from"], d["relationships"]) == ("matrix", "declared", 1)


def test_detected_and_declared_formats_import_alike(clean, tmp_path):
    path = tmp_path / "caso.net"
    path.write_text(PAJEK, encoding="utf-8")
    found = loading.import_network(clean, path, None, "Person", "ASSOCIATED_WITH").as_dict()
    declared = loading.import_network(clean, path, "pajek", "Person", "ASSOCIATED_WITH").as_dict()
    assert found["format_from"] == "suffix .net" and declared["format_from"] == "declared"
    assert found["load_id"] == declared["load_id"]            # the same load: re-importing writes nothing new
    assert (declared["nodes_created"], declared["relationships_created"]) == (0, 0)
    assert _written(clean, "caso") == (3, 2)
