"""Charts drawn on the server as inline SVG: the geometry only, numbers in and shapes out.

No Flask and no database here, so the arithmetic is tested on its own (tests/training/
test_charts.py). ``templates/_charts.html`` draws what these functions return, under the
site's Content-Security-Policy: plain SVG shapes with classes, no inline styles, no script.

Every coordinate is in SVG user units inside ``0 0 width height``; the page scales the whole
drawing to the width it has. Values below zero (and values that are not numbers at all) are
drawn as zero, so no bar ever points out of its box. A chart with nothing but zeros is
``empty``: the partial shows its empty state instead of an empty drawing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: the size of chart text in user units (style.css sets the same)
FONT = 13
#: roughly how wide one character of chart text is, to leave room for labels
CHAR = FONT * 0.6
GAP = 6
#: narrower than this, labels would not fit beside the bars
MIN_WIDTH = 120
#: lower than this, upright bars would have no room between their labels
MIN_HEIGHT = 80


@dataclass(frozen=True)
class Box:
    """The plotting area: where bars and lines may go."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Label:
    """A piece of text at (x, y), its baseline; ``anchor`` is SVG's text-anchor."""

    text: str
    x: float
    y: float
    anchor: str = "middle"


@dataclass(frozen=True)
class Gridline:
    """A line across the plot at a round value, with that value as its label."""

    value: float
    x1: float
    y1: float
    x2: float
    y2: float
    label: Label


@dataclass(frozen=True)
class Bar:
    label: Label
    value: float
    #: the value written beside (or above) the bar
    shown: Label
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    plot: Box
    bars: tuple[Bar, ...]
    grid: tuple[Gridline, ...]
    horizontal: bool

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    plot: Box
    points: tuple[Point, ...]
    grid: tuple[Gridline, ...]
    #: a few of the points' labels along the bottom (first and last always)
    x_labels: tuple[Label, ...]
    #: the last value, written by the last point
    last: Label | None

    @property
    def empty(self) -> bool:
        return not any(point.value for point in self.points)

    @property
    def line(self) -> str:
        """The points for ``<polyline points=…>``."""
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)

    @property
    def area(self) -> str:
        """The points for ``<polygon points=…>``: the line closed along the bottom."""
        if not self.points:
            return ""
        bottom = self.plot.bottom
        ends = f"{self.points[-1].x:g},{bottom:g} {self.points[0].x:g},{bottom:g}"
        return f"{self.line} {ends}"


