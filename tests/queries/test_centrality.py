"""Centrality measures: known answers, igraph equal to networkx, and rankings from the real Neo4j."""

import datetime as dt
import random

import networkx as nx
import pytest

from chokepoint.graph.errors import UnknownName
from chokepoint.graph.ids import entity_id
from chokepoint.graph.projection import AnalyticsError, BadWeight, EmptyGraph, Scope, collapse, project, within
from chokepoint.loaders.networks import import_network
from chokepoint.queries import centrality as c
from chokepoint.queries.backends import UnknownBackend

EXACT = 1e-9


# -- graphs --------------------------------------------------------------------------------------
def messy_multidigraph(seed=7, n=60, m=180):
    """Parallel relationships, self-loops, isolated nodes, several components, some edges unweighted."""
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from(f"n{i:02d}" for i in range(n))
    for _ in range(m):
        u, v = rnd.randrange(n - 5), rnd.randrange(n - 5)  # the last five stay isolated
        attrs = {"type": "CALLED"}
        if rnd.random() < 0.8:
            attrs["quantity"] = rnd.choice([0.5, 1.0, 2.0, 7.5])
        g.add_edge(f"n{u:02d}", f"n{v:02d}", **attrs)
    g.add_edges_from([("x1", "x2"), ("x2", "x3"), ("x3", "x1")])  # a separate directed cycle
    return g


def scale_free_directed(seed=3, n=300):
    u = nx.powerlaw_cluster_graph(n, 3, 0.2, seed=seed)
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from(u)
    g.add_edges_from((a, b) if rnd.random() < 0.5 else (b, a) for a, b in u.edges())
    return g


GRAPHS = {
    "karate": nx.karate_club_graph(),
    "florentine": nx.florentine_families_graph(),
    "messy": messy_multidigraph(),
    "scale_free": scale_free_directed(),
}

CASES = [
    ("degree", {}), ("in_degree", {}), ("out_degree", {}),
    ("betweenness", {}), ("betweenness", {"directed": True}), ("betweenness", {"normalized": False}),
    ("betweenness", {"k": 12, "seed": 5}), ("betweenness", {"k": 12, "seed": 5, "directed": True}),
    ("betweenness", {"k": 9, "seed": 1, "normalized": False}),
    ("closeness", {}), ("closeness", {"directed": True}),
    ("harmonic", {}), ("harmonic", {"directed": True}),
    ("pagerank", {}), ("pagerank", {"alpha": 0.6}),
    ("eigenvector", {}),
]
WEIGHTED = [("degree", {}), ("in_degree", {}), ("out_degree", {}), ("pagerank", {}), ("eigenvector", {})]


def max_diff(a, b):
    assert a.keys() == b.keys()
    return max(abs(a[v] - b[v]) for v in a)


def simple_undirected(g):
    h = nx.Graph(g)
    h.remove_edges_from(list(nx.selfloop_edges(h)))
    return h


# -- known answers -------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["networkx", "igraph", "auto"])
def test_star_hub_and_path_middle(backend):
    star = nx.star_graph(5)
    for measure in ("degree", "betweenness", "closeness", "harmonic", "pagerank", "eigenvector"):
        ranking = c.rank(star, measure, top=1, backend=backend)
        assert ranking.top[0].id == 0, measure
    assert c.betweenness(star, backend=backend)[0] == pytest.approx(1.0)
    assert c.closeness(star, backend=backend)[0] == pytest.approx(1.0)
    path = nx.path_graph(5)
    b = c.betweenness(path, normalized=False, backend=backend)
    assert b == pytest.approx({0: 0.0, 1: 3.0, 2: 4.0, 3: 3.0, 4: 0.0})
    assert c.harmonic(path, backend=backend)[2] == pytest.approx(1 + 1 + 1 / 2 + 1 / 2)


@pytest.mark.parametrize("backend", ["networkx", "igraph", "auto"])
def test_bridge_between_two_cliques(backend):
    g = nx.barbell_graph(5, 0)  # K5 (0-4) and K5 (5-9) joined by the edge 4-5
    top = c.rank(g, "betweenness", top=2, backend=backend).top
    assert {s.id for s in top} == {4, 5}
    assert top[0].score == pytest.approx(4 * 5 * 2 / (9 * 8))  # pairs {0..3} x {5..9}, normalized


@pytest.mark.parametrize("backend", ["networkx", "igraph", "auto"])
def test_karate_club_known_values(backend):
    g = nx.karate_club_graph()
    b = c.betweenness(g, backend=backend)
    assert [s.id for s in c.top_scores(g, b, 3)] == [0, 33, 32]
    assert b[0] == pytest.approx(0.43763528138528146, abs=EXACT)
    assert b[33] == pytest.approx(0.30407497594997596, abs=EXACT)
    pr = c.pagerank(g, backend=backend)
    assert [s.id for s in c.top_scores(g, pr, 2)] == [33, 0]
    assert sum(pr.values()) == pytest.approx(1.0, abs=EXACT)


