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

FIGURES = ["entities", "links", "components", "largest", "largest_share", "fragmentation", "efficiency",
           "average_path_length", "density"]


def removed_by_betweenness(g: nx.Graph, k: int) -> list:
    bc = nx.betweenness_centrality(g)
    return sorted(g, key=lambda v: -bc[v])[:k]


# -- the rules in networkx, written from docs/disruption.md -----------------------------------------

def nx_triadic(g: nx.Graph, gone: list, rounds: int, p: float, rng: random.Random) -> list[nx.Graph]:
    order = list(g)
    h = g.copy()
    h.remove_nodes_from(gone)
    former = {v: sorted((u for u in g[v] if u not in gone), key=order.index) for v in gone}
    out = []
    for _ in range(rounds):
        for v in gone:
            for i, a in enumerate(former[v]):
                for b in former[v][i + 1:]:
                    if not h.has_edge(a, b) and rng.random() < p:
                        h.add_edge(a, b)
        out.append(h.copy())
    return out


def nx_preferential(g: nx.Graph, gone: list, rounds: int, newcomers: int, attach: int,
                    rng: random.Random) -> list[nx.Graph]:
    h = g.copy()
    h.remove_nodes_from(gone)
    out = []
    for q in range(1, rounds + 1):
        for j in range(1, newcomers + 1):
            candidates = list(h)                     # node order: the graph's, then newcomers as they came
            weight = {v: float(h.degree(v)) for v in candidates}
            targets = []
            for _ in range(min(attach, len(candidates))):
                if sum(weight.values()) == 0:
                    weight = {v: 0.0 if v in targets else 1.0 for v in candidates}
                x, acc = rng.random() * sum(weight.values()), 0.0
                for v in candidates:
                    acc += weight[v]
                    if weight[v] > 0 and x < acc:
                        break
                targets.append(v)
                weight[v] = 0.0
            me = f"newcomer-{q}-{j}"
            h.add_node(me)
            h.add_edges_from((t, me) for t in targets)
        out.append(h.copy())
    return out


def nx_replace(g: nx.Graph, gone: list, rounds: int, heir: str = "degree") -> tuple[list[nx.Graph], list]:
    order = list(g)
    h = g.copy()
    h.remove_nodes_from(gone)
    out, heirs = [], []
    for q in range(rounds):
        if q < len(gone):
            v = gone[q]
            near = [u for u in g[v] if u in h]
            if near:
                score = dict(h.degree()) if heir == "degree" else nx.betweenness_centrality(h)
                best = max(score[u] for u in near) or 1.0
                chosen = min(sorted(near, key=order.index), key=lambda u: -round(score[u] / best, 9))
                h.add_edges_from((chosen, u) for u in near if u != chosen)
                heirs.append((v, chosen))
            else:
                heirs.append((v, None))
        out.append(h.copy())
    return out, heirs


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

def band(graphs_per_run: list[list[nx.Graph]], n0: int, q: int) -> tuple[dict, dict, dict]:
    table = np.array([[nx_figures(run[q], n0)[k] for k in FIGURES] for run in graphs_per_run])
    low, high = np.percentile(table, [5, 95], axis=0)
    return (dict(zip(FIGURES, table.mean(axis=0))), dict(zip(FIGURES, low)), dict(zip(FIGURES, high)))


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
