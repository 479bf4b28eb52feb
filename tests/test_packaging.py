"""The project installs as one namespace, ``chokepoint.*``, and puts nothing generic into site-packages."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("graph", "loaders", "queries", "synthetic", "cases", "app", "cli")


def test_the_wheel_holds_only_the_chokepoint_namespace(tmp_path):
    # built from a copy of what the wheel is made of, so the build leaves nothing in the checkout
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", *FOLDERS):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                            if (ROOT / name).is_dir() else {}))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-w", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("chokepoint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if ".dist-info/" not in n}
    assert top == {"chokepoint"}, f"top-level entries other than chokepoint/: {sorted(top - {'chokepoint'})}"
    assert "chokepoint/__init__.py" not in names  # an implicit namespace package
    for folder in FOLDERS:
        assert f"chokepoint/{folder}/__init__.py" in names, folder
    # the data files travel with the code
    for data in ("chokepoint/graph/schema.yaml", "chokepoint/loaders/mappings/standard.yaml",
                 "chokepoint/queries/cypher/labs-overview.cypher", "chokepoint/app/assets/chokepoint.js"):
        assert data in names, data
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "chokepoint = chokepoint.cli.main:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_generic_module_names_are_not_importable_from_outside_the_checkout(tmp_path):
    for folder in FOLDERS:
        done = subprocess.run([sys.executable, "-c", f"import {folder}"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode != 0 and f"No module named '{folder}'" in done.stderr, folder
    done = subprocess.run([sys.executable, "-c", "import chokepoint.graph.schema as s; print(s.__name__)"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "chokepoint.graph.schema", done.stderr
