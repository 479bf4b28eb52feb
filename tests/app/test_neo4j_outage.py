"""The app through a Neo4j outage, in headless Chromium: the banner shows, and the app recovers when Neo4j
is back (the spare Neo4j of tests/conftest.py, stopped and started again; a file of its own so the rest of
the browser tests need not run on the worker that holds the spare instance)."""

from pathlib import Path

import pytest

from chokepoint.app.main import app_settings
from chokepoint.graph import local
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.store import Store
from tests_support import wipe_all

pytestmark = pytest.mark.browser

CY = "document.querySelector('#cy')?._cyreg?.cy"  # undefined until the canvas is mounted


def test_neo4j_outage_shows_a_banner_and_the_app_recovers(make_app, page, spare_neo4j):
    data = Path(spare_neo4j.data_dir)
    # the store as `serve` makes it for the app: short retries, so a callback shows the outage in seconds
    store = Store.connect(app_settings(settings_from_env(data)))
    try:
        wipe_all(store)
        store.write("CREATE (:Entity:Person {id: 'p1', caption: 'Ana Ruiz', search_text: 'ana ruiz'})")
        page.goto(make_app(store) + "?entity=p1")
        page.wait_for_function(f"() => {CY}?.nodes().length === 1")
        local.stop(data)
        page.get_by_text("Neo4j is unreachable").wait_for()
        local.start(data, port=spare_neo4j.port)
        page.get_by_text("Neo4j is unreachable").wait_for(state="detached")
        page.click("#clear")
        page.reload()
        page.wait_for_selector("#cy canvas")
        page.wait_for_function(f"() => {CY}?.nodes().length === 1")  # the same app serves again
    finally:
        store.close()
