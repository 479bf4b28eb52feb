"""Fixtures: one real Neo4j for the session, a clean database per test module, app and browser factories.

Neo4j: ``NEO4J_URI`` when set; else the local instance under ``CHOKEPOINT_NEO4J_DATA`` (which
``make test`` starts); else this session starts a throw-away local instance itself and stops it at the
end. Tests wipe the database, so a database reached through ``NEO4J_URI`` must be empty or one these
tests marked before; anything else is refused.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from xdist.scheduler import LoadFileScheduling

from chokepoint.graph import local
from tests_support import serve_in_thread
from chokepoint.graph.config import Settings, settings_from_env
from chokepoint.graph.errors import ConfigError
from chokepoint.graph.store import Store

CHROMIUM = "/usr/bin/chromium"
TEST_MARKER = "ChokepointTestDatabase"


# -- parallel runs (pytest-xdist): ``make test`` runs ``-n 2 --dist loadfile`` ----------------------------------
# Tests wipe the database, so every worker needs its own Neo4j: worker gw0 uses the instance the wrapper
# (tests/with-local-neo4j) started, every other worker starts its own throw-away instance as soon as it
# starts (in a thread, so the JVM boots while the worker runs tests that need no Neo4j) and stops it at the
# end of its session. A module's tests run on one worker (module fixtures such as a generated case are built
# once). One database behind NEO4J_URI cannot serve two workers: with NEO4J_URI set the run falls back to
# one process. (Not ``--dist loadgroup``: under pytest 9.2 xdist 3.8 no longer groups by ``xdist_group``.)

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... in an xdist worker; None otherwise
_own_neo4j: dict = {}


def pytest_configure(config) -> None:
    if os.environ.get("NEO4J_URI") and (getattr(config.option, "numprocesses", None) or 0) > 1:
        # (xdist decides to distribute in its own pytest_configure, which runs after this one)
        config.option.numprocesses, config.option.dist, config.option.tx = 0, "no", []
        config.issue_config_time_warning(pytest.PytestConfigWarning(
            "NEO4J_URI is set: one database cannot serve two workers, so the tests run in one process"), 2)
    if WORKER not in (None, "gw0") and not os.environ.get("NEO4J_URI"):
        _start_own_neo4j()


def _start_own_neo4j() -> None:
    """This worker's own throw-away Neo4j, started in a background thread (``neo4j_settings`` waits)."""
    import threading

    data = Path(tempfile.mkdtemp(prefix=f"chokepoint-test-neo4j-{WORKER}-"))
    os.environ["CHOKEPOINT_NEO4J_DATA"] = str(data)  # for code and subprocesses that find it by directory

    def run() -> None:
        try:
            _own_neo4j["instance"] = local.start(data, port=local.free_port())
        except Exception as e:  # noqa: BLE001 (reported by neo4j_settings, in the test that needs it)
            _own_neo4j["error"] = e

    _own_neo4j["data"] = data
    _own_neo4j["thread"] = threading.Thread(target=run, daemon=True)
    _own_neo4j["thread"].start()


def pytest_sessionfinish(session) -> None:
    """Stop this worker's own Neo4j (here rather than at unconfigure: xdist ends the worker soon after)."""
    if "data" in _own_neo4j:
        _own_neo4j["thread"].join()
        try:
            local.stop(_own_neo4j["data"])
        finally:
            shutil.rmtree(_own_neo4j.pop("data"), ignore_errors=True)


#: The modules that use the spare Neo4j (they stop, restart or bulk-import it). A parallel run hands them to
#: one worker as one unit, so one spare JVM serves them all, and first, since they are the longest
#: (tests/test_suite_schedule.py fails when this list is out of date).
SPARE_MODULES = (
    "tests/loaders/test_load_faults.py",
    "tests/loaders/test_bulk.py",
    "tests/app/test_web_security.py",
    "tests/graph/test_local_neo4j.py",
    "tests/graph/test_private_files.py",
    "tests/app/test_neo4j_outage.py",
)
SPARE_UNIT = "spare-neo4j"


def _module(nodeid: str) -> str:
    return nodeid.split("::")[0]


def pytest_collection_modifyitems(config, items) -> None:
    """In a parallel run the modules that use the spare Neo4j are handed out first (see SPARE_MODULES)."""
    if WORKER:
        items.sort(key=lambda item: _module(item.nodeid) not in SPARE_MODULES)


