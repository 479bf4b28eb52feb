"""Robustness to missing data without Neo4j (queries.missing_data, cases.missing_data's ``*_of``): the
thinned copies of Zachary's karate club and the ranks on them, worked out again here with plain
networkx and the rule of docs/disruption.md ("Missing data")."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from chokepoint.cases import missing_data as md
from chokepoint.graph.errors import ChokepointError
from chokepoint.queries import structure as sq
from chokepoint.queries.missing_data import Thinning, thinned
from disruption_reference import TOL, nx_attack, nx_figures

KARATE = nx.karate_club_graph()


def reference_copy(g: nx.Graph, p: float, q: float, seed: int) -> nx.Graph:
    """The documented rule: one draw per node in sorted order, then one per linked pair (sorted pairs)."""
    rng = random.Random(seed)
    nodes = sorted(g)
    gone = [v for v in nodes if rng.random() < p]
    pairs = sorted({(min(u, v), max(u, v)) for u, v in g.edges() if u != v})
    lost = [e for e in pairs if rng.random() < q]
    h = g.copy()
    h.remove_nodes_from(gone)
    h.remove_edges_from([e for e in lost if h.has_edge(*e)])
    return h


def reference_ranks(h: nx.Graph, scores: dict) -> dict:
    """Rank 1 = top; ties by id."""
    return {v: i for i, v in enumerate(sorted(h, key=lambda v: (-scores[v], v)), start=1)}


def band(ranks: list) -> list:
    return np.percentile(ranks, [5, 50, 95]).tolist() if ranks else [None, None, None]


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_a_thinned_copy_follows_the_documented_rule(seed):
    for p, q in [(0.2, 0.0), (0.0, 0.3), (0.15, 0.25)]:
        got, want = thinned(KARATE, p, q, seed), reference_copy(KARATE, p, q, seed)
        assert set(got) == set(want)
        assert {frozenset(e) for e in got.edges()} == {frozenset(e) for e in want.edges()}
    # a multigraph loses every relationship of a lost pair, both directions
    multi = nx.MultiDiGraph([(0, 1), (1, 0), (0, 1), (1, 2)])
    h = thinned(multi, 0.0, 0.99, 1)
    assert h.number_of_edges() in (0, 1, 3, 4) and h.number_of_nodes() == 3


@pytest.mark.parametrize("measure,reference", [
    ("degree", lambda g: dict(g.degree())),
    ("closeness", nx.closeness_centrality),
    ("harmonic", nx.harmonic_centrality),
])
def test_centrality_ranks_over_the_copies_equal_networkx(measure, reference):
    thinning = Thinning(0.1, 0.15, runs=25, seed=11)
    report = md.centrality_of(KARATE, measure, thinning, top=5)
    full = reference_ranks(KARATE, reference(KARATE))
    top = sorted(full, key=full.get)[:5]
    assert [s.id for s in report.entities] == top and [s.rank for s in report.entities] == [1, 2, 3, 4, 5]
    runs = []
    for r in range(25):
        h = reference_copy(KARATE, 0.1, 0.15, 11 + r)
        runs.append((set(h), reference_ranks(h, reference(h)) if len(h) else {}))
    for s in report.entities:
        ranks = [ranked[s.id] for _, ranked in runs if s.id in ranked]
        assert s.present == sum(s.id in kept for kept, _ in runs) and s.ranked == len(ranks)
        assert s.in_top == pytest.approx(sum(x <= 5 for x in ranks) / 25)
        assert [s.low, s.median, s.high] == pytest.approx(band(ranks))


def test_the_same_seed_gives_the_same_answer_and_another_seed_another():
    first = md.centrality_of(KARATE, "betweenness", Thinning(0.2, 0.2, runs=15, seed=3), top=5).as_dict()
    again = md.centrality_of(KARATE, "betweenness", Thinning(0.2, 0.2, runs=15, seed=3), top=5).as_dict()
    other = md.centrality_of(KARATE, "betweenness", Thinning(0.2, 0.2, runs=15, seed=4), top=5).as_dict()
    assert first == again and first["top"] != other["top"]
    assert first["thinning"]["seed"] == 3 and first["thinning"]["runs"] == 15


def test_no_missing_data_gives_a_degenerate_interval_at_the_full_rank():
    for report in (md.centrality_of(KARATE, "betweenness", Thinning(0.0, 0.0, runs=4), top=6),
                   md.key_players_of(KARATE, Thinning(0.0, 0.0, runs=3), k=3),
                   md.brokers_of(KARATE, Thinning(0.0, 0.0, runs=3), group="club", top=4)):
        for s in report.entities:
            assert s.low == s.median == s.high == s.rank
            assert s.in_top == 1.0 and s.present == s.ranked == report.thinning.runs


def test_key_players_and_brokers_over_the_copies():
    thinning = Thinning(0.1, 0.1, runs=8, seed=5)
    report = md.key_players_of(KARATE, thinning, k=2)
    full = sq.key_players(KARATE, 2).players
    assert [s.id for s in report.entities] == [p.id for p in full]
    chosen = []
    for r in range(8):
        h = reference_copy(KARATE, 0.1, 0.1, 5 + r)
        chosen.append([p.id for p in sq.key_players(h, 2).players])
    for s in report.entities:
        ranks = [c.index(s.id) + 1 for c in chosen if s.id in c]
        assert s.in_top == pytest.approx(len(ranks) / 8) and [s.low, s.median, s.high] == pytest.approx(band(ranks))

    report = md.brokers_of(KARATE, thinning, group="club", top=4)
    counts = {v: b.total for v, b in sq.brokerage(KARATE, "club").items()}
    assert [s.id for s in report.entities] == sorted(KARATE, key=lambda v: (-counts[v], v))[:4]


def test_what_if_figures_over_the_copies_equal_networkx():
    thinning = Thinning(0.1, 0.1, runs=10, seed=2)
    report = md.what_if_of(KARATE, list(KARATE), [0, 33], thinning)
    befores, afters = [], []
    for r in range(10):
        h = reference_copy(KARATE, 0.1, 0.1, 2 + r)
        befores.append(nx_figures(h, len(h)))
        after = h.copy()
        after.remove_nodes_from([0, 33])
        afters.append(nx_figures(after, len(h)))
    for spreads, runs in ((report.before, befores), (report.after, afters)):
        for f in spreads:
            values = [x[f.figure] for x in runs]
            assert f.mean == pytest.approx(np.mean(values), rel=TOL, abs=TOL)
            assert [f.low, f.high] == pytest.approx(np.percentile(values, [5, 95]).tolist(), rel=TOL, abs=TOL)
    assert report.present == {0: sum(0 in reference_copy(KARATE, 0.1, 0.1, 2 + r) for r in range(10)),
                              33: sum(33 in reference_copy(KARATE, 0.1, 0.1, 2 + r) for r in range(10))}
    full = {f.figure: f.full for f in report.after}
    assert full["largest"] == nx_figures(KARATE.subgraph(set(KARATE) - {0, 33}), 34)["largest"]
    assert report.csv().splitlines()[0] == "figure,when,full,mean,low,high"


@pytest.mark.parametrize("strategy,mode", [("betweenness", "sequential"), ("degree", "block")])
def test_attack_curves_over_the_copies_equal_networkx(strategy, mode):
    thinning = Thinning(0.1, 0.1, runs=8, seed=6)
    report = md.attack_of(KARATE, list(KARATE), thinning, strategy, 4, mode=mode)
    full = nx_attack(KARATE, strategy, 4, mode)
    assert [s.id for s in report.removed] == [r[0] for r in full] and [s.rank for s in report.removed] == [1, 2, 3, 4]
    curves = [nx_attack(reference_copy(KARATE, 0.1, 0.1, 6 + r), strategy, 4, mode) for r in range(8)]
    for q, row in enumerate(report.steps):
        share = {f.figure: f for f in row}["largest_share"]
        values = [c[q][3] for c in curves]
        assert share.full == pytest.approx(full[q][3]) and share.mean == pytest.approx(np.mean(values))
        assert [share.low, share.high] == pytest.approx(np.percentile(values, [5, 95]).tolist())
    for s in report.removed:
        when = [[r[0] for r in c].index(s.id) + 1 for c in curves if s.id in [r[0] for r in c]]
        assert s.in_top == pytest.approx(len(when) / 8) and [s.low, s.median, s.high] == pytest.approx(band(when))
    robustness = [sum(r[3] for r in c) / len(reference_copy(KARATE, 0.1, 0.1, 6 + i)) for i, c in enumerate(curves)]
    assert report.robustness.mean == pytest.approx(np.mean(robustness))
    again = md.attack_of(KARATE, list(KARATE), Thinning(0.0, 0.0, runs=2), strategy, 4, mode=mode)
    assert all(s.low == s.high == s.rank for s in again.removed)
    assert report.csv().splitlines()[0].startswith("step,removed,caption,largest_share_full,largest_share_mean")


@pytest.mark.parametrize("args,message", [
    ((1.0, 0.0), "--missing-nodes must be at least 0 and below 1, not 1.0"),
    ((0.0, -0.1), "--missing-links must be at least 0 and below 1, not -0.1"),
    ((0.1, 0.1, 0), "--runs must be at least 1, not 0"),
])
def test_shares_outside_zero_to_one_are_one_line_errors(args, message):
    with pytest.raises(ChokepointError) as caught:
        Thinning(*args)
    assert str(caught.value) == message
