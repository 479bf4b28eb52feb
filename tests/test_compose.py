"""docker/compose.yml: Neo4j 5 community plus the app, loopback-only ports, the app's own settings."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_file_wires_neo4j_and_the_app():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())
    neo4j, app = compose["services"]["neo4j"], compose["services"]["app"]
    assert neo4j["image"].startswith("neo4j:5") and neo4j["image"].endswith("-community")
    assert app["build"]["dockerfile"] == "docker/Dockerfile"
    assert (ROOT / app["build"]["dockerfile"]).exists()
    assert set(app["environment"]) == {"NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE",
                                       "CHOKEPOINT_ALLOW_UNAUTHENTICATED_BIND"}
    assert app["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    for service in (neo4j, app):
        assert all(port.startswith("127.0.0.1:") for port in service["ports"])
    # the unauthenticated 0.0.0.0 bind inside the container is allowed by compose, where the port is
    # published on the host's loopback, and never by the image itself
    assert app["environment"]["CHOKEPOINT_ALLOW_UNAUTHENTICATED_BIND"] == "1"
    assert not re.search(r"^\s*ENV\b.*ALLOW_UNAUTHENTICATED_BIND", (ROOT / "docker" / "Dockerfile").read_text(), re.M)
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"


def test_compose_neo4j_has_the_launchers_hardening():
    """The Docker Neo4j gets the local launcher's settings (docs/security.md, "Read-only queries")."""
    from chokepoint.graph.readonly import SERVER_ALLOWLIST

    env = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())["services"]["neo4j"]["environment"]
    assert env["NEO4J_dbms_security_procedures_allowlist"].split(",") == list(SERVER_ALLOWLIST)
    assert env["NEO4J_dbms_security_allow__csv__import__from__file__urls"] == "false"
    assert env["APOC_EXPORT_FILE_ENABLED"] == env["APOC_IMPORT_FILE_ENABLED"] == "false"
    assert env["NEO4J_db_transaction_timeout"] == "15m"
    assert re.fullmatch(r"\d+[mg]", env["NEO4J_db_memory_transaction_max"])
