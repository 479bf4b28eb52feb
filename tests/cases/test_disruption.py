"""Disruption on imported networks in the real Neo4j (cases.disruption and ``chokepoint disrupt``): karate
club, Florentine families and a generated graph, written as edge lists and imported with the project's
network import; every figure and curve checked against networkx run here on the same edge lists, with
the nodes in the order the test works out from the files (first row naming them, then id)."""

from __future__ import annotations

import csv
import json

import networkx as nx
import numpy as np
import pytest
from typer.testing import CliRunner

from chokepoint.cases import disruption, loading
from chokepoint.cases.scope import Scope
from chokepoint.cli.main import app
from chokepoint.graph.errors import ChokepointError, EntityNotFound
from chokepoint.graph.ids import entity_id
from disruption_reference import TOL, nx_attack, nx_figures, nx_random, same_curve

NETWORKS = {"karate": nx.karate_club_graph, "florentine": nx.florentine_families_graph,
            "generated": lambda: nx.gnm_random_graph(120, 300, seed=5)}


def reference(dataset: str, edges: list[tuple[str, str]]) -> nx.Graph:
    """The edge list as networkx, entity ids as nodes, in import order: rows in file order, the entities
    a row names first by id."""
    g = nx.Graph()
    for a, b in edges:
        new = sorted({entity_id(dataset, "Person", [x]) for x in (a, b)} - set(g))
        g.add_nodes_from(new)
        g.add_edge(entity_id(dataset, "Person", [a]), entity_id(dataset, "Person", [b]))
    return g


@pytest.fixture(scope="module")
def networks(store, tmp_path_factory):
    """Each network imported (dataset = its name); the networkx reference of each."""
    folder = tmp_path_factory.mktemp("disruption")
    refs = {}
    for name, make in NETWORKS.items():
        edges = [(str(u), str(v)) for u, v in make().edges()]
        path = folder / f"{name}.csv"
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source", "target"])
            w.writerows(edges)
        report = loading.import_network(store, path, "edgelist", "Person", "ASSOCIATED_WITH", dataset=name,
                                        directed=False, header=True)
        assert report.summary.rows_rejected == 0
        refs[name] = reference(name, edges)
    return store, refs


def kid(dataset: str, name: str) -> str:
    return entity_id(dataset, "Person", [name])


@pytest.mark.parametrize("name", NETWORKS)
def test_the_projection_is_in_import_order_and_its_figures_equal_networkx(networks, name):
    store, refs = networks
    g, net = disruption.structural_graph(store, Scope(dataset=name))
    assert list(net.names) == list(refs[name])
    assert sorted(map(tuple, net.pairs.tolist())) == sorted(
        tuple(sorted((list(refs[name]).index(u), list(refs[name]).index(v)))) for u, v in refs[name].edges())
    report = disruption.what_if(store, Scope(dataset=name), [list(refs[name])[0]])
    h = refs[name].copy()
    h.remove_node(list(refs[name])[0])
    assert report.before.as_dict() == pytest.approx(nx_figures(refs[name], len(h) + 1), rel=TOL, abs=TOL)
    assert report.after.as_dict() == pytest.approx(nx_figures(h, len(h) + 1), rel=TOL, abs=TOL)


@pytest.mark.parametrize("strategy", ["betweenness", "degree", "closeness", "pagerank", "collective-influence"])
@pytest.mark.parametrize("mode", ["sequential", "block"])
def test_attack_curves_from_the_store_equal_networkx(networks, strategy, mode):
    store, refs = networks
    for name in NETWORKS:
        curve = disruption.attack(store, Scope(dataset=name), strategy, 10, mode=mode).curve
        same_curve(curve, nx_attack(refs[name], strategy, 10, mode))


def test_names_resolve_within_the_dataset_and_an_ambiguous_name_lists_the_candidates(networks):
    store, refs = networks
    report = disruption.what_if(store, Scope(dataset="karate"), ["0", "33"])
    assert report.removed == (kid("karate", "0"), kid("karate", "33"))   # not generated's "0"
    assert report.captions[kid("karate", "0")] == "0"
    with pytest.raises(disruption.AmbiguousEntity) as err:
        disruption.what_if(store, Scope(), ["0"])         # no dataset: karate's and generated's
    assert kid("karate", "0") in str(err.value) and kid("generated", "0") in str(err.value)
    with pytest.raises(disruption.AmbiguousEntity, match="Salviati.*Strozzi|Strozzi.*Salviati"):
        disruption.what_if(store, Scope(dataset="florentine"), ["S"])
    assert disruption.what_if(store, Scope(dataset="florentine"), ["medici"]).removed == (kid("florentine", "Medici"),)
    with pytest.raises(EntityNotFound, match="no entity in dataset 'karate' matches 'Medici'"):
        disruption.what_if(store, Scope(dataset="karate"), ["Medici"])


