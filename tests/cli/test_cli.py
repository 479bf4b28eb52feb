"""The chokepoint command line: every command has help; status and load work against the real Neo4j."""

import json
import os
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.graph import local
from tests_support import all_commands

runner = CliRunner()


COMMANDS = list(all_commands(typer.main.get_command(app)))


def test_the_expected_commands_exist():
    assert {("neo4j", "start"), ("neo4j", "stop"), ("neo4j", "status"), ("schema", "apply"), ("status",),
            ("load",), ("serve",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_schema_apply_load_and_status(clean, neo4j_env, tmp_path):
    result = runner.invoke(app, ["schema", "apply"])
    assert result.exit_code == 0 and "0 constraints/indexes created" in result.output
    result = runner.invoke(app, ["load", "--sample", "--json", "--rejects", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["rows_read"] == summary["rows_loaded"] + summary["rows_rejected"] > 0
    assert summary["nodes_created"] > 0
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["labels"]["PortOfEntry"] == 3
    assert status["relationships"]["SHIPPED_TO"] == 13
    assert status["neo4j"]["version"]


def test_load_needs_a_directory_or_sample():
    result = runner.invoke(app, ["load"])
    assert result.exit_code != 0
    assert "give PATH... or --sample" in result.output


def test_errors_are_one_line_messages_not_tracebacks(tmp_path):
    env = {**os.environ, "NEO4J_URI": f"bolt://127.0.0.1:{local.free_port()}", "NEO4J_PASSWORD": "x"}
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "status"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert "error: Neo4j at bolt://127.0.0.1" in done.stderr and "unreachable" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "serve", "--host", "0.0.0.0"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "refusing to bind 0.0.0.0" in done.stderr
