"""Python's share of a load: reading and mapping shipment rows, with the garbage collector's default
thresholds and with the thresholds a load runs under, side by side (no Neo4j).

    python bench/mapping.py [--rows 100000] [--rounds 2]
    python bench/mapping.py --readers [--rows 100000] [--rounds 3]

Generates shipments like bench/load.py, then reads and maps them (``loaders.load._mapped``: CSV cells,
normalised keys, stable ids, typed values) in this process, a chunk held at a time as the loader holds
it, alternating the two settings, and prints the process CPU per row and how many collections of each
generation ran.

``--readers`` compares, instead, reading the same file's cells with the loader's CSV reader
(``loaders.readers.csv_cells``, the csv module) and with pandas (``read_csv`` in chunks of 10,000 rows, every
cell a string), as DataFrames only and as the row lists the mapping takes; with the read-and-map CPU per
row for scale (docs/performance.md, "CSV reading").
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


def compare_readers(path: Path, rows: int, rounds: int) -> None:
    """CPU per row of the CSV reader in use and of pandas' read_csv (best of ``rounds``), then of read + map."""
    import pandas as pd

    from chokepoint.loaders.readers import _encoding, csv_cells

    def frames(as_rows: bool) -> int:
        count = 0
        for chunk in pd.read_csv(path, sep=",", dtype=str, header=None, keep_default_na=False, na_filter=False,
                                 skip_blank_lines=False, chunksize=10_000, encoding=_encoding(path)):
            count += len(chunk.to_numpy().tolist()) if as_rows else len(chunk)
        return count

    source = load_mapping().sources["shipments"]
    contenders = {"csv module (loaders.readers.csv_cells)": lambda: sum(1 for _ in csv_cells(path)),
                  "pandas read_csv, DataFrames only": lambda: frames(False),
                  "pandas read_csv, DataFrames to row lists": lambda: frames(True),
                  "read and map (loaders.load._mapped), for scale": lambda: map_in_chunks(source, path)}
    best: dict[str, float] = {}
    with few_collections():
        for _ in range(rounds):
            for name, read in contenders.items():
                start = time.process_time()
                read()
                best[name] = min(best.get(name, float("inf")), time.process_time() - start)
    for name, cpu in best.items():
        print(f"  {name:<48} {cpu:6.2f} s CPU {cpu / rows * 1e6:7.2f} us/row (best of {rounds})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--readers", action="store_true", help="compare the CSV reader with pandas' read_csv")
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
        if args.readers:
            print(f"{args.rows:,} shipment rows, their cells read (and, last, read and mapped) in this process")
            compare_readers(path, args.rows, args.rounds)
            return
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
