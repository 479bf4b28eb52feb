"""The canvas as a value: view changes, the cap, and server-side positions (pure, no browser)."""

import pytest

from chokepoint.app import positions, view


def node(i, classes=""):
    return {"data": {"id": f"n{i}", "label": f"N{i}"}, "classes": classes}


def link(a, b):
    return {"data": {"id": f"r{a}-{b}", "source": f"n{a}", "target": f"n{b}", "type": "CALLED"}}


def ids(elements):
    return [e["data"]["id"] for e in elements]


def test_add_merges_by_id_joining_classes_and_keeping_data():
    v = view.apply([], view.change("add", elements=[node(1, "Person"), node(2), link(1, 2)]))
    v = view.apply(v, view.change("add", elements=[{"data": {"id": "n1", "extra": 5}, "classes": "center"},
                                                   node(3), link(2, 3)]))
    assert ids(v) == ["n1", "n2", "r1-2", "n3", "r2-3"]
    assert v[0]["classes"] == "Person center"
    assert v[0]["data"] == {"id": "n1", "label": "N1", "extra": 5, "_classes": "Person center"}


def test_classes_dropped_by_the_browser_echo_come_back_from_data():
    v = view.apply([], view.change("add", elements=[node(1, "Person path"), node(2, "Phone")]))
    echoed = [{"data": e["data"], "position": {"x": 1, "y": 2}} for e in v]  # what dash-cytoscape writes back
    out = view.apply(echoed, view.change("mark", cls="path", ids=["n2"]))
    assert [e["classes"] for e in out] == ["Person", "Phone path"]
    assert out[0]["position"] == {"x": 1, "y": 2}


def test_links_never_dangle():
    v = view.apply([], view.change("replace", elements=[node(1), link(1, 2)]))
    assert ids(v) == ["n1"]
    v = view.apply([], view.change("add", elements=[node(1), node(2), node(3), link(1, 2), link(2, 3)]))
    assert ids(view.apply(v, view.change("remove", ids=["n2"]))) == ["n1", "n3"]
    assert ids(view.apply(v, view.change("keep", ids=["n1", "n2"]))) == ["n1", "n2", "r1-2"]


def test_mark_moves_a_class_to_exactly_the_listed_elements():
    v = [node(1, "Person path"), node(2, "Person"), link(1, 2)]
    out = view.apply(v, view.change("mark", cls="path", ids=["n2", "r1-2"]))
    assert [e.get("classes") for e in out] == ["Person", "Person path", "path"]


def test_toggle_flips_a_class():
    v = view.apply([node(1, "pinned"), node(2)], view.change("toggle", cls="pinned", ids=["n1", "n2"]))
    assert [e["classes"] for e in v] == ["", "pinned"]


def test_score_scales_size_and_forgets_unscored_nodes():
    v = [node(1), node(2), node(3)]
    v = view.apply(v, view.change("score", key="pagerank", values={"n1": 2.0, "n2": 4.0}))
    assert [e["data"].get("size") for e in v] == [0.0, 1.0, None]
    v = view.apply(v, view.change("score", key="degree", values={"n3": 1}))
    assert "pagerank" not in v[0]["data"] and v[2]["data"]["degree"] == 1.0


def test_a_change_past_the_cap_is_refused_and_says_how_to_narrow(monkeypatch):
    monkeypatch.setattr(view, "MAX_NODES", 3)
    v = view.apply([], view.change("add", elements=[node(1), node(2)]))
    with pytest.raises(view.ViewTooBig, match="Narrow the query"):
        view.apply(v, view.change("add", elements=[node(3), node(4)]))


def test_unknown_change_is_an_error():
    with pytest.raises(ValueError):
        view.apply([], {"op": "explode"})


def test_force_positions_place_every_node_apart():
    elements = [node(i) for i in range(50)] + [link(i, i + 1) for i in range(49)]
    pos = positions.force_positions(elements)
    assert set(pos) == {f"n{i}" for i in range(50)}
    assert len({(p["x"], p["y"]) for p in pos.values()}) == 50


def test_by_stage_puts_each_stage_in_its_own_column():
    pos = positions.by_stage({"sup": 0, "lab": 1, "lab2": 1, "poe": 2})
    assert pos["sup"]["x"] < pos["lab"]["x"] == pos["lab2"]["x"] < pos["poe"]["x"]
    assert pos["lab"]["y"] != pos["lab2"]["y"]
