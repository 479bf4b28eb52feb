"""The analytics CLI on classic networks (values known from networkx), loaded through the real importer."""

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app

runner = CliRunner()


def imported(tmp_path, graph, dataset):
    path = tmp_path / f"{dataset}.csv"
    path.write_text("source,target\n" + "".join(f"{a},{b}\n" for a, b in graph.edges()), encoding="utf-8")
    result = runner.invoke(app, ["import-network", str(path), "--format", "edgelist", "--node-label", "Person",
                                 "--rel-type", "ASSOCIATED_WITH", "--undirected", "--dataset", dataset,
                                 "--rejects", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output


def ranking(*args):
    result = runner.invoke(app, ["centrality", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def networks(store, tmp_path_factory):
    return store


@pytest.mark.parametrize("name,graph", [("karate", nx.karate_club_graph()),
                                        ("florentine", nx.florentine_families_graph())])
@pytest.mark.parametrize("metric,reference", [
    ("betweenness", nx.betweenness_centrality), ("closeness", nx.closeness_centrality),
    ("degree", lambda g: dict(g.degree())), ("eigenvector", nx.eigenvector_centrality_numpy),
    ("harmonic", nx.harmonic_centrality),
])
def test_centrality_through_the_cli_equals_networkx(networks, neo4j_env, tmp_path, name, graph, metric, reference):
    graph = nx.relabel_nodes(graph, {n: f"{name} {n}" for n in graph})
    if not networks.read("MATCH (p:Person {dataset: $d}) RETURN count(p) AS n", d=name)[0]["n"]:
        imported(tmp_path, graph, name)
    report = ranking("--metric", metric, "--dataset", name, "--top", str(len(graph)))
    assert report["nodes"] == graph.number_of_nodes() and report["relationships"] == graph.number_of_edges()
    got = {s["caption"]: s["score"] for s in report["top"]}
    expected = reference(graph)
    assert set(got) == set(expected)
    assert max(abs(got[n] - expected[n]) for n in expected) < 1e-6


def test_structure_and_write_back_through_the_cli(networks, neo4j_env, tmp_path):
    graph = nx.relabel_nodes(nx.florentine_families_graph(), lambda n: f"florentine {n}")
    if not networks.read("MATCH (p:Person {dataset: 'florentine'}) RETURN count(p) AS n")[0]["n"]:
        imported(tmp_path, graph, "florentine")
    result = runner.invoke(app, ["structure", "articulation-points", "--dataset", "florentine", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["articulation_points"] == sorted(nx.articulation_points(graph))
    result = runner.invoke(app, ["structure", "communities", "--dataset", "florentine", "--write", "community",
                                 "--json"])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    assert sum(len(g) for g in groups) == graph.number_of_nodes()
    stored = networks.read("MATCH (p:Person {dataset: 'florentine'}) RETURN count(p.community) AS n")[0]["n"]
    assert stored == graph.number_of_nodes()
    top = ranking("--metric", "betweenness", "--dataset", "florentine", "--top", "1", "--write", "score_betweenness")
    assert top["top"][0]["caption"] == "florentine Medici" and top["written"] == graph.number_of_nodes()
    result = runner.invoke(app, ["centrality", "--metric", "fame"])
    assert result.exit_code != 0
