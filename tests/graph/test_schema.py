"""The data model as data, and the allow-list every label and type passes through."""

import pytest

from chokepoint.graph import schema
from chokepoint.graph.errors import SchemaError, UnknownName

REQUIRED_LABELS = {"Organization", "Person", "Chemical", "Lab", "PortOfEntry", "Location", "Vehicle", "Phone",
                   "Shipment", "Seizure", "Firearm"}


def test_schema_has_the_domain_labels_and_relationships():
    assert REQUIRED_LABELS <= set(schema.SCHEMA.nodes)
    for rel in ("SUPPLIES", "SHIPPED_TO", "CROSSED_AT", "OPERATES", "MEMBER_OF", "CALLED", "SEIZED",
                "PURCHASED", "TRACED_TO", "LOCATED_IN"):
        assert rel in schema.SCHEMA.relationships


def test_every_label_has_keys_caption_and_typed_properties():
    for node in schema.SCHEMA.nodes.values():
        assert node.keys and node.caption in node.properties
        assert set(node.properties.values()) <= set(schema.PROPERTY_TYPES)


def test_allow_list_accepts_schema_names_and_rejects_everything_else():
    assert schema.label("Person") == "Person"
    assert schema.label("Entity") == "Entity"
    assert schema.rel_type("SHIPPED_TO") == "SHIPPED_TO"
    for bad in ("person", "Person`) DETACH DELETE n //", "", "Foo"):
        with pytest.raises(UnknownName):
            schema.label(bad)
    with pytest.raises(UnknownName, match="unknown relationship type"):
        schema.rel_type("KNOWS]->() DELETE r //")


def test_allowed_endpoints():
    assert schema.SCHEMA.allows("CROSSED_AT", "Person", "PortOfEntry")
    assert not schema.SCHEMA.allows("CROSSED_AT", "Chemical", "PortOfEntry")


def test_constraint_statements_are_idempotent_ddl():
    statements = schema.constraint_statements()
    assert len(statements) == len(set(statements))
    assert all("IF NOT EXISTS" in s for s in statements)
    assert sum("REQUIRE n.id IS UNIQUE" in s for s in statements) == len(schema.SCHEMA.nodes) + 1


def test_invalid_schema_file_names_file_and_mistakes(tmp_path):
    bad = tmp_path / "schema.yaml"
    bad.write_text("nodes:\n  A: {keys: [x], caption: y, properties: {x: strng}}\n"
                   "relationships:\n  R: {from: [A], to: [B]}\n")
    with pytest.raises(SchemaError) as err:
        schema.load(bad)
    message = str(err.value)
    assert str(bad) in message
    assert "'y' is not one of its properties" in message
    assert "unknown type 'strng'" in message
    assert "endpoint 'B' is not a node label" in message


def test_names_that_would_not_be_plain_cypher_identifiers_are_refused(tmp_path):
    bad = tmp_path / "schema.yaml"
    bad.write_text("nodes:\n  'A`) DETACH DELETE n //': {keys: [x], caption: x, properties: {x: string, 'y z': string}}\n"
                   "relationships:\n  R-1: {from: [B], to: [B]}\n"
                   "  R: {from: [B], to: [B], properties: {'w}': float}}\n")
    with pytest.raises(SchemaError) as err:
        schema.load(bad)
    message = str(err.value)
    for name in ("'A`) DETACH DELETE n //'", "'y z'", "'R-1'", "'w}'"):
        assert f"{name} is not a plain identifier" in message
