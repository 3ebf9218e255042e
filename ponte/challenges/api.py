"""The challenges API: the public marketplace, and by id what the caller may see."""

import re
from datetime import date, datetime, time
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field, field_validator

from ponte.api.auth import ANYONE
from ponte.api.pagination import LimitOffset
from ponte.api.schemas import Problem
from ponte.organisations.models import Sector

from . import queries
from .exports import CURRENCY, public_state
from .models import Instrument

router = Router(tags=["challenges"], auth=ANYONE)

MAX_ID = 2**63 - 1
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CpvOut(Schema):
    code: str
    label: str


class CriterionOut(Schema):
    name: str
    description: str
    weight: int = Field(..., description="Weight in percent; a challenge's weights add up to 100")


class ChallengeOut(Schema):
    id: int
    url: str
    title: str
    summary: str
    organisation: str = Field(..., description="Slug of the public body that owns the challenge")
    organisation_name: str
    instrument: str
    budget_ceiling: str | None = Field(None, description="Decimal amount, excluding VAT")
    currency: str
    deadline: datetime | None
    status: str = Field(
        ...,
        description="open, closed (the deadline has passed), cancelled, under review (a published challenge's "
        "revision), or for a challenge never published its drafting status",
    )
    sectors: list[str]
    cpv_codes: list[CpvOut]
    languages: list[str]
    published_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj):
        return obj.owner.slug

    @staticmethod
    def resolve_organisation_name(obj):
        return obj.owner.name

    @staticmethod
    def resolve_budget_ceiling(obj):
        return None if obj.budget_ceiling is None else f"{obj.budget_ceiling:.2f}"

    @staticmethod
    def resolve_currency(obj):
        return CURRENCY

    @staticmethod
    def resolve_status(obj):
        return public_state(obj)

    @staticmethod
    def resolve_sectors(obj):
        return [s.code for s in obj.sectors.all()]

    @staticmethod
    def resolve_cpv_codes(obj):
        return list(obj.cpv_codes.all())


class ChallengeDetailOut(ChallengeOut):
    context: str
    problem: str
    affected: str
    desired_outcomes: str
    constraints: str
    out_of_scope: str
    criteria: list[CriterionOut]
    cancellation_reason: str

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())


class ChallengeFilters(Schema):
    status: Literal["open", "closed", "cancelled"] | None = None
    sector: Sector | None = None
    cpv: str | None = Field(None, pattern=r"^\d{2,8}(-\d)?$", description="A CPV code or its first digits")
    instrument: Instrument | None = None
    organisation: str | None = Field(None, pattern=r"^[-a-zA-Z0-9_]{1,220}$", description="Slug of the public body")
    budget_max: int | None = Field(None, ge=0, le=9_999_999_999, description="Budget ceiling at most (EUR)")
    deadline_before: date | None = Field(None, description="Deadline on or before this day (YYYY-MM-DD)")
    q: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$")  # no NUL: PostgreSQL refuses it

    @field_validator("deadline_before", mode="before")
    @classmethod
    def _iso_date_only(cls, value):
        # Lax parsing would take "0" for 1 January 1970: only a written date is a date here.
        if value is not None and not (
            isinstance(value, str | date) and (not isinstance(value, str) or ISO_DATE.match(value))
        ):
            raise ValueError("Give the date as YYYY-MM-DD.")
        return value


@router.get("", response=list[ChallengeOut], summary="Published challenges")
@paginate(LimitOffset)
def list_challenges(request, filters: Query[ChallengeFilters]):
    """Every challenge that was published (open, closed, cancelled or under review), as on the
    public list. Drafts are never listed; those who may see one read it by its id."""
    deadline_before = None
    if filters.deadline_before is not None:
        deadline_before = timezone.make_aware(datetime.combine(filters.deadline_before, time.max))
    return queries.challenge_list(
        request.user,
        state=filters.status or "",
        sector=filters.sector or "",
        cpv=filters.cpv or "",
        instrument=filters.instrument or "",
        organisation=filters.organisation or "",
        budget_max=filters.budget_max,
        deadline_before=deadline_before,
        q=filters.q or "",
    ).select_related("owner")


@router.get("/{id}", response={200: ChallengeDetailOut, 404: Problem}, summary="One challenge")
def get_challenge(request, id: int = Path(..., ge=1, le=MAX_ID)):
    challenge = queries.challenge_detail(request.user, id)
    if challenge is None:
        raise Http404
    return challenge
