"""Helpers shared by test modules (not fixtures)."""


def all_commands(group, prefix=()):
    """Every command path of a click/typer group, e.g. ("neo4j", "start")."""
    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from all_commands(cmd, (*prefix, name))


def canonical_hash(store) -> str:
    """Hash of a sorted export of every entity and relationship with all their properties."""
    import hashlib
    import json

    nodes = store.read("MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p ORDER BY id")
    rels = store.read("MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id AS a, type(r) AS t, b.id AS b, "
                      "properties(r) AS p ORDER BY r.id")
    text = json.dumps([nodes, rels], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def wipe_all(store) -> None:
    """Empty a test database (entities, load records, decisions), keeping the mark that says it is one."""
    while store.write("MATCH (n) WHERE NOT n:ChokepointTestDatabase WITH n LIMIT 10000 DETACH DELETE n")["nodes_deleted"]:
        pass


def serve_in_thread(flask_app, servers: list) -> str:
    """Serve a Flask app on a free loopback port in a daemon thread; the caller shuts ``servers`` down."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    servers.append(server)
    return f"http://127.0.0.1:{server.server_port}"


def append_audit_lines(path: str, n: int) -> None:
    """Append ``n`` large audit lines to the log at ``path`` (run in a spawned process, so it lives in an
    importable module rather than in a test module)."""
    import os

    from chokepoint.graph import audit

    os.environ[audit.ENV] = path
    for i in range(n):
        with audit.audited("cypher", f"{os.getpid()}-{i}", {"pad": "y" * 70_000}):
            pass
