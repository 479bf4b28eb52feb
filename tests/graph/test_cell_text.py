"""One ``cell_text`` (graph/values.py), two rules: a query result written to CSV (null as an empty cell,
lists item by item, floats as Python writes them) and a cell read from a file (``typed=True``: None for a
blank, numbers as a person types them, nested values as JSON). Each caller keeps its own."""

import csv
import io

import openpyxl
import pytest

from chokepoint.app.export import rows_csv
from chokepoint.graph.values import cell_text
from chokepoint.loaders.readers import read_rows


@pytest.mark.parametrize("value,text", [
    (None, ""), ("", ""), (" kept ", " kept "), (True, "true"), (False, "false"), (12, "12"), (12.0, "12.0"),
    (2.5, "2.5"), ([], ""), (["a", None, 1], "a;;1"), ([["a", "b"], "c"], "a;b;c"),
    ([{"k": 1}, "x"], '{"k": 1};x'), ({"k": [1, None]}, '{"k": [1, null]}'), ({"name": "Ñandú"}, '{"name": "Ñandú"}'),
])
def test_a_query_result_as_a_csv_cell(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize("value,typed,untyped", [
    (None, None, ""), ("", None, ""), (12.0, "12", "12.0"), ([], None, ""), (["a", None], "a", "a;"),
    ([{"k": 1}, "x"], '[{"k": 1}, "x"]', '{"k": 1};x'),
])
def test_the_rules_differ_only_where_the_callers_need_it(value, typed, untyped):
    assert (cell_text(value, typed=True), cell_text(value)) == (typed, untyped)


def test_the_csv_export_of_query_rows_uses_the_result_rule():
    text = rows_csv(["a", "b", "c", "d"], [[None, 12.0, ["x", None], {"k": 1}]], {})
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert list(csv.reader(lines)) == [["a", "b", "c", "d"], ["", "12.0", "x;", '{"k": 1}']]


def test_the_readers_use_the_typed_rule(tmp_path):
    path = tmp_path / "cells.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "weight", "note"])
    book.active.append(["Ana", 12.0, None])
    book.save(path)
    assert [row for _, row in read_rows(path)] == [{"name": "Ana", "weight": "12", "note": None}]
