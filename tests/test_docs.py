"""The docs keep up with the code: commands, settings, labels, types, record files and columns."""

import re
from pathlib import Path

import typer

from chokepoint.cli.main import app
from chokepoint.graph.schema import SCHEMA
from chokepoint.loaders.mapping import load_mapping
from tests_support import all_commands

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert re.findall(r"^make (\w+)", first_block, flags=re.M) == ["demo", "test"]


def test_every_command_is_in_the_readme():
    for command in all_commands(typer.main.get_command(app)):
        assert f"chokepoint {' '.join(command)}" in README, command


def test_every_setting_is_in_the_readme():
    code = "".join(p.read_text() for p in (ROOT / "graph").glob("*.py")) + "".join(p.read_text() for p in (ROOT / "cli").glob("*.py"))
    code += (ROOT / "app" / "auth.py").read_text()  # graph/audit.py is in the glob above
    for name in set(re.findall(r"\b(NEO4J_[A-Z]+|CHOKEPOINT_[A-Z_]+)\b", code)) - {"CHOKEPOINT_NEO4J_PASSWORD"}:
        assert f"`{name}`" in README, name


def test_every_label_and_relationship_type_is_documented():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    for name in [*SCHEMA.nodes, *SCHEMA.relationships]:
        assert f"`{name}`" in doc, name
    for node in SCHEMA.nodes.values():
        for prop in node.properties:
            assert f"`{prop}`" in doc, (node.label, prop)


def test_every_record_file_and_column_is_documented():
    doc = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    for source in load_mapping().sources.values():
        section = doc.split(f"### `{source.file}`")[1].split("### ")[0]
        for column in source.columns():
            assert f"`{column}`" in section, (source.file, column)