def test_direction_conventions():
    chain = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("d", "b")])
    assert c.degree(chain, "in") == {"a": 0.0, "b": 2.0, "c": 1.0, "d": 0.0}
    assert c.degree(chain, "out") == {"a": 1.0, "b": 1.0, "c": 0.0, "d": 1.0}
    # b lies on a->c and d->c when direction is kept; ignoring it adds a-d
    assert c.betweenness(chain, directed=True, normalized=False)["b"] == 2.0
    assert c.betweenness(chain, normalized=False)["b"] == 3.0
    # closeness with direction: distances *to* the node; c is reached by everyone
    directed = c.closeness(chain, directed=True)
    assert directed == pytest.approx({"a": 0.0, "b": 2 / 2 * 2 / 3, "c": 3 / 5 * 3 / 3, "d": 0.0})


def test_parallel_relationships_are_summed_and_self_loops_dropped():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", quantity=2.0)
    g.add_edge("a", "b", quantity=3.0)
    g.add_edge("b", "a", quantity=1.0)
    g.add_edge("a", "a", quantity=100.0)
    g.add_edge("b", "c")  # no quantity: counts 0 when weighted
    assert c.degree(g) == {"a": 1.0, "b": 2.0, "c": 1.0}
    assert c.degree(g, weight="quantity") == {"a": 6.0, "b": 6.0, "c": 0.0}
    assert c.degree(g, "out", weight="quantity") == {"a": 5.0, "b": 1.0, "c": 0.0}
    h = collapse(g, directed=True, weight="quantity")
    assert sorted(h.edges(data="weight")) == [("a", "b", 5.0), ("b", "a", 1.0), ("b", "c", 0.0)]


# -- igraph equals networkx ----------------------------------------------------------------------
@pytest.mark.parametrize("name", GRAPHS)
@pytest.mark.parametrize("measure,options", CASES, ids=lambda x: str(x) if isinstance(x, str) else "-".join(
    f"{k}={v}" for k, v in x.items()) or "default")
def test_igraph_equals_networkx(name, measure, options):
    g = GRAPHS[name]
    reference = c.compute(g, measure, backend="networkx", **options)
    fast = c.compute(g, measure, backend="igraph", **options)
    assert list(reference) == list(fast) == sorted(g)
    assert max_diff(reference, fast) < EXACT
    # auto is igraph, or the compiled Brandes for betweenness (eigenvector: ARPACK starts at random)
    assert max_diff(c.compute(g, measure, **options), fast) < EXACT
    if measure == "betweenness":
        assert max_diff(reference, c.compute(g, measure, backend="brandes", **options)) < EXACT


@pytest.mark.parametrize("name", ["messy", "scale_free"])
@pytest.mark.parametrize("measure,options", WEIGHTED)
def test_weighted_igraph_equals_networkx(name, measure, options):
    g = GRAPHS[name].copy()
    rnd = random.Random(8)
    for _, _, d in g.edges(data=True):
        d.setdefault("quantity", rnd.choice([0.5, 1.5, 3.0]))
    reference = c.compute(g, measure, backend="networkx", weight="quantity", **options)
    assert max_diff(reference, c.compute(g, measure, backend="igraph", weight="quantity", **options)) < EXACT
    assert max_diff(reference, c.compute(g, measure, backend="networkx", **options)) > 1e-6  # weights mattered


def test_weighted_pagerank_and_eigenvector_equal_networkx_on_the_multigraph():
    """With every relationship weighted, collapsing (summing parallel weights) changes nothing."""
    g = GRAPHS["messy"].copy()
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    rnd = random.Random(2)
    for _, _, d in g.edges(data=True):
        d["quantity"] = rnd.choice([1.0, 2.0, 4.0])
    ref = nx.pagerank(g, weight="quantity", tol=1e-13, max_iter=10_000)
    assert max_diff(ref, c.pagerank(g, weight="quantity")) < EXACT


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("normalized", [True, False])
def test_sampled_betweenness_is_networkx_sampled_betweenness(directed, normalized):
    """Same seed, same sources: both backends equal networkx's own k-sample over the sorted nodes."""
    g = GRAPHS["scale_free"]
    collapsed = collapse(g, directed=directed)
    ordered = collapsed.__class__()
    ordered.add_nodes_from(sorted(collapsed))
    ordered.add_edges_from(collapsed.edges())
    ref = nx.betweenness_centrality(ordered, k=40, seed=11, normalized=normalized)
    for backend in ("networkx", "igraph", "brandes", "auto"):
        got = c.betweenness(g, k=40, seed=11, directed=directed, normalized=normalized, backend=backend)
        assert max_diff(ref, got) < EXACT, backend


