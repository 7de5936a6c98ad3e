"""Horizontal bar charts as plain geometry for server-rendered SVG. No Django here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 600
BAR = 22
GAP = 6
LABEL = 220  # room for the labels, left of the bars
VALUE = 70  # room for the value, right of the bars


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_height: int
    bar_x: int


def bars(rows: Sequence[tuple[str, int]]) -> Chart:
    """One bar per (label, value), as long as its value against the largest."""
    top = max((value for _label, value in rows), default=0)
    room = WIDTH - LABEL - VALUE
    items = []
    for i, (label, value) in enumerate(rows):
        length = round(room * value / top) if top else 0
        y = i * (BAR + GAP)
        items.append(
            Bar(label, value, y, max(1, length), y + BAR * 2 // 3, LABEL + max(1, length) + 6)
        )
    height = max(BAR, len(rows) * (BAR + GAP) - GAP)
    return Chart(tuple(items), WIDTH, height, BAR, LABEL)
