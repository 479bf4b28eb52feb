"""queries.recovery against the rules replayed here in plain networkx, round by round: every figure after
every round on Zachary's karate club and the Florentine families, the seeds' reproducibility, and the
tie rules. No Neo4j (tests/cases/test_disruption.py runs the CLI on imported networks)."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from chokepoint.queries import recovery as rq
from disruption_reference import TOL, nx_figures
from recovery_reference import FIGURES, band, nx_preferential, nx_replace, nx_triadic



def removed_by_betweenness(g: nx.Graph, k: int) -> list:
    bc = nx.betweenness_centrality(g)
    return sorted(g, key=lambda v: -bc[v])[:k]


def same_figures(got, graph: nx.Graph, n0: int) -> None:
    assert got.as_dict() == pytest.approx(nx_figures(graph, n0), rel=TOL, abs=TOL)


GRAPHS = {"karate": nx.karate_club_graph, "florentine": nx.florentine_families_graph}


# -- deterministic: replace, and triadic at probability 1 -------------------------------------------

@pytest.mark.parametrize("name", GRAPHS)
@pytest.mark.parametrize("heir", rq.HEIRS)
def test_replace_equals_networkx_round_by_round(name, heir):
    g = GRAPHS[name]()
    gone = removed_by_betweenness(g, 3)
    got = rq.recover(g, gone, "replace", rounds=4, heir=heir)
    graphs, heirs = nx_replace(g, gone, 4, heir)
    assert got.removed == tuple(gone) and got.runs == 1 and got.seed is None
    same_figures(got.before, g, len(g))
    h = g.copy()
    h.remove_nodes_from(gone)
    same_figures(got.after, h, len(g))
    for r, want in zip(got.rounds, graphs):
        same_figures(r.figures, want, len(g))
        assert r.low is None and r.high is None
    assert [x for r in got.rounds for x in r.heirs] == heirs
    assert got.rounds[3].links_added == 0 and got.rounds[3].figures == got.rounds[2].figures   # nobody left


def test_replace_heir_is_the_best_placed_neighbour_and_ties_go_to_the_earliest():
    g = nx.Graph([(0, 1), (0, 2), (0, 3), (3, 4), (3, 5), (1, 6)])   # 3 has degree 2 once 0 goes; 1 has 1
    assert rq.recover(g, [0], "replace", rounds=1).rounds[0].heirs == ((0, 3),)
    tie = nx.star_graph(4)                                          # every leaf has degree 0 once 0 goes
    order = [0, 3, 1, 4, 2]
    net = rq.dq.integer_graph(tie, order=order)
    assert rq.recover(net, [0], "replace", rounds=1).rounds[0].heirs == ((0, 3),)
    assert rq.recover(nx.Graph([(0, 1)]), [0, 1], "replace", rounds=2).rounds[1].heirs == ((1, None),)


@pytest.mark.parametrize("name", GRAPHS)
def test_triadic_at_probability_one_closes_every_triad_in_round_one(name):
    g = GRAPHS[name]()
    gone = removed_by_betweenness(g, 2)
    got = rq.recover(g, gone, "triadic", rounds=2, probability=1.0)
    assert got.runs == 1 and got.rounds[0].low is None
    want = nx_triadic(g, gone, 2, 1.0, random.Random(0))
    for r, w in zip(got.rounds, want):
        same_figures(r.figures, w, len(g))
    assert got.rounds[1].links_added == 0


# -- random rules: mean and band over seeded runs ---------------------------------------------------

@pytest.mark.parametrize("name", GRAPHS)
def test_triadic_band_equals_networkx_runs_from_the_same_seeds(name):
    g = GRAPHS[name]()
    gone = removed_by_betweenness(g, 3)
    got = rq.recover(g, gone, "triadic", rounds=3, runs=15, seed=9, probability=0.3)
    runs = [nx_triadic(g, gone, 3, 0.3, random.Random(9 + r)) for r in range(15)]
    assert got.runs == 15 and got.seed == 9 and got.parameters == {"probability": 0.3}
    for q, r in enumerate(got.rounds):
        mean, low, high = band(runs, len(g), q)
        assert r.figures.as_dict() == pytest.approx(mean, rel=TOL, abs=TOL)
        assert r.low.as_dict() == pytest.approx(low, rel=TOL, abs=TOL)
        assert r.high.as_dict() == pytest.approx(high, rel=TOL, abs=TOL)
        start = g.number_of_edges() - len({frozenset(e) for v in gone for e in g.edges(v)})
        added = [run[q].number_of_edges() - (run[q - 1].number_of_edges() if q else start) for run in runs]
        assert r.links_added == pytest.approx(np.mean(added))


@pytest.mark.parametrize("name", GRAPHS)
def test_preferential_band_equals_networkx_runs_from_the_same_seeds(name):
    g = GRAPHS[name]()
    gone = removed_by_betweenness(g, 2)
    attach = max(1, int(g.number_of_edges() / len(g) + 0.5))
    assert rq.default_attach(g) == attach
    got = rq.recover(g, gone, "preferential", rounds=3, runs=12, seed=4, newcomers=2)
    runs = [nx_preferential(g, gone, 3, 2, attach, random.Random(4 + r)) for r in range(12)]
    assert got.parameters == {"newcomers": 2, "attach": attach}
    for q, r in enumerate(got.rounds):
        mean, low, high = band(runs, len(g), q)
        assert r.figures.as_dict() == pytest.approx(mean, rel=TOL, abs=TOL)
        assert r.low.as_dict() == pytest.approx(low, rel=TOL, abs=TOL)
        assert r.high.as_dict() == pytest.approx(high, rel=TOL, abs=TOL)
        assert r.entities_added == 2 and r.links_added == 2 * attach
    # each run's new links name the newcomers, as the networkx replay made them
    first = runs[0][0]
    assert set(got.rounds[0].links[0]) <= {tuple(e) for e in first.edges()} | {tuple(e[::-1]) for e in first.edges()}


def test_preferential_into_a_graph_without_links_attaches_uniformly():
    g = nx.empty_graph(5)
    got = rq.recover(g, [0], "preferential", rounds=2, runs=3, seed=1, newcomers=1, attach=2)
    runs = [nx_preferential(g, [0], 2, 1, 2, random.Random(1 + r)) for r in range(3)]
    mean, _, _ = band(runs, 5, 1)
    assert got.rounds[1].figures.as_dict() == pytest.approx(mean, rel=TOL, abs=TOL)


def test_same_seed_same_rounds_other_seed_other_rounds():
    g = nx.karate_club_graph()
    gone = removed_by_betweenness(g, 3)
    for rule in rq.RANDOM_RULES:
        a, b = (rq.recover(g, gone, rule, rounds=3, runs=10, seed=5) for _ in range(2))
        other = rq.recover(g, gone, rule, rounds=3, runs=10, seed=6)
        assert a.as_dict() == b.as_dict(), rule
        assert a.as_dict()["rounds"] != other.as_dict()["rounds"], rule


def test_bad_requests_are_refused():
    g = nx.path_graph(4)
    for kwargs, message in [({"rule": "grow"}, "unknown recovery rule"), ({"rounds": 0}, "at least one round"),
                            ({"runs": 0}, "at least one run"), ({"probability": 1.5}, "between 0 and 1"),
                            ({"rule": "replace", "heir": "age"}, "unknown heir rule"),
                            ({"rule": "preferential", "newcomers": 0}, "at least one newcomer")]:
        args = {"rule": "triadic", "rounds": 1, **kwargs}
        with pytest.raises(rq.BadRecovery, match=message):
            rq.recover(g, [1], args.pop("rule"), **args)


def test_the_flow_graph_after_recovery():
    flow = nx.DiGraph()
    flow.add_edge("lab", "broker", capacity=10.0)
    flow.add_edge("lab2", "broker", capacity=4.0)
    flow.add_edge("broker", "stash", capacity=8.0)
    flow.add_edge("stash", "market", capacity=20.0)
    flow.add_edge("lab", "stash", capacity=1.0)

    def value(g):
        h = g.copy()
        h.add_edge("S", "lab")
        h.add_edge("S", "lab2")
        return nx.maximum_flow_value(h, "S", "market")

    assert value(flow) == 9.0
    heir = rq.recovered_flow(flow, ["broker"], "replace", heirs=[("broker", "lab2")])
    assert dict(heir.edges) == {("lab", "lab2"): {"capacity": 10.0}, ("lab2", "stash"): {"capacity": 8.0},
                                ("stash", "market"): {"capacity": 20.0}, ("lab", "stash"): {"capacity": 1.0}}
    assert value(heir) == 9.0
    closed = rq.recovered_flow(flow, ["broker"], "triadic", links=[("lab", "stash"), ("lab", "lab2")])
    assert closed["lab"]["stash"]["capacity"] == 1.0 + min(10.0, 8.0) and not closed.has_edge("stash", "lab")
    assert not closed.has_edge("lab", "lab2") and value(closed) == 9.0
    assert value(rq.recovered_flow(flow, ["broker"], "preferential", links=[("lab", "newcomer-1-1")])) == 1.0
