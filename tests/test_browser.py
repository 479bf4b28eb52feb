"""The app in a real headless Chromium: search an entity, see it drawn, read its details."""

import pytest

pytestmark = pytest.mark.browser

NODE_COUNT = "() => document.querySelector('#cy')._cyreg.cy.nodes().length"
NODE_LABELS = "() => document.querySelector('#cy')._cyreg.cy.nodes().map(n => n.data('label'))"


def test_search_draws_the_entity_and_its_neighbourhood(sample_store, make_app, browser):
    url = make_app(sample_store)
    page = browser.new_page()
    page.set_default_timeout(120_000)  # a bound on waiting for what the user would see, not a timing check
    console_errors, outside_requests = [], []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.on("request", lambda r: r.url.startswith(url) or outside_requests.append(r.url))
    page.goto(url)
    page.wait_for_selector("#cy canvas")
    assert page.evaluate(NODE_COUNT) == 0

    page.click("#search")  # opens the dropdown; its search box appears in a popover
    page.locator("input.dash-dropdown-search").press_sequentially("san ysidro")
    option = page.get_by_text("San Ysidro (PortOfEntry)")
    option.wait_for()
    option.click()
    page.wait_for_function("() => document.querySelector('#cy')._cyreg.cy.nodes().length > 1")
    labels = page.evaluate(NODE_LABELS)
    assert "San Ysidro" in labels
    assert "Luis Ortega" in labels and "7ABC123" in labels  # the courier and the car that crossed there
    page.get_by_text("neighbours.").wait_for()
    page.locator("#entity-details h4", has_text="San Ysidro").wait_for()
    assert "PortOfEntry" in page.inner_text("#entity-details")

    assert console_errors == []
    assert outside_requests == []  # every script and stylesheet is served by the app itself
    page.close()
