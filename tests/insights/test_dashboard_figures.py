"""Every figure of the leadership dashboard equals what is counted directly in the database:
by quarter, in total and by part, for every organisation and for a ministry with its agency
(whose rows are counted once, whatever the memberships that reach them)."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from ponte.challenges.models import Award, Challenge, Proposal
from ponte.core.indicators import figures, quarter_name
from ponte.core.registry import registry
from ponte.exchange.models import Application as ExchangeApplication
from ponte.insights.reading import Filters
from ponte.lab.models import Experiment, Project
from ponte.learning.models import Certificate
from ponte.recognition.models import Kudos, Nomination
from ponte.sandbox.models import Exemption
from tests.insights.builders import quarter_bounds
from tests.insights.conftest import END, START

QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def read(programme_manager, organisation=None) -> dict:
    """Every registered figure as the dashboard reads it for the filters, by its key:
    {key: (total, [(quarter, value)], {part: value}, figure)}."""
    asked = {"start": START, "end": END, "organisation": organisation.slug if organisation else ""}
    filters = Filters.from_query(asked, programme_manager)
    assert filters.errors == {}
    found = figures(
        list(registry.indicators.values()), organisation_ids=filters.organisation_ids, period=filters.period
    )
    return {
        figure.indicator.key: (
            figure.total,
            [(quarter_name(quarter), value) for quarter, value in figure.quarters],
            dict(figure.parts),
            figure,
        )
        for figure in found
    }


def by_quarter(rows, field, value=lambda rows: rows.count()) -> list:
    """The value of the rows dated inside each quarter of 2025, counted here."""
    found = []
    for quarter in QUARTERS:
        start, end = quarter_bounds(quarter)
        found.append((quarter, value(rows.filter(**{f"{field}__gte": start, f"{field}__lt": end}))))
    return found


def in_period(rows, field):
    start, _end = quarter_bounds(QUARTERS[0])
    _start, end = quarter_bounds(QUARTERS[-1])
    return rows.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def parts(rows, field, labels: dict) -> dict:
    counted = dict(rows.values_list(field).annotate(n=Count("pk")).order_by())
    return {str(label): counted.get(value, 0) for value, label in labels.items()}


@pytest.fixture(params=["everyone", "ministry"])
def scope(request, world):
    """Every organisation (ids None), or the ministry with its agency (their ids, worked out here)."""
    if request.param == "everyone":
        return None, None
    return world.ministry, [world.ministry.pk, world.agency.pk]


def owned(rows, path, ids):
    """The rows whose organisation at `path` is one of `ids`, each once."""
    if ids is None:
        return rows
    return rows.filter(pk__in=rows.model.objects.filter(**{f"{path}__in": ids}).values("pk"))


def values(pairs) -> list:
    return [value for _quarter, value in pairs]


# Challenge marketplace ---------------------------------------------------------------------------


def test_challenges_published_are_counted_by_quarter_of_publication(world, scope, programme_manager):
    organisation, ids = scope
    total, quarters, _parts, _figure = read(programme_manager, organisation)["challenges.published"]

    rows = owned(Challenge.objects.exclude(published_at=None), "owner", ids)
    assert quarters == by_quarter(rows, "published_at")
    assert total == in_period(rows, "published_at").count()
    # The draft and the challenge published before the period are not counted.
    assert values(quarters) == ([0, 2, 2, 0] if ids is None else [0, 1, 1, 0])


def test_proposals_are_counted_only_once_their_deadline_passed_and_never_withdrawn(world, scope, programme_manager):
    organisation, ids = scope
    read_figures = read(programme_manager, organisation)
    total, quarters, _parts, _figure = read_figures["challenges.proposals"]

    now = timezone.now()
    sealed = Challenge.objects.filter(deadline__gt=now)
    rows = owned(Proposal.objects.filter(status="submitted").exclude(challenge__in=sealed), "challenge__owner", ids)
    assert quarters == by_quarter(rows, "submitted_at")
    assert total == in_period(rows, "submitted_at").count()
    # The proposal to the challenge still open, and the withdrawn one, are not counted.
    assert values(quarters) == ([0, 3, 1, 0] if ids is None else [0, 2, 1, 0])
    assert Proposal.objects.filter(challenge__title="Still open challenge").count() == 1


def test_the_share_of_proposals_from_smes_is_a_percentage_of_the_proposals_counted(world, scope, programme_manager):
    organisation, ids = scope
    read_figures = read(programme_manager, organisation)
    total, quarters, shown_parts, _figure = read_figures["challenges.proposals_from_smes"]

    rows = owned(
        Proposal.objects.filter(status="submitted", challenge__deadline__lt=timezone.now()), "challenge__owner", ids
    )
    smes = rows.filter(company__is_sme=True)
    expected = []
    for (quarter, all_count), (_same, sme_count) in zip(
        by_quarter(rows, "submitted_at"), by_quarter(smes, "submitted_at"), strict=True
    ):
        expected.append((quarter, None if not all_count else Decimal(sme_count) * 100 / all_count))
    assert quarters == expected
    assert total == Decimal(in_period(smes, "submitted_at").count()) * 100 / in_period(rows, "submitted_at").count()
    assert shown_parts == {}
    if ids is None:
        assert [round(value, 1) if value is not None else None for value in values(quarters)] == [
            None,
            Decimal("33.3"),
            Decimal("100.0"),
            None,
        ]
        assert total == 50
    else:
        assert values(quarters) == [None, 50, 100, None]


def test_the_value_awarded_is_the_sum_of_the_awards_by_quarter_of_award(world, scope, programme_manager):
    organisation, ids = scope
    total, quarters, _parts, figure = read(programme_manager, organisation)["challenges.awarded_value"]

    rows = owned(Award.objects.all(), "challenge__owner", ids)
    expected = by_quarter(rows, "awarded_at", lambda rows: rows.aggregate(v=Sum("value"))["v"] or 0)
    assert quarters == expected
    assert total == in_period(rows, "awarded_at").aggregate(v=Sum("value"))["v"]
    assert total == (Decimal("25000.50") if ids is None else Decimal("17000.50"))
    assert figure.indicator.unit == "EUR"


# Experimentation lab ---------------------------------------------------------------------------


def test_lab_projects_started_are_counted_by_quarter_and_facet(world, scope, programme_manager):
    from ponte.lab.models import Facet

    organisation, ids = scope
    total, quarters, shown_parts, _figure = read(programme_manager, organisation)["lab.projects_started"]

    rows = owned(Project.objects.all(), "organisation", ids)
    assert quarters == by_quarter(rows, "created_at")
    assert total == in_period(rows, "created_at").count()
    assert shown_parts == parts(in_period(rows, "created_at"), "facet", dict(Facet.choices))
    assert shown_parts["Adaptive"] == 0  # the adaptive project started before the period
    assert total == (4 if ids is None else 3)


def test_lab_projects_under_way_are_a_snapshot_by_stage_whatever_the_period(world, scope, programme_manager):
    from ponte.lab.models import stage_name, stages

    organisation, ids = scope
    total, quarters, shown_parts, figure = read(programme_manager, organisation)["lab.projects_by_stage"]

    rows = owned(Project.objects.filter(status="active"), "organisation", ids)
    assert quarters == [] and figure.indicator.dated_by is None
    assert total == rows.count() == (3 if ids is None else 2)  # the project of 2024 is under way today
    assert shown_parts == parts(rows, "stage", {stage: stage_name(stage) for stage in stages()})


def test_experiments_concluded_are_counted_by_quarter_and_conclusion(world, scope, programme_manager):
    from ponte.lab.models import Conclusion

    organisation, ids = scope
    total, quarters, shown_parts, _figure = read(programme_manager, organisation)["lab.experiments_concluded"]

    rows = owned(Experiment.objects.filter(status="concluded"), "project__organisation", ids)
    assert quarters == by_quarter(rows, "concluded_at")
    assert total == in_period(rows, "concluded_at").count() == (2 if ids is None else 1)
    assert shown_parts == parts(in_period(rows, "concluded_at"), "conclusion", dict(Conclusion.choices))


def test_lessons_are_counted_for_projects_that_stopped_with_lessons_only(world, scope, programme_manager):
    organisation, ids = scope
    total, quarters, _parts, _figure = read(programme_manager, organisation)["lab.lessons_recorded"]

    rows = owned(Project.objects.filter(status="stopped").exclude(lessons=""), "organisation", ids)
    assert quarters == by_quarter(rows, "stopped_at")
    assert total == in_period(rows, "stopped_at").count() == (1 if ids is None else 0)


# Staff exchange -------------------------------------------------------------------------------


def test_exchange_participants_add_up_since_the_first_round_by_side(world, scope, programme_manager):
    from ponte.exchange.models import Side

    organisation, ids = scope
    total, quarters, shown_parts, _figure = read(programme_manager, organisation)["exchange.participants"]

    rows = owned(ExchangeApplication.objects.filter(status="approved"), "organisation", ids)
    expected = []
    for quarter in QUARTERS:
        _start, end = quarter_bounds(quarter)
        expected.append((quarter, rows.filter(decided_at__lt=end).count()))
    assert quarters == expected
    _start, end = quarter_bounds(QUARTERS[-1])
    assert total == rows.filter(decided_at__lt=end).count() == (4 if ids is None else 2)
    # Declined and waiting applications are not counted; the parts add up to the total.
    assert shown_parts == parts(rows.filter(decided_at__lt=end), "side", dict(Side.choices))
    assert sum(shown_parts.values()) == total


# Regulatory sandbox --------------------------------------------------------------------------


def test_exemptions_granted_are_counted_by_quarter_granted(world, scope, programme_manager):
    organisation, ids = scope
    total, quarters, _parts, _figure = read(programme_manager, organisation)["sandbox.exemptions_granted"]

    rows = owned(Exemption.objects.all(), "application__coordinator", ids)
    assert quarters == by_quarter(rows, "created_at")
    assert total == in_period(rows, "created_at").count() == (3 if ids is None else 2)


def test_exemptions_running_today_are_a_snapshot(world, scope, programme_manager):
    organisation, ids = scope
    total, quarters, _parts, _figure = read(programme_manager, organisation)["sandbox.exemptions_running"]

    today = timezone.localdate()
    rows = owned(Exemption.objects.filter(revoked_at=None), "application__coordinator", ids)
    running = [exemption for exemption in rows if exemption.starts <= today <= exemption.ends]
    assert quarters == []
    assert total == len(running) == (2 if ids is None else 1)


def test_outcomes_of_exemptions_are_counted_by_quarter_and_outcome(world, scope, programme_manager):
    from ponte.sandbox.models import Outcome

    organisation, ids = scope
    total, quarters, shown_parts, _figure = read(programme_manager, organisation)["sandbox.outcomes"]

    rows = owned(Exemption.objects.exclude(outcome=""), "application__coordinator", ids)
    assert quarters == by_quarter(rows, "outcome_at")
    assert total == in_period(rows, "outcome_at").count() == (2 if ids is None else 1)
    assert shown_parts == parts(in_period(rows, "outcome_at"), "outcome", dict(Outcome.choices))


# Learning --------------------------------------------------------------------------------------


def test_courses_completed_count_valid_certificates_once_per_certificate(world, scope, programme_manager):
    organisation, ids = scope
    total, quarters, _parts, _figure = read(programme_manager, organisation)["learning.completions"]

    rows = Certificate.objects.filter(revoked_at=None)
    if ids is not None:
        # The holder of one of them is a member of the ministry and of its agency: distinct.
        rows = rows.filter(person__memberships__organisation_id__in=ids).distinct()
    assert quarters == by_quarter(rows, "issued_at")
    assert total == in_period(rows, "issued_at").count() == (4 if ids is None else 2)


def test_the_skills_mean_is_hidden_when_nobody_assessed_their_skills(world, scope, programme_manager):
    organisation, _ids = scope
    total, quarters, _parts, figure = read(programme_manager, organisation)["learning.core_skills"]

    assert figure.too_few_people and not figure.shown
    assert total is None and all(value is None for value in values(quarters))


# Recognition -----------------------------------------------------------------------------------


def test_awards_are_counted_by_quarter_announced_and_by_kind_of_winner(world, programme_manager):
    from ponte.recognition.models import NomineeKind

    total, quarters, shown_parts, _figure = read(programme_manager)["recognition.awards"]

    rows = Nomination.objects.filter(status="submitted", won_at__isnull=False).exclude(
        category__programme__announced_at=None
    )
    assert quarters == by_quarter(rows, "category__programme__announced_at")
    assert total == in_period(rows, "category__programme__announced_at").count() == 3
    assert shown_parts == parts(in_period(rows, "category__programme__announced_at"), "kind", dict(NomineeKind.choices))


def test_kudos_are_counted_by_quarter_given(world, programme_manager):
    total, quarters, _parts, _figure = read(programme_manager)["recognition.kudos"]

    assert quarters == by_quarter(Kudos.objects.all(), "created_at")
    assert total == in_period(Kudos.objects.all(), "created_at").count() == 2


@pytest.mark.parametrize("key", ["recognition.awards", "recognition.kudos"])
def test_recognition_is_not_counted_by_organisation(world, programme_manager, key):
    total, quarters, shown_parts, figure = read(programme_manager, world.ministry)[key]

    assert figure.not_by_organisation and not figure.shown
    assert (total, quarters, shown_parts) == (None, [], {})


def test_an_agency_alone_counts_its_own_rows_not_its_ministrys(world, programme_manager):
    read_figures = read(programme_manager, world.agency)

    assert read_figures["challenges.published"][0] == 1
    assert read_figures["challenges.proposals"][0] == 1
    assert read_figures["lab.projects_started"][0] == 1
    assert read_figures["learning.completions"][0] == 2
