"""The figures of the leadership dashboard, computed from what each module registers.

A module registers `Indicator`s with the core registry: which of its rows a figure counts (its
own query), the moment each row counts at, the path to the organisation it belongs to, and how
it is measured (a count, a sum, a mean), split or not by one of its fields. This engine knows
no module: it filters the rows by organisation and period, groups them by quarter, and gives
each figure its total, its quarters and its parts: every figure from one query whatever the
data. The dashboard, the public page and the API read figures from here alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Avg, Count, Sum
from django.db.models.functions import Cast, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

COUNT, SUM, MEAN = "count", "sum", "mean"
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
# How far back a period may start, and how many quarters it may span: enough for any trend,
# bounded so that no request asks for centuries.
FIRST_YEAR = 2000
MAX_QUARTERS = 40
DEFAULT_QUARTERS = 8


@dataclass(frozen=True)
class Indicator:
    """A figure a module offers the dashboard."""

    key: str
    section: Any  # the programme it belongs to, as the dashboard heads it
    label: Any
    # The rows the figure counts: the module's own query (what may be counted at all).
    rows: Callable[[], models.QuerySet]
    # The field path of the moment each row counts at (None: a snapshot of now, not by period).
    dated_by: str | None
    # The field path of the organisation a row belongs to (None: not by organisation).
    organisation: str | None = None
    measure: str = COUNT
    measured: str = ""  # the field summed or averaged
    # A field path whose values split the figure, and their labels.
    split_by: str | None = None
    split_labels: Callable[[], dict] | None = None
    # The key of the figure this one is a share of (shown as a percentage of it).
    share_of: str | None = None
    cumulative: bool = False
    # Whether the public "state of innovation" page and the API show it.
    public: bool = True
    # (field path of the person a row is about, the fewest people a value may be read from).
    min_people: tuple[str, int] | None = None
    # (title, address) of a row, for the list behind the figure; None: no list.
    describe: Callable[[Any], tuple[str, str]] | None = None
    unit: str = ""  # "EUR" for money, "" for a count
    decimals: int = 0

    @property
    def unit_shown(self) -> str:
        """The unit its values are read in: a share is a percentage."""
        return self.unit or ("%" if self.share_of else "")


Quarter = tuple[int, int]


def quarter_of(moment: date) -> Quarter:
    return moment.year, (moment.month - 1) // 3 + 1


def quarter_name(quarter: Quarter) -> str:
    return f"{quarter[0]}-Q{quarter[1]}"


def quarter_start(quarter: Quarter) -> date:
    return date(quarter[0], 3 * (quarter[1] - 1) + 1, 1)


def next_quarter(quarter: Quarter) -> Quarter:
    year, number = quarter
    return (year + 1, 1) if number == 4 else (year, number + 1)


@dataclass(frozen=True)
class Period:
    first: Quarter
    last: Quarter

    @property
    def quarters(self) -> list[Quarter]:
        found, quarter = [], self.first
        while quarter <= self.last:
            found.append(quarter)
            quarter = next_quarter(quarter)
        return found

    def bounds(self) -> tuple[datetime, datetime]:
        """The first moment of the period and the first after it, in the platform's time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(quarter_start(self.first), time.min, tzinfo=zone)
        end = datetime.combine(quarter_start(next_quarter(self.last)), time.min, tzinfo=zone)
        return start, end

    @property
    def name(self) -> str:
        return f"{quarter_name(self.first)} – {quarter_name(self.last)}"


def default_period(today: date | None = None) -> Period:
    last = quarter_of(today or timezone.localdate())
    first = last
    for _step in range(DEFAULT_QUARTERS - 1):
        year, number = first
        first = (year - 1, 4) if number == 1 else (year, number - 1)
    return Period(first, last)


