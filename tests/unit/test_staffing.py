"""Erlang C against the worked example of REFERENCE.md §7 and docs/metrics.md."""

import math
from datetime import UTC

import pytest

from hallctl.domain.estimates import wait_range
from hallctl.reports.staffing import erlang_c, windows_needed


def test_the_worked_example_sixty_an_hour_eight_minutes_ten_windows():
    result = erlang_c(60, 8, 10, target_min=15)
    assert result.load == 8
    assert result.p_wait == pytest.approx(0.409, abs=0.0005)
    assert result.mean_wait_min == pytest.approx(1.64, abs=0.005)
    assert result.service_level == pytest.approx(0.990, abs=0.0005)


@pytest.mark.parametrize(
    ("windows", "p_wait", "mean_wait", "level"), [(9, 0.653, 5.2, 0.900), (11, 0.245, 0.65, 0.999)]
)
def test_one_window_less_or_more(windows, p_wait, mean_wait, level):
    result = erlang_c(60, 8, windows, target_min=15)
    assert result.p_wait == pytest.approx(p_wait, abs=0.0005)
    assert result.mean_wait_min == pytest.approx(mean_wait, abs=0.05)  # the table rounds to 0.1 min
    assert result.service_level == pytest.approx(level, abs=0.0005)


def test_as_many_windows_as_the_load_never_catches_up():
    result = erlang_c(60, 8, 8, target_min=15)
    assert result.p_wait == 1.0 and math.isinf(result.mean_wait_min) and result.service_level == 0.0


def test_windows_needed_is_the_fewest_that_meet_the_share():
    assert windows_needed(60, 8, target_min=15, share=0.8) == 9
    assert windows_needed(60, 8, target_min=15, share=0.95) == 10
    assert windows_needed(0, 8, target_min=15) == 0


def test_the_wait_range_is_the_queue_length_estimate_widened_by_one_over_root_n():
    # 8 ahead, 2 windows, 6 min: mean (8+1)*6/2 = 27 min, spread 1/3 → 18..36
    assert wait_range(8, 2, 6) == (18, 36)
    assert wait_range(0, 1, 8) == (0, 16)
    assert wait_range(3, 0, 5) == (10, 30)  # no window open: assume one


def test_service_times_learn_per_hour_then_per_service_then_fall_back_to_the_config():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hallctl.domain.estimates import MIN_SAMPLES, ServiceTimes

    times = ServiceTimes({"SB": 8.0}, ZoneInfo("Asia/Shanghai"))
    ten = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    three = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 15:00
    assert times.mean_min("SB", ten) == 8.0
    for _ in range(MIN_SAMPLES - 1):
        times.observe("SB", ten, 300)
    assert times.mean_min("SB", ten) == 8.0  # not enough history yet
    times.observe("SB", ten, 300)
    assert times.mean_min("SB", ten) == 5.0  # ten services of 5 minutes at 10:00
    assert times.mean_min("SB", three) == 5.0  # 15:00 has none: the service's overall average
    times.observe("SB", ten, 900)
    assert times.mean_min("SB", ten) == pytest.approx(0.95 * 5 + 0.05 * 15)


def test_free_windows_shorten_the_wait_and_none_needed_means_no_wait():
    # 2 ahead, 3 windows of which 1 free, 9 min: k = 2 departures, 6 min, spread 1/√2 → 1..11
    assert wait_range(2, 3, 9, free=1) == (1, 11)
    # nobody ahead and a free window: no wait, at most one service time shared by the windows
    assert wait_range(0, 3, 9, free=1) == (0, 3)
    assert wait_range(1, 2, 8, free=5) == (0, 4)  # more free than windows counts as all of them
