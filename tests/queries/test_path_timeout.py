"""A path search that would run for minutes is stopped by Neo4j at its timeout, with a clear error."""

import pytest

from chokepoint.graph.errors import QueryTimeout
from chokepoint.queries.paths import all_paths, shortest_path

N = 12  # a complete graph of 12 phones has millions of simple paths between two of them


@pytest.fixture(scope="module")
def dense(store):
    store.write("UNWIND range(0, $n - 1) AS i CREATE (:Entity:Phone {id: 'ph' + i, caption: 'phone ' + i, "
                "dataset: 'dense'})", n=N)
    store.write("MATCH (a:Phone {dataset: 'dense'}), (b:Phone {dataset: 'dense'}) WHERE a.id < b.id "
                "CREATE (a)-[:CALLED {id: a.id + '-' + b.id, dataset: 'dense'}]->(b)")
    return store


def test_a_path_search_longer_than_its_timeout_is_stopped_with_a_clear_error(dense):
    with pytest.raises(QueryTimeout, match=r"the path search it ran longer than the 1 s timeout.*fewer hops"):
        all_paths(dense, "ph0", "ph1", max_hops=11, timeout=1)


def test_a_timeout_changes_nothing_for_a_search_that_fits_in_it(dense):
    assert shortest_path(dense, "ph0", "ph1", timeout=30).ids == ("ph0", "ph1")
    assert len(all_paths(dense, "ph0", "ph1", max_hops=2, timeout=30)) == 1 + (N - 2)
