"""Cells to typed values, with reasons for bad cells."""

import datetime as dt

import pytest

from chokepoint.loaders.values import BadValue, parse_value


@pytest.mark.parametrize("text,kind,expected", [
    ("2024-03-05", "date", dt.date(2024, 3, 5)),
    ("15/03/2024", "date", dt.date(2024, 3, 15)),   # a first field over 12: day first, whatever the column
    ("03/15/2024", "date", dt.date(2024, 3, 15)),
    ("05/05/2024", "date", dt.date(2024, 5, 5)),    # the same date either way
    ("5 Mar 2024", "date", dt.date(2024, 3, 5)),
    ("1,250.5", "float", 1250.5),                   # only a thousands comma reads it
    ("1 250", "integer", 1250),
    ("42", "integer", 42),
    ("9,007,199,254,740,993", "integer", 9_007_199_254_740_993),  # exact, not through a float
    ("1e3", "integer", 1000),
    ("9223372036854775807", "integer", 2**63 - 1),
    ("Sí", "boolean", True),
    ("no", "boolean", False),
    ("a; b |c", "string[]", ["a", "b", "c"]),
    ("  text ", "string", "text"),
    ("", "float", None),
    (None, "date", None),
])
def test_parse_value(text, kind, expected):
    assert parse_value(text, kind) == expected


@pytest.mark.parametrize("text,kind,reason", [
    ("2024-13-45", "date", "not a date"),
    # one reading per value, or a reject saying what to declare; never another number or day
    ("05/03/2024", "date", "ambiguous date '05/03/2024' .*declare dates dayfirst or monthfirst"),
    ("4,1", "float", "'4,1' has a comma that cannot separate thousands .*declare decimal ','"),
    ("27,35", "float", "declare decimal ','"),
    ("1,250", "float", "'1,250' is 1250 or 1.25; declare thousands ','.* or declare decimal ','"),
    ("1.250,5", "float", "declare decimal ','"),
    ("1.250.000", "integer", "declare thousands '.'"),
    ("1_000", "integer", "not a number"),
    ("twelve", "float", "not a number"),
    ("1.5", "integer", "not a whole number"),
    ("maybe", "boolean", "not yes/no"),
    # values Neo4j cannot store, or that are no quantity (found by tests/loaders/test_fuzz_loaders.py)
    ("1e30", "integer", "whole number out of range: '1e30'"),
    ("9223372036854775808", "integer", "whole number out of range"),
    ("nan", "float", "not a number: 'nan'"),
    ("-inf", "float", "not a number: '-inf'"),
    ("1e400", "float", "not a number: '1e400'"),
])
def test_bad_values_say_why(text, kind, reason):
    with pytest.raises(BadValue, match=reason):
        parse_value(text, kind)
