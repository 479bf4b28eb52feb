"""Network structure: brokerage roles, key players, cut points, components, cores, communities, write-back."""

import itertools
import random

import networkx as nx
import pytest

from chokepoint.graph.errors import UnknownName
from chokepoint.graph.projection import AnalyticsError, EmptyGraph, Scope, project
from chokepoint.queries import centrality as c
from chokepoint.queries import structure as s


def labelled(edges, groups, attr="label"):
    g = nx.MultiDiGraph()
    for v, grp in groups.items():
        g.add_node(v, **{attr: grp, "caption": v.upper()})
    g.add_edges_from(edges)
    return g


def random_graph(seed, n=16, p=0.15, directed=False):
    return nx.gnp_random_graph(n, p, seed=seed, directed=directed)


# -- brokerage -----------------------------------------------------------------------------------
def test_each_gould_fernandez_role_on_a_two_group_network():
    A, B = "Person", "Organization"
    groups = {"a1": A, "c": A, "a2": A,       # a1 -> c -> a2: coordinator
              "b1": B, "g": A, "a3": A,       # b1 -> g -> a3: gatekeeper
              "a4": A, "r": A, "b2": B,       # a4 -> r -> b2: representative
              "a5": A, "k": B, "a6": A,       # a5 -> k -> a6: consultant
              "t1": A, "t": A, "t2": A}       # t1 -> t -> t2 with t1 -> t2: closed, no brokerage
    edges = [("a1", "c"), ("c", "a2"), ("b1", "g"), ("g", "a3"), ("a4", "r"), ("r", "b2"),
             ("a5", "k"), ("k", "a6"), ("t1", "t"), ("t", "t2"), ("t1", "t2")]
    roles = s.brokerage(labelled(edges, groups))
    assert roles["c"] == s.Brokerage(coordinator=1)
    assert roles["g"] == s.Brokerage(gatekeeper=1)
    assert roles["r"] == s.Brokerage(representative=1)
    assert roles["k"] == s.Brokerage(consultant=1)
    assert roles["t"] == s.Brokerage() and roles["a1"].total == 0
    assert set(roles) == set(groups)
    # ignoring direction: every open path counts both ways; a gatekeeper path reversed is a representative one
    both = s.brokerage(labelled(edges, groups), directed=False)
    assert both["c"] == s.Brokerage(coordinator=2)
    assert both["g"] == both["r"] == s.Brokerage(gatekeeper=1, representative=1)
    assert both["k"] == s.Brokerage(consultant=2)
    assert both["t"] == s.Brokerage()


def test_liaison_needs_three_groups_and_nodes_without_a_group_are_left_out():
    g = nx.DiGraph([("x", "b"), ("b", "y"), ("b", "z")])
    roles = s.brokerage(g, {"x": 1, "b": 2, "y": 3, "z": 2})
    assert roles["b"] == s.Brokerage(liaison=1, gatekeeper=1)
    assert s.brokerage(g, {"x": 1, "b": 2, "y": 3})["b"] == s.Brokerage(liaison=1)  # z has no group
    h = labelled([("a", "b"), ("b", "c")], {"a": "x", "b": "y", "c": "x"}, attr="cell")
    assert s.brokerage(h, "cell")["b"] == s.Brokerage(consultant=1)
    assert [(x.id, x.caption, x.score) for x in s.rank_brokers(h, "cell", "consultant", top=1)] == [("b", "B", 1.0)]


@pytest.mark.parametrize("seed", range(4))
def test_brokerage_equals_brute_force_over_all_triples(seed):
    g = nx.gnp_random_graph(25, 0.12, seed=seed, directed=True)
    rnd = random.Random(seed)
    groups = {v: rnd.choice("xyz") for v in g}
    expected = {v: dict.fromkeys(s.ROLES, 0) for v in g}
    for a, b, cc in itertools.permutations(g, 3):
        if g.has_edge(a, b) and g.has_edge(b, cc) and not g.has_edge(a, cc):
            ga, gb, gc = groups[a], groups[b], groups[cc]
            role = ("coordinator" if ga == gb == gc else "gatekeeper" if gb == gc else
                    "representative" if ga == gb else "consultant" if ga == gc else "liaison")
            expected[b][role] += 1
    assert s.brokerage(g, groups) == {v: s.Brokerage(**expected[v]) for v in sorted(g)}
    assert sum(b.total for b in s.brokerage(g, groups).values()) > 0


