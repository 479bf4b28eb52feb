"""The project's own local Neo4j: start, credentials, clear failures, clean stop and restart."""

import os
import stat
import subprocess
from pathlib import Path

import pytest

from chokepoint.graph import local
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.errors import LocalNeo4jError, StoreUnavailable
from chokepoint.graph.store import Store


@pytest.fixture()
def instance(spare_neo4j):
    return spare_neo4j


def test_start_records_private_state_and_bolt_answers(instance):
    state = os.path.join(instance.data_dir, local.STATE_FILE)
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    found = local.find_running(instance.data_dir)
    assert (found.pid, found.port, found.password) == (instance.pid, instance.port, instance.password)
    assert len(instance.password) >= 24
    settings = settings_from_env(instance.data_dir)
    with Store.connect(settings) as store:
        assert store.read("RETURN 1 AS one") == [{"one": 1}]
    bad = settings.__class__(settings.uri, "neo4j", "wrong-password")
    with pytest.raises(StoreUnavailable, match="refused the credentials"):
        Store.connect(bad)


def test_later_commands_find_the_instance_without_neo4j_uri(instance, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("CHOKEPOINT_NEO4J_DATA", instance.data_dir)
    assert settings_from_env().uri == f"bolt://127.0.0.1:{instance.port}"


def test_start_is_idempotent_and_refuses_a_second_port(instance):
    assert local.start(instance.data_dir, port=instance.port).pid == instance.pid
    with pytest.raises(LocalNeo4jError, match="already runs on port"):
        local.start(instance.data_dir, port=local.free_port())


def test_port_taken_is_a_clear_error(instance, tmp_path):
    with pytest.raises(LocalNeo4jError, match=f"port {instance.port} on 127.0.0.1 is already in use"):
        local.start(tmp_path / "other", port=instance.port)
    launcher = _launcher(tmp_path / "other2", instance.port)
    assert launcher.returncode == 3
    assert f"port {instance.port} on 127.0.0.1 is already in use" in launcher.stderr


def test_locked_store_is_a_clear_error(instance):
    launcher = _launcher(os.path.join(instance.data_dir, "store"), local.free_port())
    assert launcher.returncode == 4
    assert "is locked by another Neo4j process" in launcher.stderr


def test_sigterm_stops_cleanly_and_data_survives_restart(spare_neo4j):
    inst = spare_neo4j
    data = Path(inst.data_dir)
    with Store.connect(settings_from_env(data)) as store:
        store.write("CREATE (:Entity:Phone {id: 'survivor', number: '+1555'})")
    assert local.stop(data) is True
    assert "chokepoint-neo4j: stopped" in (data / local.LOG_FILE).read_text()
    assert local.find_running(data) is None
    assert local.stop(data) is False
    again = local.start(data, port=inst.port)  # left running for the next user of the spare instance
    assert again.password == inst.password
    with Store.connect(settings_from_env(data)) as store:
        assert store.read("MATCH (p:Phone {id: 'survivor'}) RETURN p.number AS n") == [{"n": "+1555"}]


def _launcher(store_dir, port):
    jar = local.build_launcher()
    return subprocess.run(
        ["java", "-jar", str(jar), "--data", str(store_dir), "--port", str(port)],
        env={**os.environ, "CHOKEPOINT_NEO4J_PASSWORD": "x" * 12}, capture_output=True, text=True, timeout=120,
    )