def number(value: float) -> str:
    """A value as chart text, written as the site writes numbers elsewhere: 1200 -> "1200",
    2.5 -> "2.5", 0.30000000000000004 -> "0.3"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def clean(value: float) -> float:
    """What a value is drawn as: itself, or zero when it is negative or not a finite number."""
    return float(value) if math.isfinite(value) and value > 0 else 0.0


def nice_step(largest: float, steps: int = 4, whole: bool = False) -> float:
    """A round step (1, 2 or 5 times a power of ten) that covers ``largest`` in about
    ``steps`` steps; at least 1 when the values are ``whole`` numbers (counts of people)."""
    raw = largest / max(1, steps)
    if not 1e-100 < raw < math.inf:  # nothing (or next to nothing) to show
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(1.0, step) if whole else step


def scale_top(largest: float, steps: int = 4, whole: bool = False) -> tuple[float, float]:
    """(top, step): the value at the top of the scale, a whole number of steps at or above
    ``largest``, and the step between gridlines."""
    step = nice_step(largest, steps, whole)
    top = max(1, math.ceil(largest / step)) * step
    if not math.isfinite(top):  # beyond what a float holds: no round numbers up there
        return largest, largest
    return top, step


def _ticks(top: float, step: float) -> list[float]:
    count = round(top / step)
    return [min(top, i * step) for i in range(count + 1)]


def _share(value: float, top: float) -> float:
    """How far up the scale a value is, from 0 to 1."""
    return min(1.0, value / top)


def _r(value: float) -> float:
    return round(value, 1)


def _check_size(width: float, height: float = MIN_HEIGHT) -> None:
    if not (MIN_WIDTH <= width < math.inf and MIN_HEIGHT <= height < math.inf):
        raise ValueError(
            f"A chart is at least {MIN_WIDTH} units wide and {MIN_HEIGHT} high, "
            f"not {width} by {height}."
        )


def _text_width(text: str) -> float:
    return len(text) * CHAR


def _upright_frame(
    top: float, step: float, width: float, height: float, fmt: Callable[[float], str]
) -> tuple[Box, tuple[Gridline, ...]]:
    """The plotting area of an upright chart (room on the left for the scale's numbers, on top
    and at the bottom for labels) and its horizontal gridlines, each with its number."""
    ticks = _ticks(top, step)
    left = min(GAP + max(_text_width(fmt(t)) for t in ticks) + GAP, width * 0.4)
    plot = Box(_r(left), FONT + GAP, _r(width - GAP), _r(height - FONT - 2 * GAP))
    grid = tuple(
        Gridline(
            t,
            plot.left,
            _r(y := plot.bottom - _share(t, top) * plot.height),
            plot.right,
            _r(y),
            Label(fmt(t), _r(plot.left - GAP), _r(y + FONT * 0.35), "end"),
        )
        for t in ticks
    )
    return plot, grid


def bar_chart(
    data: Sequence[tuple[str, float]],
    *,
    width: float = 360,
    height: float = 200,
    maximum: float = 0,
    whole: bool = True,
    fmt: Callable[[float], str] = number,
) -> BarChart:
    """Upright bars (a histogram: one bar a bin), labels under them, values on top.

    ``maximum`` is the least the scale reaches (the whole cohort, say, so bars show shares of
    it); ``whole`` keeps gridlines on whole numbers, for counts.
    """
    _check_size(width, height)
    values = [clean(v) for _, v in data]
    top, step = scale_top(max([clean(maximum), *values]), whole=whole)
    plot, grid = _upright_frame(top, step, width, height, fmt)
    slot = plot.width / max(1, len(values))
    bars = []
    for i, ((label, _), value) in enumerate(zip(data, values, strict=True)):
        x0, x1 = plot.left + slot * (i + 0.15), plot.left + slot * (i + 0.85)
        y0 = plot.bottom - _share(value, top) * plot.height
        centre = _r(plot.left + slot * (i + 0.5))
        bars.append(
            Bar(
                label=Label(label, centre, _r(plot.bottom + FONT + GAP / 2)),
                value=value,
                shown=Label(fmt(value), centre, _r(y0 - GAP / 2)),
                x=_r(x0),
                y=_r(y0),
                width=_r(_r(x1) - _r(x0)),
                height=_r(plot.bottom - _r(y0)),
            )
        )
    return BarChart(width, height, plot, tuple(bars), grid, horizontal=False)


def horizontal_bar_chart(
    data: Sequence[tuple[str, float]],
    *,
    width: float = 360,
    row: float = 30,
    maximum: float = 0,
    whole: bool = True,
    fmt: Callable[[float], str] = number,
) -> BarChart:
    """Bars from left to right, one a row, each named on its left with its value at its end;
    the height follows from the number of rows. Suits a few categories with longer names."""
    _check_size(width)
    values = [clean(v) for _, v in data]
    top, step = scale_top(max([clean(maximum), *values]), whole=whole)
    ticks = _ticks(top, step)
    names = max((_text_width(label) for label, _ in data), default=0)
    left = min(GAP + names + GAP, width * 0.45)
    widest = max(_text_width(fmt(v)) for v in [*values, *ticks])
    right = max(left, width - GAP - widest)
    height = FONT + len(values) * row + FONT + 2 * GAP
    plot = Box(_r(left), FONT, _r(right), _r(FONT + len(values) * row))
    grid = tuple(
        Gridline(
            t,
            _r(x := plot.left + _share(t, top) * plot.width),
            plot.top,
            _r(x),
            plot.bottom,
            Label(fmt(t), _r(x), _r(plot.bottom + FONT + GAP / 2)),
        )
        for t in ticks
    )
    thickness = row * 0.6
    bars = []
    for i, ((label, _), value) in enumerate(zip(data, values, strict=True)):
        y0 = plot.top + row * i + (row - thickness) / 2
        x1 = _r(plot.left + _share(value, top) * plot.width)
        middle = _r(y0 + thickness / 2 + FONT * 0.35)
        bars.append(
            Bar(
                label=Label(label, _r(plot.left - GAP), middle, "end"),
                value=value,
                shown=Label(fmt(value), _r(x1 + GAP / 2), middle, "start"),
                x=plot.left,
                y=_r(y0),
                width=_r(x1 - plot.left),
                height=_r(thickness),
            )
        )
    return BarChart(width, height, plot, tuple(bars), grid, horizontal=True)


def line_chart(
    data: Sequence[tuple[str, float]],
    *,
    width: float = 360,
    height: float = 200,
    labels: int = 3,
    whole: bool = False,
    fmt: Callable[[float], str] = number,
) -> LineChart:
    """A line through the values, left to right in the order given (a running total by week,
    say), with up to ``labels`` of the points' names along the bottom."""
    _check_size(width, height)
    values = [clean(v) for _, v in data]
    top, step = scale_top(max(values, default=0), whole=whole)
    plot, grid = _upright_frame(top, step, width, height, fmt)
    count = len(values)
    points = tuple(
        Point(
            label,
            value,
            _r(plot.left + (plot.width * i / (count - 1) if count > 1 else plot.width / 2)),
            _r(plot.bottom - _share(value, top) * plot.height),
        )
        for i, ((label, _), value) in enumerate(zip(data, values, strict=True))
    )
    below = _r(plot.bottom + FONT + GAP / 2)
    x_labels = tuple(
        Label(points[i].label, points[i].x, below, _anchor(i, count))
        for i in _spread(count, labels)
    )
    last = None
    if points:
        end = points[-1]
        above = _r(max(FONT, end.y - GAP))
        last = Label(fmt(end.value), end.x, above, "end" if count > 1 else "middle")
    return LineChart(width, height, plot, points, grid, x_labels, last)


def _anchor(i: int, count: int) -> str:
    """Text under the first point starts there and under the last ends there, so neither
    runs out of the drawing."""
    if count > 1 and i == 0:
        return "start"
    if count > 1 and i == count - 1:
        return "end"
    return "middle"


def _spread(count: int, wanted: int) -> list[int]:
    """Up to ``wanted`` indices out of ``count``, evenly spread, first and last included."""
    if count <= 0 or wanted <= 0:
        return []
    if count <= wanted:
        return list(range(count))
    if wanted == 1:
        return [count - 1]
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})
