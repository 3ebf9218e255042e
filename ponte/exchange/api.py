"""The exchange API: rounds are public, with the phase each is in by the server clock;
applications only to those entitled to them (their applicant, the admins of their
organisation, the programme managers), signed in with a personal token or a session."""

from datetime import date, datetime

from django.http import Http404
from ninja import Path, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import ANYONE, SIGNED_IN
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page

from .models import ApplicationStatus, RoundPhase, Side
from .queries import applications as application_queries
from .queries import rounds as queries

router = Router(tags=["exchange"], auth=ANYONE)

MAX_ID = 2**63 - 1


class RoundOut(Schema):
    id: int
    url: str
    title: str
    phase: RoundPhase = Field(..., description="Follows from the dates (or cancelled), by the server clock")
    applications_open_at: datetime
    applications_close_at: datetime
    exchange_starts: date = Field(..., description="First day an exchange may take place")
    exchange_ends: date = Field(..., description="Last day an exchange may take place")
    exchange_days: int = Field(..., description="Length of one exchange, in working days")
    capacity_per_organisation: int = Field(..., description="Guests one organisation may host in the round, at most")

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_phase(obj):
        return obj.phase


class RoundChallengeOut(Schema):
    title: str
    description: str


class RoundDetailOut(RoundOut):
    description: str
    cancel_reason: str = Field(..., description="Why the round was cancelled; empty unless it was")
    cancelled_at: datetime | None
    challenges: list[RoundChallengeOut] = Field(..., description="The round's challenges for mixed teams")

    @staticmethod
    def resolve_challenges(obj):
        return list(obj.challenges.all())


@decorate_view(public_page)
@router.get("/rounds", response=list[RoundOut], summary="The exchange's rounds")
@paginate(LimitOffset)
def list_rounds(request):
    """Every round, newest first, with its phase."""
    return queries.rounds_listed()


@decorate_view(public_page)
@router.get("/rounds/{id}", response={200: RoundDetailOut, 404: Problem}, summary="One round")
def get_round(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """A round, with its phase, its description and its challenges for mixed teams."""
    found = queries.round_for(request.user, id)
    if found is None:
        raise Http404
    return found


class AvailabilityOut(Schema):
    starts: date
    ends: date


class ApplicationOut(Schema):
    id: int
    url: str
    round: int = Field(..., description="Id of the round applied to")
    applicant: str = Field(..., description="The applicant's name")
    organisation: str = Field(..., description="Slug of the organisation the applicant works for")
    side: Side
    status: ApplicationStatus
    submitted_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_round(obj):
        return obj.round_id

    @staticmethod
    def resolve_applicant(obj):
        return obj.applicant.name

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug


class ApplicationDetailOut(ApplicationOut):
    job: str
    skills: list[str] = Field(..., description="What they can offer as a host")
    interests: list[str] = Field(..., description="What they want to learn as a guest")
    sectors_wanted: list[str]
    languages: list[str]
    region: str
    travels: bool = Field(..., description="Willing to spend the exchange outside their region")
    accessibility_needs: str
    decline_reason: str
    availability: list[AvailabilityOut]

    @staticmethod
    def resolve_availability(obj):
        return list(obj.availability.all())


@router.get("/applications", response=list[ApplicationOut], auth=SIGNED_IN, summary="Applications you may read")
@paginate(LimitOffset)
def list_applications(request):
    """Your own applications, those of the organisations you administer, every one for a
    programme manager; newest first."""
    return application_queries.applications_visible_to(request.user)


@router.get(
    "/applications/{id}",
    response={200: ApplicationDetailOut, 404: Problem},
    auth=SIGNED_IN,
    summary="One application you may read",
)
def get_application(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """An application with its availability. One you may not read does not exist here."""
    found = application_queries.application_for(request.user, id)
    if found is None:
        raise Http404
    return found
