"""The explorer under concurrent use: simulated sessions over HTTP against the served app's callbacks.

    python bench/load_test.py                                  # 20 sessions, 60 s, 100k entities
    python bench/load_test.py --sessions 20 --seconds 60 --entities 100000 --think 1.0

A fresh local Neo4j gets the case-shaped graph of ``bench/explorer.py`` (persons, phones, vehicles,
places, ports; heavy-tailed phone calls). ``chokepoint serve`` runs it on a free loopback port as its
own process, with basic auth on (a users file made here; ``--no-auth`` for none), as a real deployment
would. Then ``--sessions`` threads, each a user with its own keep-alive HTTP connection and
credentials, repeat for ``--seconds``:

- search: type a name prefix (the suggestions callback, ``search.search_value``),
- expand: pick an entity (``search.value``: its capped neighbourhood as a view change, the deep link),
  then what the browser fires next: the canvas applying the view change (with the canvas's current
  elements as state) and the details panel for the selected entity,
- path: the Paths tab's Find (shortest path between two persons, up to 6 hops, both directions), then
  the canvas applying it,

pausing ``--think`` seconds (uniform 0.5x-1.5x) between actions. Each callback is one POST to
``/_dash-update-component`` with the payload dash-renderer sends (output key, outputs, inputs, state,
changedPropIds), built from the server's own ``/_dash-dependencies``; the outputs are kept as the
session's state, so later callbacks get the state a browser would hold. The run is bounded: sessions
start no action after the deadline, and each request times out after ``--timeout`` seconds.

Printed: per action count, p50, p95 and max (ms, client side: request to response, callbacks of the
action together), actions per second, and errors (HTTP status other than 200/204, a failed or timed-out
request, or an error message in the app's banner), which must be 0.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chokepoint.app import auth  # noqa: E402
from bench.explorer import build  # noqa: E402
from chokepoint.graph import local  # noqa: E402
from chokepoint.graph.config import settings_from_env  # noqa: E402
from chokepoint.graph.store import Store  # noqa: E402

# outputs whose new value fires further callbacks in the browser (the chains of an action)
FOLLOW = {("view-change", "data"), ("selected", "data")}
BANNER = ("banner", "children")
PATH_FORM = {("paths-mode", "value"): "shortest", ("paths-direction", "value"): "both", ("paths-k", "value"): 3,
             ("paths-hops", "value"): 6}


class Callbacks:
    """The app's callbacks from ``/_dash-dependencies``, by the input that fires them."""

    def __init__(self, dependencies: list[dict]):
        self.by_input: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for cb in dependencies:
            if cb.get("clientside_function"):
                continue
            for i in cb["inputs"]:
                if isinstance(i["id"], str):
                    self.by_input[(i["id"], i["property"])].append(cb)

    @staticmethod
    def payload(cb: dict, trigger: tuple[str, str], state: dict) -> dict:
        key = cb["output"]
        outputs = [{"id": o.split(".", 1)[0], "property": o.split(".", 1)[1]} for o in key.strip(".").split("...")]
        value = lambda d: state.get((d["id"], d["property"]))  # noqa: E731
        return {
            "output": key,
            "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": [{"id": i["id"], "property": i["property"], "value": value(i)} for i in cb["inputs"]],
            "changedPropIds": [f"{trigger[0]}.{trigger[1]}"],
            "state": [{"id": s["id"], "property": s["property"], "value": value(s)} for s in cb["state"]],
        }


class Session(threading.Thread):
    """One simulated user: its own connection, credentials, browser-side state and random choices."""

    def __init__(self, n: int, port: int, headers: dict, callbacks: Callbacks, picks: dict, deadline: float,
                 think: float, timeout: float, max_actions: int):
        super().__init__(daemon=True, name=f"session-{n}")
        self.port, self.headers, self.callbacks, self.picks = port, headers, callbacks, picks
        self.deadline, self.think, self.timeout, self.max_actions = deadline, think, timeout, max_actions
        self.rnd = random.Random(n)
        self.state: dict[tuple[str, str], object] = {("search", "options"): [], ("cy", "elements"): [], **PATH_FORM}
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.requests = 0
        self.conn: http.client.HTTPConnection | None = None

    def run(self) -> None:
        actions = [("search", self.search), ("expand", self.expand), ("path", self.path)]
        done = 0
        time.sleep(self.rnd.uniform(0, self.think))          # users do not all start in the same instant
        while time.monotonic() < self.deadline and done < self.max_actions:
            name, action = actions[done % len(actions)]
            t = time.perf_counter()
            try:
                action()
            except Exception as err:  # any failure is the measurement: counted and named, never raised
                self.errors.append(f"{name}: {type(err).__name__}: {err}"[:300])
                self._close()
            else:
                self.times[name].append((time.perf_counter() - t) * 1000)
            done += 1
            if self.think:
                time.sleep(self.rnd.uniform(0.5, 1.5) * self.think)
        self._close()

    # -- the three actions -------------------------------------------------------------------------
    def _person(self) -> int:
        return self.rnd.randrange(self.picks["people"])

    def search(self) -> None:
        name = self.picks["names"][self._person()]
        self.fire(("search", "search_value"), " ".join(name.split()[:2])[: self.rnd.randint(5, 12)])

    def expand(self) -> None:
        options = self.state.get(("search", "options")) or []
        entity = self.rnd.choice(options)["value"] if options else f"person:{self._person()}"
        self.fire(("search", "value"), entity)

    def path(self) -> None:
        self.state[("paths-start", "value")] = f"person:{self._person()}"
        self.state[("paths-end", "value")] = f"person:{self._person()}"
        clicks = (self.state.get(("paths-run", "n_clicks")) or 0) + 1
        self.fire(("paths-run", "n_clicks"), clicks)

    # -- a small dash-renderer -----------------------------------------------------------------------
    def fire(self, trigger: tuple[str, str], value: object, depth: int = 0) -> None:
        """Set ``trigger`` to ``value`` and run every callback it fires, then those its outputs fire."""
        self.state[trigger] = value
        changed: list[tuple[str, str]] = []
        for cb in self.callbacks.by_input.get(trigger, ()):
            status, body = self.post(Callbacks.payload(cb, trigger, self.state))
            if status == 204:
                continue
            for component, props in json.loads(body).get("response", {}).items():
                for prop, new in props.items():
                    key = (component, prop.split("@", 1)[0])
                    self.state[key] = new
                    changed.append(key)
                    if key == BANNER and new:
                        raise RuntimeError(f"the app's banner says: {new}")
        if depth < 3:
            for key in changed:
                if key in FOLLOW:
                    self.fire(key, self.state[key], depth + 1)

    def post(self, payload: dict) -> tuple[int, bytes]:
        body = json.dumps(payload).encode()
        for attempt in (1, 2):   # a keep-alive connection the server closed is reopened once, not counted
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", "/_dash-update-component", body,
                                  {**self.headers, "Content-Type": "application/json"})
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._close()
                if attempt == 2:
                    raise
        self.requests += 1
        if resp.will_close:
            self._close()
        if resp.status not in (200, 204):
            raise RuntimeError(f"HTTP {resp.status} for {payload['output']}: {data[:200]!r}")
        return resp.status, data

    def _close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def serve(data: Path, port: int, users_file: Path | None, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "CHOKEPOINT_"))}
    env["CHOKEPOINT_NEO4J_DATA"] = str(data)
    if users_file:
        env[auth.USERS_FILE_ENV] = str(users_file)
    cmd = [sys.executable, "-m", "chokepoint.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parents[1])


def get(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * q))]


