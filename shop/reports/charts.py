"""Bar charts drawn as SVG on the server: the geometry here, the markup in
templates/shop/admin/reports/*.html. Each chart has a <title> and <desc> and sits beside a
table of the same figures, so it reads without sight and without JavaScript."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
LEFT = 72  # room for the value axis labels
RIGHT = 12
TOP = 12
BOTTOM = 36  # room for the category labels
ROW = 26  # a horizontal bar's row
LABEL_WIDTH = 210


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    label_x: float = 0
    label_y: float = 0
    show_label: bool = True
    value_x: float = 0


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class Chart:
    """An SVG bar chart: `slug` makes its element ids; `title` and `desc` are read out."""

    slug: str
    title: str
    desc: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    horizontal: bool = False
    axis_left: float = LEFT
    axis_bottom: float = HEIGHT - BOTTOM
    axis_right: float = WIDTH - RIGHT
    empty: bool = False

    @property
    def center_x(self) -> float:
        return self.width / 2


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 4 or 8 times 10^k at or above `value` (1 for nothing), so the
    axis reads in round quarters."""
    if value <= 0:
        return 1
    magnitude = 10 ** max(0, math.floor(math.log10(value)))
    for step in (1, 2, 4, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def column_chart(
    *,
    slug: str,
    title: str,
    desc: str,
    points: Sequence[tuple[str, int]],
    fmt: Callable[[int], str],
) -> Chart:
    """Vertical bars, one per (label, value) in order (a time series); values ≥ 0."""
    top = nice_ceiling(max((v for _, v in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    every = max(1, math.ceil(len(points) / 12))  # at most a dozen labels along the bottom
    bars = []
    for i, (label, value) in enumerate(points):
        height = plot_h * max(value, 0) / top
        x = LEFT + i * slot + slot * 0.15
        bars.append(
            Bar(
                x=round(x, 2),
                y=round(TOP + plot_h - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                label=label,
                value_text=fmt(value),
                label_x=round(LEFT + i * slot + slot / 2, 2),
                label_y=HEIGHT - BOTTOM + 16,
                show_label=i % every == 0,
            )
        )
    ticks = [
        Tick(position=round(TOP + plot_h - plot_h * q / 4, 2), text=fmt(round(top * q / 4)))
        for q in range(5)
    ]
    return Chart(
        slug=slug,
        title=title,
        desc=desc,
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        empty=not any(v for _, v in points),
    )


def bar_chart(
    *,
    slug: str,
    title: str,
    desc: str,
    points: Sequence[tuple[str, int]],
    fmt: Callable[[int], str],
) -> Chart:
    """Horizontal bars, one row per (label, value), longest first as given; values ≥ 0."""
    top = max((v for _, v in points), default=0) or 1
    plot_w = WIDTH - LABEL_WIDTH - RIGHT - 90  # room for the value after the bar
    bars = [
        Bar(
            x=LABEL_WIDTH,
            y=TOP + i * ROW,
            width=round(plot_w * max(value, 0) / top, 2),
            height=ROW - 8,
            label=label if len(label) <= 32 else label[:31] + "…",
            value_text=fmt(value),
            label_x=LABEL_WIDTH - 8,
            label_y=TOP + i * ROW + (ROW - 8) / 2 + 4,
            value_x=round(LABEL_WIDTH + plot_w * max(value, 0) / top + 6, 2),
        )
        for i, (label, value) in enumerate(points)
    ]
    return Chart(
        slug=slug,
        title=title,
        desc=desc,
        width=WIDTH,
        height=TOP * 2 + max(len(points), 1) * ROW,
        bars=bars,
        ticks=[],
        horizontal=True,
        empty=not any(v for _, v in points),
    )
