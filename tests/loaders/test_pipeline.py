"""The prefetching pipeline between mapping rows and writing them."""

import gc
import threading
import time

import pytest

from chokepoint.loaders.pipeline import LOAD_THRESHOLDS, few_collections, prefetch


def test_items_come_out_in_order():
    assert list(prefetch(iter(range(1000)), depth=3)) == list(range(1000))


def test_producer_errors_reach_the_consumer_after_the_items_before_them():
    def items():
        yield 1
        yield 2
        raise ValueError("row 3: broken")

    got = []
    with pytest.raises(ValueError, match="row 3: broken"):
        for item in prefetch(items()):
            got.append(item)
    assert got == [1, 2]


def test_a_consumer_that_stops_early_stops_and_closes_the_producer():
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    before = threading.active_count()
    with pytest.raises(RuntimeError):
        for item in prefetch(endless()):
            if item == 5:
                raise RuntimeError("write failed")
    assert closed.wait(2)
    deadline = time.monotonic() + 2
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before


def test_the_collector_runs_rarely_inside_a_load_and_as_before_after_it():
    before = gc.get_threshold()
    assert before != LOAD_THRESHOLDS
    with pytest.raises(RuntimeError):
        with few_collections():
            assert gc.get_threshold() == LOAD_THRESHOLDS
            raise RuntimeError("a write failed")
    assert gc.get_threshold() == before
