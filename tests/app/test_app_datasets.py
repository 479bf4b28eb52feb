"""What is loaded, beside the dataset picker (Map, Metrics): each dataset's counts and its loads, read-only."""

from dash import no_update

from chokepoint.app import datasets as panel
from chokepoint.app.panels import geo, metrics
from chokepoint.loaders.load import load_records


def texts(component) -> list[str]:
    """Every text in a component tree, depth first."""
    if component is None:
        return []
    if isinstance(component, (str, int, float)):
        return [str(component)]
    if isinstance(component, (list, tuple)):
        return [t for c in component for t in texts(c)]
    return texts(getattr(component, "children", None))


def find(component, component_id):
    """The component with ``component_id`` in a tree, and its parent."""
    stack = [(component, None)]
    while stack:
        c, parent = stack.pop()
        if getattr(c, "id", None) == component_id:
            return c, parent
        children = getattr(c, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if child is not None and not isinstance(child, (str, int, float)):
                stack.append((child, c))
    return None, None


def test_the_picker_has_what_is_loaded_beside_it():
    for module in (geo, metrics):
        picker, parent = find(module.layout(), module.DATASET)
        loaded, same_parent = find(module.layout(), panel.loaded_id(module.DATASET))
        assert picker is not None and loaded is not None and type(loaded).__name__ == "Details"
        assert [getattr(c, "id", None) for c in parent.children] == [module.DATASET, panel.loaded_id(module.DATASET)]


def test_the_datasets_and_their_loads_are_listed_with_their_counts(clean, tmp_path):
    options, children, banner = panel.filled(clean, None)
    assert (options, texts(children), banner) == ([], ["no dataset loaded"], no_update)
    for name, rows in (("north", "name,organization\nAna,Delta\nBeto,Delta\n"), ("south", "name\nCaro\n")):
        d = tmp_path / name
        d.mkdir()
        (d / "persons.csv").write_text(rows, encoding="utf-8")
        load_records(clean, d, dataset=name, rejects_path=d / "rejects.csv")
    loads = {r["dataset"]: r for r in clean.read("MATCH (l:Load) RETURN l.dataset AS dataset, l.id AS id")}
    options, children, _ = panel.filled(clean, None)
    assert options == ["north", "south"]
    assert panel.filled(clean, ["north", "south"])[0] is no_update      # unchanged: the dropdown is left alone
    summary, table = children
    assert texts(summary) == ["2 datasets loaded"]
    rows = table.children[1].children
    shown = [(r.className, texts(r)) for r in rows]
    assert [(kind, t[:4]) for kind, t in shown] == [
        ("dataset-row", ["north", "3", "2", "1"]),                  # Ana, Beto, Delta; two MEMBER_OF; one load
        ("load-row", ["persons.csv", "complete", "2 of 2 rows", shown[1][1][3]]),
        ("dataset-row", ["south", "1", "0", "1"]),
        ("load-row", ["persons.csv", "complete", "1 of 1 rows", shown[3][1][3]])]
    assert shown[1][1][4] == loads["north"]["id"] and shown[3][1][4] == loads["south"]["id"]
    assert all(len(t[3]) == 16 for kind, t in shown if kind == "load-row")   # yyyy-mm-dd hh:mm
