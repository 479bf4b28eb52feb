"""queries.disruption against plain networkx computed here, step by step: Zachary's karate club, the
Florentine families, generated graphs (one with several components and isolated entities); the tie
rule (earliest in the node order); the random attack's seeds. No Neo4j (tests/cases/test_disruption.py
runs the same checks on imported networks)."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from chokepoint.queries import disruption as dq
from disruption_reference import TOL, nx_attack, nx_figures, nx_order, nx_random, same_curve



def pieces() -> nx.Graph:
    """Three components and two isolated entities, nodes in a shuffled order."""
    g = nx.Graph()
    g.add_nodes_from(["iso1"])
    g.add_edges_from(nx.relabel_nodes(nx.barbell_graph(5, 2), lambda v: f"b{v}").edges())
    g.add_edges_from(nx.relabel_nodes(nx.star_graph(6), lambda v: f"s{v}").edges())
    g.add_edges_from(nx.relabel_nodes(nx.cycle_graph(7), lambda v: f"c{v}").edges())
    g.add_node("iso2")
    order = list(g)
    random.Random(4).shuffle(order)
    h = nx.Graph()
    h.add_nodes_from(order)
    h.add_edges_from(g.edges())
    return h


def weighted_karate() -> nx.Graph:
    g = nx.karate_club_graph()   # its links carry a 'weight' (number of contexts of interaction)
    return g


GRAPHS = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "gnm": lambda: nx.gnm_random_graph(80, 160, seed=7),
    "pieces": pieces,
}


# -- figures and what-if ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", GRAPHS)
def test_figures_equal_networkx(name):
    g = GRAPHS[name]()
    got = dq.figures(g).as_dict()
    want = nx_figures(g, g.number_of_nodes())
    assert got == pytest.approx(want, rel=TOL, abs=TOL)


@pytest.mark.parametrize("name", GRAPHS)
def test_what_if_equals_networkx_after_removal(name):
    g = GRAPHS[name]()
    gone = nx_order(nx.betweenness_centrality(g))[:3]
    removed, before, after = dq.what_if(g, [*gone, "not-there", gone[0]])
    assert removed == gone
    h = g.copy()
    h.remove_nodes_from(gone)
    assert before.as_dict() == pytest.approx(nx_figures(g, len(g)), rel=TOL, abs=TOL)
    assert after.as_dict() == pytest.approx(nx_figures(h, len(g)), rel=TOL, abs=TOL)


def test_fragmentation_efficiency_and_path_length_by_hand():
    g = nx.Graph([(0, 1), (1, 2), (3, 4)])      # a path of three and a pair
    f = dq.figures(g)
    assert (f.components, f.largest, f.largest_share) == (2, 3, 0.6)
    assert f.fragmentation == pytest.approx(1 - (3 * 2 + 2 * 1) / (5 * 4))
    assert f.efficiency == pytest.approx((2 * (1 + 1 + 0.5) + 2 * 1) / 20)
    assert f.average_path_length == pytest.approx(4 / 3) and f.density == pytest.approx(0.3)


# -- attacks ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", GRAPHS)
@pytest.mark.parametrize("strategy", dq.MEASURES)
@pytest.mark.parametrize("mode", dq.MODES)
def test_attack_curves_equal_networkx(name, strategy, mode):
    g = GRAPHS[name]()
    steps = 12
    curve = dq.attack(g, strategy, steps, mode=mode)
    reference = nx_attack(g, strategy, steps, mode)
    same_curve(curve, reference)
    shares = [r[3] for r in reference]
    assert curve.robustness == pytest.approx(sum(shares) / len(g))
    assert curve.mean_share == pytest.approx(np.mean(shares))
    assert curve.initial.as_dict() == pytest.approx(nx_figures(g, len(g)), rel=TOL, abs=TOL)


@pytest.mark.parametrize("strategy", dq.WEIGHTED)
def test_weighted_attacks_use_the_link_weights(strategy):
    g = weighted_karate()
    curve = dq.attack(dq.integer_graph(g, weight="weight"), strategy, 10, weighted=True)
    same_curve(curve, nx_attack(g, strategy, 10, weighted=True))
    unweighted = dq.attack(g, strategy, 10)
    assert [s.removed for s in unweighted.steps] != [s.removed for s in curve.steps]


def test_weighted_is_refused_where_it_does_not_apply_and_bad_names_fail():
    with pytest.raises(dq.BadAttack, match="weighted applies to degree and pagerank"):
        dq.attack(nx.path_graph(3), "betweenness", 1, weighted=True)
    with pytest.raises(dq.BadAttack, match="unknown strategy"):
        dq.attack(nx.path_graph(3), "fame", 1)
    with pytest.raises(dq.BadAttack, match="unknown mode"):
        dq.attack(nx.path_graph(3), "degree", 1, mode="all")
    with pytest.raises(dq.BadAttack, match="at least one step"):
        dq.attack(nx.path_graph(3), "degree", 0)


def test_an_attack_longer_than_the_graph_removes_everyone():
    curve = dq.attack(nx.path_graph(4), "degree", 10)
    assert len(curve.steps) == 4 and curve.steps[-1].largest == 0 and curve.steps[-1].components == 0
    assert [s.removed for s in curve.steps] == [1, 2, 0, 3]  # 1 and 2 tie first; then 2 (degree 1), 0 and 3


def test_ties_go_to_the_earliest_entity_in_the_order():
    ring = nx.cycle_graph(7)                      # every entity scores the same, at every measure
    for order in ([0, 1, 2, 3, 4, 5, 6], [4, 2, 0, 6, 5, 1, 3]):
        net = dq.integer_graph(ring, order=order)
        for strategy in dq.MEASURES:
            assert dq.attack(net, strategy, 1).steps[0].removed == order[0], strategy
            assert dq.attack(net, strategy, 1, mode="block").steps[0].removed == order[0], strategy
        # after the first removal the ring is a path of six: its two middle entities lead, the earlier of the two first
        second = dq.attack(net, "betweenness", 2).steps[1].removed
        h = ring.copy()
        h.remove_node(order[0])
        bc = nx.betweenness_centrality(h)
        middle = [v for v in bc if bc[v] == max(bc.values())]
        assert len(middle) == 2 and second == min(middle, key=order.index)


def test_the_tie_rule_matches_networkx_max_over_a_graph_built_in_that_order():
    g = nx.florentine_families_graph()
    order = sorted(g, reverse=True)
    h = nx.Graph()
    h.add_nodes_from(order)
    h.add_edges_from(g.edges())
    curve = dq.attack(dq.integer_graph(g, order=order), "degree", 15)
    same_curve(curve, nx_attack(h, "degree", 15))


# -- random attacks ---------------------------------------------------------------------------------

def test_random_attack_equals_networkx_runs_from_the_same_seeds():
    g = nx.karate_club_graph()
    got = dq.random_attack(g, 8, runs=30, seed=11)
    shares, effs = nx_random(g, 8, 30, 11)
    assert [s.share_mean for s in got.steps] == pytest.approx(shares.mean(axis=0))
    assert [s.share_low for s in got.steps] == pytest.approx(np.percentile(shares, 5, axis=0))
    assert [s.share_high for s in got.steps] == pytest.approx(np.percentile(shares, 95, axis=0))
    assert [s.efficiency_mean for s in got.steps] == pytest.approx(effs.mean(axis=0))
    assert [s.efficiency_high for s in got.steps] == pytest.approx(np.percentile(effs, 95, axis=0))
    assert got.robustness_mean == pytest.approx((shares.sum(axis=1) / len(g)).mean())


def test_same_seed_same_band_other_seed_other_band():
    g = nx.gnm_random_graph(60, 120, seed=2)
    a, b = dq.random_attack(g, 10, runs=20, seed=5), dq.random_attack(g, 10, runs=20, seed=5)
    other = dq.random_attack(g, 10, runs=20, seed=6)
    assert a == b
    assert [s.as_dict() for s in a.steps] != [s.as_dict() for s in other.steps]
    plain = dq.random_attack(g, 10, runs=20, seed=5, efficiency=False)
    assert [s.share_mean for s in plain.steps] == [s.share_mean for s in a.steps]
    assert plain.steps[0].efficiency_mean is None


def test_import_order_sorts_by_first_load_then_row_then_id():
    g = nx.Graph()
    g.add_node("b", loads=["L1"], sources=["net.csv:3"])
    g.add_node("a", loads=["L1"], sources=["net.csv:3"])
    g.add_node("c", loads=["L1"], sources=["net.csv:10"])
    g.add_node("d", loads=["L0"], sources=["first.csv:99"])
    g.add_node("e")
    assert dq.import_order(g, {"L1": 200, "L0": 100}) == ["d", "a", "b", "c", "e"]


@pytest.mark.parametrize("threaded", [False, True])
def test_betweenness_with_distance_sums_equals_the_compiled_brandes_and_networkx(threaded, monkeypatch):
    from chokepoint.queries import brandes, distances

    if threaded:
        monkeypatch.setattr(distances, "THREADED_WORK", 0)
    g = nx.powerlaw_cluster_graph(300, 3, 0.1, seed=2)
    net = dq.integer_graph(g)
    indptr, indices = distances.csr(len(net), net.pairs)
    counts, far, near = distances.betweenness_and_sums(indptr, indices, range(len(net)), threads=2)
    assert np.allclose(counts, brandes.counts(len(net), net.pairs, False, range(len(net))), rtol=0, atol=1e-9)
    lengths = dict(nx.all_pairs_shortest_path_length(g))
    assert far.tolist() == [float(sum(lengths[v].values())) for v in net.names]
    assert near == pytest.approx([sum(1 / d for d in lengths[v].values() if d) for v in net.names])
    plain_far, plain_near = distances.sums(indptr, indices, range(len(net)), threads=2)
    assert far.tolist() == plain_far.tolist() and np.allclose(near, plain_near, rtol=1e-12)