def run(args: argparse.Namespace) -> int:
    data = Path(tempfile.mkdtemp(prefix="chokepoint-bench-loadtest-"))
    server = None
    try:
        print(f"local Neo4j in {data}; building {args.entities:,} entities", flush=True)
        local.start(data, port=local.free_port(), heap=args.heap, pagecache=args.pagecache)
        with Store.connect(settings_from_env(data)) as store:
            store.ensure_schema()
            picks = build(store, args.entities)
        headers: dict[str, str] = {}
        users_file = None
        if args.auth:
            users_file = data / "users"
            password = secrets.token_urlsafe(12)
            auth.write_user(users_file, "bench", auth.hash_password(password))
            headers["Authorization"] = "Basic " + base64.b64encode(f"bench:{password}".encode()).decode()
        port = local.free_port()
        server = serve(data, port, users_file, data / "serve.log")
        for _ in range(600):
            try:
                if get(port, "/", headers)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"chokepoint serve exited: {(data / 'serve.log').read_text()[-2000:]}")
            time.sleep(0.1)
        if args.auth:
            assert get(port, "/", {})[0] == 401, "the served app answered without credentials"
        callbacks = Callbacks(json.loads(get(port, "/_dash-dependencies", headers)[1]))
        load_before = os.getloadavg()
        print(f"chokepoint serve on 127.0.0.1:{port} ({'basic auth' if args.auth else 'no auth'}); "
              f"{args.sessions} sessions for {args.seconds:g} s, think {args.think:g} s; "
              f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}", flush=True)
        start = time.monotonic()
        sessions = [Session(n, port, headers, callbacks, picks, start + args.seconds, args.think, args.timeout,
                            args.max_actions) for n in range(args.sessions)]
        for s in sessions:
            s.start()
        for s in sessions:
            s.join(args.seconds + 2 * args.timeout + 10)
        elapsed = time.monotonic() - start
        load_after = os.getloadavg()
        return report(sessions, elapsed, load_after)
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        local.stop(data)
        shutil.rmtree(data, ignore_errors=True)


def report(sessions: list[Session], elapsed: float, load_after: tuple[float, float, float]) -> int:
    times: dict[str, list[float]] = defaultdict(list)
    for s in sessions:
        for name, ms in s.times.items():
            times[name].extend(ms)
    errors = [e for s in sessions for e in s.errors]
    stuck = [s.name for s in sessions if s.is_alive()]
    print(f"{'action':<8}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name in ("search", "expand", "path"):
        ms = sorted(times[name])
        if ms:
            print(f"{name:<8}{len(ms):>7}{statistics.median(ms):>9.0f}{percentile(ms, 0.95):>9.0f}{ms[-1]:>9.0f}")
    actions = sum(len(v) for v in times.values())
    print(f"{actions} actions ({sum(s.requests for s in sessions)} callback requests) in {elapsed:.1f} s: "
          f"{actions / elapsed:.1f} actions/s; errors {len(errors)}; sessions still running {len(stuck)}; "
          f"load average after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    for e in errors[:10]:
        print("  error:", e)
    return 1 if errors or stuck else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--think", type=float, default=1.0, help="seconds between a session's actions (mean)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    ap.add_argument("--max-actions", type=int, default=10_000, help="per session")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--pagecache", default="1g")
    ap.add_argument("--auth", action=argparse.BooleanOptionalAction, default=True)
    sys.exit(run(ap.parse_args()))


if __name__ == "__main__":
    main()
