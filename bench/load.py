"""Loader throughput against Neo4j's own LOAD CSV and a naive row-by-row MERGE, side by side in one run.

    python bench/load.py [--rows 1000000] [--naive-rows 20000] [--rss-rows 1000000 5000000]
    python bench/load.py --rss-only [--rss-rows 1000000 5000000]

Every contender loads the same generated shipments.csv (standard record format) into a fresh local
Neo4j (its own temporary data directory, same constraints from `ensure_schema`), and the script prints
rows/s and the ratios. LOAD CSV runs twice, with the same merges per row (6 entities: shipment, origin,
destination, commodity, courier, port, merged on `id`; 4 relationships merged on `id`; ids built in
Cypher from lower-cased keys, cheaper than the loader's normalisation):

- "same graph": it also writes what the loader writes (dataset, caption, search_text, aliases, sources
  as file:row, loads on every entity and link), so both end with the same properties;
- "values only": ids and values, none of the provenance; the cheapest graph LOAD CSV can make.

`chokepoint load --bulk` (Neo4j's importer, the Neo4j stopped and restarted around it, the schema and the
Load records written after) loads the same file into its own fresh Neo4j; its time is the whole command.

Then the loader's peak RSS is measured (a subprocess polled with psutil) at each --rss-rows size (a
size equal to --rows reuses the first run). `--rss-only` runs just that: the loader at each size.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from chokepoint.graph import local
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.store import Store

PORTS = ["2504", "2604", "2503", "2304", "2402", "2305", "2404", "2406", "2407", "2408"]
LOAD_CSV_SAME_GRAPH = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  WITH row, 'shipments.csv:' + linenumber() AS ref, [$load] AS loads
  MERGE (s:Entity {id: 'lc:shipment:' + toLower(row.shipment_id)})
    ON CREATE SET s:Shipment, s.shipment_id = row.shipment_id, s.commodity = row.commodity,
        s.quantity = toFloat(row.quantity), s.unit = row.unit, s.date = date(row.date), s.mode = row.mode,
        s.dataset = 'lc', s.aliases = [row.shipment_id], s.sources = [ref], s.loads = loads,
        s.caption = row.shipment_id, s.search_text = s.id + ' ' + row.shipment_id
  MERGE (o:Entity {id: 'lc:location:' + toLower(row.from)})
    ON CREATE SET o:Location, o.name = row.from, o.dataset = 'lc', o.aliases = [row.from], o.sources = [],
        o.loads = loads, o.caption = row.from, o.search_text = o.id + ' ' + row.from
  MERGE (d:Entity {id: 'lc:location:' + toLower(row.to)})
    ON CREATE SET d:Location, d.name = row.to, d.dataset = 'lc', d.aliases = [row.to], d.sources = [],
        d.loads = loads, d.caption = row.to, d.search_text = d.id + ' ' + row.to
  MERGE (c:Entity {id: 'lc:chemical:' + toLower(row.commodity)})
    ON CREATE SET c:Chemical, c.name = row.commodity, c.dataset = 'lc', c.aliases = [row.commodity],
        c.sources = [], c.loads = loads, c.caption = row.commodity, c.search_text = c.id + ' ' + row.commodity
  MERGE (p:Entity {id: 'lc:person:' + toLower(row.courier)})
    ON CREATE SET p:Person, p.name = row.courier, p.dataset = 'lc', p.aliases = [row.courier], p.sources = [],
        p.loads = loads, p.caption = row.courier, p.search_text = p.id + ' ' + row.courier
  MERGE (e:Entity {id: 'lc:portofentry:' + toLower(row.port)})
    ON CREATE SET e:PortOfEntry, e.code = row.port, e.dataset = 'lc', e.aliases = [row.port], e.sources = [],
        e.loads = loads, e.caption = row.port, e.search_text = e.id + ' ' + row.port
  MERGE (o)-[l:SHIPPED_TO {id: 'lc:leg:' + row.shipment_id}]->(d)
    ON CREATE SET l.shipment_id = row.shipment_id, l.commodity = row.commodity, l.quantity = toFloat(row.quantity),
        l.unit = row.unit, l.date = date(row.date), l.mode = row.mode, l.dataset = 'lc', l.sources = [ref],
        l.loads = loads
  MERGE (s)-[k:CARRIES {id: 'lc:carries:' + row.shipment_id}]->(c)
    ON CREATE SET k.quantity = toFloat(row.quantity), k.unit = row.unit, k.dataset = 'lc', k.sources = [ref],
        k.loads = loads
  MERGE (s)-[b:TRANSPORTED_BY {id: 'lc:by:' + row.shipment_id}]->(p)
    ON CREATE SET b.dataset = 'lc', b.sources = [ref], b.loads = loads
  MERGE (s)-[a:ENTERED_AT {id: 'lc:at:' + row.shipment_id}]->(e)
    ON CREATE SET a.date = date(row.date), a.dataset = 'lc', a.sources = [ref], a.loads = loads
} IN TRANSACTIONS OF 10000 ROWS
"""
LOAD_CSV_VALUES_ONLY = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (s:Entity {id: 'lc:shipment:' + toLower(row.shipment_id)})
    SET s:Shipment, s.shipment_id = row.shipment_id, s.commodity = row.commodity,
        s.quantity = toFloat(row.quantity), s.unit = row.unit, s.date = date(row.date), s.dataset = 'lc'
  MERGE (o:Entity {id: 'lc:location:' + toLower(row.from)}) SET o:Location, o.name = row.from, o.dataset = 'lc'
  MERGE (d:Entity {id: 'lc:location:' + toLower(row.to)}) SET d:Location, d.name = row.to, d.dataset = 'lc'
  MERGE (c:Entity {id: 'lc:chemical:' + toLower(row.commodity)}) SET c:Chemical, c.name = row.commodity
  MERGE (p:Entity {id: 'lc:person:' + toLower(row.courier)}) SET p:Person, p.name = row.courier
  MERGE (e:Entity {id: 'lc:portofentry:' + toLower(row.port)}) SET e:PortOfEntry, e.code = row.port
  MERGE (o)-[l:SHIPPED_TO {id: 'lc:leg:' + row.shipment_id}]->(d)
    SET l.quantity = toFloat(row.quantity), l.date = date(row.date), l.shipment_id = row.shipment_id
  MERGE (s)-[:CARRIES {id: 'lc:carries:' + row.shipment_id}]->(c)
  MERGE (s)-[:TRANSPORTED_BY {id: 'lc:by:' + row.shipment_id}]->(p)
  MERGE (s)-[:ENTERED_AT {id: 'lc:at:' + row.shipment_id}]->(e)
} IN TRANSACTIONS OF 10000 ROWS
"""
NAIVE = [
    "MERGE (s:Entity {id: $sid}) SET s:Shipment, s.shipment_id = $shipment_id, s.quantity = $quantity",
    "MERGE (o:Entity {id: $oid}) SET o:Location, o.name = $from",
    "MERGE (d:Entity {id: $did}) SET d:Location, d.name = $to",
    "MERGE (c:Entity {id: $cid}) SET c:Chemical, c.name = $commodity",
    "MERGE (p:Entity {id: $pid}) SET p:Person, p.name = $courier",
    "MERGE (e:Entity {id: $eid}) SET e:PortOfEntry, e.code = $port",
    "MATCH (o:Entity {id: $oid}), (d:Entity {id: $did}) MERGE (o)-[:SHIPPED_TO {id: $sid}]->(d)",
    "MATCH (s:Entity {id: $sid}), (c:Entity {id: $cid}) MERGE (s)-[:CARRIES {id: $sid}]->(c)",
    "MATCH (s:Entity {id: $sid}), (p:Entity {id: $pid}) MERGE (s)-[:TRANSPORTED_BY {id: $sid}]->(p)",
    "MATCH (s:Entity {id: $sid}), (e:Entity {id: $eid}) MERGE (s)-[:ENTERED_AT {id: $sid}]->(e)",
]


def generate(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["shipment_id", "from", "from_type", "to", "to_type", "commodity", "quantity", "unit",
                    "date", "mode", "courier", "port"])
        for i in range(rows):
            w.writerow([f"S{i}", f"Place {i % 20000}", "Location", f"Place {(i * 7 + 1) % 20000}", "Location",
                        ["NPP", "4-ANPP", "Fentanyl pills"][i % 3], i % 50 + 1, "kg",
                        f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "land", f"Courier {i % 5000}", PORTS[i % 10]])


class FreshNeo4j:
    """A throw-away local Neo4j; ``load_csv=True``: LOAD CSV may read ``<dir>/store/import`` and its one
    long transaction is not stopped (the product's own instances allow neither)."""

    def __init__(self, load_csv: bool = False):
        self.load_csv = load_csv

    def __enter__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="chokepoint-bench-"))
        extra = {"import_dir": self.dir / "store" / "import", "tx_timeout": 0} if self.load_csv else {}
        local.start(self.dir, port=local.free_port(), heap="2g", pagecache="1g", timeout=900, **extra)
        self.store = Store.connect(settings_from_env(self.dir))
        self.store.ensure_schema()
        return self

    def __exit__(self, *exc):
        self.store.close()
        local.stop(self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)


