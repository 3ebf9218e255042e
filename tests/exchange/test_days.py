"""Working days for the pages and services, in plain Python: the same days as numpy's business
days (Monday to Friday, a weekend start rolled forward), which the matcher's slots use."""

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponte.exchange.days import working_day_after


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), count=st.integers(0, 400))
def test_the_same_day_as_numpys_business_days(day, count):
    expected = np.busday_offset(np.datetime64(day, "D"), count, roll="forward").astype(date)
    assert working_day_after(day, count) == expected


def test_a_week_from_a_monday_and_from_a_wednesday_across_the_weekend():
    monday = date(2026, 12, 7)
    assert working_day_after(monday, 4) == monday + timedelta(days=4)  # Friday
    assert working_day_after(monday + timedelta(days=2), 4) == monday + timedelta(days=8)  # next Tuesday
    assert working_day_after(monday - timedelta(days=1), 0) == monday  # a Sunday rolls to Monday


def test_days_are_counted_forward_only():
    with pytest.raises(ValueError):
        working_day_after(date(2026, 12, 7), -1)
