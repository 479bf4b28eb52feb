"""The explorer under load: server-side latency of its callbacks on big graphs, and paint time in Chromium.

    python bench/explorer.py                          # 100k and 1M entities, 200 calls per callback
    python bench/explorer.py --sizes 100000 --calls 100

For each size, a fresh local Neo4j gets a generated graph shaped like a case (persons, phones, vehicles,
places, ports; USES, CALLED, OPERATES, LOCATED_IN, CROSSED_AT links; phone calls follow a heavy-tailed
degree distribution), written directly with ``UNWIND ... CREATE`` (the loader's speed is measured by
bench/load.py; here only the app's latency matters), with the schema and the full-text index.

Then the Dash app's own HTTP endpoint (``/_dash-update-component``, through Flask's test client: the
whole server side of a callback, without the network) is called for:

- search: the suggestions callback for a typed name prefix (random person names),
- expand: the search-result callback that draws an entity's capped neighbourhood (random entities),
- path: the Paths tab's run callback between two random persons (shortest path, up to 6 hops),

and p50/p95 are printed. Finally headless Chromium (Debian's, as in the tests) paints 500 elements with
preset positions through dash-cytoscape: the time from setting the elements to the second animation
frame after they are all in cytoscape. Targets (issue 6): p95 < 100 ms at 1M entities; < 1 s to paint 500.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from chokepoint.graph import local
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.store import Store

FIRST = ["Ana", "Luis", "Jorge", "María", "José", "Carlos", "Rosa", "Miguel", "Elena", "Pedro", "Sofía", "Raúl"]
LAST = ["Ortega", "Ruiz", "García", "López", "Pérez", "Soto", "Reyes", "Cruz", "Flores", "Vega", "Ríos", "Mora"]
BATCH = 10_000


def _person(i: int, rnd: random.Random) -> str:
    return f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {i}"


def build(store: Store, entities: int, seed: int = 7) -> dict:
    """Write a case-shaped graph of about ``entities`` nodes; returns what the calls will pick from."""
    rnd = random.Random(seed)
    people, phones = int(entities * 0.45), int(entities * 0.45)
    vehicles, places = int(entities * 0.07), max(entities - int(entities * 0.45) * 2 - int(entities * 0.07), 10)
    t = time.perf_counter()

    def nodes(label: str, count: int, caption) -> None:
        for start in range(0, count, BATCH):
            rows = [{"id": f"{label.lower()}:{i}", "caption": caption(i)} for i in range(start, min(count, start + BATCH))]
            store.write(f"UNWIND $rows AS r CREATE (n:Entity:{label} {{id: r.id, caption: r.caption, "
                        "search_text: toLower(r.caption), dataset: 'bench'})", rows=rows)

    def links(kind: str, pairs) -> None:
        batch = []
        for i, (a, b) in enumerate(pairs):
            batch.append({"a": a, "b": b, "id": f"{kind.lower()}:{i}", "date": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}"})
            if len(batch) == BATCH:
                _links(store, kind, batch)
                batch = []
        if batch:
            _links(store, kind, batch)

    names = {}
    nodes("Person", people, lambda i: names.setdefault(i, _person(i, rnd)))
    nodes("Phone", phones, lambda i: f"+52 55 {i:08d}")
    nodes("Vehicle", vehicles, lambda i: f"PLT{i:06d}")
    nodes("Location", places, lambda i: f"Place {i}")
    nodes("PortOfEntry", 10, lambda i: f"Port {i}")
    store.write("CALL db.awaitIndexes(600)")

    def heavy(n: int) -> int:  # heavy-tailed pick: a few hubs, many leaves
        return min(int(n * rnd.random() ** 3), n - 1)

    links("USES", ((f"person:{i}", f"phone:{i}") for i in range(min(people, phones))))
    links("CALLED", ((f"phone:{rnd.randrange(phones)}", f"phone:{heavy(phones)}") for _ in range(phones * 2)))
    links("OPERATES", ((f"person:{rnd.randrange(people)}", f"vehicle:{i}") for i in range(vehicles)))
    links("LOCATED_IN", ((f"person:{i}", f"location:{heavy(places)}") for i in range(0, people, 3)))
    links("CROSSED_AT", ((f"vehicle:{rnd.randrange(vehicles)}", f"portofentry:{rnd.randrange(10)}")
                         for _ in range(vehicles)))
    counts = store.counts()
    print(f"  built {sum(counts['labels'].values()):,} entities, {sum(counts['relationships'].values()):,} links "
          f"in {time.perf_counter() - t:.0f} s")
    return {"people": people, "names": names}


def _links(store: Store, kind: str, rows: list[dict]) -> None:
    store.write(f"UNWIND $rows AS r MATCH (a:Entity {{id: r.a}}), (b:Entity {{id: r.b}}) "
                f"CREATE (a)-[:{kind} {{id: r.id, date: date(r.date), dataset: 'bench'}}]->(b)", rows=rows)


class Callbacks:
    """Call the app's callbacks through its HTTP endpoint, as the browser does."""

    def __init__(self, dash_app):
        self.app = dash_app
        self.client = dash_app.server.test_client()
        self.client.get("/")  # first request sets the app up

    def _key(self, input_id: str, prop: str) -> str:
        for key, cb in self.app.callback_map.items():
            if any(i["id"] == input_id and i["property"] == prop for i in cb["inputs"]):
                return key
        raise KeyError(f"no callback takes {input_id}.{prop}")

    def call(self, input_id: str, prop: str, value, states: dict | None = None) -> dict:
        key = self._key(input_id, prop)
        cb = self.app.callback_map[key]
        outputs = [{"id": o.split(".")[0], "property": o.split(".", 1)[1]}
                   for o in key.strip(".").split("...")]
        payload = {
            "output": key,
            "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": [{"id": i["id"], "property": i["property"],
                        "value": value if (i["id"], i["property"]) == (input_id, prop) else None}
                       for i in cb["inputs"]],
            "changedPropIds": [f"{input_id}.{prop}"],
            "state": [{"id": s["id"], "property": s["property"], "value": (states or {}).get(s["id"])}
                      for s in cb["state"]],
        }
        r = self.client.post("/_dash-update-component", data=json.dumps(payload),
                             content_type="application/json")
        if r.status_code not in (200, 204):
            raise RuntimeError(f"{key}: HTTP {r.status_code} {r.data[:300]!r}")
        return r.get_json() if r.status_code == 200 else {}


