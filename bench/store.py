"""Write and projection throughput of graph.store against the running Neo4j, side by side in one run.

    CHOKEPOINT_NEO4J_DATA=... python bench/store.py [--nodes 200000]

Uses dataset "bench-store" and deletes it afterwards. Prints nodes/s for UNWIND-MERGE batches of
several sizes (so BATCH_SIZE is a measured choice), relationship writes, and projection to networkx.
"""

from __future__ import annotations

import argparse
import time

from chokepoint.graph import ids
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.projection import project
from chokepoint.graph.store import Store

DATASET = "bench-store"
MERGE = """
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n:Phone, n.number = row.number, n.dataset = $dataset, n.caption = row.number
"""
LINK = """
UNWIND $rows AS row
MATCH (a:Entity {id: row.a}) MATCH (b:Entity {id: row.b})
MERGE (a)-[r:CALLED {id: row.id}]->(b) SET r.dataset = $dataset
"""


def rows(n: int, offset: int = 0):
    for i in range(offset, offset + n):
        number = f"+1555{i:07d}"
        yield {"id": ids.entity_id(DATASET, "Phone", [number]), "number": number}


def clear(store: Store) -> None:
    while store.write("MATCH (n:Entity {dataset: $d}) WITH n LIMIT 20000 DETACH DELETE n", d=DATASET)["nodes_deleted"]:
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=200_000)
    args = ap.parse_args()
    store = Store.connect(settings_from_env())
    store.ensure_schema()
    clear(store)
    n = args.nodes
    print(f"Neo4j {store.server_info().get('version')} at {store.where}; {n:,} nodes per batch size")
    results = {}
    for batch in (1_000, 10_000, 50_000):
        clear(store)
        t = time.perf_counter()
        store.write_batches(MERGE, rows(n), batch_size=batch, dataset=DATASET)
        results[batch] = n / (time.perf_counter() - t)
        print(f"  MERGE nodes, batch {batch:>6,}: {results[batch]:>10,.0f} nodes/s")
    base = results[1_000]
    print("  ratio to batch 1,000: " + ", ".join(f"{b:,}: {r / base:.2f}x" for b, r in results.items()))
    # the graph from the last run stays: link it in a ring and re-merge it (an idempotent re-load)
    t = time.perf_counter()
    store.write_batches(MERGE, rows(n), batch_size=10_000, dataset=DATASET)
    print(f"  re-MERGE existing nodes (batch 10,000): {n / (time.perf_counter() - t):,.0f} nodes/s")
    node_ids = [r["id"] for r in rows(n)]
    links = ({"a": node_ids[i], "b": node_ids[(i + 1) % n], "id": f"bench:{i}"} for i in range(n))
    t = time.perf_counter()
    store.write_batches(LINK, links, batch_size=10_000, dataset=DATASET)
    print(f"  MERGE relationships (batch 10,000): {n / (time.perf_counter() - t):,.0f} rels/s")
    t = time.perf_counter()
    g = project(store, labels=["Phone"], rel_types=["CALLED"], dataset=DATASET)
    dt = time.perf_counter() - t
    print(f"  project to networkx: {g.number_of_nodes():,} nodes + {g.number_of_edges():,} edges in {dt:.2f} s")
    clear(store)
    store.close()


if __name__ == "__main__":
    main()
