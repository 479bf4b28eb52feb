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

TOL = 1e-9


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


# -- the reference, in plain networkx ---------------------------------------------------------------

def nx_figures(g: nx.Graph, n0: int) -> dict:
    n = g.number_of_nodes()
    parts = list(nx.connected_components(g))          # in node order: ties go to the earliest entity's
    big = max(parts, key=len) if parts else set()
    s = len(big)
    return {"entities": n, "links": g.number_of_edges(), "components": len(parts), "largest": s,
            "largest_share": s / n0,
            "fragmentation": 1 - sum(len(p) * (len(p) - 1) for p in parts) / (n * (n - 1)) if n > 1 else 0.0,
            "efficiency": nx.global_efficiency(g),
            "average_path_length": nx.average_shortest_path_length(g.subgraph(big)) if s > 1 else 0.0,
            "density": nx.density(g) if n > 1 else 0.0}


def nx_scores(g: nx.Graph, strategy: str, weighted: bool = False) -> dict:
    if strategy == "betweenness":
        return nx.betweenness_centrality(g)
    if strategy == "degree":
        return dict(g.degree(weight="weight" if weighted else None))
    if strategy == "closeness":
        return nx.closeness_centrality(g)
    if strategy == "pagerank":
        return nx.pagerank(g, weight="weight" if weighted else None, tol=1e-13, max_iter=10_000)
    ci = {}
    for v in g:
        far = [u for u, d in nx.single_source_shortest_path_length(g, v, cutoff=2).items() if d == 2]
        ci[v] = (g.degree(v) - 1) * sum(g.degree(u) - 1 for u in far)
    return ci


def nx_order(scores: dict) -> list:
    """Best first: scores rounded to 9 digits of the largest, ties in node order (a stable sort)."""
    scale = max(abs(x) for x in scores.values()) or 1.0
    return sorted(scores, key=lambda v: -round(scores[v] / scale, 9))


def nx_attack(g: nx.Graph, strategy: str, steps: int, mode: str = "sequential", weighted: bool = False) -> list:
    g, n0, out = g.copy(), g.number_of_nodes(), []
    ranked = nx_order(nx_scores(g, strategy, weighted)) if mode == "block" else None
    first = nx_scores(g, strategy, weighted)
    for q in range(min(steps, n0)):
        if ranked:
            v, score = ranked[q], first[ranked[q]]
        else:
            scores = nx_scores(g, strategy, weighted)
            v = nx_order(scores)[0]
            score = scores[v]
        g.remove_node(v)
        f = nx_figures(g, n0)
        out.append((v, score, f["largest"], f["largest_share"], f["components"], f["efficiency"]))
    return out


def same_curve(curve: dq.Attack, reference: list) -> None:
    assert [s.removed for s in curve.steps] == [r[0] for r in reference]
    for s, (_, score, largest, share, parts, eff) in zip(curve.steps, reference):
        assert s.score == pytest.approx(score, rel=TOL, abs=TOL)
        assert (s.largest, s.components) == (largest, parts)
        assert s.largest_share == pytest.approx(share, abs=1e-12)
        assert s.efficiency == pytest.approx(eff, rel=TOL, abs=TOL)


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

def nx_random(g: nx.Graph, steps: int, runs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    shares, effs = np.zeros((runs, steps)), np.zeros((runs, steps))
    for r in range(runs):
        h = g.copy()
        for q, v in enumerate(random.Random(seed + r).sample(list(g), steps)):
            h.remove_node(v)
            shares[r, q] = len(max(nx.connected_components(h), key=len)) / len(g) if len(h) else 0
            effs[r, q] = nx.global_efficiency(h)
    return shares, effs


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
