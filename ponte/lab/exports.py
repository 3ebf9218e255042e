"""The lab's CSV exports, streamed row by row: the portfolio (the projects the reader may see,
with the portfolio page's filters) and the public case library (with the library's filters)."""

from __future__ import annotations

from django.utils import timezone

from ponte.core.csvexport import csv_response

from .queries import projects as queries

COLUMNS = [
    "id",
    "title",
    "organisation",
    "stage",
    "status",
    "facet",
    "budget_eur",
    "sponsor",
    "sponsorship",
    "stage_entered_at",
    "days_in_stage",
    "gate_pending",
    "created_at",
    "url",
]


def _rows(request, filters: dict):
    today = timezone.localdate()
    yield COLUMNS
    for project in queries.portfolio(request.user, **filters).order_by("pk").iterator(chunk_size=1000):
        yield [
            project.pk,
            project.title,
            project.organisation.name,
            project.stage,
            project.status,
            project.facet,
            f"{project.budget:.2f}",
            project.sponsor.email,
            project.sponsorship,
            project.stage_entered_at.isoformat(),
            queries.days_in_stage(project, today),
            "yes" if project.gate_pending else "no",
            project.created_at.isoformat(),
            request.build_absolute_uri(project.get_absolute_url()),
        ]


def portfolio_csv(request, filters: dict):
    return csv_response(_rows(request, filters), "ponte-lab-portfolio.csv")


CASE_COLUMNS = [
    "id",
    "title",
    "organisation",
    "country",
    "level_of_government",
    "sector",
    "year_of_launch",
    "development_time",
    "stage",
    "innovation_type",
    "tags",
    "objectives",
    "problem",
    "innovation",
    "results",
    "lessons_learned",
    "published_at",
    "url",
]


def _case_rows(filters: dict, user, absolute):
    from .queries import cases as case_queries

    yield CASE_COLUMNS
    found = case_queries.library(**filters, user=user)
    if not isinstance(found, list):
        found = found.order_by("pk").iterator(chunk_size=1000)
    for case in found:
        yield [
            case.pk,
            case.title,
            case.organisation_name,
            case.country,
            case.level,
            case.sector,
            case.launch_year,
            case.development_time,
            case.stage,
            case.innovation_type,
            "; ".join(tag.name for tag in case.tags.all()),
            case.objectives,
            case.problem,
            case.innovation,
            case.results,
            case.lessons,
            case.published_at.isoformat(),
            absolute(case.get_absolute_url()),
        ]


def cases_csv(request, filters: dict):
    """The published case library as CSV, with the library page's filters: open data."""
    return csv_response(_case_rows(filters, request.user, request.build_absolute_uri), "ponte-case-library.csv")