def test_sampling_is_seeded_and_k_at_least_n_is_exact():
    g = GRAPHS["scale_free"]
    assert c.sample_sources(g, 30, seed=4) == c.sample_sources(g, 30, seed=4)
    assert c.sample_sources(g, 30, seed=4) != c.sample_sources(g, 30, seed=5)
    assert c.betweenness(g, k=30, seed=4) != c.betweenness(g, k=30, seed=5)
    assert max_diff(c.betweenness(g, k=10_000, seed=1), c.betweenness(g, backend="networkx")) < EXACT
    ranking = c.rank(g, "betweenness", k=30, seed=4)
    assert ranking.options == {"k": 30, "seed": 4, "sampled": True}


# -- rankings and errors -------------------------------------------------------------------------
def test_ranking_carries_captions_labels_and_ties_by_id():
    g = nx.MultiDiGraph([("b", "hub"), ("a", "hub"), ("c", "hub")])
    for v in g:
        g.nodes[v].update(caption=v.upper(), label="Phone")
    r = c.rank(g, "in_degree", top=3)
    assert r.measure == "in_degree" and r.backend == "igraph" and r.nodes == 4 and r.relationships == 3
    assert r.top == [c.Score("hub", "HUB", "Phone", 3.0), c.Score("a", "A", "Phone", 0.0),
                     c.Score("b", "B", "Phone", 0.0)]
    assert r.scores == {"a": 0.0, "b": 0.0, "c": 0.0, "hub": 3.0}
    assert len(c.top_scores(g, r.scores, None)) == 4


def test_errors_are_typed_and_say_what_is_wrong():
    g = nx.path_graph(4)
    with pytest.raises(c.UnknownMeasure, match="known: betweenness"):
        c.rank(g, "fame")
    with pytest.raises(UnknownBackend, match="networkx"):
        c.degree(g, backend="networkit")
    with pytest.raises(EmptyGraph, match="no entities"):
        c.pagerank(nx.MultiDiGraph())
    with pytest.raises(c.BadParameter, match="takes no option weight"):
        c.compute(g, "betweenness", weight="quantity")
    with pytest.raises(c.BadParameter, match="k >= 2"):
        c.betweenness(g, k=1)
    with pytest.raises(c.BadParameter, match="alpha"):
        c.pagerank(g, alpha=1.5)
    with pytest.raises(c.BadParameter, match="mode"):
        c.degree(g, mode="sideways")
    bad = nx.MultiDiGraph([("a", "b", {"quantity": "12 kg"})])
    with pytest.raises(BadWeight, match="'quantity'.*'12 kg'"):
        c.degree(bad, weight="quantity")
    with pytest.raises(BadWeight):
        c.pagerank(nx.MultiDiGraph([("a", "b", {"quantity": -1.0})]), weight="quantity")
    assert issubclass(c.UnknownMeasure, AnalyticsError) and issubclass(AnalyticsError, Exception)


def test_time_window_keeps_nodes_and_undated_links():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", date=dt.date(2024, 1, 1))
    g.add_edge("b", "c", date=dt.datetime(2024, 6, 1, 12, 0))
    g.add_edge("c", "d")
    w = within(g, dt.date(2024, 2, 1), dt.date(2024, 6, 1))
    assert set(w) == set(g) and sorted(w.edges()) == [("b", "c"), ("c", "d")]
    assert sorted(within(g, start=dt.date(2024, 2, 1), keep_undated=False).edges()) == [("b", "c")]
    assert within(g) is not g and sorted(within(g).edges()) == sorted(g.edges())


# -- against the real Neo4j ----------------------------------------------------------------------
@pytest.mark.parametrize("measure", sorted(c.MEASURES))
def test_sample_case_rankings_equal_networkx_on_the_same_projection(sample_store, measure):
    scope = Scope(dataset="sample")
    got = c.rank_in_store(sample_store, measure, scope, top=5)
    g = project(sample_store, dataset="sample")
    assert got.nodes == g.number_of_nodes() > 30 and got.relationships == g.number_of_edges()
    simple = simple_undirected(g)
    directed = nx.DiGraph(g)
    directed.remove_edges_from(list(nx.selfloop_edges(directed)))
    reference = {
        "degree": lambda: dict(simple.degree()),
        "in_degree": lambda: dict(directed.in_degree()),
        "out_degree": lambda: dict(directed.out_degree()),
        "betweenness": lambda: nx.betweenness_centrality(simple),
        "closeness": lambda: nx.closeness_centrality(simple),
        "harmonic": lambda: nx.harmonic_centrality(simple),
        "pagerank": lambda: nx.pagerank(directed, tol=1e-13, max_iter=10_000),
        "eigenvector": lambda: nx.eigenvector_centrality(simple, tol=1e-13, max_iter=10_000),
    }[measure]()
    assert max_diff(reference, got.scores) < EXACT
    assert [s.score for s in got.top] == pytest.approx(sorted(reference.values(), reverse=True)[:5], abs=EXACT)
    assert all(s.caption == g.nodes[s.id]["caption"] and s.label == g.nodes[s.id]["label"] for s in got.top)


