"""Backend dispatch: auto's choice by measure and size, every listed implementation equal to networkx,
and the backend a result reports being the one that ran."""

import networkx as nx
import pytest

from chokepoint.graph.projection import collapsed
from chokepoint.queries import backends as b
from chokepoint.queries import brandes
from chokepoint.queries import centrality as c
from chokepoint.queries.backends import UnknownBackend

EXACT = 1e-9
MEASURE_OPTIONS = {
    "degree": [{"mode": "total"}, {"mode": "in"}, {"mode": "out", "weight": "kg"}],
    "betweenness": [{}, {"directed": True}, {"k": 8, "seed": 3}, {"normalized": False}],
    "closeness": [{}, {"directed": True}],
    "harmonic": [{}, {"directed": True}],
    "pagerank": [{}, {"weight": "kg"}],
    "eigenvector": [{}, {"weight": "kg"}],
}


def small_graph():
    g = nx.MultiDiGraph(nx.gnm_random_graph(40, 90, seed=4, directed=True))
    for i, (_, _, d) in enumerate(g.edges(data=True)):
        d["kg"] = 1 + i % 4
    g.add_edge(0, 1, kg=2.5)  # a parallel relationship
    return g


def test_every_measure_lists_the_reference_and_igraph_and_betweenness_the_compiled_brandes():
    assert set(b.IMPLEMENTATIONS) == set(MEASURE_OPTIONS)
    for measure, own in b.IMPLEMENTATIONS.items():
        assert list(own)[:2] == [b.REFERENCE, "igraph"], measure
    assert list(b.IMPLEMENTATIONS["betweenness"]) == ["networkx", "igraph", "brandes"]
    assert set(b.BACKENDS) == {"auto"} | {name for own in b.IMPLEMENTATIONS.values() for name in own}


def test_auto_chooses_by_measure_and_size():
    for measure in b.IMPLEMENTATIONS:
        for nodes in (1, b.SMALL - 1, b.SMALL, 100_000):
            expected = "brandes" if measure == "betweenness" and nodes >= b.SMALL else "igraph"
            assert b.choose(measure, nodes, 5 * nodes) == expected, (measure, nodes)


def test_a_requested_backend_is_what_runs_and_one_the_measure_lacks_is_refused():
    assert b.choose("betweenness", 10, 10, "networkx") == "networkx"
    assert b.choose("betweenness", 10**6, 10**7, "igraph") == "igraph"
    assert b.choose("betweenness", 3, 2, "brandes") == "brandes"
    with pytest.raises(UnknownBackend, match="'pagerank' has no backend 'brandes'; it has: auto, networkx, igraph"):
        b.choose("pagerank", 10, 10, "brandes")
    with pytest.raises(UnknownBackend, match="unknown backend 'gpu'; known: auto, networkx, igraph, brandes"):
        b.choose("degree", 10, 10, "gpu")
    with pytest.raises(UnknownBackend, match="no backend 'brandes'"):
        c.closeness(small_graph(), backend="brandes")


@pytest.mark.parametrize("measure", MEASURE_OPTIONS)
def test_each_listed_implementation_equals_networkx_on_a_small_graph(measure):
    g = small_graph()
    fn = getattr(c, measure)
    for options in MEASURE_OPTIONS[measure]:
        reference = nx_reference(g, measure, options)
        for name in b.IMPLEMENTATIONS[measure]:
            got = fn(g, backend=name, **options)
            assert list(got) == sorted(g)
            assert max(abs(got[v] - reference[v]) for v in g) < EXACT, (name, options)


def nx_reference(g, measure, options):
    """networkx itself on the collapsed graph, computed here rather than through the registry."""
    directed = options.get("directed", measure in ("pagerank",) or options.get("mode", "total") != "total")
    if measure == "eigenvector":
        directed = False
    h = collapsed(g, directed=directed, weight=options.get("weight")).to_networkx()
    w = "weight" if options.get("weight") else None
    if measure == "degree":
        view = {"total": h.degree, "in": h.in_degree, "out": h.out_degree}[options["mode"]] if directed else h.degree
        return dict(view(weight=w))
    if measure == "betweenness":
        if "k" in options:
            return nx.betweenness_centrality(h, k=options["k"], seed=options["seed"])
        return nx.betweenness_centrality(h, normalized=options.get("normalized", True))
    if measure == "closeness":
        return nx.closeness_centrality(h)
    if measure == "harmonic":
        return nx.harmonic_centrality(h)
    if measure == "pagerank":
        return nx.pagerank(h, weight=w, tol=1e-13, max_iter=10_000)
    return nx.eigenvector_centrality(h, weight=w, tol=1e-13, max_iter=10_000)


def test_ranking_reports_the_backend_that_ran():
    small = nx.path_graph(5)
    big = nx.path_graph(b.SMALL)
    assert c.rank(big, "betweenness", backend="auto").backend == "brandes"
    assert c.rank(small, "betweenness", backend="auto").backend == "igraph"
    assert c.rank(big, "pagerank", backend="auto").backend == "igraph"
    assert c.rank(big, "in_degree").backend == "igraph"
    for name in ("networkx", "igraph", "brandes"):
        assert c.rank(small, "betweenness", backend=name).backend == name
    assert c.rank(small, "closeness", backend="networkx").backend == "networkx"


def test_auto_on_a_big_graph_runs_the_compiled_brandes(monkeypatch):
    """What auto reports is what ran: with brandes' counting broken, auto's betweenness fails too."""
    g = nx.path_graph(b.SMALL)
    expected = c.betweenness(g, backend="networkx")
    assert max(abs(c.betweenness(g)[v] - expected[v]) for v in g) < EXACT

    def broken(*args, **kwargs):
        raise RuntimeError("brandes ran")

    monkeypatch.setattr(brandes, "counts", broken)
    with pytest.raises(RuntimeError, match="brandes ran"):
        c.rank(g, "betweenness")
    assert c.rank(g, "betweenness", backend="igraph").backend == "igraph"