# -- key players and cut points ------------------------------------------------------------------
def test_key_players_of_barbells():
    one = s.key_players(nx.barbell_graph(5, 1), 1)
    assert [p.id for p in one.players] == [5]
    assert one.before == 0.0 and one.after == pytest.approx(1 - 2 * 20 / (10 * 9))
    assert one.players[0].score == pytest.approx(one.after)  # putting 5 back reconnects everything
    longer = s.key_players(nx.barbell_graph(5, 3), 1)  # path 5-6-7 between the cliques
    assert [p.id for p in longer.players] == [6]
    # three cliques in a row: removing both connectors leaves three K4
    chain = nx.disjoint_union_all([nx.complete_graph(4)] * 3)  # 0-3, 4-7, 8-11
    chain.add_edges_from([(20, v) for v in range(8)] + [(21, v) for v in range(4, 12)])
    two = s.key_players(chain, 2)
    assert sorted(p.id for p in two.players) == [20, 21]
    assert two.after == pytest.approx(1 - 3 * 12 / (12 * 11))
    assert two.after == pytest.approx(s.fragmentation(chain, removed=[20, 21]))


@pytest.mark.parametrize("seed", range(6))
def test_key_player_is_the_best_single_removal(seed):
    g = random_graph(seed, n=18, p=0.14)  # often disconnected, with cut vertices
    best = max(s.fragmentation(g, [v]) for v in g)
    kp = s.key_players(g, 1)
    assert kp.after == pytest.approx(best, abs=1e-12)
    assert kp.before == pytest.approx(s.fragmentation(g))


def test_key_player_pairs_are_the_exhaustive_optimum_on_most_random_graphs():
    optimal = 0
    for seed in range(40):
        g = random_graph(seed, n=14, p=0.2)
        optimum = max(s.fragmentation(g, pair) for pair in itertools.combinations(g, 2))
        kp = s.key_players(g, 2)
        assert kp.after == pytest.approx(s.fragmentation(g, [p.id for p in kp.players]))
        assert kp.after <= optimum + 1e-12
        optimal += kp.after == pytest.approx(optimum)
    assert optimal >= 36
    assert s.key_players(random_graph(11, n=14, p=0.2), 2).after == pytest.approx(16 / 33)  # greedy alone: 7/22


def test_articulation_points_and_bridges_between_two_cliques():
    g = nx.MultiDiGraph()
    g.add_edges_from(nx.complete_graph(["a1", "a2", "a3"]).edges())
    g.add_edges_from(nx.complete_graph(["b1", "b2", "b3"]).edges())
    g.add_edge("a1", "b1")
    g.add_edge("b1", "a1")  # parallel links in both directions: still the only way across
    assert s.articulation_points(g) == ["a1", "b1"]
    assert s.bridges(g) == [("a1", "b1")]
    g.add_edge("a2", "b2")
    assert s.articulation_points(g) == [] and s.bridges(g) == []


def test_components_weak_and_strong():
    g = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("x", "y")])
    g.add_node("lonely")
    assert s.components(g) == [{"a", "b", "c"}, {"x", "y"}, {"lonely"}]
    assert s.components(g, strong=True) == [{"a", "b"}, {"c"}, {"lonely"}, {"x"}, {"y"}]


def test_cores_equal_networkx_on_the_karate_club():
    karate = nx.karate_club_graph()
    assert s.core_numbers(karate) == nx.core_number(karate)
    assert s.k_core(karate, 4) == set(nx.k_core(karate, 4)) and len(s.k_core(karate, 4)) == 10
    assert s.k_core(karate, 5) == set()


# -- communities ---------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_communities_of_two_cliques_joined_by_one_edge(method):
    g = nx.barbell_graph(6, 0)
    found = s.communities(g, method=method, seed=3)
    assert found.method == method
    assert found.groups == [frozenset(range(6)), frozenset(range(6, 12))]
    assert found.membership == {v: 0 if v < 6 else 1 for v in range(12)}
    assert found.modularity == pytest.approx(nx.community.modularity(g, found.groups))
    assert found.modularity == pytest.approx(2 * (15 / 31 - (31 / 62) ** 2))


@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_communities_are_seeded_and_weighted(method):
    karate = nx.karate_club_graph()
    a = s.communities(karate, method=method, seed=1)
    assert a == s.communities(karate, method=method, seed=1)
    assert 0.38 < a.modularity < 0.43  # the best known partition has 0.4198
    assert sorted(v for grp in a.groups for v in grp) == sorted(karate)
    weighted = s.communities(karate, method=method, seed=1, weight="weight")
    expected = nx.community.modularity(karate, weighted.groups, weight="weight")
    assert weighted.modularity == pytest.approx(expected)


