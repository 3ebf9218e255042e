"""The engine of the leadership dashboard's figures (core.indicators): the period asked, and
each figure's total, quarters and parts for an organisation and a period, every figure from
one query whatever the data. The figures here are made for the tests, on challenges."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.challenges.models import Challenge
from ponte.core.indicators import (
    MAX_QUARTERS,
    MEAN,
    SUM,
    Indicator,
    Period,
    default_period,
    figures,
    parse_period,
    quarter_choices,
    rows_behind,
)
from ponte.core.registry import Registry
from tests.factories import OrganisationFactory, UserFactory
from tests.insights.builders import at, challenge, member_of

TODAY = date(2026, 5, 14)  # in 2026-Q2
YEAR_2025 = Period((2025, 1), (2025, 4))


# The period -------------------------------------------------------------------------------------


def test_the_default_period_is_the_last_eight_quarters_up_to_today():
    period, errors = parse_period("", "", today=TODAY)

    assert errors == {}
    assert period == Period((2024, 3), (2026, 2)) == default_period(TODAY)
    assert len(period.quarters) == 8


def test_a_quarter_is_read_whatever_its_case_and_spaces():
    period, errors = parse_period("2025-q2", " 2025-Q4 ", today=TODAY)

    assert errors == {}
    assert period == Period((2025, 2), (2025, 4))


@pytest.mark.parametrize(
    "typed",
    ["garbage", "2025-Q5", "2025-Q0", "2025Q1", "Q1-2025", "25-Q1", "1999-Q4", "2027-Q1", "-2025-Q1", "2025-Q1-"],
)
def test_a_start_that_is_no_quarter_of_the_platform_is_told_and_the_default_stands_in(typed):
    period, errors = parse_period(typed, "2025-Q4", today=TODAY)

    assert set(errors) == {"from"}
    assert "is not a quarter of this platform" in errors["from"]
    assert period == Period(default_period(TODAY).first, (2025, 4))


@pytest.mark.parametrize("typed", ["garbage", "1999-Q1", "3000-Q1", "2027-Q4"])
def test_an_end_that_is_no_quarter_of_the_platform_is_told_and_the_default_stands_in(typed):
    period, errors = parse_period("2025-Q1", typed, today=TODAY)

    assert set(errors) == {"to"}
    assert "is not a quarter of this platform" in errors["to"]
    assert period == Period((2025, 1), default_period(TODAY).last)


def test_a_long_garbage_value_is_cut_short_in_its_message():
    _period, errors = parse_period("x" * 500, "", today=TODAY)

    assert "x" * 20 in errors["from"] and "x" * 21 not in errors["from"]


def test_a_period_that_ends_before_it_starts_is_told_and_the_default_period_stands_in():
    period, errors = parse_period("2026-Q1", "2025-Q2", today=TODAY)

    assert set(errors) == {"to"}
    assert "ends before it starts" in errors["to"] and "2026-Q1" in errors["to"]
    assert period == default_period(TODAY)


def test_a_period_of_more_than_forty_quarters_is_refused():
    period, errors = parse_period("2000-Q1", "2026-Q2", today=TODAY)

    assert set(errors) == {"from"}
    assert str(MAX_QUARTERS) in errors["from"]
    assert period == default_period(TODAY)


def test_a_period_of_exactly_forty_quarters_is_accepted():
    period, errors = parse_period("2016-Q3", "2026-Q2", today=TODAY)

    assert errors == {}
    assert len(period.quarters) == MAX_QUARTERS


def test_the_quarters_offered_run_from_today_back_to_the_first_of_ten_years_the_latest_first():
    offered = quarter_choices(TODAY)

    assert offered[:3] == ["2026-Q2", "2026-Q1", "2025-Q4"] and offered[-1] == "2017-Q1"
    assert len(offered) == len(set(offered)) == 38
    assert all(parse_period(quarter, quarter, today=TODAY)[1] == {} for quarter in offered)


def test_a_periods_quarters_run_across_years_in_order():
    assert Period((2024, 3), (2025, 2)).quarters == [(2024, 3), (2024, 4), (2025, 1), (2025, 2)]
    assert Period((2025, 4), (2025, 4)).quarters == [(2025, 4)]
    assert Period((2025, 4), (2025, 3)).quarters == []
    assert Period((2024, 3), (2025, 2)).name == "2024-Q3 – 2025-Q2"


def test_a_periods_bounds_are_its_first_moment_and_the_first_after_it_in_the_platforms_time_zone():
    start, end = Period((2025, 2), (2025, 4)).bounds()

    assert (start.year, start.month, start.day, start.hour) == (2025, 4, 1, 0)
    assert (end.year, end.month, end.day) == (2026, 1, 1)
    assert start.utcoffset() is not None


# Figures -------------------------------------------------------------------------------------


def indicator(**changes) -> Indicator:
    """Challenges published, by quarter of publication and by owner, unless changed."""
    values = {
        "key": "test.challenges",
        "section": "Tests",
        "label": "Challenges published",
        "rows": lambda: Challenge.objects.exclude(published_at=None),
        "dated_by": "published_at",
        "organisation": "owner",
    }
    return Indicator(**{**values, **changes})


def one(made: Indicator, *, organisation_ids=None, period=YEAR_2025):
    [figure] = figures([made], organisation_ids=organisation_ids, period=period)
    return figure


def values(figure) -> list:
    return [value for _quarter, value in figure.quarters]


@pytest.fixture
def body(db):
    return OrganisationFactory()


def test_a_count_is_by_quarter_within_the_period_and_in_total(body):
    challenge(body, "2025-Q2")
    challenge(body, "2025-Q2")
    challenge(body, "2025-Q3")
    challenge(body, "2024-Q4")  # before the period
    challenge(body, "2026-Q1")  # after it

    figure = one(indicator())

    assert figure.quarters == [((2025, 1), 0), ((2025, 2), 2), ((2025, 3), 1), ((2025, 4), 0)]
    assert figure.total == 3 and isinstance(figure.total, int)
    assert figure.shown and figure.parts == []


def test_a_row_on_the_first_and_last_moment_of_a_quarter_counts_in_that_quarter(body):
    from ponte.core.indicators import Period as P

    start, end = P((2025, 2), (2025, 2)).bounds()
    Challenge.objects.filter(pk=challenge(body, "2025-Q2").pk).update(published_at=start)
    Challenge.objects.filter(pk=challenge(body, "2025-Q2").pk).update(published_at=end)  # 2025-Q3

    figure = one(indicator())

    assert values(figure) == [0, 1, 1, 0]


def test_a_row_is_counted_in_the_quarter_of_the_platforms_time_zone_not_utcs(body):
    from datetime import UTC, datetime

    # 23:30 on 31 March in UTC is already 1 April in Brussels: the second quarter.
    late = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    Challenge.objects.filter(pk=challenge(body, "2025-Q1").pk).update(published_at=late)

    year = one(indicator())
    assert values(year) == [0, 1, 0, 0] and year.total == 1
    first = one(indicator(), period=Period((2025, 1), (2025, 1)))
    assert values(first) == [0] and first.total == 0
    second = one(indicator(), period=Period((2025, 2), (2025, 2)))
    assert values(second) == [1] and second.total == 1


def test_a_sum_adds_up_the_field_measured(body):
    challenge(body, "2025-Q2", budget_ceiling=Decimal("1000.50"))
    challenge(body, "2025-Q2", budget_ceiling=Decimal("2000"))
    challenge(body, "2025-Q4", budget_ceiling=Decimal("500"))

    figure = one(indicator(measure=SUM, measured="budget_ceiling"))

    assert values(figure) == [0, Decimal("3000.50"), 0, Decimal("500")]
    assert figure.total == Decimal("3500.50")


def test_a_mean_is_the_mean_of_every_row_not_of_the_quarters_means(body):
    challenge(body, "2025-Q2", budget_ceiling=10)
    challenge(body, "2025-Q2", budget_ceiling=20)
    challenge(body, "2025-Q3", budget_ceiling=60)

    figure = one(indicator(measure=MEAN, measured="budget_ceiling"))

    assert values(figure) == [None, 15, 60, None]  # no mean of nothing
    assert figure.total == 30  # (10 + 20 + 60) / 3, not (15 + 60) / 2


def test_a_split_gives_each_part_by_its_label_in_the_labels_order_and_unknown_values_last(body):
    challenge(body, "2025-Q2", instrument="prize")
    challenge(body, "2025-Q3", instrument="prize")
    challenge(body, "2025-Q3", instrument="low_value")
    challenge(body, "2025-Q3", instrument="barter")  # a value the labels do not know
    challenge(body, "2024-Q1", instrument="pre_commercial")  # before the period

    labels = {"low_value": "Low value", "pre_commercial": "Pre-commercial", "prize": "Prize"}
    figure = one(indicator(split_by="instrument", split_labels=lambda: labels))

    assert figure.parts == [("Low value", 1), ("Pre-commercial", 0), ("Prize", 2), ("barter", 1)]
    assert values(figure) == [0, 1, 3, 0]
    assert figure.total == 4


def test_a_snapshot_counts_every_row_whatever_the_period(body):
    challenge(body, "2019-Q1", instrument="prize")
    challenge(body, "2025-Q2", instrument="prize")
    challenge(body, "2026-Q1", instrument="low_value")

    figure = one(indicator(dated_by=None, split_by="instrument"))

    assert figure.quarters == []
    assert figure.total == 3
    assert dict(figure.parts) == {"prize": 2, "low_value": 1}


def test_a_snapshot_without_parts_is_one_total(body):
    challenge(body, "2019-Q1")
    challenge(body, "2025-Q2")

    assert one(indicator(dated_by=None)).total == 2


def test_a_cumulative_figure_adds_up_the_rows_before_the_period(body):
    challenge(body, "2023-Q1")
    challenge(body, "2024-Q4")
    challenge(body, "2025-Q2")
    challenge(body, "2025-Q4")
    challenge(body, "2026-Q1")  # after the period

    figure = one(indicator(cumulative=True))

    assert values(figure) == [2, 3, 3, 4]
    assert figure.total == 4


def test_a_cumulative_split_figures_parts_add_up_to_its_total(body):
    challenge(body, "2023-Q1", instrument="prize")
    challenge(body, "2024-Q4", instrument="low_value")
    challenge(body, "2025-Q2", instrument="prize")

    figure = one(indicator(cumulative=True, split_by="instrument"))

    assert figure.total == 3 == values(figure)[-1]
    assert dict(figure.parts) == {"prize": 2, "low_value": 1}


def test_a_cumulative_figure_for_an_organisation_adds_up_only_its_earlier_rows(body):
    other = OrganisationFactory()
    challenge(body, "2024-Q1")
    challenge(other, "2024-Q1")
    challenge(body, "2025-Q3")

    figure = one(indicator(cumulative=True), organisation_ids=[body.pk])

    assert values(figure) == [1, 1, 2, 2]


def test_a_share_is_a_percentage_of_its_whole_by_quarter_and_in_total(body):
    challenge(body, "2025-Q2", instrument="prize")
    challenge(body, "2025-Q2", instrument="low_value")
    challenge(body, "2025-Q2", instrument="low_value")
    challenge(body, "2025-Q3", instrument="prize")

    whole = indicator()
    prizes = indicator(
        key="test.prizes",
        rows=lambda: Challenge.objects.exclude(published_at=None).filter(instrument="prize"),
        share_of="test.challenges",
        split_by="instrument",
    )
    computed = {
        figure.indicator.key: figure for figure in figures([whole, prizes], organisation_ids=None, period=YEAR_2025)
    }

    share = computed["test.prizes"]
    assert values(share) == [None, Decimal(100) / 3, Decimal(100), None]  # no share of nothing
    assert share.total == 50
    assert share.parts == []
    assert computed["test.challenges"].total == 4  # the whole stays a count


def test_a_share_of_nothing_is_none(body):
    whole = indicator()
    part = indicator(key="test.part", share_of="test.challenges")

    share = figures([whole, part], organisation_ids=None, period=YEAR_2025)[1]

    assert share.total is None and values(share) == [None] * 4


def test_an_organisation_counts_its_rows_and_no_others(body):
    agency, other = OrganisationFactory(parent=body), OrganisationFactory()
    challenge(body, "2025-Q2")
    challenge(agency, "2025-Q3")
    challenge(other, "2025-Q3")

    assert one(indicator(), organisation_ids=[body.pk, agency.pk]).total == 2
    assert one(indicator(), organisation_ids=[other.pk]).total == 1
    assert one(indicator(), organisation_ids=[]).total == 0


def test_a_path_through_many_memberships_counts_each_row_once(body):
    agency, unit = OrganisationFactory(parent=body), OrganisationFactory(parent=body)
    author = member_of(body, agency, unit)  # three memberships in the family
    for quarter in ("2025-Q2", "2025-Q2", "2025-Q3"):
        challenge(OrganisationFactory(), quarter, author=author)
    challenge(OrganisationFactory(), "2025-Q3")  # by someone else

    by_author = indicator(organisation="author__memberships__organisation", split_by="instrument")
    figure = one(by_author, organisation_ids=[body.pk, agency.pk, unit.pk])

    assert values(figure) == [0, 2, 1, 0]
    assert figure.total == 3
    assert dict(figure.parts) == {"low_value": 3}
    assert rows_behind(by_author, organisation_ids=[body.pk, agency.pk, unit.pk], period=YEAR_2025).count() == 3


def test_a_figure_not_counted_by_organisation_says_so_for_an_organisation(body):
    challenge(body, "2025-Q2")
    anywhere = indicator(organisation=None)

    figure = one(anywhere, organisation_ids=[body.pk])

    assert figure.not_by_organisation and not figure.shown
    assert (figure.total, figure.quarters, figure.parts) == (None, [], [])
    assert one(anywhere).total == 1  # for every organisation


# Figures read only from enough people ----------------------------------------------------------


def by_people(fewest: int, **changes) -> Indicator:
    return indicator(min_people=("author", fewest), **changes)


def test_a_value_from_fewer_people_than_required_is_hidden_by_quarter(body):
    authors = [UserFactory() for _ in range(5)]
    for author in authors[:3]:
        challenge(body, "2025-Q2", author=author)
    challenge(body, "2025-Q2", author=authors[0])  # the same person again: still three people
    for author in authors[3:]:
        challenge(body, "2025-Q3", author=author)

    figure = one(by_people(3))

    assert values(figure) == [0, 4, None, 0]  # two people in 2025-Q3: hidden; nobody is no one's value
    assert figure.total == 6  # five people over the period
    assert not figure.too_few_people and figure.shown


def test_a_total_from_fewer_people_than_required_is_hidden_and_flagged(body):
    authors = [UserFactory() for _ in range(4)]
    for author in authors:
        challenge(body, "2025-Q2", author=author)
        challenge(body, "2025-Q3", author=author)

    figure = one(by_people(5))

    assert figure.too_few_people and not figure.shown
    assert figure.total is None
    assert values(figure) == [0, None, None, 0]  # four people a quarter: hidden


def test_a_mean_read_from_enough_people_is_shown_and_from_too_few_is_not(body):
    agency = OrganisationFactory()
    for score in (1, 2, 3, 4, 5):
        challenge(body, "2025-Q2", author=UserFactory(), budget_ceiling=score)
    for score in (10, 20):
        challenge(agency, "2025-Q2", author=UserFactory(), budget_ceiling=score)

    mean = by_people(5, measure=MEAN, measured="budget_ceiling")

    assert one(mean, organisation_ids=[body.pk]).total == 3
    hidden = one(mean, organisation_ids=[agency.pk])
    assert hidden.too_few_people and hidden.total is None
    assert round(one(mean).total, 6) == round(Decimal(45) / 7, 6)


def test_the_parts_of_a_figure_from_too_few_people_are_hidden(body):
    for _ in range(2):
        challenge(body, "2025-Q2", author=UserFactory(), instrument="prize")

    figure = one(by_people(5, split_by="instrument"))

    assert figure.too_few_people
    assert all(value is None for _part, value in figure.parts)


def test_people_are_counted_once_however_many_organisations_reach_them(body):
    agency = OrganisationFactory(parent=body)
    authors = [member_of(body, agency) for _ in range(4)]
    for author in authors:
        challenge(OrganisationFactory(), "2025-Q2", author=author)

    figure = one(by_people(5, organisation="author__memberships__organisation"), organisation_ids=[body.pk, agency.pk])

    assert figure.too_few_people and figure.total is None


# Rows behind a figure ---------------------------------------------------------------------------


def test_the_rows_behind_a_figure_are_those_it_counts_the_latest_first(body):
    early = challenge(body, "2025-Q1")
    late = challenge(body, "2025-Q3")
    challenge(body, "2024-Q1")
    challenge(OrganisationFactory(), "2025-Q2")

    rows = rows_behind(indicator(), organisation_ids=[body.pk], period=YEAR_2025)

    assert list(rows) == [late, early]


def test_the_rows_behind_a_snapshot_ignore_the_period(body):
    old = challenge(body, "2019-Q1")

    assert list(rows_behind(indicator(dated_by=None), organisation_ids=None, period=YEAR_2025)) == [old]


# Queries --------------------------------------------------------------------------------------


def every_kind() -> list[Indicator]:
    return [
        indicator(),
        indicator(key="test.sum", measure=SUM, measured="budget_ceiling"),
        indicator(key="test.mean", measure=MEAN, measured="budget_ceiling"),
        indicator(key="test.split", split_by="instrument"),
        indicator(
            key="test.share", rows=lambda: Challenge.objects.filter(instrument="prize"), share_of="test.challenges"
        ),
        indicator(key="test.cumulative", cumulative=True, split_by="instrument"),
        indicator(key="test.snapshot", dated_by=None, split_by="instrument"),
        indicator(key="test.people", min_people=("author", 2)),
        indicator(key="test.members", organisation="author__memberships__organisation"),
    ]


def queries_for(organisation_ids) -> int:
    with CaptureQueriesContext(connection) as captured:
        figures(every_kind(), organisation_ids=organisation_ids, period=YEAR_2025)
    return len(captured)


@pytest.mark.parametrize("by_organisation", [False, True])
def test_the_figures_make_as_many_queries_with_thirty_rows_as_with_two(body, by_organisation):
    ids = [body.pk] if by_organisation else None
    quarters = ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    instruments = ["prize", "low_value", "pre_commercial"]
    for number in range(2):
        challenge(body, quarters[number], budget_ceiling=100)
    few = queries_for(ids)

    for number in range(28):
        challenge(
            body,
            quarters[number % 5],
            budget_ceiling=100 + number,
            instrument=instruments[number % 3],
            author=member_of(body),
        )
    many = queries_for(ids)

    assert few == many
    # Every figure through one query: the union of each figure's grouped rows.
    assert many == 1


# The registry --------------------------------------------------------------------------------


def test_a_module_registers_a_figure_by_its_key_in_the_order_registered():
    registry = Registry()
    first, second = indicator(), indicator(key="test.second")

    registry.add_indicator(first)
    registry.add_indicator(second)
    registry.add_indicator(indicator(label="Again"))  # the same key: replaced, in its place

    assert list(registry.indicators) == ["test.challenges", "test.second"]
    assert registry.indicators["test.challenges"].label == "Again"


def test_every_module_registers_its_figures_and_only_the_skills_mean_is_not_public():
    from ponte.core.registry import registry

    keys = list(registry.indicators)
    assert {
        "challenges.published",
        "challenges.proposals",
        "challenges.proposals_from_smes",
        "challenges.awarded_value",
        "lab.projects_started",
        "lab.projects_by_stage",
        "lab.experiments_concluded",
        "lab.lessons_recorded",
        "exchange.participants",
        "sandbox.exemptions_granted",
        "sandbox.exemptions_running",
        "sandbox.outcomes",
        "learning.completions",
        "learning.core_skills",
        "recognition.awards",
        "recognition.kudos",
    } <= set(keys)
    assert [key for key in keys if not registry.indicators[key].public] == ["learning.core_skills"]
    skills = registry.indicators["learning.core_skills"]
    assert skills.min_people[1] == 5 and skills.measure == MEAN


def test_every_registered_figure_is_computed_on_an_empty_database(db):
    from ponte.core.registry import registry

    computed = figures(list(registry.indicators.values()), organisation_ids=None, period=YEAR_2025)

    for figure in computed:
        if figure.indicator.dated_by:
            assert [quarter for quarter, _value in figure.quarters] == YEAR_2025.quarters, figure.indicator.key
        if figure.indicator.key == "learning.core_skills":
            assert figure.too_few_people and figure.total is None
        elif figure.indicator.share_of:
            assert figure.shown and figure.total is None, figure.indicator.key  # no share of nothing
        else:
            assert figure.shown and figure.total == 0, figure.indicator.key


def test_at_is_inside_the_quarter_asked():
    # The tests' own clock: a moment well inside the quarter.
    moment = at("2025-Q4", day=40)
    assert (moment.year, moment.month) == (2025, 11)