def run_loader(records: Path, data_dir: Path, bulk: bool = False) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of `chokepoint load` (with `--bulk`) in a subprocess. The RSS is the
    loader's Python processes together (a bulk load's worker processes included; the Java importer and
    the restarted Neo4j, children too, are not: their heaps are fixed by -Xmx)."""
    cmd = [sys.executable, "-m", "chokepoint.cli", "load", str(records), "--dataset", "bench", "--json",
           *(["--bulk"] if bulk else [])]
    env = {"CHOKEPOINT_NEO4J_DATA": str(data_dir), "PATH": "/usr/bin:/bin"}
    start = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        try:
            family = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(_rss(p) for p in family if _is_python(p)))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.05)
    if proc.returncode != 0:
        raise SystemExit(f"loader failed: {proc.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - start, peak


def _rss(p: psutil.Process) -> int:
    try:
        return p.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def _is_python(p: psutil.Process) -> bool:
    try:
        return "python" in p.name()
    except psutil.NoSuchProcess:
        return False


def measure_rss(work: Path, sizes: list[int], measured: dict[int, int], bulk: bool = False) -> None:
    """Print the loader's peak RSS at each size (``measured``: sizes whose peak a run above gave)."""
    peaks = []
    name = "bulk loader" if bulk else "loader"
    for n in sizes:
        if n in measured:
            peaks.append(measured[n])
            print(f"  {name} at {n:>10,} rows: peak RSS {measured[n] / 2**20:,.0f} MiB (the run above)", flush=True)
            continue
        d = work / f"rss-{n}"
        d.mkdir()
        generate(d / "shipments.csv", n)
        with FreshNeo4j() as neo:
            secs, rss = run_loader(d, neo.dir, bulk=bulk)
        shutil.rmtree(d, ignore_errors=True)
        peaks.append(rss)
        print(f"  {name} at {n:>10,} rows: peak RSS {rss / 2**20:,.0f} MiB ({n / secs:,.0f} rows/s)", flush=True)
    if len(peaks) > 1:
        print(f"  {name} RSS growth {sizes[0]:,} -> {sizes[-1]:,} rows: {peaks[-1] / peaks[0]:.2f}x (target <= 1.5x)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--naive-rows", type=int, default=20_000)
    ap.add_argument("--rss-rows", type=int, nargs="*", default=[1_000_000, 5_000_000])
    ap.add_argument("--rss-only", action="store_true", help="only the loader's peak RSS at each --rss-rows size")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chokepoint-bench-records-"))
    if args.rss_only:
        measure_rss(work, args.rss_rows, {})
        measure_rss(work, args.rss_rows, {}, bulk=True)
        shutil.rmtree(work, ignore_errors=True)
        return
    records = work / "records"
    records.mkdir()
    generate(records / "shipments.csv", args.rows)
    print(f"{args.rows:,} shipment rows ({(records / 'shipments.csv').stat().st_size / 1e6:.0f} MB)")

    with FreshNeo4j() as neo:
        secs, rss = run_loader(records, neo.dir)
        loader_rate = args.rows / secs
        print(f"  chokepoint load: {secs:8.1f} s {loader_rate:10,.0f} rows/s  peak RSS {rss / 2**20:,.0f} MiB",
              flush=True)
    first_rss = rss
    with FreshNeo4j() as neo:
        neo.store.close()  # the bulk load stops and restarts this Neo4j
        secs, bulk_rss = run_loader(records, neo.dir, bulk=True)
        bulk_rate = args.rows / secs
        print(f"  chokepoint load --bulk: {secs:8.1f} s {bulk_rate:10,.0f} rows/s  peak RSS {bulk_rss / 2**20:,.0f} MiB "
              f"(workers: {os.environ.get('CHOKEPOINT_BULK_WORKERS') or 'default'})", flush=True)
        neo.store = Store.connect(settings_from_env(neo.dir))
    load_csv_rates = {}
    for name, query in (("same graph", LOAD_CSV_SAME_GRAPH), ("values only", LOAD_CSV_VALUES_ONLY)):
        with FreshNeo4j(load_csv=True) as neo:
            import_dir = neo.dir / "store" / "import"
            import_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(records / "shipments.csv", import_dir / "shipments.csv")
            start = time.perf_counter()
            with neo.store.driver.session(database=neo.store.database) as session:
                session.run(query, url="file:///shipments.csv", load="load:" + "0" * 20).consume()
            secs = time.perf_counter() - start
            load_csv_rates[name] = args.rows / secs
            print(f"  LOAD CSV ({name}): {secs:8.1f} s {load_csv_rates[name]:10,.0f} rows/s", flush=True)
    with FreshNeo4j() as neo:
        with open(records / "shipments.csv", newline="") as f:
            rows = [r for _, r in zip(range(args.naive_rows), csv.DictReader(f))]
        start = time.perf_counter()
        for r in rows:
            p = {**r, "sid": "n:s:" + r["shipment_id"], "oid": "n:l:" + r["from"], "did": "n:l:" + r["to"],
                 "cid": "n:c:" + r["commodity"], "pid": "n:p:" + r["courier"], "eid": "n:e:" + r["port"],
                 "quantity": float(r["quantity"])}
            for q in NAIVE:
                neo.store.write(q, **p)
        secs = time.perf_counter() - start
        naive_rate = len(rows) / secs
        print(f"  naive MERGE:     {secs:8.1f} s {naive_rate:10,.0f} rows/s  ({len(rows):,} rows, one query per write)",
              flush=True)
    for name, rate in load_csv_rates.items():
        print(f"  ratio loader / LOAD CSV ({name}): {loader_rate / rate:.2f}x (target >= 1.0x)")
    print(f"ratio bulk / LOAD CSV (same graph): {bulk_rate / load_csv_rates['same graph']:.2f}x")
    print(f"  ratio loader / naive:    {loader_rate / naive_rate:.1f}x (target >= 20x)")

    measure_rss(work, args.rss_rows, {args.rows: first_rss})
    measure_rss(work, args.rss_rows, {args.rows: bulk_rss}, bulk=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
