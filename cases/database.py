"""The database itself: what the graph holds and where it is, the schema, and the project's own local
Neo4j (a thin layer over :mod:`chokepoint.graph.local`, so the front ends need not reach into it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chokepoint.graph import local, schema
from chokepoint.graph.config import Settings
from chokepoint.graph.local import LocalInstance
from chokepoint.graph.store import Store

__all__ = ["DatabaseStatus", "SchemaApplied", "LocalStatus", "LocalInstance", "status", "apply_schema",
           "show_schema", "start_local", "stop_local", "local_status"]


@dataclass(frozen=True)
class DatabaseStatus:
    """Where the graph is, which Neo4j serves it, and how many entities and links of each kind it holds."""

    connection: str                  # the settings in words (uri, database, user, where they came from)
    neo4j: dict[str, str]            # version and edition
    labels: dict[str, int]           # node count by schema label (labels with none left out)
    relationships: dict[str, int]    # relationship count by type (types with none left out)

    def as_dict(self) -> dict[str, Any]:
        return {"connection": self.connection, "neo4j": self.neo4j, "labels": self.labels,
                "relationships": self.relationships}


@dataclass(frozen=True)
class SchemaApplied:
    created: int                     # constraints and indexes made now
    existing: int                    # those already there


@dataclass(frozen=True)
class LocalStatus:
    """The local Neo4j of a data directory: its recorded instance (``None`` if none was ever started)."""

    data_dir: Path
    instance: LocalInstance | None

    @property
    def running(self) -> bool:
        return self.instance is not None and self.instance.running


def status(settings: Settings) -> DatabaseStatus:
    """Connect by ``settings`` and say where, which server, and the counts by label and type."""
    with Store.connect(settings) as store:
        info = store.server_info()
        counts = store.counts()
    return DatabaseStatus(connection=settings.describe(), neo4j=info, labels=counts["labels"],
                          relationships=counts["relationships"])


def apply_schema(store: Store) -> SchemaApplied:
    """Create the constraints and indexes (idempotent)."""
    created, existing = store.ensure_schema()
    return SchemaApplied(created, existing)


def show_schema() -> schema.Schema:
    """The graph schema: node labels (keys, caption, description), relationship types (ends, description)."""
    return schema.SCHEMA


def start_local(data_dir: Path | None = None, port: int = 7687, heap: str = "1g", pagecache: str = "512m",
                timeout: float = 180.0) -> LocalInstance:
    """Build the launcher if needed, start the local Neo4j in the background, wait until Bolt answers."""
    return local.start(data_dir, port=port, heap=heap, pagecache=pagecache, timeout=timeout)


def stop_local(data_dir: Path | None = None) -> bool:
    """Stop the local Neo4j cleanly; ``False`` when it was not running."""
    return local.stop(data_dir)


def local_status(data_dir: Path | None = None) -> LocalStatus:
    """The local Neo4j of ``data_dir`` (default: ``$CHOKEPOINT_NEO4J_DATA`` or the user's data folder)."""
    return LocalStatus(data_dir=data_dir or local.default_data_dir(), instance=local.status(data_dir))
