"""Python's share of a load: reading and mapping shipment rows, with the garbage collector's default
thresholds and with the thresholds a load runs under, side by side (no Neo4j).

    python bench/mapping.py [--rows 100000] [--rounds 2]

Generates shipments like bench/load.py, then reads and maps them (``loaders.load._mapped``: CSV cells,
normalised keys, stable ids, typed values) in this process, a chunk held at a time as the loader holds
it, alternating the two settings, and prints the process CPU per row and how many collections of each
generation ran.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import tempfile
import time
from collections import Counter
from pathlib import Path

from chokepoint.loaders.load import CHUNK_ROWS, _mapped
from chokepoint.loaders.mapping import load_mapping
from chokepoint.loaders.pipeline import few_collections


def map_in_chunks(source, path: Path) -> int:
    """Map every row, holding a chunk of ``CHUNK_ROWS`` at a time as the loader does; return the count."""
    chunk, count = [], 0
    for item in _mapped(source, path, "bench"):
        chunk.append(item)
        count += 1
        if len(chunk) == CHUNK_ROWS:
            chunk = []
    return count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("bench_load", Path(__file__).with_name("load.py"))
    bench_load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_load)
    collections: Counter = Counter()
    gc.callbacks.append(lambda phase, info: collections.update([info["generation"]] if phase == "stop" else []))
    source = load_mapping().sources["shipments"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shipments.csv"
        bench_load.generate(path, args.rows)
        print(f"{args.rows:,} shipment rows, read and mapped in this process; thresholds default "
              f"{gc.get_threshold()}, during a load as set by loaders.pipeline.few_collections")
        per_row: dict[str, list[float]] = {"default": [], "load": []}
        for _ in range(args.rounds):
            for name in per_row:
                collections.clear()
                start = time.process_time()
                if name == "load":
                    with few_collections():
                        mapped = map_in_chunks(source, path)
                else:
                    mapped = map_in_chunks(source, path)
                cpu = time.process_time() - start
                per_row[name].append(cpu / mapped * 1e6)
                print(f"  {name:>7} thresholds: {cpu:6.2f} s CPU, {per_row[name][-1]:6.1f} us/row, "
                      f"collections by generation {dict(sorted(collections.items()))}", flush=True)
    best = {name: min(values) for name, values in per_row.items()}
    print(f"  best of {args.rounds}: default {best['default']:.1f} us/row, load {best['load']:.1f} us/row, "
          f"ratio {best['default'] / best['load']:.2f}x")


if __name__ == "__main__":
    main()
