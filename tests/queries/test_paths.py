"""Paths in the real Neo4j, checked against networkx on the projection of the same graph."""

import datetime as dt
import itertools

import networkx as nx
import pytest

from chokepoint.graph.errors import EntityNotFound, UnknownName
from chokepoint.graph.ids import entity_id
from chokepoint.graph.projection import project
from chokepoint.loaders.load import load_records
from chokepoint.queries.paths import (AmbiguousEntity, NoPath, PathFilter, all_paths, find_entity, k_shortest_paths,
                           shortest_path, time_respecting_paths, time_respecting_paths_nx)

# Phones A..H; calls are directed (from -> to) and dated. H is isolated (a phone nobody called).
PHONES = {x: f"+1 619 555 01{i:02d}" for i, x in enumerate("ABCDEFGH")}
CALLS = [  # from, to, date, duration (s)
    ("A", "B", "2024-01-01", 60), ("B", "C", "2024-01-05", 60), ("C", "D", "2024-01-10", 60),
    ("A", "E", "2024-01-02", 500), ("E", "D", "2024-01-01", 500),      # short, but back in time
    ("B", "F", "2024-01-03", 30), ("F", "D", "2024-02-01", 30),
    ("A", "E", "2024-03-01", 400),                                     # a second A-E call: parallel link
    ("G", "A", "2024-01-01", 10),
]


def pid(x):
    return entity_id("paths", "Phone", [PHONES[x]])


@pytest.fixture(scope="module")
def calls(store, tmp_path_factory):
    d = tmp_path_factory.mktemp("paths")
    (d / "phones.csv").write_text("number,user\n" + "".join(f"{n},Owner {x}\n" for x, n in PHONES.items()),
                                  encoding="utf-8")
    (d / "communications.csv").write_text(
        "from_phone,to_phone,date,duration_s,kind\n"
        + "".join(f"{PHONES[a]},{PHONES[b]},{date},{s},call\n" for a, b, date, s in CALLS), encoding="utf-8")
    summary = load_records(store, d, dataset="paths", rejects_path=d / "r.csv")
    assert summary.rows_rejected == 0
    return store


@pytest.fixture(scope="module")
def reference(calls):
    g = project(calls, labels=["Phone"], rel_types=["CALLED"], dataset="paths")
    return g, nx.Graph(g.to_undirected())


def names(path):
    return "".join(next(x for x in PHONES if pid(x) == i) for i in path.ids)


def test_shortest_path_agrees_with_networkx(calls, reference):
    _, undirected = reference
    for a, b in itertools.permutations("ABCDEFG", 2):
        path = shortest_path(calls, pid(a), pid(b), PathFilter(rel_types=("CALLED",)))
        assert path.hops == nx.shortest_path_length(undirected, pid(a), pid(b)), (a, b)
        assert path.ids[0] == pid(a) and path.ids[-1] == pid(b)
    assert names(shortest_path(calls, pid("A"), pid("D"))) == "AED"


def test_direction_avoid_and_time_window_narrow_the_search(calls, reference):
    directed, _ = reference
    out = shortest_path(calls, pid("G"), pid("D"), PathFilter(direction="out"))
    assert out.hops == nx.shortest_path_length(directed, pid("G"), pid("D")) == 3
    with pytest.raises(NoPath, match="direction in"):
        shortest_path(calls, pid("G"), pid("D"), PathFilter(direction="in"))
    avoided = shortest_path(calls, pid("A"), pid("D"), PathFilter(avoid=(pid("E"),)))
    assert names(avoided) in ("ABCD", "ABFD")
    # from 2024-01-03 on, A-B (01-01) and E-D (01-01) are gone: A-E (03-01) then? no E-D: no path to D via E
    late = PathFilter(start=dt.date(2024, 1, 3))
    with pytest.raises(NoPath, match="dates 2024-01-03 to ..."):
        shortest_path(calls, pid("A"), pid("D"), late)
    assert names(shortest_path(calls, pid("B"), pid("D"), late)) in ("BCD", "BFD")


def test_k_shortest_paths_have_distinct_entity_sequences_and_networkx_lengths(calls, reference):
    _, undirected = reference
    paths = k_shortest_paths(calls, pid("A"), pid("D"), k=3)
    expected = [len(p) - 1 for p in itertools.islice(nx.shortest_simple_paths(undirected, pid("A"), pid("D")), 3)]
    assert [p.hops for p in paths] == expected == [2, 3, 3]
    assert len({p.ids for p in paths}) == 3
    assert paths[0].alternatives == 2  # A-E was called twice: two links, one path


def test_k_shortest_without_shortest_k_falls_back_to_networkx_with_the_same_answer(calls, monkeypatch):
    from chokepoint.queries import paths as paths_module

    cypher = [p.ids for p in k_shortest_paths(calls, pid("A"), pid("D"), k=3)]
    monkeypatch.setattr(calls, "server_info", lambda: {"version": "5.20.0"})
    assert paths_module._has_shortest_k(calls) is False
    fallback = k_shortest_paths(calls, pid("A"), pid("D"), k=3)
    assert [p.hops for p in fallback] == [2, 3, 3]
    assert fallback[0].ids == cypher[0] and {p.ids for p in fallback} == set(cypher)