def test_disrupt_cli_what_if_attack_json_csv_and_random_band(networks, neo4j_env):
    store, refs = networks
    run = CliRunner().invoke
    result = run(app, ["disrupt", "--dataset", "karate", "--remove", "0", "--remove", "33", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    h = refs["karate"].copy()
    h.remove_nodes_from([kid("karate", "0"), kid("karate", "33")])
    assert out["after"] == pytest.approx(nx_figures(h, 34), rel=TOL, abs=TOL)
    assert out["before"]["largest"] == 34 and out["graph"] == "undirected simple graph of the scope"
    text = run(app, ["disrupt", "--dataset", "karate", "--remove", "0", "--remove", "33"]).output
    assert "largest" in text and "efficiency" in text and "undirected simple graph" in text

    result = run(app, ["disrupt", "--dataset", "florentine", "--attack", "betweenness", "--steps", "4", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    want = nx_attack(refs["florentine"], "betweenness", 4)
    assert [r["removed"] for r in rows] == ["", *(w[0] for w in want)]
    assert rows[1]["caption"] == "Medici" and int(rows[1]["largest"]) == want[0][2]
    assert float(rows[4]["efficiency"]) == pytest.approx(want[3][5])

    args = ["disrupt", "--dataset", "karate", "--attack", "random", "--steps", "5", "--runs", "12", "--json"]
    first, again = run(app, [*args, "--seed", "3"]), run(app, [*args, "--seed", "3"])
    other = run(app, [*args, "--seed", "4"])
    assert first.exit_code == 0, first.output
    band = json.loads(first.stdout)
    assert band == json.loads(again.stdout) and band["steps"] != json.loads(other.stdout)["steps"]
    shares, _ = nx_random(refs["karate"], 5, 12, 3)
    assert [s["share_mean"] for s in band["steps"]] == pytest.approx(shares.mean(axis=0).tolist())

    text = run(app, ["disrupt", "--dataset", "karate", "--attack", "degree", "--steps", "3", "--mode", "block"]).output
    assert "robustness R" in text
    # errors are ChokepointErrors, which the console script prints as one line (cli/main.py)
    bad = run(app, ["disrupt", "--dataset", "karate", "--attack", "betweenness", "--weighted"])
    assert isinstance(bad.exception, ChokepointError)
    assert "weighted applies to degree and pagerank" in str(bad.exception)
    ambiguous = run(app, ["disrupt", "--dataset", "florentine", "--remove", "S"])
    assert isinstance(ambiguous.exception, ChokepointError)
    assert "Salviati" in str(ambiguous.exception) and "Strozzi" in str(ambiguous.exception)
    assert run(app, ["disrupt", "--dataset", "karate"]).exit_code != 0   # nothing asked


# -- the explorer's use case (cases.disruption.analyse): one projection, what-if and curves, within bounds ----------
def test_analyse_gives_the_what_if_and_every_curve_as_networkx_does(networks):
    store, refs = networks
    g = refs["karate"]
    gone = [kid("karate", "0"), kid("karate", "33")]
    result = disruption.analyse(store, Scope(dataset="karate"), gone, ["betweenness", "degree", "random"], 6,
                                seed=4, runs=15)
    h = g.copy()
    h.remove_nodes_from(gone)
    assert result.what_if.removed == tuple(gone)
    assert result.what_if.before.as_dict() == pytest.approx(nx_figures(g, len(g)), rel=TOL, abs=TOL)
    assert result.what_if.after.as_dict() == pytest.approx(nx_figures(h, len(g)), rel=TOL, abs=TOL)
    assert (result.entities, result.links, result.steps, result.capped) == (34, 78, 6, "")
    by = {r.curve.strategy: r for r in result.curves}
    same_curve(by["betweenness"].curve, nx_attack(g, "betweenness", 6))
    same_curve(by["degree"].curve, nx_attack(g, "degree", 6))
    shares, _ = nx_random(g, 6, 15, 4)
    rows = [r for r in result.rows() if r["strategy"] == "random"]
    assert [r["largest_share"] for r in rows] == pytest.approx([1.0, *shares.mean(axis=0)], abs=TOL)
    assert [r["share_low"] for r in rows[1:]] == pytest.approx(list(np.percentile(shares, 5, axis=0)), abs=TOL)
    assert [r["share_high"] for r in rows[1:]] == pytest.approx(list(np.percentile(shares, 95, axis=0)), abs=TOL)
    between = [r for r in result.rows() if r["strategy"] == "betweenness"]
    assert [r["removed"] for r in between] == ["", *[s[0] for s in nx_attack(g, "betweenness", 6)]]
    assert all(kid("karate", r["caption"]) == r["removed"] for r in between[1:])   # captioned by their names
    assert result.robustness()["random"] == pytest.approx(float((shares.sum(axis=1) / len(g)).mean()), abs=TOL)


def test_analyse_stays_within_the_explorers_bounds_and_says_so(networks, monkeypatch):
    store, _ = networks
    result = disruption.analyse(store, Scope(dataset="karate"), strategies=["degree"], steps=80)
    assert len(result.curves[0].curve.steps) == 34 and "capped at 50" in result.capped   # at most APP_MAX_STEPS
    assert disruption.app_bounds(["random"], 34, 78, 10, runs=10_000)[1] == disruption.APP_MAX_RUNS
    full = 34 * (34 + 78)
    monkeypatch.setattr(disruption, "APP_WORK", full * 4)   # the initial figures, then three steps' worth
    result = disruption.analyse(store, Scope(dataset="karate"), strategies=["betweenness"], steps=10)
    assert result.steps == 3 and len(result.curves[0].curve.steps) == 3
    assert result.capped.startswith("steps capped at 3 of 10")
    monkeypatch.setattr(disruption, "APP_WORK", full // 2)
    with pytest.raises(disruption.TooBig, match="too big for the explorer .34 entities, 78 links"):
        disruption.analyse(store, Scope(dataset="karate"), strategies=["degree"], steps=10)


def test_analyse_refuses_an_unknown_strategy_and_an_empty_ask(networks):
    store, _ = networks
    with pytest.raises(ChokepointError, match="unknown strategy 'eigen'"):
        disruption.analyse(store, Scope(dataset="karate"), strategies=["eigen"])
    with pytest.raises(ChokepointError, match="choose entities to remove, or a strategy"):
        disruption.analyse(store, Scope(dataset="karate"))
