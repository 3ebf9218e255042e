"""The lab's portfolio as CSV: the projects the reader may see, with the filters of the
portfolio page, streamed row by row."""

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
    now = timezone.now()
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
            (now - project.stage_entered_at).days,
            "yes" if project.gate_pending else "no",
            project.created_at.isoformat(),
            request.build_absolute_uri(project.get_absolute_url()),
        ]


def portfolio_csv(request, filters: dict):
    return csv_response(_rows(request, filters), "ponte-lab-portfolio.csv")
