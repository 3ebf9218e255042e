"""Open data of the staff exchange as CSV, streamed: every round with its figures, and the
network of organisations its exchanges connected. Organisations and numbers only: no person
is named."""

from __future__ import annotations

from django.utils import timezone

from ponte.core.csvexport import csv_response

from .queries import after as after_queries
from .queries import rounds as round_queries

ROUND_COLUMNS = [
    "id",
    "title",
    "phase",
    "applications_open_at",
    "applications_close_at",
    "exchange_starts",
    "exchange_ends",
    "exchange_days",
    "public_bodies",
    "companies",
    "public_servants",
    "company_employees",
    "exchanges_completed",
    "exchanges_ahead",
    "exchanges_cancelled",
    "people_exchanged",
    "people_exchanged_so_far",
    "survey_answers",
    "mean_satisfaction",
    "follow_ups",
    "url",
]

NETWORK_COLUMNS = [
    "round_id",
    "round_title",
    "public_body",
    "public_body_name",
    "company",
    "company_name",
    "exchanges",
    "follow_ups",
]


def _round_rows(request):
    now = timezone.now()
    today = timezone.localdate(now)
    yield ROUND_COLUMNS
    # Rounds are few (one or two a year): each one's figures are read with it.
    for round in round_queries.rounds_listed(now).order_by("applications_open_at", "pk"):
        figures = after_queries.round_statistics(round, today)
        yield [
            round.pk,
            round.title,
            round.phase_now,
            round.applications_open_at.isoformat(),
            round.applications_close_at.isoformat(),
            round.exchange_starts.isoformat(),
            round.exchange_ends.isoformat(),
            round.exchange_days,
            figures["public_bodies"],
            figures["companies"],
            figures["public_people"],
            figures["company_people"],
            figures["completed"],
            figures["ahead"],
            figures["cancelled"],
            figures["people_exchanged"],
            figures["people_exchanged_so_far"],
            figures["answers"],
            f"{figures['satisfaction']:.2f}" if figures["satisfaction"] is not None else "",
            figures["follow_ups"],
            request.build_absolute_uri(round.get_absolute_url()),
        ]


def rounds_csv(request):
    return csv_response(_round_rows(request), "ponte-exchange-rounds.csv")


def _network_rows():
    yield NETWORK_COLUMNS
    for connection in after_queries.networks().iterator(chunk_size=1000):
        yield [
            connection["round_id"],
            connection["round__title"],
            connection["public__organisation__slug"],
            connection["public__organisation__name"],
            connection["company__organisation__slug"],
            connection["company__organisation__name"],
            connection["exchanges"],
            connection["follow_ups"],
        ]


def network_csv(request):
    return csv_response(_network_rows(), "ponte-exchange-network.csv")