def test_sample_case_phone_calls_in_a_time_window(sample_store):
    whole = Scope(labels=["Phone"], rel_types=["CALLED"], dataset="sample")
    g = whole.project(sample_store)
    dates = sorted(d for _, _, d in g.edges(data="date") if d)
    assert len(dates) >= 4
    middle = dates[len(dates) // 2]
    window = Scope(labels=["Phone"], rel_types=["CALLED"], dataset="sample", end=middle)
    got = c.rank_in_store(sample_store, "degree", window, backend="networkx")
    kept = nx.MultiDiGraph()
    kept.add_nodes_from(g)
    kept.add_edges_from((u, v) for u, v, d in g.edges(data="date") if d is None or d <= middle)
    assert got.relationships == kept.number_of_edges() < g.number_of_edges()
    assert got.scores == {v: float(x) for v, x in simple_undirected(kept).degree()}
    weighted = c.rank_in_store(sample_store, "degree", whole, weight="duration_s")
    seconds = dict.fromkeys(g, 0)
    for u, v, d in g.edges(data="duration_s"):
        if u != v:
            seconds[u] += d or 0
            seconds[v] += d or 0
    assert weighted.scores == seconds and max(seconds.values()) > 0


def test_store_errors(sample_store):
    with pytest.raises(UnknownName):
        c.rank_in_store(sample_store, "pagerank", Scope(labels=["Persn"]))
    with pytest.raises(UnknownName):
        c.rank_in_store(sample_store, "pagerank", Scope(rel_types=["KNOWS"]))
    with pytest.raises(EmptyGraph):
        c.rank_in_store(sample_store, "pagerank", Scope(dataset="no-such-dataset"))
    with pytest.raises(c.UnknownMeasure):
        c.rank_in_store(sample_store, "fame")
    with pytest.raises(c.BadParameter, match="takes no option"):
        c.rank_in_store(sample_store, "closeness", weight="quantity")
    with pytest.raises(UnknownBackend):
        c.rank_in_store(sample_store, "closeness", backend="gpu")


def test_karate_club_imported_into_neo4j_keeps_its_known_centralities(clean, tmp_path):
    karate = nx.karate_club_graph()
    path = tmp_path / "karate.csv"
    path.write_text("source,target\n" + "".join(f"m{u},m{v}\n" for u, v in karate.edges()), encoding="utf-8")
    import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH", dataset="karate", directed=False)
    ranking = c.rank_in_store(clean, "betweenness", Scope(dataset="karate"), top=2)
    ids = {entity_id("karate", "Person", [f"m{i}"]): i for i in karate}
    assert [ids[s.id] for s in ranking.top] == [0, 33]
    assert [s.caption for s in ranking.top] == ["m0", "m33"]
    expected = nx.betweenness_centrality(karate)
    assert max(abs(ranking.scores[k] - expected[i]) for k, i in ids.items()) < EXACT


@pytest.mark.parametrize("directed", [False, True])
def test_betweenness_split_over_threads_equals_one_thread_and_networkx(monkeypatch, directed):
    """The compiled Brandes gives networkx's answer with one thread or several, on a graph in pieces."""
    from chokepoint.queries import brandes

    g = nx.disjoint_union(nx.gnm_random_graph(120, 400, seed=5, directed=directed),
                          nx.gnm_random_graph(30, 40, seed=6, directed=directed))
    g.add_node(150)  # alone
    reference = c.betweenness(g, directed=directed, backend="networkx")
    sampled_reference = c.betweenness(g, k=30, seed=2, directed=directed, backend="networkx")
    whole = c.betweenness(g, directed=directed, backend="brandes", threads=1)
    sampled = c.betweenness(g, k=30, seed=2, directed=directed, backend="brandes", threads=1)
    monkeypatch.setattr(brandes, "THREADED_WORK", 0)  # make this small graph "big"
    split = c.betweenness(g, directed=directed, backend="brandes", threads=3)
    split_sampled = c.betweenness(g, k=30, seed=2, directed=directed, backend="brandes", threads=3)
    assert max_diff(reference, whole) < EXACT and max_diff(whole, split) < EXACT
    assert max_diff(sampled_reference, sampled) < EXACT and max_diff(sampled, split_sampled) < EXACT
    assert max(whole.values()) > 0
