"""Generator throughput and memory: records/s (target >= 200k) and peak RSS as the scale grows.

    python bench/generate.py [--scenario poe-couriers] [--scales 500 5000] [--seed 1] [--links]

Each scale runs in its own process (so peak RSS is that run's alone) writing to a temporary folder
that is deleted afterwards. Prints records, entities, seconds, records/s (wall clock and CPU) and peak
RSS per scale, then the RSS ratio largest/smallest scale (streaming: it should stay near 1).
With --links, each case is also mapped through the loaders' standard mapping (no Neo4j; slow) to
count the distinct entities and relationships it will make in the graph.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 200_000


def graph_size(folder: Path) -> tuple[int, int]:
    """Distinct entity and relationship ids the loaders would write for the case in ``folder``."""
    from chokepoint.loaders.load import _mapped, plan
    from chokepoint.loaders.mapping import STANDARD_MAPPING, load_mapping
    from chokepoint.loaders.rows import Reject

    entities, links = set(), set()
    for spec, path in plan(folder, load_mapping(STANDARD_MAPPING))[0]:
        for item in _mapped(spec, path, "bench"):
            if not isinstance(item, Reject):
                entities.update(n.id for n in item[0])
                links.update(r.id for r in item[1])
    return len(entities), len(links)


def one_run(scenario: str, seed: int, scale: float, links: bool) -> dict:
    """Runs in the child process: generate, then report figures as JSON on stdout."""
    from chokepoint.synthetic.generator import generate

    out = Path(tempfile.mkdtemp(prefix="chokepoint-bench-generate-"))
    try:
        cpu = time.process_time()
        summary = generate(scenario, seed, out, scale=scale)
        cpu = time.process_time() - cpu
        size = sum(p.stat().st_size for p in out.iterdir())
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        graph = graph_size(out) if links else None
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"scale": scale, "records": summary.total_records, "entities": summary.entities,
            "seconds": summary.seconds, "cpu": cpu, "bytes": size, "rss": rss, "graph": graph}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="poe-couriers")
    ap.add_argument("--scales", type=float, nargs="+", default=[500, 5000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--links", action="store_true", help="also count graph entities and relationships")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one_run(args.scenario, args.seed, args.scales[0], args.links)))
        return
    rows = []
    print(f"{args.scenario}, seed {args.seed}")
    print(f"{'scale':>8} {'records':>12} {'entities':>11} {'MB':>7} {'seconds':>8} {'records/s':>11} "
          f"{'(CPU)':>11} {'peak RSS':>9}")
    for scale in args.scales:
        done = subprocess.run([sys.executable, __file__, "--child", "--scenario", args.scenario, "--seed",
                               str(args.seed), "--scales", str(scale), *(["--links"] if args.links else [])],
                              capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"{r['scale']:>8g} {r['records']:>12,} {r['entities']:>11,} {r['bytes'] / 1e6:>7,.0f} "
              f"{r['seconds']:>8.1f} {r['records'] / r['seconds']:>11,.0f} {r['records'] / r['cpu']:>11,.0f} "
              f"{r['rss'] / 2**20:>7,.0f} MiB", flush=True)
        if r["graph"]:
            print(f"{'':>8} in the graph: {r['graph'][0]:,} entities, {r['graph'][1]:,} relationships", flush=True)
    best = max(r["records"] / r["seconds"] for r in rows)
    print(f"best rate {best:,.0f} records/s: {best / TARGET:.2f}x the {TARGET:,} target")
    if len(rows) > 1:
        print(f"peak RSS at scale {rows[-1]['scale']:g} / scale {rows[0]['scale']:g}: "
              f"{rows[-1]['rss'] / rows[0]['rss']:.2f}x for {rows[-1]['records'] / rows[0]['records']:.1f}x the records")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
