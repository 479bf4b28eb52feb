"""Write rate of the loader per chunk as the graph grows, split by statement (nodes, each link type).

    CHOKEPOINT_NEO4J_DATA=... python bench/load_chunks.py [--rows 80000] [--chunk 10000]

Generates shipments like bench/load.py, maps them once (not timed), then writes them chunk by chunk
into the configured Neo4j (dataset "bench-chunks"; use an empty throw-away instance) and prints
rows/s and seconds per statement for each chunk, so a slowdown with graph size shows.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from chokepoint.graph.config import settings_from_env
from chokepoint.graph.store import Store
from chokepoint.loaders import writer
from chokepoint.loaders.load import _mapped
from chokepoint.loaders.mapping import load_mapping


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=80_000)
    ap.add_argument("--chunk", type=int, default=10_000)
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("bench_load", Path(__file__).with_name("load.py"))
    bench_load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_load)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shipments.csv"
        bench_load.generate(path, args.rows)
        items = list(_mapped(load_mapping().sources["shipments"], path, "bench-chunks"))
    store = Store.connect(settings_from_env())
    store.ensure_schema()
    write_batches = store.write_batches
    seconds: dict[str, float] = defaultdict(float)

    def timed(query, rows, **params):
        start = time.perf_counter()
        result = write_batches(query, rows, **params)
        name = query.split("[r:")[1].split(" ")[0] if "[r:" in query else "entities"
        seconds[name] += time.perf_counter() - start
        return result

    store.write_batches = timed
    record_writer = writer.RecordWriter(store, "bench-chunks")
    for first in range(0, len(items), args.chunk):
        seconds.clear()
        start = time.perf_counter()
        record_writer.write(items[first:first + args.chunk])
        rate = len(items[first:first + args.chunk]) / (time.perf_counter() - start)
        parts = ", ".join(f"{k} {v:.1f}s" for k, v in seconds.items())
        print(f"rows {first:>9,}+: {rate:8,.0f} rows/s  ({parts})", flush=True)
    store.close()


if __name__ == "__main__":
    main()
