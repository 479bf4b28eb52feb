"""The parallel run's schedule: the modules that use the spare Neo4j are listed, so they run as one unit."""

import ast
from pathlib import Path

import conftest as tests_conftest

TESTS = Path(__file__).resolve().parent
SPARE_FIXTURES = {"spare_neo4j", "_spare_neo4j_dir"}


def modules_asking_for_the_spare() -> set[str]:
    """Test modules with a function (test or fixture) taking a spare-Neo4j fixture as an argument."""
    found = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and SPARE_FIXTURES & {a.arg for a in node.args.args}:
                found.add(path.relative_to(TESTS.parent).as_posix())
    return found


def test_the_spare_neo4j_modules_are_listed_for_the_scheduler():
    assert modules_asking_for_the_spare() == set(tests_conftest.SPARE_MODULES)


def test_the_scheduler_groups_the_spare_modules_into_one_unit():
    split = tests_conftest.SpareAsOneUnit._split_scope
    assert split(None, "tests/loaders/test_bulk.py::test_x") == tests_conftest.SPARE_UNIT
    assert split(None, "tests/app/test_neo4j_outage.py::test_y[1]") == tests_conftest.SPARE_UNIT
    assert split(None, "tests/app/test_browser.py::test_y[1]") == "tests/app/test_browser.py"
    assert split(None, "tests/cli/test_cli.py::test_z") == "tests/cli/test_cli.py"
