"""Working days, without the matcher's numerical libraries: the pages and services that move an
exchange's days need only this, and a web worker need not load numpy and scipy to serve them."""

from __future__ import annotations

from datetime import date, timedelta


def working_day_after(day: date, count: int) -> date:
    """The working day `count` working days after `day` (Monday to Friday; no holidays); `day`
    itself, or the next working day when it falls on a weekend, for `count` 0."""
    if count < 0:
        raise ValueError("count working days forward, from 0")
    while day.weekday() >= 5:
        day += timedelta(days=1)
    weeks, rest = divmod(count, 5)
    day += timedelta(weeks=weeks)
    for _ in range(rest):
        day += timedelta(days=3 if day.weekday() == 4 else 1)
    return day
