"""Mappings are validated against the schema; every mistake is named with its source."""

import textwrap

import pytest

from chokepoint.loaders.mapping import MappingError, load_mapping


def write(tmp_path, text):
    path = tmp_path / "mapping.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_standard_mapping_is_valid_and_covers_the_record_set():
    mapping = load_mapping()
    files = {s.file for s in mapping.sources.values()}
    assert {"persons", "organizations", "shipments", "seizures", "firearms", "communications",
            "crossings"} <= files


def test_source_file_patterns_match_any_supported_suffix():
    persons = load_mapping().sources["persons"]
    for name in ("persons.csv", "PERSONS.XLSX", "persons.jsonl", "persons.parquet"):
        assert persons.matches(name)
    for name in ("persons.pdf", "persons.rejects.csv", "rejects.csv", "people.csv"):
        assert not persons.matches(name)


@pytest.mark.parametrize("body,expected", [
    ("""
     sources:
       s: {file: a.csv, entities: {p: {label: Persn, key: name}}}
     """, "unknown label 'Persn'"),
    ("""
     sources:
       s: {file: a.csv, entities: {p: {label: Person}}}
     """, "missing key"),
    ("""
     sources:
       s: {file: a.csv, entities: {p: {label: Person, key: name, properties: {height: h}}}}
     """, "Person has no property 'height'"),
    ("""
     sources:
       s:
         file: a.csv
         entities: {p: {label: Person, key: name}, q: {label: Person, key: other}}
         relationships: [{type: KNOWS, from: p, to: q}]
     """, "unknown relationship type 'KNOWS'"),
    ("""
     sources:
       s:
         file: a.csv
         entities: {p: {label: Person, key: name}, c: {label: Chemical, key: chem}}
         relationships: [{type: CROSSED_AT, from: p, to: c}]
     """, "CROSSED_AT cannot join"),
    ("""
     sources:
       s:
         file: a.csv
         entities: {p: {label: Person, key: name}}
         relationships: [{type: MEMBER_OF, from: p, to: org}]
     """, "'to' names 'org', not an entity of this source"),
    ("""
     sources:
       s: {file: a.csv, entities: {p: {label: PortOfEntry, keys: {name: n}}}}
     """, "not PortOfEntry's keys"),
])
def test_mapping_mistakes_are_reported(tmp_path, body, expected):
    path = write(tmp_path, body)
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert str(path) in str(err.value)
    assert "source s" in str(err.value)
    assert expected in str(err.value)


def test_unreadable_mapping(tmp_path):
    with pytest.raises(MappingError, match="cannot read mapping"):
        load_mapping(tmp_path / "missing.yaml")
