"""Bar charts drawn on the server: each bar as long as its value is of the maximum, each saying its
value rounded half up in the reader's number format, a missing value drawn as no bar and read as
"—", and each series told apart by its fill, not by colour alone."""

from decimal import Decimal
from itertools import pairwise

import pytest
from django.utils import translation

from ponte.core.charts import BAR_HEIGHT, FILLS, LABEL_WIDTH, VALUE_WIDTH, WIDTH, horizontal_bars

PLOT = WIDTH - LABEL_WIDTH - VALUE_WIDTH  # the length of a bar at the maximum


def bars_of(chart) -> list[list]:
    return [list(row.bars) for row in chart.rows]


def test_a_bars_width_is_its_value_over_the_maximum():
    chart = horizontal_bars(
        ["Full", "Half", "Fifth", "None at all"],
        ["Today"],
        [[5], [Decimal("2.5")], [1.0], [0]],
        maximum=5,
    )
    widths = [bars[0].width for bars in bars_of(chart)]
    assert widths == [PLOT, PLOT / 2, PLOT / 5, 0]
    assert [row.label for row in chart.rows] == ["Full", "Half", "Fifth", "None at all"]
    # The value is written just past its bar's end.
    assert [bars[0].value_x for bars in bars_of(chart)] == [LABEL_WIDTH + width + 6 for width in widths]
    # Against another maximum the same value is a shorter bar.
    assert horizontal_bars(["A"], ["Today"], [[5]], maximum=10).rows[0].bars[0].width == PLOT / 2


def test_bars_of_one_row_and_rows_never_overlap():
    chart = horizontal_bars(["A", "B"], ["Now", "Before"], [[1, 2], [3, 4]], maximum=5)
    tops = [bar.y for row in chart.rows for bar in row.bars]
    assert tops == sorted(tops) and len(set(tops)) == 4
    assert all(later - earlier >= BAR_HEIGHT for earlier, later in pairwise(tops))
    assert chart.height > tops[-1] + BAR_HEIGHT


def test_a_missing_value_draws_no_bar_and_reads_as_a_dash():
    chart = horizontal_bars(
        ["Iteration", "Curiosity"], ["Now", "Before"], [[4, None], [None, 2]], maximum=5, decimals=1
    )
    [[now, before], [now_2, before_2]] = bars_of(chart)
    assert before.width == 0 and before.value == "—"
    assert now_2.width == 0 and now_2.value == "—"
    assert now.value == "4.0" and before_2.value == "2.0"
    assert now.width == PLOT * 4 / 5


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (Decimal("3.67"), 1, "3.7"),
        (3.67, 1, "3.7"),
        (Decimal("3.65"), 1, "3.7"),
        (Decimal("2.25"), 1, "2.3"),  # half up, not to the even digit
        (0.05, 1, "0.1"),
        (Decimal("3.64"), 1, "3.6"),
        (Decimal("4.5"), 0, "5"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("1.335"), 2, "1.34"),
        (7, 0, "7"),
        (3, 2, "3.00"),
    ],
)
def test_a_value_is_rounded_half_up_never_cut(value, decimals, shown):
    chart = horizontal_bars(["Skill"], ["Now"], [[value]], maximum=10, decimals=decimals)
    assert chart.rows[0].bars[0].value == shown


def test_each_series_has_its_own_fill_and_a_legend():
    chart = horizontal_bars(["A", "B"], ["Now", "Before", "Long ago"], [[1, 2, 3], [4, 5, None]], maximum=5)
    for bars in bars_of(chart):
        assert [bar.fill for bar in bars] == ["solid", "hatched", "dotted"]
        assert [bar.series for bar in bars] == [0, 1, 2]
    assert len(set(FILLS)) == len(FILLS)
    assert [(name, fill) for name, fill, _x, _text_x in chart.legend] == [
        ("Now", "solid"),
        ("Before", "hatched"),
        ("Long ago", "dotted"),
    ]
    swatches = [x for _name, _fill, x, _text_x in chart.legend]
    assert swatches == sorted(swatches) and len(set(swatches)) == 3
    # The legend sits above the first bar.
    assert chart.rows[0].bars[0].y >= chart.top


def test_a_single_series_needs_no_legend():
    chart = horizontal_bars(["A"], ["Now"], [[1]], maximum=5)
    assert chart.legend == () and chart.rows[0].bars[0].fill == "solid" and chart.rows[0].bars[0].y == 0


def test_each_chart_has_its_own_id_for_its_title_and_patterns():
    first = horizontal_bars(["A"], ["Now"], [[1]], maximum=5)
    second = horizontal_bars(["A"], ["Now"], [[1]], maximum=5)
    assert first.uid != second.uid


@pytest.mark.parametrize(
    ("language", "now", "before"),
    [("pt-pt", "3,7", "1,3"), ("fr", "3,7", "1,3"), ("nl", "3,7", "1,3"), ("en", "3.7", "1.3")],
)
def test_values_are_written_in_the_readers_language_and_geometry_is_not(language, now, before):
    with translation.override(language):
        chart = horizontal_bars(["Skill"], ["Now", "Before"], [[Decimal("3.67"), 1.25]], maximum=5, decimals=1)
    [[first, second]] = bars_of(chart)
    assert (first.value, second.value) == (now, before)
    # Coordinates stay numbers, for the template to write without the reader's format.
    for number in (first.width, first.value_x, first.y, first.text_y, chart.height, chart.rows[0].label_y):
        assert isinstance(number, int | float)


def test_a_chart_with_every_value_missing_still_draws_its_rows():
    chart = horizontal_bars(["A", "B"], ["Now"], [[None], [None]], maximum=5, decimals=1)
    assert [bars[0].value for bars in bars_of(chart)] == ["—", "—"]
    assert [bars[0].width for bars in bars_of(chart)] == [0, 0]
    with pytest.raises(ValueError):
        horizontal_bars(["A", "B"], ["Now"], [[1]], maximum=5)  # a row of values for each category
