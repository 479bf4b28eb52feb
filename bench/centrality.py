"""Centrality: networkx (the reference), igraph and what ``backend="auto"`` runs, side by side in one run.

    python bench/centrality.py                       # 10k nodes / ~50k links, then 100k / ~500k sampled
    python bench/centrality.py --skip-networkx-exact # leave out networkx's exact betweenness (20 minutes)
    python bench/centrality.py --big-only            # only the 100k sampled runs
    CHOKEPOINT_NEO4J_DATA=... python bench/centrality.py --neo4j   # also time the projection from Neo4j

The graph is networkx's ``powerlaw_cluster_graph(n, 5, 0.1, seed)`` (scale-free with clustering,
undirected), each link given a random direction (seeded) and stored as a ``MultiDiGraph`` like a
projection. Measures run with their defaults (betweenness, closeness, harmonic ignore direction;
PageRank follows it); ``--directed`` makes the path measures follow direction. Every figure is one run on whatever machine this is, including the collapse of
the multigraph and the conversion to igraph; max |diff| is between the two backends' values.
"""

from __future__ import annotations

import argparse
import random
import time

import networkx as nx

from chokepoint.graph.projection import Scope
from chokepoint.queries import centrality as c

MEASURES = [
    ("degree", {}),
    ("in_degree", {}),
    ("betweenness", {}),
    ("betweenness", {"k": 256, "seed": 1}),
    ("closeness", {}),
    ("harmonic", {}),
    ("pagerank", {}),
    ("eigenvector", {}),
]
DATASET = "bench-centrality"


def scale_free(n: int, seed: int) -> nx.MultiDiGraph:
    u = nx.powerlaw_cluster_graph(n, 5, 0.1, seed=seed)
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from(f"n{v}" for v in u)
    g.add_edges_from((f"n{a}", f"n{b}") if rnd.random() < 0.5 else (f"n{b}", f"n{a}") for a, b in u.edges())
    return g


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def label(measure: str, options: dict) -> str:
    return measure + ("" if not options else " (" + ", ".join(f"{k}={v}" for k, v in options.items()) + ")")


def compare(g: nx.MultiDiGraph, skip_networkx_exact: bool, directed: bool) -> None:
    """networkx, igraph and the project's choice (``auto``, see ``queries/backends.py``: igraph, or the
    compiled Brandes for betweenness), each measure in one run; ratio = networkx / project; max |diff| = networkx vs project."""
    print(f"{'measure':<34}{'networkx':>11}{'igraph':>10}{'project':>10}{'ratio':>8}{'max |diff|':>12}")
    for measure, options in MEASURES:
        if directed and measure in ("betweenness", "closeness", "harmonic"):
            options = {**options, "directed": True}
        _, t_igraph = timed(c.compute, g, measure, backend="igraph", **options)
        fast, t_fast = timed(c.compute, g, measure, backend="auto", **options)
        if measure == "betweenness" and not options and skip_networkx_exact:
            print(f"{label(measure, options):<34}{'skipped':>11}{t_igraph:>9.2f}s{t_fast:>9.2f}s")
            continue
        ref, t_ref = timed(c.compute, g, measure, backend="networkx", **options)
        diff = max(abs(ref[v] - fast[v]) for v in ref)
        print(f"{label(measure, options):<34}{t_ref:>10.2f}s{t_igraph:>9.3f}s{t_fast:>9.3f}s{t_ref / t_fast:>7.0f}x"
              f"{diff:>12.1e}", flush=True)


def neo4j_projection(g: nx.MultiDiGraph) -> None:
    from chokepoint.graph.config import settings_from_env
    from chokepoint.graph.store import Store

    store = Store.connect(settings_from_env())
    store.ensure_schema()
    clear = "MATCH (n:Entity {dataset: $d}) WITH n LIMIT 20000 DETACH DELETE n"
    while store.write(clear, d=DATASET)["nodes_deleted"]:
        pass
    store.write_batches("UNWIND $rows AS row MERGE (n:Entity {id: row.id}) "
                        "SET n:Phone, n.number = row.id, n.caption = row.id, n.dataset = $dataset",
                        ({"id": v} for v in g), dataset=DATASET)
    store.write_batches("UNWIND $rows AS row MATCH (a:Entity {id: row.a}) MATCH (b:Entity {id: row.b}) "
                        "CREATE (a)-[:CALLED {id: row.id, dataset: $dataset}]->(b)",
                        ({"a": u, "b": v, "id": f"bench:{i}"} for i, (u, v) in enumerate(g.edges())),
                        dataset=DATASET)
    scope = Scope(labels=["Phone"], rel_types=["CALLED"], dataset=DATASET)
    projected, t = timed(scope.project, store)
    print(f"projection from Neo4j: {projected.number_of_nodes():,} nodes + {projected.number_of_edges():,} "
          f"relationships in {t:.2f} s")
    ranking, t = timed(c.rank_in_store, store, "pagerank", scope)
    print(f"rank_in_store(pagerank), projection included: {t:.2f} s")
    while store.write(clear, d=DATASET)["nodes_deleted"]:
        pass
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--big-nodes", type=int, default=100_000, help="0 skips the large sampled run")
    ap.add_argument("--k", type=int, default=256)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--skip-networkx-exact", action="store_true")
    ap.add_argument("--directed", action="store_true", help="path measures follow relationship direction")
    ap.add_argument("--big-only", action="store_true", help="only the large sampled runs")
    ap.add_argument("--neo4j", action="store_true", help="also time projection from the running Neo4j")
    args = ap.parse_args()

    if not args.big_only:
        g, t = timed(scale_free, args.nodes, args.seed)
        print(f"powerlaw_cluster_graph({args.nodes:,}, 5, 0.1, seed={args.seed}), random directions: "
              f"{g.number_of_nodes():,} nodes, {g.number_of_edges():,} links (generated in {t:.1f} s)")
        compare(g, args.skip_networkx_exact, args.directed)
        if args.neo4j:
            neo4j_projection(g)
    if args.big_nodes:
        big, t = timed(scale_free, args.big_nodes, args.seed)
        print(f"\npowerlaw_cluster_graph({args.big_nodes:,}, 5, 0.1): {big.number_of_nodes():,} nodes, "
              f"{big.number_of_edges():,} links (generated in {t:.1f} s)")
        for measure, options in [("betweenness", {"k": args.k, "seed": 1}),
                                 ("betweenness", {"k": args.k, "seed": 1, "directed": True}), ("pagerank", {})]:
            times = {}
            for backend in ("igraph", "auto") if measure == "betweenness" else ("auto",):
                _, times[backend] = timed(c.compute, big, measure, backend=backend, **options)
            shown = "  ".join(f"{'project' if b == 'auto' else b} {t:.2f} s" for b, t in times.items())
            ratio = f"  (igraph / project {times['igraph'] / times['auto']:.1f}x)" if len(times) > 1 else ""
            print(f"  {label(measure, options)}, collapse and conversion included: {shown}{ratio}", flush=True)

if __name__ == "__main__":
    main()
