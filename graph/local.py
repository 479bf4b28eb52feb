"""The project's own local Neo4j: build the embedded launcher, start, stop and find it.

The launcher (``docker/embedded``) is a one-class Maven project running Neo4j's embedded API with Bolt
on 127.0.0.1. This module builds it once (cached until its sources change), starts it in the
background, and records pid, port and credentials in ``<data>/chokepoint-neo4j.json`` (mode 0600).
The password is generated on first start and kept for later starts of the same data directory.
The data directory is private: mode 0700, what is in it narrowed to 0600/0700 on every start, and the
launcher runs with umask 077, so the store and transaction logs Neo4j writes are 0600 (docs/security.md).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from chokepoint.graph import readonly
from chokepoint.graph.errors import LocalNeo4jError
from chokepoint.graph.private import DIR_MODE, open_private, tighten_tree

__all__ = [
    "LocalInstance",
    "default_data_dir",
    "launcher_dir",
    "build_launcher",
    "start",
    "stop",
    "status",
    "find_running",
    "free_port",
]

STATE_FILE = "chokepoint-neo4j.json"
LOG_FILE = "launcher.log"
READY = "chokepoint-neo4j: ready "
USER = "neo4j"
#: Seconds after which the local Neo4j stops any transaction (``db.transaction.timeout``): longer than
#: any load's transaction (one batch) and ``db.awaitIndexes(300)``, so loads never meet it.
TX_TIMEOUT = 900


@dataclass
class LocalInstance:
    data_dir: str
    port: int
    user: str
    password: str
    pid: int | None = None
    version: str | None = None
    heap: str | None = None        # what it was started with (a restart, e.g. around a bulk import, reuses them)
    pagecache: str | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.pid is not None and _is_launcher(self.pid)


def default_data_dir() -> Path:
    """``$CHOKEPOINT_NEO4J_DATA``, else ``$XDG_DATA_HOME/chokepoint/neo4j`` (``~/.local/share/...``)."""
    if os.environ.get("CHOKEPOINT_NEO4J_DATA"):
        return Path(os.environ["CHOKEPOINT_NEO4J_DATA"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "chokepoint" / "neo4j"


def launcher_dir() -> Path:
    """The Maven project of the launcher: ``$CHOKEPOINT_LAUNCHER_DIR`` or ``docker/embedded`` in the repo."""
    if os.environ.get("CHOKEPOINT_LAUNCHER_DIR"):
        return Path(os.environ["CHOKEPOINT_LAUNCHER_DIR"])
    return Path(__file__).resolve().parents[1] / "docker" / "embedded"


def build_launcher(force: bool = False) -> Path:
    """Build the launcher jar with Maven unless an up-to-date one exists; return the jar's path."""
    project = launcher_dir()
    jar = project / "target" / "chokepoint-neo4j.jar"
    if not (project / "pom.xml").exists():
        raise LocalNeo4jError(f"launcher sources not found in {project} (set CHOKEPOINT_LAUNCHER_DIR)")
    sources = [project / "pom.xml", *project.joinpath("src").rglob("*.java")]
    if not force and jar.exists() and jar.stat().st_mtime >= max(p.stat().st_mtime for p in sources):
        return jar
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError("Maven (mvn) is not on PATH; it is needed once to build the local Neo4j")
    done = subprocess.run(
        [mvn, "-q", "-B", "package", "-DskipTests"], cwd=project, capture_output=True, text=True
    )
    if done.returncode != 0 or not jar.exists():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise LocalNeo4jError(f"building the local Neo4j launcher in {project} failed:\n{tail}")
    return jar


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(data_dir: Path | None = None) -> LocalInstance | None:
    """The instance recorded under ``data_dir`` (running or not), or ``None`` if none was ever started."""
    path = Path(data_dir or default_data_dir()) / STATE_FILE
    if not path.exists():
        return None
    return LocalInstance(**json.loads(path.read_text(encoding="utf-8")))


def find_running(data_dir: Path | None = None) -> LocalInstance | None:
    """The local instance under ``data_dir`` if its process is alive, else ``None``."""
    inst = status(data_dir)
    return inst if inst is not None and inst.running else None


