"""Robustness to missing data through the CLI on the real Neo4j: ``centrality``, ``structure key-players|brokers``
and ``disrupt --remove|--attack`` with ``--missing-nodes/--missing-links``, on the karate club imported with the
project's network import; the thinned copies and the ranks worked out again here with networkx, over the
stored entity ids."""

from __future__ import annotations

import csv
import json
import random

import networkx as nx
import numpy as np
import pytest
from typer.testing import CliRunner

from chokepoint.cases import loading
from chokepoint.cases import missing_data as md
from chokepoint.cli.main import app
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from disruption_reference import TOL, nx_figures

DATASET = "karate-missing"
run = CliRunner().invoke


def kid(name) -> str:
    return entity_id(DATASET, "Person", [str(name)])


@pytest.fixture(scope="module")
def karate(store, tmp_path_factory):
    """The karate club imported (entities named 0..33) and as networkx over the stored ids, in import order."""
    edges = [(str(u), str(v)) for u, v in nx.karate_club_graph().edges()]
    path = tmp_path_factory.mktemp("missing") / "karate.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "target"])
        w.writerows(edges)
    report = loading.import_network(store, path, "edgelist", "Person", "ASSOCIATED_WITH", dataset=DATASET,
                                    directed=False, header=True)
    assert report.summary.rows_rejected == 0
    g = nx.Graph()
    for a, b in edges:
        g.add_nodes_from(sorted({kid(a), kid(b)} - set(g)))
        g.add_edge(kid(a), kid(b))
    return g


