"""Search by what an investigator types, against the real full-text index."""

import pytest

from chokepoint.queries.search import search_entities


@pytest.mark.parametrize("typed", ["John.Smith", "john.smi", "john", "acme.com", "acme"])
def test_dotted_names_are_found_whole_in_part_or_by_their_words(clean, typed):
    clean.write("CREATE (:Entity:Person {id: 'p1', caption: 'John.Smith', search_text: 'p1 John.Smith'}), "
                "(:Entity:Organization {id: 'o1', caption: 'acme.com', search_text: 'o1 acme.com'})")
    wanted = "o1" if "acme" in typed else "p1"
    assert wanted in [m.id for m in search_entities(clean, typed)]