def start(
    data_dir: Path | None = None,
    port: int = 7687,
    heap: str = "1g",
    pagecache: str = "512m",
    timeout: float = 180.0,
    *,
    procedures: tuple[str, ...] | None = None,
    tx_timeout: int = TX_TIMEOUT,
    import_dir: Path | None = None,
) -> LocalInstance:
    """Start the local Neo4j in the background and wait until Bolt answers; idempotent when running.

    The server loads only the plugin procedures and functions in ``procedures`` (default
    :data:`graph.readonly.SERVER_ALLOWLIST`; ``("*",)``: every APOC one, for tests of the runner's own
    guard), stops any transaction after ``tx_timeout`` seconds (0: never) and one that holds more than a
    quarter of the heap, and refuses ``LOAD CSV`` from files unless ``import_dir`` (benchmarks) names the
    one directory it may read.
    """
    data = Path(data_dir or default_data_dir()).expanduser().resolve()
    running = find_running(data)
    if running is not None:
        if running.port != port:
            raise LocalNeo4jError(
                f"a local Neo4j already runs on port {running.port} for {data}; stop it first to change port"
            )
        return running
    if not _port_free(port):
        raise LocalNeo4jError(f"port {port} on 127.0.0.1 is already in use; choose another with --port")
    jar = build_launcher()
    # the store and its transaction logs hold the case in clear text: only the owner may enter the folder,
    # files made before this rule are narrowed, and Neo4j itself creates files 0600 (its umask, below)
    data.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    tighten_tree(data)
    previous = status(data)
    inst = LocalInstance(
        data_dir=str(data),
        port=port,
        user=USER,
        password=previous.password if previous else secrets.token_urlsafe(24),
        heap=heap,
        pagecache=pagecache,
    )
    java = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else "java"
    log_path = data / LOG_FILE
    with open_private(log_path) as log:
        proc = subprocess.Popen(
            [java, f"-Xmx{heap}", "-jar", str(jar), "--data", str(data / "store"), "--port", str(port),
             "--pagecache", pagecache,
             "--procedures", ",".join(readonly.SERVER_ALLOWLIST if procedures is None else procedures),
             "--tx-timeout", str(int(tx_timeout)),
             *(["--import-dir", str(Path(import_dir).resolve())] if import_dir is not None else [])],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "CHOKEPOINT_NEO4J_PASSWORD": inst.password},
            start_new_session=True,
            umask=0o077,
        )
    inst.pid = proc.pid
    _write_state(data, inst)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        ready = [line for line in text.splitlines() if line.startswith(READY)]
        if ready:
            inst.version = ready[0].split("neo4j=")[1].split()[0]
            _write_state(data, inst)
            return inst
        if proc.poll() is not None:
            inst.pid = None
            _write_state(data, inst)
            reason = [ln for ln in text.splitlines() if ln.startswith("chokepoint-neo4j:")] or text.splitlines()[-5:]
            raise LocalNeo4jError(f"local Neo4j exited with code {proc.returncode}: {' '.join(reason)} (log: {log_path})")
        time.sleep(0.25)
    os.killpg(proc.pid, signal.SIGTERM)
    raise LocalNeo4jError(f"local Neo4j did not answer within {timeout:.0f} s (log: {log_path})")


def stop(data_dir: Path | None = None, timeout: float = 60.0) -> bool:
    """Stop the local Neo4j cleanly (SIGTERM, then wait); returns False if none was running."""
    data = Path(data_dir or default_data_dir()).expanduser().resolve()
    inst = find_running(data)
    if inst is None:
        return False
    os.kill(inst.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(inst.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(inst.pid):
        os.kill(inst.pid, signal.SIGKILL)
        raise LocalNeo4jError(f"local Neo4j (pid {inst.pid}) ignored SIGTERM for {timeout:.0f} s and was killed")
    inst.pid = None
    _write_state(data, inst)
    return True


def _write_state(data: Path, inst: LocalInstance) -> None:
    path = data / STATE_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(inst), f, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _port_free(port: int) -> bool:
    """Nothing listens on the port (connections in TIME_WAIT from a stopped server do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def _is_launcher(pid: int) -> bool:
    """The pid is alive and is our launcher (guards against a recycled pid)."""
    if not _alive(pid):
        return False
    try:
        return b"chokepoint-neo4j.jar" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
