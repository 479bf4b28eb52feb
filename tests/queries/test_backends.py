"""Backend dispatch: auto's choice by measure and size, every listed implementation equal to networkx,
and the backend a result reports being the one that ran; for the centrality and the structure measures."""

import networkx as nx
import pytest

from chokepoint.graph.projection import collapsed
from chokepoint.queries import backends as b
from chokepoint.queries import brandes
from chokepoint.queries import centrality as c
from chokepoint.queries import structure as s
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
    assert set(b.CENTRALITY) == set(MEASURE_OPTIONS)
    for measure in b.CENTRALITY:
        assert list(b.IMPLEMENTATIONS[measure])[:2] == [b.REFERENCE, "igraph"], measure
    assert list(b.IMPLEMENTATIONS["betweenness"]) == ["networkx", "igraph", "brandes"]
    assert set(b.BACKENDS) == {"auto"} | {name for own in b.IMPLEMENTATIONS.values() for name in own}


def test_auto_chooses_by_measure_and_size():
    for measure in b.CENTRALITY:
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


# -- structure measures ------------------------------------------------------------------------------

#: the structure measures with more than one implementation, and each one's reference, computed here with
#: networkx on the simple graph (parallel links merged, self-loops dropped) rather than through the registry
SHARED = {
    "components": lambda u, d: sorted((set(p) for p in nx.connected_components(u)), key=lambda p: (-len(p), min(p))),
    "strong_components": lambda u, d: sorted((set(p) for p in nx.strongly_connected_components(d)),
                                             key=lambda p: (-len(p), min(p))),
    "articulation_points": lambda u, d: sorted(nx.articulation_points(u)),
    "bridges": lambda u, d: sorted(tuple(sorted(e)) for e in nx.bridges(u)),
    "core_numbers": lambda u, d: nx.core_number(u),
}


def messy_graph():
    """Parallel links, self-loops, an isolated entity, several components, a chain of cut points."""
    g = nx.MultiDiGraph([(0, 1), (1, 0), (0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 5),
                         (6, 7), (7, 8), (8, 6), (8, 9), (10, 11), (11, 11)])
    g.add_node(12)
    return g


def structure_graphs():
    karate = nx.karate_club_graph()
    return {"karate": nx.MultiDiGraph(nx.DiGraph(karate.to_directed())),
            "florentine": nx.MultiDiGraph(nx.florentine_families_graph()),
            "directed random": nx.MultiDiGraph(nx.gnm_random_graph(40, 70, seed=7, directed=True)),
            "messy": messy_graph()}


def simple(g):
    u, d = nx.Graph(g), nx.DiGraph(g)
    for h in (u, d):
        h.remove_edges_from(list(nx.selfloop_edges(h)))
    return u, d


def test_the_registry_lists_every_structure_measure():
    assert set(b.IMPLEMENTATIONS) == set(b.CENTRALITY) | set(b.STRUCTURE)
    assert not set(b.CENTRALITY) & set(b.STRUCTURE)
    for measure in SHARED:
        assert list(b.IMPLEMENTATIONS[measure]) == [b.REFERENCE, "igraph"], measure
    for measure in ("fragmentation", "key_players", "brokerage", "louvain"):
        assert list(b.IMPLEMENTATIONS[measure]) == [b.REFERENCE], measure
    assert list(b.IMPLEMENTATIONS["leiden"]) == ["igraph"]  # a method of its own, only in igraph
    for measure in b.STRUCTURE:  # every listed implementation can be found
        for name in b.IMPLEMENTATIONS[measure]:
            assert callable(b.implementation(measure, name)), (measure, name)


def test_auto_runs_igraph_where_a_structure_measure_has_it_else_its_only_implementation():
    for measure in b.STRUCTURE:
        for nodes in (1, b.SMALL, 100_000):
            expected = "igraph" if "igraph" in b.IMPLEMENTATIONS[measure] else "networkx"
            assert b.choose(measure, nodes, 3 * nodes) == expected, (measure, nodes)
    with pytest.raises(UnknownBackend, match="'brokerage' has no backend 'igraph'; it has: auto, networkx"):
        s.brokerage(messy_graph(), backend="igraph")
    with pytest.raises(UnknownBackend, match="'leiden' has no backend 'networkx'; it has: auto, igraph"):
        s.communities(messy_graph(), "leiden", backend="networkx")


@pytest.mark.parametrize("measure", SHARED)
def test_each_structure_implementation_equals_networkx_on_small_graphs(measure):
    for name, g in structure_graphs().items():
        reference = SHARED[measure](*simple(g))
        for backend in b.IMPLEMENTATIONS[measure]:
            found = s.measured(g, measure, backend=backend)
            assert found.backend == backend
            assert found.value == reference, (measure, name, backend)


def test_the_structure_functions_give_the_registry_answers_and_report_the_backend():
    g = messy_graph()
    u, d = simple(g)
    for backend in ("auto", "networkx", "igraph"):
        assert s.articulation_points(g, backend=backend) == SHARED["articulation_points"](u, d)
        assert s.bridges(g, backend=backend) == SHARED["bridges"](u, d)
        assert s.components(g, backend=backend) == SHARED["components"](u, d)
        assert s.components(g, strong=True, backend=backend) == SHARED["strong_components"](u, d)
        assert s.core_numbers(g, backend=backend) == nx.core_number(u)
        assert s.k_core(g, 2, backend=backend) == {v for v, k in nx.core_number(u).items() if k >= 2}
    sizes = [len(p) for p in nx.connected_components(u)]
    n = u.number_of_nodes()
    assert s.measured(g, "fragmentation").value == pytest.approx(1 - sum(x * (x - 1) for x in sizes) / (n * (n - 1)))
    assert s.measured(g, "fragmentation").backend == "networkx"
    assert s.measured(g, "brokerage").backend == "networkx"
    assert s.key_players(g, 2).backend == "networkx"
    louvain = s.communities(g, seed=3)
    assert louvain.backend == "networkx"
    expected = nx.community.louvain_communities(u, seed=3)
    assert sorted(map(sorted, louvain.groups)) == sorted(map(sorted, expected))
    assert s.communities(g, "leiden", seed=3).backend == "igraph"
    with pytest.raises(s.BadParameter, match="unknown structure measure 'pagerank'"):
        s.measured(g, "pagerank")


def test_auto_runs_igraph_for_cut_points(monkeypatch):
    """What auto reports is what ran: with igraph's articulation points broken, auto's fail too."""
    g = nx.barbell_graph(4, 1)

    def broken(h):
        raise RuntimeError("igraph ran")

    monkeypatch.setitem(b.IMPLEMENTATIONS, "articulation_points", {"networkx": b._articulation_points_networkx,
                                                                  "igraph": broken})
    with pytest.raises(RuntimeError, match="igraph ran"):
        s.articulation_points(g)
    assert s.articulation_points(g, backend="networkx") == [3, 4, 5]
