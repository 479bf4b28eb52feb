"""Metrics: the analyst's charts, their tables and CSV, with numbers from queries.metrics."""

import csv
import datetime as dt
from collections import Counter

import pytest

from chokepoint.app.panels import metrics as panel
from chokepoint.queries import metrics


def test_stacked_bars_keep_every_value_once():
    rows = [{"port": "A", "month": "2024-02", "seizures": 1}, {"port": "A", "month": "2024-01", "seizures": 2},
            {"port": "B", "month": "2024-02", "seizures": 5}]
    fig = panel.stacked_by_month(rows, "seizures")
    assert {t.name: dict(zip(t.x, t.y)) for t in fig.data} == {"A": {"2024-01": 2, "2024-02": 1}, "B": {"2024-02": 5}}
    assert fig.layout.barmode == "stack"


def test_periods_are_phases_when_known_else_quarters():
    span = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert [p[0] for p in panel.periods_of(span, None)] == ["2024 Q1", "2024 Q2", "2024 Q3", "2024 Q4"]
    assert panel.periods_of(None, None) == []
    quarters = metrics.quarters(dt.date(2023, 11, 5), dt.date(2024, 4, 1))
    assert [(n, a.isoformat(), b.isoformat()) for n, a, b in quarters] == [
        ("2023 Q4", "2023-11-05", "2023-12-31"), ("2024 Q1", "2024-01-01", "2024-03-31"),
        ("2024 Q2", "2024-04-01", "2024-04-01")]


def test_table_rows_are_json_friendly():
    data, columns = panel.table_of([{"ports": ("a", "b"), "first": dt.date(2024, 1, 2), "n": 3}])
    assert data == [{"ports": "a, b", "first": "2024-01-02", "n": 3}]
    assert [c["field"] for c in columns] == [c["headerName"] for c in columns] == ["ports", "first", "n"]


# -- the queries against the generated case -----------------------------------------------------

def _kg(quantity, unit):
    return {"kg": 1.0, "g": 0.001, "lb": 0.45359237}.get((unit or "").lower(), 0.0) * (quantity or 0.0)


def test_seizures_by_port_and_month_count_each_seizure_once(case_store):
    store, truth = case_store
    raw = store.read("MATCH (s:Seizure)-[:OCCURRED_AT]->(p:PortOfEntry) "
                     "RETURN s.seizure_id AS sid, p.code AS code, s.date AS date, s.quantity AS q, s.unit AS u")
    expected_n, expected_kg = Counter(), Counter()
    for r in raw:
        key = (r["code"], r["date"].to_native().strftime("%Y-%m"))
        expected_n[key] += 1
        expected_kg[key] += _kg(r["q"], r["u"])
    rows = metrics.seizures_by_port_month(store)
    assert {(r["code"], r["month"]): r["seizures"] for r in rows} == dict(expected_n)
    assert {(r["code"], r["month"]): pytest.approx(r["kg"]) for r in rows} == dict(expected_kg)
    assert sum(expected_n.values()) == len(raw) > 0
    first_half = metrics.seizures_by_port_month(store, end=dt.date(2024, 6, 30))
    assert all(r["month"] <= "2024-06" for r in first_half)
    assert sum(r["seizures"] for r in first_half) == sum(n for (_, m), n in expected_n.items() if m <= "2024-06")


def test_brokers_per_period_and_corridors_on_the_case(case_store):
    store, truth = case_store
    periods = panel.periods_of(None, truth["phases"])
    rows = metrics.brokers_by_period(store, periods, top=3)
    assert {r["period"] for r in rows} <= {p[0] for p in periods} and rows
    assert all(r["label"] in ("Person", "Organization") and r["brokerage"] > 0 for r in rows)
    assert all(Counter(r["period"] for r in rows)[p] <= 3 for p in Counter(r["period"] for r in rows))
    groups, found = metrics.corridors(store, limit=50)
    assert found > 0 and sum(g["routes"] for g in groups) == found
    ports = {e["key"] for e in truth["entities"] if e["label"] == "PortOfEntry"}
    assert all(set(g["ports"]) <= ports for g in groups)


