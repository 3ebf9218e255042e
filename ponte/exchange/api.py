"""The exchange API: rounds are public, with the phase each is in by the server clock;
applications and pairs only to those entitled to them (their people, the admins of their
organisations, the programme managers), signed in with a personal token or a session."""

from datetime import date, datetime

from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field

from ponte.accounts.api_auth import ANYONE, SIGNED_IN
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page

from .models import Answer, ApplicationStatus, PairStatus, RoundPhase, Side
from .queries import after as after_queries
from .queries import applications as application_queries
from .queries import matching as matching_queries
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
    id: int
    url: str
    title: str
    description: str
    change_meter: int | None = Field(..., description="Percent of the change implemented, by the latest update")
    change_meter_updated_at: datetime | None
    team_size: int = Field(..., description="People in the challenge's mixed team")

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_change_meter(obj):
        return obj.meter

    @staticmethod
    def resolve_change_meter_updated_at(obj):
        return obj.meter_at


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


class RoundStatisticsOut(Schema):
    public_bodies: int = Field(..., description="Public bodies with an approved applicant")
    companies: int = Field(..., description="Companies with an approved applicant")
    public_people: int = Field(..., description="Public servants approved to take part")
    company_people: int = Field(..., description="Company employees approved to take part")
    completed: int = Field(..., description="Exchanges that took place: confirmed, their days past")
    ahead: int = Field(..., description="Exchanges confirmed, still to come")
    cancelled: int
    people_exchanged: int
    people_exchanged_so_far: int = Field(..., description="People exchanged in this round and the rounds before")
    satisfaction: float | None = Field(..., description="Mean of the surveys' answers, from 1 to 5")
    answers: int = Field(..., description="Survey answers, guests' and hosts'")
    follow_ups: int = Field(..., description="Collaborations recorded after the exchanges")


class ConnectionOut(Schema):
    public_body: str = Field(..., description="Slug of the public body")
    company: str = Field(..., description="Slug of the company")
    exchanges: int
    follow_ups: int

    @staticmethod
    def resolve_public_body(obj):
        return obj["public__organisation__slug"]

    @staticmethod
    def resolve_company(obj):
        return obj["company__organisation__slug"]


def _round_or_404(request, id: int):
    found = queries.round_for(request.user, id)
    if found is None:
        raise Http404
    return found


@decorate_view(public_page)
@router.get("/rounds/{id}/statistics", response={200: RoundStatisticsOut, 404: Problem}, summary="A round's statistics")
def get_round_statistics(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """The round's figures: who took part, exchanges, satisfaction, follow-ups."""
    return after_queries.round_statistics(_round_or_404(request, id))


@decorate_view(public_page)
@router.get(
    "/rounds/{id}/network",
    response={200: list[ConnectionOut], 404: Problem},
    summary="A round's network of organisations",
)
@paginate(LimitOffset)
def list_round_network(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """Each public body and company connected by the round's exchanges, with how many exchanges
    and follow-up collaborations they share, the busiest first. Organisations only: no person."""
    return after_queries.network(_round_or_404(request, id))


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


class PairPersonOut(Schema):
    application: int = Field(..., description="Id of the person's application")
    name: str
    organisation: str = Field(..., description="Slug of the organisation the person works for")
    answer: Answer | None = Field(..., description="Their answer to the proposal; null until they answer")


class PairOut(Schema):
    id: int
    url: str
    round: int
    status: PairStatus
    locked: bool = Field(..., description="A programme manager locked it: the matching keeps it as it is")
    sent_at: datetime | None = Field(..., description="When its two people were asked; null while a draft")
    starts: date = Field(..., description="First day of the exchange")
    ends: date = Field(..., description="Last day of the exchange")
    score: int = Field(..., description="What both gain as guests, in the matcher's points")
    public: PairPersonOut = Field(..., description="The public servant: a guest at the company")
    company: PairPersonOut = Field(..., description="The company employee: a guest at the public body")

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_round(obj):
        return obj.round_id

    @staticmethod
    def resolve_starts(obj):
        return obj.slot_starts

    @staticmethod
    def resolve_ends(obj):
        return obj.slot_ends

    @staticmethod
    def resolve_public(obj):
        return _person(obj.public, obj.public_answer)

    @staticmethod
    def resolve_company(obj):
        return _person(obj.company, obj.company_answer)


def _person(application, answer: str) -> dict:
    return {
        "application": application.pk,
        "name": application.applicant.name,
        "organisation": application.organisation.slug,
        "answer": answer or None,
    }


@router.get("/pairs", response=list[PairOut], auth=SIGNED_IN, summary="Exchange pairs you may read")
@paginate(LimitOffset)
def list_pairs(request, round: int | None = Query(None, ge=1, le=MAX_ID)):
    """The pairs you are in, mentor a visit of, or of an organisation you administer, once
    proposed to their people; every one, drafts included, for a programme manager. `round`
    keeps one round's."""
    pairs = matching_queries.pairs_visible_to(request.user).order_by("round", "pk")
    return pairs.filter(round_id=round) if round is not None else pairs


@router.get(
    "/pairs/{id}", response={200: PairOut, 404: Problem}, auth=SIGNED_IN, summary="One exchange pair you may read"
)
def get_pair(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """A pair. One you may not read does not exist here."""
    found = matching_queries.pair_for(request.user, id)
    if found is None:
        raise Http404
    return found
