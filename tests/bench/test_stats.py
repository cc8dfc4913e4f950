"""Load-test numbers: nearest-rank percentiles and the per-request summary."""

import pytest

from bench.loadtest.stats import Line, percentile, summarise


def test_percentile_is_the_nearest_rank_value():
    values = [float(v) for v in range(100, 0, -1)]
    assert (percentile(values, 0.50), percentile(values, 0.95), percentile(values, 0.99)) == (
        50.0,
        95.0,
        99.0,
    )


def test_percentile_of_few_values_rounds_up_to_the_next_value():
    assert percentile([10.0, 30.0, 20.0], 0.5) == 20.0
    assert percentile([10.0, 30.0, 20.0], 0.95) == 30.0


def test_percentile_of_no_values_is_refused():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


def test_percentile_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="fraction"):
        percentile([1.0], 0)


def test_summary_has_a_line_per_request_name_then_the_total():
    samples = [("home", 10.0, False), ("cart", 30.0, True), ("home", 20.0, False)]
    assert summarise(samples, seconds=2.0) == [
        Line("cart", 1, 1, 0.5, 30.0, 30.0, 30.0),
        Line("home", 2, 0, 1.0, 10.0, 20.0, 20.0),
        Line("all requests", 3, 1, 1.5, 20.0, 30.0, 30.0),
    ]