def reference_copy(g: nx.Graph, p: float, q: float, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    gone = [v for v in sorted(g) if rng.random() < p]
    lost = [e for e in sorted({(min(u, v), max(u, v)) for u, v in g.edges()}) if rng.random() < q]
    h = g.copy()
    h.remove_nodes_from(gone)
    h.remove_edges_from([e for e in lost if h.has_edge(*e)])
    return h


def cli_json(*args):
    result = run(app, [*args, "--dataset", DATASET, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_centrality_cli_with_missing_data(karate, neo4j_env):
    args = ["centrality", "--metric", "degree", "--top", "5", "--missing-nodes", "0.1", "--missing-links", "0.2",
            "--runs", "12", "--seed", "4"]
    got = cli_json(*args)
    assert cli_json(*args) == got and got["thinning"]["seed"] == 4 and got["k"] == 5

    def ranks(h):
        return {v: i for i, v in enumerate(sorted(h, key=lambda v: (-h.degree(v), v)), start=1)}
    full = ranks(karate)
    assert [s["id"] for s in got["top"]] == sorted(full, key=full.get)[:5]
    runs = [ranks(reference_copy(karate, 0.1, 0.2, 4 + r)) for r in range(12)]
    for s in got["top"]:
        seen = [r[s["id"]] for r in runs if s["id"] in r]
        assert s["present"] == len(seen) and s["in_top"] == pytest.approx(sum(x <= 5 for x in seen) / 12)
        assert [s["low"], s["median"], s["high"]] == pytest.approx(np.percentile(seen, [5, 50, 95]).tolist())
    text = run(app, args + ["--dataset", DATASET], env={"COLUMNS": "200"}).output
    assert "in top 5" in text and "12 thinned copies" in text and "seeded with 4 + r" in text
    bad = run(app, ["centrality", "--dataset", DATASET, "--missing-nodes", "1"])
    assert isinstance(bad.exception, ChokepointError)
    assert str(bad.exception) == "--missing-nodes must be at least 0 and below 1, not 1.0"
    alone = run(app, ["centrality", "--dataset", DATASET, "--runs", "5"], env={"COLUMNS": "250"})
    assert alone.exit_code != 0 and "give --missing-nodes and/or --missing-links" in alone.output


def test_structure_cli_with_missing_data(karate, neo4j_env):
    thinning = md.Thinning(0.1, 0.1, runs=6, seed=9)
    got = cli_json("structure", "key-players", "--k", "2", "--missing-nodes", "0.1", "--missing-links", "0.1",
                   "--runs", "6", "--seed", "9")
    want = md.key_players_of(karate, thinning, k=2).as_dict()
    assert [s["id"] for s in got["top"]] == [s["id"] for s in want["top"]]
    assert [s["in_top"] for s in got["top"]] == [s["in_top"] for s in want["top"]]
    got = cli_json("structure", "brokers", "--top", "4", "--missing-links", "0.3", "--runs", "5")
    assert got["analysis"] == "brokers total" and len(got["top"]) == 4 and got["thinning"]["missing_nodes"] == 0
    bad = run(app, ["structure", "communities", "--dataset", DATASET, "--missing-nodes", "0.1"])
    assert isinstance(bad.exception, ChokepointError) and "key-players and brokers" in str(bad.exception)


def test_disrupt_cli_with_missing_data(karate, neo4j_env):
    args = ["disrupt", "--remove", "0", "--remove", "33", "--missing-nodes", "0.15", "--runs", "10", "--seed", "1"]
    got = cli_json(*args)
    assert [r["id"] for r in got["removed"]] == [kid(0), kid(33)]
    afters = []
    for r in range(10):
        h = reference_copy(karate, 0.15, 0.0, 1 + r)
        n0 = len(h)
        h.remove_nodes_from([kid(0), kid(33)])
        afters.append(nx_figures(h, n0))
    for name, spread in got["after"].items():
        values = [a[name] for a in afters]
        assert spread["mean"] == pytest.approx(np.mean(values), rel=TOL, abs=TOL), name
        assert [spread["low"], spread["high"]] == pytest.approx(np.percentile(values, [5, 95]).tolist(), rel=TOL, abs=TOL)
    rows = list(csv.DictReader(run(app, [*args, "--dataset", DATASET, "--csv"]).stdout.splitlines()))
    after = {r["figure"]: r for r in rows if r["when"] == "after"}
    assert float(after["largest"]["mean"]) == pytest.approx(got["after"]["largest"]["mean"])
    text = run(app, [*args, "--dataset", DATASET], env={"COLUMNS": "200"}).output
    assert "after: mean [5%, 95%]" in text and "10 thinned copies" in text

    got = cli_json("disrupt", "--attack", "betweenness", "--steps", "3", "--missing-links", "0.2", "--runs", "6")
    want = md.attack_of(karate, list(karate), md.Thinning(0.0, 0.2, runs=6), "betweenness", 3).as_dict()
    assert [s["id"] for s in got["removed"]] == [s["id"] for s in want["removed"]] == [kid(0), kid(33), kid(32)]
    def flat(steps):
        return [(k, x) for row in steps for k, f in sorted(row.items()) if k != "step" for x in (f["mean"], f["low"], f["high"])]
    assert [k for k, _ in flat(got["steps"])] == [k for k, _ in flat(want["steps"])]
    assert [x for _, x in flat(got["steps"])] == pytest.approx([x for _, x in flat(want["steps"])])
    assert got["robustness"]["mean"] == pytest.approx(want["robustness"]["mean"])
    rows = run(app, ["disrupt", "--dataset", DATASET, "--attack", "degree", "--steps", "2", "--missing-nodes", "0.1",
                     "--csv"]).stdout.splitlines()
    assert len(rows) == 3 and rows[1].startswith(f"1,{kid(33)},33,")
    text = run(app, ["disrupt", "--dataset", DATASET, "--attack", "degree", "--steps", "2", "--missing-nodes", "0.1"],
               env={"COLUMNS": "250"}).output
    assert "removed in copies" in text and "over the copies" in text and "100 thinned copies" in text
    bad = run(app, ["disrupt", "--dataset", DATASET, "--attack", "random", "--missing-nodes", "0.1"])
    assert isinstance(bad.exception, ChokepointError) and "own band" in str(bad.exception)
