"""The project's exceptions: one base, a few specific kinds. Driver errors are wrapped, never leaked."""

__all__ = [
    "ChokepointError",
    "SchemaError",
    "UnknownName",
    "ConfigError",
    "StoreUnavailable",
    "LocalNeo4jError",
    "EntityNotFound",
    "NotReadOnly",
    "SchemaMissing",
]


class ChokepointError(Exception):
    """Base of every error the CLI and the app show to users as a message."""


class SchemaError(ChokepointError):
    """The schema file is invalid."""


class UnknownName(ChokepointError, ValueError):
    """A label or relationship type that the schema does not define (the allow-list said no)."""


class SchemaMissing(ChokepointError):
    """The database lacks the schema's constraints and indexes and they could not be created."""


class ConfigError(ChokepointError):
    """No usable Neo4j connection settings."""


class StoreUnavailable(ChokepointError):
    """Neo4j cannot be reached or refused the credentials."""


class LocalNeo4jError(ChokepointError):
    """The project's local Neo4j could not be built, started or stopped."""


class EntityNotFound(ChokepointError, LookupError):
    """No entity has the given id."""


class NotReadOnly(ChokepointError):
    """Cypher that would write (or change the schema) where only reading is allowed."""


class QueryTimeout(ChokepointError, TimeoutError):
    """A read-only query ran longer than its timeout and was stopped by Neo4j (nothing was returned)."""
