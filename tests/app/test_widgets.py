"""The panels' shared widgets and their stylesheet: every class the app names is defined in
app/assets/widgets.css, and inline styles stay few (only what is computed is left inline)."""

import ast
import re
from pathlib import Path

from dash import html

from chokepoint.app import widgets
from chokepoint.app.panels import analytics

APP = Path(widgets.__file__).parent
CSS = APP / "assets" / "widgets.css"
#: what app/ keeps inline: a label's colour, two swatch colours, the canvas size (dash-cytoscape sets an
#: inline default otherwise) and the trainer's question box (its callback shows it)
INLINE_STYLES = 5
#: classes other packages define (dash-ag-grid's themes)
FOREIGN = re.compile(r"^ag-")


def defined_classes() -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    selectors = re.sub(r"\{[^}]*\}", " ", text)  # drop the declarations: only the selectors are left
    return set(re.findall(r"\.([A-Za-z_][\w-]*)", selectors))


def _strings(node: ast.AST, constants: dict[str, ast.AST]) -> list[str]:
    """The strings an expression can be: literals, module constants (str or dict of str), ``+``, ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return _strings(constants[node.id], constants)
    if isinstance(node, ast.Subscript):
        return _strings(node.value, constants)
    if isinstance(node, ast.Dict):
        return [s for v in node.values for s in _strings(v, constants)]
    if isinstance(node, ast.IfExp):
        return _strings(node.body, constants) + _strings(node.orelse, constants)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _strings(node.left, constants) for b in _strings(node.right, constants)]
    raise AssertionError(f"line {node.lineno}: a class name the test cannot read: {ast.unparse(node)}")


def used_classes() -> dict[str, str]:
    """Every class the app's Python names (className=, *ClassName=, a "className" key), -> where."""
    found: dict[str, str] = {}
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            values = []
            if isinstance(node, ast.keyword) and node.arg and node.arg.endswith(("className", "ClassName")):
                values = [node.value]
            elif isinstance(node, ast.Dict):
                values = [v for k, v in zip(node.keys, node.values)
                          if isinstance(k, ast.Constant) and k.value == "className"]
            for value in values:
                for text in _strings(value, constants):
                    for name in text.split():
                        found.setdefault(name, f"{path.relative_to(APP.parent)}:{value.lineno}")
    return found


def test_every_class_the_app_names_is_in_the_stylesheet():
    used = used_classes()
    assert {"cp-grid", "cp-status", "cp-row", "analytics-entity", "verdict-wrong"} <= set(used)  # the reader works
    missing = {name: where for name, where in used.items() if name not in defined_classes() and not FOREIGN.match(name)}
    assert not missing, f"classes not in {CSS.name}: {missing}"


def test_inline_styles_do_not_grow():
    count = sum(path.read_text(encoding="utf-8").count("style=") for path in APP.rglob("*.py"))
    assert count <= INLINE_STYLES, (f"app/ has {count} inline styles (style=), at most {INLINE_STYLES} allowed: "
                                    "give the look a class in app/assets/widgets.css instead")


def test_a_table_takes_plain_cells_built_cells_and_built_rows():
    t = widgets.table(("a", "b"), [(1, html.Td("x", id="cell")), html.Tr([html.Td(2)], id="row")], kind="data",
                      id="t")
    head, body = t.children
    assert t.className == "cp-data" and t.id == "t"
    assert [th.children for th in head.children.children] == ["a", "b"]
    first, second = body.children
    assert [c.children for c in first.children] == [1, "x"] and first.children[1].id == "cell"
    assert second.id == "row"
    assert widgets.table(None, [("k", "v")], kind="properties").children[0].children[0].children == "k"


def test_figures_without_an_id_render():
    # Dash 4 refuses id=None: the Components-and-cores figures ("largest", "isolated") raised TypeError
    shown = analytics._figures(("weak components", "2", "weak-count"), ("largest", "3, 1", None))
    bold = [span.children[1] for span in shown.children]
    assert [b.to_plotly_json()["props"].get("id") for b in bold] == ["analytics-weak-count", None]
    assert shown.className == "cp-figures"


def test_notices_take_the_tone_class():
    assert {widgets.remark("x", tone).className for tone in widgets.TONES} == set(widgets.TONES.values())
    assert widgets.remark("x", "caution", id="n").id == "n"