@pytest.mark.browser
def test_seizure_chart_totals_equal_the_queries_and_the_csv_exports(case_store, make_app, page, tmp_path):
    store, _ = case_store
    rows = metrics.seizures_by_port_month(store)
    per_port = Counter()
    for r in rows:
        per_port[r["port"]] += r["seizures"]
    page.goto(make_app(store) + "/?tab=metrics")
    figure = "() => document.querySelector('#metrics-seizures-graph .js-plotly-plot')"
    page.wait_for_function(f"() => {{ const g = ({figure})(); return g && g.data && g.data.length > 0; }}")
    traces = page.evaluate(f"() => ({figure})().data.map(t => ({{name: t.name, x: t.x, y: t.y}}))")
    assert {t["name"]: sum(t["y"]) for t in traces} == dict(per_port)
    assert sum(len(t["x"]) for t in traces) == len(rows)
    page.get_by_text(f"{sum(per_port.values()):,} seizures at ports of entry").wait_for()

    # the table holds the same rows, and its CSV export downloads them
    with page.expect_download() as download:
        page.locator("#metrics-seizures-export").click()
    path = tmp_path / "seizures.csv"
    download.value.save_as(path)
    with open(path, encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    assert sum(int(r["seizures"]) for r in exported) == sum(per_port.values())
    assert {(r["code"], r["month"]) for r in exported} == {(r["code"], r["month"]) for r in rows}

    # the table sorts by a column: a click on its header puts the fewest seizures first, a second the most
    header = page.locator('#metrics-seizures-table .ag-header-cell[col-id="seizures"]')
    first = page.locator('#metrics-seizures-table .ag-row[row-index="0"] .ag-cell[col-id="seizures"]')
    header.click()
    page.wait_for_function("() => document.querySelector('#metrics-seizures-table .ag-header-cell[col-id=\"seizures\"]')"
                           ".getAttribute('aria-sort') === 'ascending'")
    assert int(first.inner_text()) == min(r["seizures"] for r in rows)
    header.click()
    page.wait_for_function("() => document.querySelector('#metrics-seizures-table .ag-header-cell[col-id=\"seizures\"]')"
                           ".getAttribute('aria-sort') === 'descending'")
    assert int(first.inner_text()) == max(r["seizures"] for r in rows)

    # kilograms instead of counts
    page.get_by_text("kilograms seized").click()
    kg = Counter()
    for r in rows:
        kg[r["port"]] += r["kg"]
    page.wait_for_function(f"() => Math.abs(({figure})().data.map(t => t.y.reduce((a, b) => a + b, 0))"
                           f".reduce((a, b) => a + b, 0) - {sum(kg.values())}) < 1e-6")


def test_a_dataset_can_be_chosen_and_the_charts_follow(case_store, make_app, page, tmp_path):
    """Runs last in this module: it adds the built-in sample case (dataset ``sample``) beside ``case``."""
    from chokepoint.loaders.load import SAMPLE_CASE, load_records

    store, _ = case_store
    load_records(store, SAMPLE_CASE, "sample", rejects_path=tmp_path / "rejects.csv")
    everything = sum(r["seizures"] for r in metrics.seizures_by_port_month(store))
    sample = sum(r["seizures"] for r in metrics.seizures_by_port_month(store, "sample"))
    assert 0 < sample < everything

    page.goto(make_app(store) + "/?tab=metrics")
    page.get_by_text(f"{everything:,} seizures at ports of entry").wait_for()
    page.click("#metrics-dataset")
    page.get_by_role("option", name="sample", exact=True).click()
    page.get_by_text(f"{sample:,} seizures at ports of entry").wait_for()
    assert page.locator("#metrics-dataset").inner_text().strip().startswith("sample")
