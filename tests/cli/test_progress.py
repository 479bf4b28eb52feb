"""The load progress display (cli/base.py ``row_progress``): each file's task has its own elapsed time
and rate, also a small file reported once at its end."""

import itertools

from chokepoint.cli.base import _RowsPerSecond, row_progress


def test_each_file_has_its_own_time_and_rate():
    bar = row_progress(quiet=True)
    ticks = itertools.count(100.0, 0.5)  # a clock that moves on at every reading, so no real time is measured
    bar.get_time = lambda: next(ticks)
    with bar:
        big = bar.add_task("loading shipments.csv", total=None)
        bar.advance(big, 2500)
        small = bar.add_task("loading seizures.csv", total=None)  # a small file: one report, at its end
        bar.advance(small, 3)
    first, second = bar.tasks
    assert first.start_time is not None and first.stop_time is not None
    assert second.start_time == first.stop_time and second.stop_time is not None  # one after the other
    assert second.elapsed == second.stop_time - second.start_time < bar.get_time() - first.start_time
    assert _RowsPerSecond().render(first).plain == f"{first.completed / first.elapsed:,.0f} rows/s"
    assert _RowsPerSecond().render(second).plain == f"{second.completed / second.elapsed:.1f} rows/s"  # under 10


def test_a_single_task_stops_with_the_display():
    bar = row_progress(quiet=True)
    ticks = itertools.count(100.0, 0.5)
    bar.get_time = lambda: next(ticks)
    with bar:
        task = bar.add_task("generating poe-couriers-101", total=None)
        bar.advance(task, 7)
    (done,) = bar.tasks
    assert done.start_time is not None and done.stop_time is not None
    assert _RowsPerSecond().render(done).plain.endswith(" rows/s")