def test_leiden_modularity_agrees_with_igraph():
    import igraph

    g = nx.karate_club_graph()
    found = s.communities(g, method="leiden", seed=5, resolution=1.3)
    ig = igraph.Graph(n=34, edges=list(g.edges()))
    assert found.modularity == pytest.approx(ig.modularity([found.membership[v] for v in range(34)],
                                                            resolution=1.3), abs=1e-12)


# -- errors --------------------------------------------------------------------------------------
def test_errors_are_typed():
    g = nx.path_graph(4)
    with pytest.raises(c.BadParameter, match="between 1 and 3"):
        s.key_players(g, 4)
    with pytest.raises(c.BadParameter, match="louvain, leiden"):
        s.communities(g, method="girvan")
    with pytest.raises(EmptyGraph, match="no relationships"):
        s.communities(nx.empty_graph(3))
    with pytest.raises(EmptyGraph):
        s.articulation_points(nx.Graph())
    with pytest.raises(c.BadParameter, match="role"):
        s.rank_brokers(g, {v: 1 for v in g}, role="fixer")
    assert issubclass(s.BadPropertyName, AnalyticsError)


@pytest.mark.parametrize("name", ["name", "id", "caption", "dataset", "score-x", "1score", "community`) SET n.x=1 //",
                                  "score_x y", "", "Score_x", "weight", 7])
def test_property_names_that_may_not_be_written(name):
    with pytest.raises(s.BadPropertyName):
        s.check_property_name(name)


# -- against the real Neo4j ----------------------------------------------------------------------
def test_structure_in_store_equals_the_pure_functions_on_the_same_projection(sample_store):
    scope = Scope(dataset="sample")
    g = project(sample_store, dataset="sample")
    assert s.brokerage_in_store(sample_store, scope) == s.brokerage(g)
    assert sum(b.total for b in s.brokerage(g).values()) > 0
    kp = s.key_players_in_store(sample_store, 2, scope)
    assert kp == s.key_players(g, 2) and kp.after > kp.before
    assert all(p.caption == g.nodes[p.id]["caption"] for p in kp.players)
    expected = nx.Graph(g)
    expected.remove_edges_from(list(nx.selfloop_edges(expected)))
    assert s.articulation_points(g) == sorted(nx.articulation_points(expected))
    assert s.components(g)[0] == max(nx.connected_components(expected), key=len)
    with pytest.raises(UnknownName):
        s.key_players_in_store(sample_store, 2, Scope(labels=["Persn"]))
    with pytest.raises(EmptyGraph):
        s.key_players_in_store(sample_store, 2, Scope(dataset="no-such-dataset"))


def read_property(store, name, dataset="sample"):
    rows = store.read("MATCH (n:Entity) WHERE n.dataset = $d AND n[$p] IS NOT NULL RETURN n.id AS id, n[$p] AS v",
                      d=dataset, p=name)
    return {r["id"]: r["v"] for r in rows}


def test_communities_written_back_and_replaced(sample_store):
    whole = Scope(dataset="sample")
    found = s.communities_in_store(sample_store, whole, seed=2, write_as="community")
    assert found == s.communities(project(sample_store, dataset="sample"), seed=2)
    assert len(found.groups) > 1
    assert read_property(sample_store, "community") == found.membership
    phones = Scope(labels=["Phone"], rel_types=["CALLED"], dataset="sample")
    calls = s.communities_in_store(sample_store, phones, method="leiden", seed=2, write_as="community")
    assert read_property(sample_store, "community") == calls.membership  # the other entities' values are gone
    assert s.remove_property(sample_store, "community", dataset="sample") == len(calls.membership)
    assert read_property(sample_store, "community") == {}


def test_scores_written_back_verbatim_and_bad_names_write_nothing(sample_store):
    ranking = c.rank_in_store(sample_store, "pagerank", Scope(dataset="sample"))
    assert s.write_property(sample_store, "score_pagerank", ranking.scores) == len(ranking.scores)
    assert read_property(sample_store, "score_pagerank") == pytest.approx(ranking.scores, abs=0)
    one = next(iter(ranking.scores))
    hostile = "x'}) DETACH DELETE n //"
    assert s.write_property(sample_store, "score_note", {one: hostile, "no-such-entity": "y"}) == 1
    assert read_property(sample_store, "score_note") == {one: hostile}
    captions = read_property(sample_store, "caption")
    with pytest.raises(s.BadPropertyName):
        s.write_property(sample_store, "caption", {one: "overwritten"})
    with pytest.raises(c.BadParameter, match="numbers, strings or booleans"):
        s.write_property(sample_store, "score_x", {one: [1, 2]})
    assert read_property(sample_store, "caption") == captions
    assert read_property(sample_store, "score_x") == {}
    s.remove_property(sample_store, "score_pagerank")
    s.remove_property(sample_store, "score_note")
