"""docker/compose.yml: Neo4j 5 community plus the app, loopback-only ports, the app's own settings."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_file_wires_neo4j_and_the_app():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yml").read_text())
    neo4j, app = compose["services"]["neo4j"], compose["services"]["app"]
    assert neo4j["image"].startswith("neo4j:5") and neo4j["image"].endswith("-community")
    assert app["build"]["dockerfile"] == "docker/Dockerfile"
    assert (ROOT / app["build"]["dockerfile"]).exists()
    assert set(app["environment"]) == {"NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"}
    assert app["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    for service in (neo4j, app):
        assert all(port.startswith("127.0.0.1:") for port in service["ports"])
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