def quarter_choices(today: date | None = None) -> list[str]:
    """The quarters a period may start or end at, the latest first."""
    last = quarter_of(today or timezone.localdate())
    return [quarter_name(q) for q in reversed(Period((last[0] - MAX_QUARTERS // 4 + 1, 1), last).quarters)]


def parse_period(first: str, last: str, today: date | None = None) -> tuple[Period, dict[str, str]]:
    """The period from two quarters written "2026-Q1", and a message for each that is wrong
    (the default period's quarter stands in for it). An inverted period is pointed out."""
    default = default_period(today)
    errors: dict[str, str] = {}
    found = {}
    current = quarter_of(today or timezone.localdate())
    for name, text, fallback in (("from", first, default.first), ("to", last, default.last)):
        text = (text or "").strip()
        match = QUARTER.match(text.upper())
        if not text:
            found[name] = fallback
        elif match is None or not FIRST_YEAR <= int(match.group(1)) <= current[0]:
            errors[name] = _("“%(value)s” is not a quarter of this platform: choose one from the list.") % {
                "value": text[:20]
            }
            found[name] = fallback
        else:
            found[name] = (int(match.group(1)), int(match.group(2)))
    if found["from"] > found["to"]:
        errors["to"] = _("The period ends before it starts: choose an end after %(first)s.") % {
            "first": quarter_name(found["from"])
        }
        found["from"], found["to"] = default.first, default.last
    period = Period(found["from"], found["to"])
    if len(period.quarters) > MAX_QUARTERS:
        errors["from"] = _("Choose a period of at most %(count)s quarters.") % {"count": MAX_QUARTERS}
        period = default
    return period, errors


@dataclass
class Figure:
    indicator: Indicator
    total: Decimal | int | None = None
    quarters: list[tuple[Quarter, Decimal | int | None]] = field(default_factory=list)
    parts: list[tuple[str, Decimal | int | None]] = field(default_factory=list)
    # Not counted for the filters asked: by organisation for a figure that is not, or from
    # fewer people than the figure may be read from.
    not_by_organisation: bool = False
    too_few_people: bool = False

    @property
    def shown(self) -> bool:
        return not (self.not_by_organisation or self.too_few_people)


def _aggregate(indicator: Indicator):
    if indicator.measure == SUM:
        return Sum(indicator.measured)
    if indicator.measure == MEAN:
        return Avg(indicator.measured)
    return Count("pk")


def _filtered(indicator: Indicator, organisation_ids: list[int] | None, period: Period | None) -> models.QuerySet:
    rows = indicator.rows()
    if organisation_ids is not None:
        # Through a subquery: a path across a many-valued relation (a person's memberships)
        # would count a row once per organisation it reaches.
        belonging = rows.model._default_manager.filter(**{f"{indicator.organisation}__in": organisation_ids})
        rows = rows.filter(pk__in=belonging.values("pk"))
    if period is not None and indicator.dated_by:
        start, end = _bounds(rows.model, indicator.dated_by, period)
        rows = rows.filter(**{f"{indicator.dated_by}__gte": start, f"{indicator.dated_by}__lt": end})
    return rows


def _bounds(model, path: str, period: Period) -> tuple[date, date]:
    """The period's bounds as the field at `path` holds moments: dates or times."""
    start, end = period.bounds()
    for name in path.split("__")[:-1]:
        model = model._meta.get_field(name).related_model
    if isinstance(model._meta.get_field(path.split("__")[-1]), models.DateTimeField):
        return start, end
    return start.date(), end.date()


# Every figure's rows come back through one query, a UNION of one grouped query per figure (and
# per figure's whole or earlier rows where it needs them), each row tagged with what it is for.
WHOLE, EARLIER = "whole", "earlier"
_NUMBER = models.DecimalField(max_digits=30, decimal_places=10)


def _nothing(field: models.Field) -> Cast:
    """An empty column of a type: PostgreSQL matches a union's columns by type, NULL's too."""
    return Cast(models.Value(None), field)


def _grouped(indicator: Indicator, rows: models.QuerySet, tag: str, *, by_quarter: bool, by_part: bool):
    """One member of the union: rows of (tag, year, quarter, part, value, people), grouped by
    quarter and part as asked. Every member has the same columns of the same types."""
    dated = indicator.dated_by if by_quarter else None
    split = indicator.split_by if by_part else None
    columns = {
        "tag": models.Value(tag, output_field=models.CharField()),
        "year": ExtractYear(dated) if dated else _nothing(models.IntegerField()),
        "number": ExtractQuarter(dated) if dated else _nothing(models.IntegerField()),
        "part": Cast(split, models.CharField()) if split else _nothing(models.CharField()),
    }
    people = indicator.min_people
    return (
        rows.order_by()
        .annotate(**columns)
        .values(*columns)
        .annotate(
            value=Cast(_aggregate(indicator), _NUMBER),
            people=Count(people[0], distinct=True) if people else _nothing(models.BigIntegerField()),
        )
    )


def _members(indicator: Indicator, organisation_ids: list[int] | None, period: Period) -> list:
    """The union's members a figure needs: its rows by quarter and part; for a mean or a figure
    read only from enough people, its whole (a mean is not the sum of its quarters); for a
    cumulative figure, its rows before the period."""
    rows = _filtered(indicator, organisation_ids, period if indicator.dated_by else None)
    key = indicator.key
    members = [_grouped(indicator, rows, key, by_quarter=bool(indicator.dated_by), by_part=True)]
    if indicator.measure == MEAN or indicator.min_people:
        members.append(_grouped(indicator, rows, f"{key}:{WHOLE}", by_quarter=False, by_part=False))
    if indicator.cumulative and indicator.dated_by:
        start, _end = _bounds(rows.model, indicator.dated_by, period)
        earlier = _filtered(indicator, organisation_ids, None).filter(**{f"{indicator.dated_by}__lt": start})
        members.append(_grouped(indicator, earlier, f"{key}:{EARLIER}", by_quarter=False, by_part=True))
    return members


def _value(indicator: Indicator, value):
    """A value as the figure reads it: a count whole, an amount or a mean as a decimal."""
    if value is None:
        return None
    return int(value) if indicator.measure == COUNT else value


def _figure(indicator: Indicator, found: dict[str, list[dict]], period: Period) -> Figure:
    """The figure from its rows of the union (`found`, by tag)."""
    figure = Figure(indicator)
    people = indicator.min_people
    grouped = found.get(indicator.key, [])
    by_quarter: dict[Quarter, Any] = {}
    by_part: dict[Any, Any] = {}
    for group in grouped:
        value = _value(indicator, group["value"])
        if people and group["people"] < people[1]:
            value = None
        if indicator.dated_by:
            key = (group["year"], group["number"])
            by_quarter[key] = _add(by_quarter.get(key), value)
        if indicator.split_by:
            by_part[group["part"]] = _add(by_part.get(group["part"]), value)
        if not (indicator.dated_by or indicator.split_by):
            figure.total = value
    if not (indicator.dated_by or indicator.split_by) and not grouped and indicator.measure == COUNT:
        figure.total = 0  # nothing to count: the union has no row for it
    if indicator.measure == MEAN or people:
        [whole] = found.get(f"{indicator.key}:{WHOLE}") or [{"value": None, "people": 0}]
        enough = not people or (whole["people"] or 0) >= people[1]
        figure.total = _value(indicator, whole["value"]) if enough else None
        figure.too_few_people = not enough
    elif indicator.dated_by or indicator.split_by:
        figure.total = _sum(by_quarter.values() if indicator.dated_by else by_part.values())
    if indicator.dated_by:
        before = 0
        for group in found.get(f"{indicator.key}:{EARLIER}", []):
            value = _value(indicator, group["value"]) or 0
            before += value
            if indicator.split_by:
                # Its parts add up since the first row too, as its total does.
                by_part[group["part"]] = _add(by_part.get(group["part"]), value)
        running = before
        for quarter in period.quarters:
            value = by_quarter.get(quarter, None if indicator.measure == MEAN else 0)
            if indicator.cumulative:
                running += value or 0
                value = running
            figure.quarters.append((quarter, value))
        if indicator.cumulative:
            figure.total = running
    if indicator.split_by:
        labels = indicator.split_labels() if indicator.split_labels else {}
        known = list(labels) + [part for part in by_part if part not in labels]
        figure.parts = [(str(labels.get(part, part)), by_part.get(part, 0)) for part in known]
    return figure


def _add(held, value):
    if value is None:
        return held
    return value if held is None else held + value


def _sum(values: Iterable) -> Any:
    present = [value for value in values if value is not None]
    return sum(present) if present else 0


def _share(figure: Figure, whole: Figure) -> None:
    """Turn `figure` into its percentage of `whole`, quarter by quarter and in total."""

    def percent(part, of):
        return None if part is None or not of else Decimal(part) * 100 / Decimal(of)

    figure.total = percent(figure.total, whole.total)
    wholes = dict(whole.quarters)
    figure.quarters = [(quarter, percent(value, wholes.get(quarter))) for quarter, value in figure.quarters]
    figure.parts = []


def figures(indicators: list[Indicator], *, organisation_ids: list[int] | None, period: Period) -> list[Figure]:
    """Each indicator's figure for the organisations and period asked, from one query whatever
    the number of figures and the data (a figure not counted by organisation reads nothing)."""
    members = []
    for indicator in indicators:
        if organisation_ids is None or indicator.organisation is not None:
            members.extend(_members(indicator, organisation_ids, period))
    found: dict[str, list[dict]] = {}
    if members:
        # Without the first model's own order, which no column of the union holds.
        for row in members[0].union(*members[1:], all=True).order_by():
            found.setdefault(row["tag"], []).append(row)
    computed = {}
    for indicator in indicators:
        if organisation_ids is not None and indicator.organisation is None:
            computed[indicator.key] = Figure(indicator, not_by_organisation=True)
        else:
            computed[indicator.key] = _figure(indicator, found, period)
    for figure in computed.values():
        whole = computed.get(figure.indicator.share_of or "")
        if whole is not None and figure.shown:
            _share(figure, whole)
    return list(computed.values())


def kept_figures(indicators: list[Indicator], *, organisation_ids: list[int] | None, period: Period) -> list[Figure]:
    """figures(), kept for every reader who asks the same until the next write or clock event
    (core.pagecache.kept_value): the figures are the same for all of them."""
    from django.utils.translation import get_language

    from .pagecache import kept_value

    asked = ":".join(
        [
            get_language() or "",  # the parts' labels are in the reader's language
            ",".join(indicator.key for indicator in indicators),
            ",".join(map(str, sorted(organisation_ids))) if organisation_ids is not None else "all",
            quarter_name(period.first),
            quarter_name(period.last),
        ]
    )
    # A short name whatever the number of organisations asked (a ministry and its agencies).
    name = "indicators:" + hashlib.sha256(asked.encode()).hexdigest()[:24]
    by_key = {indicator.key: indicator for indicator in indicators}

    def make():
        # Kept without their indicators, which hold functions no cache can store.
        return [
            (f.indicator.key, f.total, f.quarters, f.parts, f.not_by_organisation, f.too_few_people)
            for f in figures(indicators, organisation_ids=organisation_ids, period=period)
        ]

    return [
        Figure(by_key[key], total, quarters, parts, not_by_organisation, too_few)
        for key, total, quarters, parts, not_by_organisation, too_few in kept_value(name, make)
    ]


def rows_behind(indicator: Indicator, *, organisation_ids: list[int] | None, period: Period) -> models.QuerySet:
    """The rows a figure counts, the latest first: the list behind it."""
    rows = _filtered(indicator, organisation_ids, period if indicator.dated_by else None)
    return rows.order_by(f"-{indicator.dated_by}", "-pk") if indicator.dated_by else rows.order_by("-pk")
