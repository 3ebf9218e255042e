"""Open data: the public challenges and their awards as CSV."""

from __future__ import annotations

from django.utils import timezone

from ponte.core.csvexport import csv_response

from .models import CURRENCY
from .queries import award as award_queries
from .queries import public as public_queries

COLUMNS = [
    "id",
    "title",
    "organisation",
    "instrument",
    "budget_ceiling",
    "currency",
    "deadline",
    "status",
    "sectors",
    "cpv_codes",
    "published_at",
    "url",
]


def _rows(request):
    challenges = (
        public_queries.public_challenges()
        .select_related("owner")
        .prefetch_related("sectors", "cpv_codes")
        .order_by("pk")
    )
    now = timezone.now()
    yield COLUMNS
    for c in challenges.iterator(chunk_size=1000):
        yield [
            c.pk,
            c.title,
            c.owner.name,
            c.instrument,
            f"{c.budget_ceiling:.2f}" if c.budget_ceiling is not None else "",
            CURRENCY,
            c.deadline.isoformat() if c.deadline else "",
            public_queries.public_state(c, now),
            ";".join(sorted(s.code for s in c.sectors.all())),
            ";".join(sorted(code.code for code in c.cpv_codes.all())),
            c.published_at.isoformat() if c.published_at else "",
            request.build_absolute_uri(c.get_absolute_url()),
        ]


def challenges_csv(request):
    return csv_response(_rows(request), "ponte-challenges.csv")


# Awards: one row per award, with the contract signed after it. Only what is public once
# the outcome is decided: never a losing proposal, its price or its scores.
AWARD_COLUMNS = [
    "award_id",
    "challenge_id",
    "challenge_title",
    "public_body",
    "supplier",
    "supplier_registration_number",
    "supplier_sme",
    "value",
    "currency",
    "awarded_at",
    "contract_title",
    "contract_date_signed",
    "contract_value",
    "challenge_url",
]


def _award_rows(request):
    yield AWARD_COLUMNS
    for award in award_queries.public_awards().iterator(chunk_size=1000):
        contract = getattr(award, "contract", None)
        yield [
            award.pk,
            award.challenge_id,
            award.challenge.title,
            award.challenge.owner.name,
            award.supplier.name,
            award.supplier.registration_number,
            "true" if award.supplier.is_sme else "false",
            f"{award.value:.2f}",
            CURRENCY,
            award.awarded_at.isoformat(),
            contract.title if contract else "",
            contract.date_signed.isoformat() if contract else "",
            f"{contract.value:.2f}" if contract else "",
            request.build_absolute_uri(award.challenge.get_absolute_url()),
        ]


def awards_csv(request):
    return csv_response(_award_rows(request), "ponte-awards.csv")