def timed(calls: int, fn) -> tuple[float, float]:
    times = []
    for i in range(calls):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def measure(store: Store, picks: dict, calls: int, seed: int = 3) -> None:
    from chokepoint.app.main import create_app

    rnd = random.Random(seed)
    cb = Callbacks(create_app(store))
    people, names = picks["people"], picks["names"]
    prefixes = [" ".join(names[rnd.randrange(people)].split()[:2])[: rnd.randint(5, 12)] for _ in range(calls)]
    entities = [f"person:{rnd.randrange(people)}" for _ in range(calls)]
    pairs = [(f"person:{rnd.randrange(people)}", f"person:{rnd.randrange(people)}") for _ in range(calls)]
    print(f"  {'callback':<10}{'p50 ms':>10}{'p95 ms':>10}")
    for name, fn in [
        ("search", lambda i: cb.call("search", "search_value", prefixes[i], {"search": []})),
        ("expand", lambda i: cb.call("search", "value", entities[i])),
        ("path", lambda i: cb.call("paths-run", "n_clicks", i + 1,
                                   {"paths-start": pairs[i][0], "paths-end": pairs[i][1], "paths-mode": "shortest",
                                    "paths-direction": "both", "paths-k": 3, "paths-hops": 6})),
    ]:
        try:
            p50, p95 = timed(calls, fn)
        except KeyError as err:
            print(f"  {name:<10} not measured: {err}")
            continue
        print(f"  {name:<10}{p50:>10.1f}{p95:>10.1f}")


def paint(store: Store, elements: int = 500) -> None:
    """Milliseconds from handing dash-cytoscape ``elements`` nodes (preset positions) to their painted frame."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from chokepoint.app.main import create_app

    server = make_server("127.0.0.1", 0, create_app(store).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    nodes = [{"data": {"id": f"n{i}", "label": f"N{i}"}, "classes": "Person",
              "position": {"x": (i % 25) * 60, "y": (i // 25) * 60}} for i in range(elements)]
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        page.wait_for_function("() => document.querySelector('#cy')?._cyreg?.cy")
        runs = []
        for _ in range(5):
            ms = page.evaluate("""(els) => new Promise(done => {
                const cy = document.querySelector('#cy')._cyreg.cy;
                window.dash_clientside.set_props('cy', {elements: [], layout: {name: 'preset'}});
                setTimeout(() => {
                  const t = performance.now();
                  window.dash_clientside.set_props('cy', {elements: els, layout: {name: 'preset'}});
                  const wait = () => cy.nodes().length === els.length
                    ? requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)))
                    : setTimeout(wait, 5);
                  wait();
                }, 200);
            })""", nodes)
            runs.append(ms)
        b.close()
    server.shutdown()
    print(f"paint {elements} elements (preset positions), headless Chromium: median {statistics.median(runs):.0f} ms, "
          f"runs {', '.join(f'{r:.0f}' for r in runs)} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000", help="entities per graph, comma separated")
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--skip-paint", action="store_true")
    args = ap.parse_args()
    for n, size in enumerate(int(s) for s in args.sizes.split(",")):
        print(f"{size:,} entities")
        data = Path(tempfile.mkdtemp(prefix="chokepoint-bench-app-"))
        try:
            local.start(data, port=local.free_port(), heap="3g", pagecache="2g")
            with Store.connect(settings_from_env(data)) as store:
                store.ensure_schema()
                picks = build(store, size)
                measure(store, picks, args.calls)
                if n == 0 and not args.skip_paint:
                    paint(store)
        finally:
            local.stop(data)
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
