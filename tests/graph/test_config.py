"""Settings from the environment: the retry budget a command gives an unreachable Neo4j."""

import pytest

from chokepoint.graph.config import Settings, settings_from_env
from chokepoint.graph.errors import ConfigError


@pytest.fixture()
def env_uri(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.delenv("CHOKEPOINT_RETRY_SECONDS", raising=False)
    return monkeypatch


def test_retry_defaults_to_fifteen_seconds(env_uri):
    assert settings_from_env().retry_seconds == Settings.retry_seconds == 15.0


def test_retry_seconds_from_the_environment(env_uri):
    env_uri.setenv("CHOKEPOINT_RETRY_SECONDS", "2.5")
    assert settings_from_env().retry_seconds == 2.5


@pytest.mark.parametrize("text", ["soon", "-1", "1e9"])
def test_a_retry_that_is_not_seconds_is_refused_in_one_line(env_uri, text):
    env_uri.setenv("CHOKEPOINT_RETRY_SECONDS", text)
    with pytest.raises(ConfigError, match=r"CHOKEPOINT_RETRY_SECONDS=.* is not a number of seconds") as e:
        settings_from_env()
    assert "\n" not in str(e.value)
