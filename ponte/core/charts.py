"""Charts drawn on the server as SVG, for pages that show figures: no chart script, nothing
fetched. A chart is read without colour — each series has its own fill (solid, hatched, dotted)
and every bar carries its value as text — and its page always shows the same figures as a table
next to it, with a sentence that says what the chart shows, read first."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 60
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14
LEGEND_HEIGHT = 28
# A fill per series that tells them apart in black and white: solid, hatched, dotted.
FILLS = ("solid", "hatched", "dotted")
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    series: int
    fill: str
    y: float
    width: float
    value_x: float
    value: str

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 3


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class HorizontalBars:
    """The geometry of a horizontal bar chart: one row per category, one bar per series."""

    uid: str
    width: int
    height: float
    label_width: int
    rows: tuple[Row, ...]
    legend: tuple[tuple[str, str, float, float], ...]  # (series name, fill, x of its swatch, x of its name)
    axis_x: float
    label_x: float
    top: float


def shown(value, decimals: int) -> str:
    """The value rounded half up (number_format alone cuts the digits off: 1.67 would read 1.6)
    in the reader's number format: what a bar says, and what its table and text say too."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=decimals)


def horizontal_bars(
    categories: list[str],
    series: list[str],
    values: list[list[Decimal | float | int | None]],
    *,
    maximum: float,
    decimals: int = 0,
) -> HorizontalBars:
    """`values[category][series]`, each bar saying its value in the reader's number format with
    `decimals` places; a missing value (None) draws no bar and says "—"."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    y = LEGEND_HEIGHT if len(series) > 1 else 0
    for category, row_values in zip(categories, values, strict=True):
        bars = []
        for index, value in enumerate(row_values):
            width = 0 if value is None or maximum <= 0 else plot * float(value) / maximum
            bars.append(
                Bar(
                    series=index,
                    fill=FILLS[index % len(FILLS)],
                    y=y,
                    width=round(max(width, 0), 1),
                    value_x=round(LABEL_WIDTH + width + 6, 1),
                    value="—" if value is None else shown(value, decimals),
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        rows.append(Row(label=category, label_y=bars[0].y + BAR_HEIGHT - 3, bars=tuple(bars)))
        y += GROUP_GAP
    legend = tuple(
        (name, FILLS[index % len(FILLS)], LABEL_WIDTH + index * 190, LABEL_WIDTH + index * 190 + 22)
        for index, name in enumerate(series)
    )
    return HorizontalBars(
        uid=f"chart{next(_ids)}",
        width=WIDTH,
        height=y,
        label_width=LABEL_WIDTH,
        rows=tuple(rows),
        legend=legend if len(series) > 1 else (),
        axis_x=LABEL_WIDTH,
        label_x=LABEL_WIDTH - 8,
        top=LEGEND_HEIGHT - 4 if len(series) > 1 else 0,
    )