class SpareAsOneUnit(LoadFileScheduling):
    """``--dist loadfile``, with the SPARE_MODULES as one unit (so given to one worker)."""

    def _split_scope(self, nodeid: str) -> str:
        module = _module(nodeid)
        return SPARE_UNIT if module in SPARE_MODULES else module


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return SpareAsOneUnit(config, log) if config.getvalue("dist") == "loadfile" else None


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Settings]:
    if "thread" in _own_neo4j:
        _own_neo4j["thread"].join()
        if "error" in _own_neo4j:
            pytest.fail(f"this worker's own Neo4j did not start: {_own_neo4j['error']}")
        inst = _own_neo4j["instance"]
        yield Settings(inst.uri, inst.user, inst.password, origin=f"local {inst.data_dir} (worker {WORKER})")
        return
    if os.environ.get("NEO4J_URI") and int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        pytest.fail("NEO4J_URI is set and the tests run in several workers: they would wipe one database "
                    "under each other; run them with -n 0")
    try:
        yield settings_from_env()
        return
    except ConfigError:
        pass
    data = Path(tempfile.mkdtemp(prefix="chokepoint-test-neo4j-"))
    inst = local.start(data, port=local.free_port())
    try:
        yield Settings(inst.uri, inst.user, inst.password, origin=f"local {data} (started by the tests)")
    finally:
        local.stop(data)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def _spare_neo4j_dir() -> Iterator[tuple[Path, int]]:
    """Data directory and port of the session's second, throw-away local Neo4j (started on first use)."""
    data = Path(tempfile.mkdtemp(prefix="chokepoint-spare-neo4j-"))
    yield data, local.free_port()
    try:
        local.stop(data)
    finally:
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture()
def spare_neo4j(_spare_neo4j_dir) -> local.LocalInstance:
    """A second local Neo4j that tests may stop, restart or lock; one JVM for the whole session.

    Running when handed over (started again if an earlier test left it stopped); its data is whatever
    earlier tests left, so a test that counts on contents empties it first."""
    data, port = _spare_neo4j_dir
    return local.start(data, port=port, timeout=900)  # patient: the test machines are shared


@pytest.fixture(scope="session")
def make_store(neo4j_settings: Settings) -> Iterator[Callable[[], Store]]:
    """Factory of connected stores (each closed at the end of the session)."""
    opened: list[Store] = []

    def factory() -> Store:
        store = Store.connect(neo4j_settings)
        opened.append(store)
        return store

    yield factory
    for s in opened:
        s.close()


def wipe(store: Store) -> None:
    """Delete every entity of the test database (refuses a database these tests did not mark)."""
    marked = store.read(f"MATCH (m:{TEST_MARKER}) RETURN count(m) AS n")[0]["n"]
    others = store.read(f"MATCH (n) WHERE NOT n:{TEST_MARKER} RETURN count(n) AS n")[0]["n"]
    if not marked and others:
        pytest.fail(f"refusing to wipe {store.where}: it holds {others} nodes and is not a Chokepoint test "
                    "database; point NEO4J_URI at an empty database for the tests")
    store.write(f"MERGE (:{TEST_MARKER} {{marker: true}})")
    while store.write(f"MATCH (n) WHERE NOT n:{TEST_MARKER} WITH n LIMIT 10000 DETACH DELETE n")["nodes_deleted"]:
        pass


@pytest.fixture(scope="module")
def store(make_store: Callable[[], Store]) -> Store:
    """A clean database with the schema applied, for this test module."""
    s = make_store()
    wipe(s)
    s.ensure_schema()
    return s


@pytest.fixture()
def neo4j_env(neo4j_settings: Settings, monkeypatch) -> Settings:
    """The NEO4J_* environment pointing at the test Neo4j, for CLI tests."""
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password)
    return neo4j_settings


@pytest.fixture()
def clean(store: Store) -> Store:
    """The module's store, emptied again for this one test (schema kept)."""
    wipe(store)
    return store


@pytest.fixture(scope="module")
def sample_store(store: Store) -> Store:
    """The clean database with the built-in sample case loaded (dataset ``sample``)."""
    from chokepoint.loaders.load import SAMPLE_CASE, load_records

    with tempfile.TemporaryDirectory() as tmp:
        summary = load_records(store, SAMPLE_CASE, dataset="sample", rejects_path=Path(tmp) / "rejects.csv")
    assert summary.rows_rejected == 0
    return store


@pytest.fixture(scope="module")
def case_store(store: Store, tmp_path_factory) -> tuple[Store, dict]:
    """The clean database with a generated case loaded (``poe-couriers``, seed 1, scale 1, dataset
    ``case``), and that case's ``truth.json`` (true roles, routes, arrests, questions and answers)."""
    import json

    from chokepoint.loaders.load import load_records
    from chokepoint.synthetic.generator import generate

    folder = tmp_path_factory.mktemp("case")
    generate("poe-couriers", 1, folder)
    summary = load_records(store, folder, dataset="case", rejects_path=folder / "rejects.csv")
    assert summary.rows_loaded and summary.rows_read == summary.rows_loaded + summary.rows_rejected
    return store, json.loads((folder / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def make_app() -> Iterator[Callable[[Store], str]]:
    """Factory: serve ``create_app(store)`` on a free loopback port in a thread; returns its URL."""
    from chokepoint.app.main import create_app

    servers = []

    def factory(store: Store) -> str:
        return serve_in_thread(create_app(store).server, servers)

    yield factory
    for server in servers:
        server.shutdown()


ARTIFACTS = Path(os.environ.get("CHOKEPOINT_ARTIFACTS", "test-artifacts"))


@pytest.fixture()
def page(browser, request):
    """A fresh page that fails the test on any browser console error or page error and on any request
    outside the app's origin, and saves a screenshot (``test-artifacts/<test>.png``) at the end."""
    pg = browser.new_page(viewport={"width": 1400, "height": 900})
    pg.set_default_timeout(120_000)  # a bound on waiting for what the user would see, not a timing check
    errors: list[str] = []
    pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "data:", "blob:")) or errors.append(
        f"request outside the app: {r.url}"))
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        pg.close()
    assert errors == [], f"browser errors: {errors}"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-quic"],
        )
        yield b
        b.close()
