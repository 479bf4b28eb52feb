"""Pure shaping of query results for the app."""

from chokepoint.app.elements import suggestion_options
from chokepoint.queries.search import Match


def m(i, caption):
    return Match(id=f"id{i}", label="Person", caption=caption, aliases=(caption.upper(),), score=1.0)


def test_suggestions_accumulate_so_a_late_stale_answer_cannot_remove_the_right_one():
    right = suggestion_options("san ysidro", [m(1, "San Ysidro")], [])
    stale = suggestion_options("s", [m(2, "Sinaloa"), m(3, "Soto")], right)  # arrives last
    assert [o["value"] for o in stale] == ["id2", "id3", "id1"]
    assert "san ysidro" in stale[2]["search"]


def test_an_option_found_again_keeps_every_text_that_found_it():
    first = suggestion_options("andres", [m(1, "Andrés López")], [])
    again = suggestion_options("lopez, a", [m(1, "Andrés López")], first)
    assert len(again) == 1
    assert "andres" in again[0]["search"] and "lopez, a" in again[0]["search"]


def test_suggestions_are_capped():
    many = suggestion_options("x", [m(i, f"X {i}") for i in range(150)], [])
    assert len(many) == 100
