"""Interrupted loads: the loader killed, or Neo4j stopped, mid-load; a re-run reaches the clean graph."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chokepoint.graph import local
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.store import Store
from chokepoint.loaders.load import load_records

from tests_support import canonical_hash, wipe_all

ROWS = 1_500
CHUNK_ROWS = 500  # the CLI loads in three chunks here (5,000 rows in one otherwise): the tests interrupt it
# after the first has been written


@pytest.fixture(scope="module")
def big_records(tmp_path_factory):
    """A records directory whose load takes some seconds: shipments between 1,000 places (the tests
    interrupt it once 500 entities are in, and check it really was part-way)."""
    d = tmp_path_factory.mktemp("big-records")
    with open(d / "shipments.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["shipment_id", "from", "from_type", "to", "to_type", "commodity", "quantity", "unit",
                    "date", "courier", "port"])
        for i in range(ROWS):
            w.writerow([f"S{i}", f"Place {i % 1000}", "Location", f"Place {(i * 7 + 1) % 1000}", "Location",
                        "NPP", i % 50 + 1, "kg", f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}", f"Courier {i % 300}",
                        ["2504", "2604", "2503"][i % 3]])
    return d


def load_cli(records, data_dir):
    # a short retry: stopped under it, the loader gives up after 2 s instead of the default 15
    env = {**os.environ, "CHOKEPOINT_NEO4J_DATA": str(data_dir), "CHOKEPOINT_RETRY_SECONDS": "2"}
    env.pop("NEO4J_URI", None)
    run_cli = ("import sys; import chokepoint.loaders.load as load; "
               f"load.CHUNK_ROWS = {CHUNK_ROWS}; "
               "from chokepoint.cli.main import main; sys.argv[0] = 'chokepoint'; main()")
    return subprocess.Popen([sys.executable, "-c", run_cli, "load", str(records), "--dataset", "big"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_nodes(store, minimum=1, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if store.read("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"] >= minimum:
            return
        time.sleep(0.05)
    raise AssertionError("the load wrote nothing in time")


@pytest.fixture()
def own_neo4j(spare_neo4j):
    """The session's spare Neo4j (not the shared test database), so it can be stopped and restarted
    mid-test."""
    data = Path(spare_neo4j.data_dir)
    store = Store.connect(settings_from_env(data))
    store.ensure_schema()
    yield data, spare_neo4j, store
    store.close()


@pytest.fixture(scope="module")
def clean_hash(_spare_neo4j_dir, big_records, tmp_path_factory):
    """The hash of an uninterrupted load of ``big_records`` into an empty database."""
    data, port = _spare_neo4j_dir
    local.start(data, port=port)
    with Store.connect(settings_from_env(data)) as store:
        store.ensure_schema()
        wipe_all(store)
        load_records(store, big_records, dataset="big", rejects_path=tmp_path_factory.mktemp("r") / "r.csv")
        return canonical_hash(store)


def test_loader_killed_mid_load_then_rerun_equals_clean_load(own_neo4j, big_records, clean_hash):
    data, _, store = own_neo4j
    wipe_all(store)
    proc = load_cli(big_records, data)
    wait_for_nodes(store, minimum=500)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert store.read("MATCH (l:Load) RETURN l.status AS s") == [{"s": "running"}]
    assert canonical_hash(store) != clean_hash  # really interrupted part-way
    rerun = load_cli(big_records, data)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert canonical_hash(store) == clean_hash
    assert store.read("MATCH (l:Load) RETURN l.status AS s") == [{"s": "complete"}]


def test_neo4j_stopped_mid_load_then_rerun_equals_clean_load(own_neo4j, big_records, clean_hash):
    data, inst, store = own_neo4j
    wipe_all(store)
    proc = load_cli(big_records, data)
    wait_for_nodes(store, minimum=500)
    local.stop(data)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert "error:" in err and "Traceback" not in err
    local.start(data, port=inst.port)
    rerun = load_cli(big_records, data)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    with Store.connect(settings_from_env(data)) as fresh:
        assert canonical_hash(fresh) == clean_hash
