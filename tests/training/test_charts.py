"""The geometry of the server-drawn charts (``training.charts``): no app needed. Bars never
point below their baseline or out of their box, whatever the numbers; a chart of nothing but
zeros says it is empty; the scale's round numbers cover the largest value."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.charts import (
    BarChart,
    LineChart,
    bar_chart,
    horizontal_bar_chart,
    line_chart,
    nice_step,
    number,
    scale_top,
)

EPSILON = 1e-9
labels = st.text(min_size=0, max_size=12)
# anything a caller might hand over, the nonsense included: negative, zero, huge, not a number
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**6), max_value=10**9).map(float),
)
series = st.lists(st.tuples(labels, values), max_size=40)
widths = st.floats(min_value=120, max_value=2000)
heights = st.floats(min_value=80, max_value=1000)


def inside(chart: BarChart | LineChart, x: float, y: float) -> bool:
    plot = chart.plot
    return (
        plot.left - EPSILON <= x <= plot.right + EPSILON
        and plot.top - EPSILON <= y <= plot.bottom + EPSILON
    )


def assert_bars_in_their_box(chart: BarChart) -> None:
    plot = chart.plot
    assert 0 <= plot.left <= plot.right <= chart.width
    assert 0 <= plot.top <= plot.bottom <= chart.height
    for bar in chart.bars:
        assert bar.width >= 0 and bar.height >= 0 and bar.value >= 0
        assert inside(chart, bar.x, bar.y)
        assert inside(chart, bar.x + bar.width, bar.y + bar.height)
        for label in (bar.label, bar.shown):
            assert 0 <= label.x <= chart.width and 0 <= label.y <= chart.height
    for line in chart.grid:
        assert inside(chart, line.x1, line.y1) and inside(chart, line.x2, line.y2)


@given(series, widths, heights)
def test_upright_bars_stay_in_their_box(data, width, height):
    chart = bar_chart(data, width=width, height=height)
    assert len(chart.bars) == len(data)
    assert_bars_in_their_box(chart)
    for bar in chart.bars:  # every bar stands on the baseline
        assert math.isclose(bar.y + bar.height, chart.plot.bottom, abs_tol=0.1 + EPSILON)


@given(series, widths, st.floats(min_value=12, max_value=80))
def test_sideways_bars_stay_in_their_box(data, width, row):
    chart = horizontal_bar_chart(data, width=width, row=row)
    assert_bars_in_their_box(chart)
    for bar in chart.bars:  # every bar starts at the left edge
        assert bar.x == chart.plot.left


@given(series, widths, heights)
def test_a_line_stays_in_its_box(data, width, height):
    chart = line_chart(data, width=width, height=height)
    assert len(chart.points) == len(data)
    assert all(inside(chart, p.x, p.y) and p.value >= 0 for p in chart.points)
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)  # left to right, in the order given
    for label in (*chart.x_labels, *([chart.last] if chart.last else [])):
        assert 0 <= label.x <= chart.width and 0 <= label.y <= chart.height
    assert len(chart.x_labels) <= 3


@given(st.lists(st.tuples(labels, st.floats(min_value=0, max_value=1e9)), min_size=1))
def test_bigger_values_draw_bigger_bars(data):
    chart = bar_chart(data)
    pairs = sorted(zip([v for _, v in data], [b.height for b in chart.bars], strict=True))
    heights_in_order = [h for _, h in pairs]
    assert heights_in_order == sorted(heights_in_order)


@given(st.lists(st.tuples(labels, st.sampled_from([0.0, -1.0, -0.0, math.nan])), max_size=10))
def test_nothing_but_zeros_is_an_empty_chart(data):
    assert bar_chart(data).empty and horizontal_bar_chart(data).empty
    assert line_chart(data).empty
    assert all(b.height == 0 for b in bar_chart(data).bars)


def test_any_value_above_zero_is_something_to_draw():
    assert not bar_chart([("a", 0), ("b", 1)]).empty
    assert not line_chart([("w1", 0), ("w2", 0.25)]).empty


@given(st.floats(min_value=0, max_value=1e12), st.booleans())
def test_the_scale_covers_the_largest_value_in_round_steps(largest, whole):
    top, step = scale_top(largest, whole=whole)
    assert top >= largest and step > 0
    assert top / step == pytest.approx(round(top / step))
    if whole:
        assert step >= 1 and float(step).is_integer()


def test_round_steps():
    assert nice_step(100) == 50 and nice_step(7) == 2 and nice_step(3, whole=True) == 1
    assert nice_step(0.3) == pytest.approx(0.1) and nice_step(0) == 1
    assert scale_top(523.5) == (600, 200) and scale_top(3, whole=True) == (3, 1)


def test_numbers_read_as_people_write_them():
    assert number(1200) == "1200" and number(2.5) == "2.5" and number(0.1 + 0.2) == "0.3"


def test_the_values_and_labels_are_the_ones_given():
    chart = horizontal_bar_chart([("Started", 12), ("Certified", 3)], maximum=20)
    assert [(b.label.text, b.value, b.shown.text) for b in chart.bars] == [
        ("Started", 12, "12"),
        ("Certified", 3, "3"),
    ]
    # the scale reaches the maximum given: 12 of 20 is three fifths of the plot
    started = chart.bars[0]
    assert started.width == pytest.approx(chart.plot.width * 12 / 20, abs=0.2)
    assert [g.label.text for g in chart.grid] == ["0", "5", "10", "15", "20"]


def test_a_line_labels_its_first_and_last_points():
    data = [(f"week {i}", i * 10.0) for i in range(10)]
    chart = line_chart(data)
    assert [label.text for label in chart.x_labels] == ["week 0", "week 4", "week 9"]
    assert chart.x_labels[0].anchor == "start" and chart.x_labels[-1].anchor == "end"
    assert chart.last is not None and chart.last.text == "90"
    assert chart.line.count(",") == 10 and chart.area.count(",") == 12
    one = line_chart([("only", 5)])
    assert one.points[0].x == pytest.approx((one.plot.left + one.plot.right) / 2, abs=0.1)


def test_a_chart_too_small_to_read_is_refused():
    with pytest.raises(ValueError, match="at least 120 units wide"):
        bar_chart([("a", 1)], width=50)
