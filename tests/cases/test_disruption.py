"""Disruption on imported networks in the real Neo4j (cases.disruption and ``chokepoint disrupt``): karate
club, Florentine families and a generated graph, written as edge lists and imported with the project's
network import; every figure and curve checked against networkx run here on the same edge lists, with
the nodes in the order the test works out from the files (first row naming them, then id)."""

from __future__ import annotations

import csv
import json
import random

import networkx as nx
import numpy as np
import pytest
from typer.testing import CliRunner

from chokepoint.cases import disruption, loading
from chokepoint.loaders.load import load_records
from chokepoint.cases.scope import Scope
from chokepoint.cli.main import app
from chokepoint.graph.errors import ChokepointError, EntityNotFound
from chokepoint.graph.ids import entity_id
from disruption_reference import TOL, nx_attack, nx_figures, nx_random, same_curve
from recovery_reference import FIGURES, band, nx_replace, nx_triadic

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


def test_disrupt_cli_recovery_rounds_equal_networkx(networks, neo4j_env):
    """--recover after a what-if and after an attack, through the real import and Neo4j: every round's
    figures against the rule replayed in networkx on the same edge list (tests/recovery_reference.py)."""
    store, refs = networks
    run = CliRunner().invoke
    karate = refs["karate"]
    gone = [kid("karate", "0"), kid("karate", "33")]
    result = run(app, ["disrupt", "--dataset", "karate", "--remove", "0", "--remove", "33", "--recover", "replace",
                       "--rounds", "3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    graphs, heirs = nx_replace(karate, gone, 3)
    assert [r["id"] for r in out["removed"]] == gone and out["rule"] == "replace" and out["runs"] == 1
    for r, want in zip(out["rounds"], graphs):
        assert r["figures"] == pytest.approx(nx_figures(want, 34), rel=TOL, abs=TOL)
    assert [(h["removed"], h["heir"]) for r in out["rounds"] for h in r.get("heirs", [])] == heirs
    assert out["rounds"][0]["heirs"][0]["caption"] == karate_caption(heirs[0][1])

    args = ["disrupt", "--dataset", "florentine", "--attack", "betweenness", "--steps", "2", "--recover", "triadic",
            "--rounds", "2", "--runs", "6", "--probability", "0.4", "--csv"]
    first, again, other = run(app, [*args, "--seed", "3"]), run(app, [*args, "--seed", "3"]), run(app, [*args, "--seed", "8"])
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout and first.stdout != other.stdout
    rows = list(csv.DictReader(first.stdout.splitlines()))
    assert [r["round"] for r in rows] == ["intact", "0", "1", "2"]
    taken = [w[0] for w in nx_attack(refs["florentine"], "betweenness", 2)]
    runs = [nx_triadic(refs["florentine"], taken, 2, 0.4, random.Random(3 + r)) for r in range(6)]
    for q in (0, 1):
        mean, low, high = band(runs, 15, q)
        for key in FIGURES:
            assert float(rows[q + 2][f"{key}_mean"]) == pytest.approx(mean[key], rel=1e-9, abs=1e-9), key
            assert float(rows[q + 2][f"{key}_low"]) == pytest.approx(low[key], rel=1e-9, abs=1e-9), key
            assert float(rows[q + 2][f"{key}_high"]) == pytest.approx(high[key], rel=1e-9, abs=1e-9), key

    text = run(app, ["disrupt", "--dataset", "karate", "--remove", "0", "--recover", "preferential", "--rounds", "2",
                     "--runs", "5", "--newcomers", "2"]).output
    text = " ".join(text.split())
    assert "recovery preferential" in text and "over 5 runs from seed 0" in text
    bad = run(app, ["disrupt", "--dataset", "karate", "--attack", "random", "--recover", "triadic"])
    assert isinstance(bad.exception, ChokepointError) and "not at random" in str(bad.exception)
    bad = run(app, ["disrupt", "--dataset", "karate", "--remove", "0", "--weighted", "--recover", "triadic"])
    assert isinstance(bad.exception, ChokepointError) and "weighted applies to an attack" in str(bad.exception)
    assert run(app, ["disrupt", "--dataset", "karate", "--recover", "triadic"]).exit_code != 0   # no removals


def karate_caption(entity: str) -> str:
    return next(str(v) for v in nx.karate_club_graph() if kid("karate", str(v)) == entity)


LEGS = [  # from, from_type, to, to_type, kg, courier, port (as tests/cases/test_cases_analysis.py)
    ("Lab Uno", "Lab", "Bodega", "Location", 10, "", ""),
    ("Lab Dos", "Lab", "Bodega", "Location", 20, "", ""),
    ("Bodega", "Location", "Stash X", "Location", 15, "Carla Uno", "2504"),
    ("Bodega", "Location", "Stash Y", "Location", 12, "Carla Dos", "2604"),
    ("Stash X", "Location", "Market", "Location", 15, "", ""),
    ("Stash Y", "Location", "Market", "Location", 40, "", ""),
    ("Lab Uno", "Lab", "Stash Y", "Location", 5, "Carla Tres", "2604"),
]


def test_disrupt_cli_recovery_reports_the_max_flow_after_each_round(networks, neo4j_env, tmp_path):
    """A supply network: Bodega removed, its role taken over (replace), the flow from the labs to the market
    after the round against networkx on the legs as written, the heir taking over Bodega's legs."""
    store, _ = networks
    (tmp_path / "shipments.csv").write_text(
        "shipment_id,from,from_type,to,to_type,commodity,quantity,unit,date,mode,courier,port\n"
        + "".join(f"S{i},{a},{at},{b},{bt},Fentanyl pills,{kg},kg,2024-01-0{i},land,{c},{p}\n"
                  for i, (a, at, b, bt, kg, c, p) in enumerate(LEGS, start=1)), encoding="utf-8")
    (tmp_path / "ports.csv").write_text("code,name\n2504,San Ysidro\n2604,Nogales\n", encoding="utf-8")
    assert load_records(store, tmp_path, dataset="supply", rejects_path=tmp_path / "r.csv").rows_rejected == 0
    result = CliRunner().invoke(app, [
        "disrupt", "--dataset", "supply", "--label", "Lab", "--label", "Location", "--type", "SHIPPED_TO",
        "--from", "Lab Uno", "--from", "Lab Dos", "--to", "Market", "--remove", "Bodega", "--recover", "replace",
        "--rounds", "1", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    heir = out["rounds"][0]["heirs"][0]["caption"]
    assert heir == "Stash Y"   # Bodega's former neighbours once it goes: Stash Y has two links, the others one or none

    def flow(replaced_by=None) -> float:
        g = nx.DiGraph()
        for a, _, b, _, kg, courier, port in LEGS:
            chain = [a, *([courier] if courier else []), *([port] if port else []), b]
            chain = [replaced_by if x == "Bodega" and replaced_by else x for x in chain]
            if "Bodega" in chain:
                continue
            for u, v in zip(chain, chain[1:]):
                if u != v:
                    g.add_edge(u, v, capacity=g.get_edge_data(u, v, {"capacity": 0})["capacity"] + kg)
        g.add_edge("source", "Lab Uno")
        g.add_edge("source", "Lab Dos")
        return nx.maximum_flow_value(g, "source", "Market")

    assert out["flow"]["after"] == flow() == 5.0
    assert out["rounds"][0]["flow"]["max_flow"] == flow("Stash Y") == 35.0
    csv_out = CliRunner().invoke(app, ["disrupt", "--dataset", "supply", "--label", "Lab", "--label", "Location",
                                       "--from", "Lab Uno", "--to", "Market", "--remove", "Bodega", "--recover",
                                       "triadic", "--rounds", "2", "--runs", "4", "--csv"])
    assert csv_out.exit_code == 0, csv_out.output
    rows = list(csv.DictReader(csv_out.stdout.splitlines()))
    assert "max_flow_mean" in rows[0] and float(rows[1]["max_flow_mean"]) == 5.0
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
