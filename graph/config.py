"""Where Neo4j is: the ``NEO4J_*`` environment, else the project's running local instance."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from chokepoint.graph import local
from chokepoint.graph.errors import ConfigError

__all__ = ["Settings", "settings_from_env"]


@dataclass(frozen=True)
class Settings:
    uri: str
    user: str
    password: str
    database: str = "neo4j"
    origin: str = "environment"  # or "local <data dir>"
    #: how long the driver keeps retrying a transaction that failed transiently (seconds)
    retry_seconds: float = 15.0
    #: how long the driver waits to open a connection (seconds; the app uses less, see app.security)
    connect_seconds: float = 30.0

    def describe(self) -> str:
        return f"{self.uri} (database {self.database}, user {self.user}; from {self.origin})"


def settings_from_env(data_dir: Path | None = None) -> Settings:
    """Read ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``.

    Without ``NEO4J_URI``, use the local Neo4j started by ``chokepoint neo4j start`` (its data directory
    is ``data_dir`` or ``CHOKEPOINT_NEO4J_DATA``).
    """
    database = os.environ.get("NEO4J_DATABASE") or "neo4j"
    retry = _retry_seconds()
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return Settings(
            uri=uri,
            user=os.environ.get("NEO4J_USER") or "neo4j",
            password=os.environ.get("NEO4J_PASSWORD") or "",
            database=database,
            retry_seconds=retry,
        )
    inst = local.find_running(data_dir)
    if inst is None:
        where = data_dir or local.default_data_dir()
        raise ConfigError(
            f"no Neo4j configured: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), "
            f"or start the local one with `chokepoint neo4j start` (none is running for {where})"
        )
    return Settings(uri=inst.uri, user=inst.user, password=inst.password, database=database,
                    origin=f"local {inst.data_dir}", retry_seconds=retry)


def _retry_seconds() -> float:
    """``CHOKEPOINT_RETRY_SECONDS``: how long a command keeps retrying while Neo4j is unreachable."""
    text = os.environ.get("CHOKEPOINT_RETRY_SECONDS") or ""
    if not text:
        return Settings.retry_seconds
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ConfigError(f"CHOKEPOINT_RETRY_SECONDS={text!r} is not a number of seconds between 0 and 3600")
    return seconds