def test_all_paths_are_the_simple_paths_networkx_finds(calls, reference):
    _, undirected = reference
    got = {p.ids for p in all_paths(calls, pid("A"), pid("D"), max_hops=4)}
    assert got == {tuple(p) for p in nx.all_simple_paths(undirected, pid("A"), pid("D"), cutoff=4)}


def test_time_respecting_paths_agree_with_networkx_and_skip_going_back_in_time(calls, reference):
    directed, _ = reference
    for direction, gap in (("out", None), ("both", None), ("out", 10)):
        got = {p.ids for p in time_respecting_paths(calls, pid("A"), pid("D"), filters=PathFilter(direction=direction),
                                                     max_gap_days=gap)}
        assert got == time_respecting_paths_nx(directed, pid("A"), pid("D"), direction=direction, max_gap_days=gap)
    out = {names(p) for p in time_respecting_paths(calls, pid("A"), pid("D"), filters=PathFilter(direction="out"))}
    assert out == {"ABCD", "ABFD"}  # A-E-D goes back in time (E-D on 01-01, after A-E on 01-02)
    gapped = {names(p) for p in time_respecting_paths(calls, pid("A"), pid("D"), filters=PathFilter(direction="out"),
                                                      max_gap_days=10)}
    assert gapped == {"ABCD"}  # F-D comes 29 days after B-F


def test_weighted_shortest_path_uses_the_property_like_dijkstra(calls, reference):
    _, undirected = reference
    weighted = nx.Graph()
    for a, b, d in reference[0].edges(data=True):
        if not weighted.has_edge(a, b) or weighted[a][b]["w"] > d["duration_s"]:
            weighted.add_edge(a, b, w=d["duration_s"])
    path = shortest_path(calls, pid("A"), pid("D"), weight="duration_s")
    assert path.cost == nx.dijkstra_path_length(weighted, pid("A"), pid("D"), weight="w") == 120
    assert names(path) == "ABFD"
    assert [link["type"] for link in path.links] == ["CALLED"] * 3


def test_missing_entity_no_path_and_bad_filters_are_typed_errors(calls):
    with pytest.raises(EntityNotFound, match="no entity with id 'nope'"):
        shortest_path(calls, "nope", pid("A"))
    with pytest.raises(NoPath, match=f"no path from {pid('A')} to {pid('H')}"):
        shortest_path(calls, pid("A"), pid("H"))
    with pytest.raises(UnknownName):
        shortest_path(calls, pid("A"), pid("D"), PathFilter(rel_types=("CALLED) DETACH DELETE (n",)))
    with pytest.raises(UnknownName, match="k must be a whole number from 1 to 100"):
        k_shortest_paths(calls, pid("A"), pid("D"), k=1000)


def test_entities_are_found_by_id_name_or_phone_and_ambiguity_is_reported(calls):
    assert find_entity(calls, pid("A")) == pid("A")
    assert find_entity(calls, "+1 (619) 555-0100") == pid("A")
    assert find_entity(calls, "owner b") == entity_id("paths", "Person", ["Owner B"])
    with pytest.raises(AmbiguousEntity, match="'owner' matches several entities"):
        find_entity(calls, "owner")
    with pytest.raises(EntityNotFound, match="no entity matches 'zzz'"):
        find_entity(calls, "zzz")


def test_path_cli_finds_entities_by_phone_and_prints_json(calls, neo4j_env):
    import json

    from typer.testing import CliRunner

    from chokepoint.cli.main import app

    result = CliRunner().invoke(app, ["path", "+1 619 555 0100", "+1 619 555 0103", "--k", "2", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [p["hops"] for p in found] == [2, 3]
    assert found[0]["nodes"][1]["id"] == pid("E") and found[0]["alternatives"] == 2
    result = CliRunner().invoke(app, ["path", pid("A"), pid("D"), "--time-respecting", "--direction", "out",
                                      "--max-gap", "10"])
    assert result.exit_code == 0, result.output
    assert "1. 3 hop(s): +16195550100 (Phone) -[CALLED 2024-01-01]-> +16195550101 (Phone)" in result.output
    result = CliRunner().invoke(app, ["path", pid("A"), pid("H")])
    assert result.exit_code != 0


def test_shortest_path_filters_are_checked_during_the_search_not_after(calls):
    """Neo4j falls back to enumerating every path when a shortestPath predicate cannot be checked while
    searching (plan operators AntiConditionalApply + VarLengthExpand): seconds instead of milliseconds
    on big graphs. The shared filters must keep the plan a plain ShortestPath."""
    from chokepoint.queries import paths

    f = PathFilter(labels=("Person", "Phone"), avoid=("x",), start=dt.date(2024, 1, 1)).checked()
    query = paths._SHORTEST % {"pattern": f.pattern(1, 6), "filters": paths._FILTERS}
    plan = calls.driver.execute_query("EXPLAIN " + query, source="a", target="b", **f.params()).summary.plan

    def operators(p):
        yield p["operatorType"].split("@")[0]
        for child in p.get("children", []):
            yield from operators(child)

    ops = set(operators(plan))
    assert "ShortestPath" in ops
    assert not ops & {"AntiConditionalApply", "VarLengthExpand(Into)", "VarLengthExpand(All)"}, ops

