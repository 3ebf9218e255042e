"""The challenges API: the public marketplace, and by id what the caller may see."""

import re
from datetime import date, datetime, time
from typing import Literal

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from pydantic import Field, field_validator

from ponte.accounts.api_auth import ANYONE, SIGNED_IN, require_write
from ponte.core import attachments
from ponte.core.api import LimitOffset, Problem
from ponte.core.pagecache import public_page
from ponte.reference.models import Sector
from ponte.reference.schemas import CpvOut

from .models import CURRENCY, DECIDED, Instrument
from .models import Status as ChallengeStatus
from .queries import award as award_queries
from .queries import public as public_queries

router = Router(tags=["challenges"], auth=ANYONE)

MAX_ID = 2**63 - 1
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CriterionOut(Schema):
    name: str
    description: str
    weight: int = Field(..., description="Weight in percent; a challenge's weights add up to 100")


class DocumentOut(Schema):
    name: str = Field(..., description="The file name, as given by the public body")
    content_type: str = Field(..., description="The media type, judged from the file's content")
    size: int = Field(..., description="Size in bytes")
    url: str = Field(..., description="Where to download it")

    @staticmethod
    def resolve_name(obj):
        return obj.original_name

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(reverse("attachment_download", args=[obj.pk]))


class SupplierOut(Schema):
    id: int
    slug: str
    name: str
    sme: bool = Field(..., description="Whether the supplier is a small or medium-sized enterprise")

    @staticmethod
    def resolve_sme(obj):
        return obj.is_sme


class ContractOut(Schema):
    """The contract the public body signed with the supplier after the award."""

    title: str
    value: str = Field(..., description="Decimal amount, excluding VAT")
    currency: str
    date_signed: date
    period_start: date
    period_end: date

    @staticmethod
    def resolve_value(obj):
        return f"{obj.value:.2f}"

    @staticmethod
    def resolve_currency(obj):
        return CURRENCY


class AwardOut(Schema):
    id: int
    supplier: SupplierOut
    value: str = Field(..., description="Decimal amount, excluding VAT")
    currency: str
    awarded_at: datetime
    contract: ContractOut | None = Field(None, description="Once the contract is signed and recorded")

    @staticmethod
    def resolve_value(obj):
        return f"{obj.value:.2f}"

    @staticmethod
    def resolve_currency(obj):
        return CURRENCY

    @staticmethod
    def resolve_contract(obj):
        return getattr(obj, "contract", None)


class OutcomeOut(Schema):
    """How a challenge ended once its proposals were evaluated: awarded or closed without award."""

    status: Literal["awarded", "not_awarded"]
    decided_at: datetime
    justification: str = Field(..., description="Why these proposals were awarded, or why none was")
    awards: list[AwardOut] = Field(..., description="Empty when closed without award")

    @staticmethod
    def resolve_decided_at(obj):
        return obj.awarded_at if obj.status == ChallengeStatus.AWARDED else obj.closed_at

    @staticmethod
    def resolve_justification(obj):
        return obj.outcome_justification

    @staticmethod
    def resolve_awards(obj):
        return list(obj.awards.all()) if obj.status == ChallengeStatus.AWARDED else []


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
        description="open, closed (the deadline has passed, the outcome is not decided yet), awarded, "
        "not_awarded (closed without award), cancelled, under review (a published challenge's revision), or for "
        "a challenge never published its drafting status",
    )
    sectors: list[str]
    cpv_codes: list[CpvOut]
    languages: list[str]
    published_at: datetime | None
    updated_at: datetime
    outcome: OutcomeOut | None = Field(None, description="Once the outcome is decided")
    phase_name: str = Field(
        ...,
        description="The phase, for a challenge in several phases (such as “Solution design” or “Prototype”); "
        "empty for a challenge in one phase",
    )
    previous_phase: int | None = Field(
        None,
        description="Id of the challenge of the phase before, whose awarded suppliers alone may submit to this "
        "one; null for a first phase or a challenge in one phase",
    )
    first_phase: int | None = Field(
        None, description="Id of the first phase of the series; null for the first phase itself or a single phase"
    )

    @staticmethod
    def resolve_previous_phase(obj):
        return obj.previous_phase_id

    @staticmethod
    def resolve_first_phase(obj):
        return obj.first_phase_id

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_outcome(obj):
        return obj if obj.status in DECIDED else None

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
        return public_queries.public_state(obj)

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
    documents: list[DocumentOut] = Field(
        ..., description="Documents published with the challenge, such as its terms of reference"
    )

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())

    @staticmethod
    def resolve_documents(obj):
        return attachments.attachments_of(obj)


class ChallengeFilters(Schema):
    status: Literal["open", "closed", "awarded", "not_awarded", "cancelled"] | None = None
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


@decorate_view(public_page)
@router.get("", response=list[ChallengeOut], summary="Published challenges")
@paginate(LimitOffset)
def list_challenges(request, filters: Query[ChallengeFilters]):
    """Every challenge that was published (open, closed, awarded, closed without award,
    cancelled or under review), as on the public list, with its outcome once decided. Drafts
    are never listed; those who may see one read it by its id."""
    deadline_before = None
    if filters.deadline_before is not None:
        deadline_before = timezone.make_aware(datetime.combine(filters.deadline_before, time.max))
    challenges = public_queries.challenge_list(
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
    return award_queries.with_outcome(challenges)


@decorate_view(public_page)
@router.get("/{id}", response={200: ChallengeDetailOut, 404: Problem}, summary="One challenge")
def get_challenge(request, id: int = Path(..., ge=1, le=MAX_ID)):
    challenge = public_queries.challenge_detail(request.user, id)
    if challenge is None:
        raise Http404
    prefetch_related_objects([challenge], award_queries.awards_prefetch())
    return challenge


class QuestionOut(Schema):
    """A clarification question and its public answer; who asked is never published."""

    id: int
    question: str
    answer: str
    asked_at: datetime
    answered_at: datetime

    @staticmethod
    def resolve_question(obj):
        return obj.text

    @staticmethod
    def resolve_asked_at(obj):
        return obj.created_at


@decorate_view(public_page)
@router.get(
    "/{id}/questions/",
    response={200: list[QuestionOut], 404: Problem},
    summary="Answered clarification questions of one challenge",
)
def list_questions(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """The questions companies asked and the owner answered, newest answer first, as on the
    challenge page. Questions waiting for an answer, declined ones and who asked are not shown."""
    from .queries.questions import published_questions

    challenge = public_queries.challenge_detail(request.user, id)
    if challenge is None:
        raise Http404
    return list(published_questions(challenge).only("id", "text", "answer", "created_at", "answered_at"))


# Proposals: sealed until the deadline. Every read goes through proposals_visible_to().


class CriterionResponseOut(Schema):
    criterion_id: int
    criterion: str = Field(..., description="The criterion's name when the proposal was written")
    response: str


class EvaluatorCommentOut(Schema):
    evaluator: str = Field(..., description="An anonymous label, such as “Evaluator 1”: evaluators are not named")
    score: int | None
    comment: str


class CriterionFeedbackOut(Schema):
    criterion: str
    weight: int = Field(..., description="Weight in percent")
    score: str | None = Field(..., description="Mean score on the scale 0 to 5, as a decimal")
    comments: list[EvaluatorCommentOut]

    @staticmethod
    def resolve_score(obj):
        return None if obj.score is None else f"{obj.score:.2f}"

    @staticmethod
    def resolve_comments(obj):
        return [{"evaluator": label, "score": score, "comment": comment} for label, score, comment in obj.comments]


class FeedbackOut(Schema):
    """What the evaluators made of your company's proposal, told once the outcome is decided."""

    awarded: bool
    justification: str = Field(..., description="The public body's reason for the outcome")
    total: str | None = Field(..., description="Weighted mean score on the scale 0 to 5, as a decimal")
    criteria: list[CriterionFeedbackOut]

    @staticmethod
    def resolve_total(obj):
        return None if obj.total is None else f"{obj.total:.2f}"


class ProposalOut(Schema):
    id: int
    url: str
    challenge: int
    company: str = Field(..., description="Slug of the company that submitted the proposal")
    company_name: str
    status: str = Field(..., description="submitted or withdrawn")
    approach: str
    criteria_responses: list[CriterionResponseOut]
    team: str
    price: str = Field(..., description="Decimal amount, excluding VAT")
    currency: str
    timeline: str
    submitted_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    outcome: Literal["awarded", "not_awarded"] | None = Field(
        None, description="Your company's proposal only, once the challenge's outcome is decided"
    )
    feedback: FeedbackOut | None = Field(
        None, description="Your company's proposal only, once the challenge's outcome is decided"
    )

    @staticmethod
    def resolve_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_challenge(obj):
        return obj.challenge_id

    @staticmethod
    def resolve_outcome(obj):
        feedback = getattr(obj, "own_feedback", None)
        return None if feedback is None else ("awarded" if feedback.awarded else "not_awarded")

    @staticmethod
    def resolve_feedback(obj):
        return getattr(obj, "own_feedback", None)

    @staticmethod
    def resolve_company(obj):
        return obj.company.slug

    @staticmethod
    def resolve_company_name(obj):
        return obj.company.name

    @staticmethod
    def resolve_price(obj):
        return f"{obj.price:.2f}"

    @staticmethod
    def resolve_currency(obj):
        return CURRENCY


class CriterionResponseIn(Schema):
    criterion_id: int = Field(..., ge=1, le=MAX_ID)
    response: str = Field(..., max_length=20_000)


class ProposalIn(Schema):
    company: str | None = Field(
        None,
        pattern=r"^[-a-zA-Z0-9_]{1,220}$",
        description="Slug of the company that submits; needed only if you belong to several",
    )
    approach: str = Field(..., max_length=20_000)
    criteria: list[CriterionResponseIn] = Field(..., max_length=50, description="One answer per criterion")
    team: str = Field(..., max_length=20_000)
    price: str = Field(
        ...,
        pattern=r"^\d{1,10}(\.\d{1,2})?$",
        description="Amount in euros excluding VAT, such as 18500 or 18500.50; at most the budget ceiling",
    )
    timeline: str = Field(..., max_length=20_000)


def _with_feedback(user, proposals: list) -> list:
    """Give each of the caller's company's own standing proposals, once the outcome is decided,
    its outcome and feedback (challenges.view_feedback). Nobody else's: those who read every
    proposal after the deadline have the evaluation board."""
    from .queries.evaluation import feedback_for

    for proposal in proposals:
        if user.has_perm("challenges.view_feedback", proposal):
            proposal.own_feedback = feedback_for(proposal)
    return proposals


@router.get(
    "/{id}/proposals/",
    response={200: list[ProposalOut], 404: Problem},
    summary="The proposals to one challenge that you may read",
)
def list_proposals(request, id: int = Path(..., ge=1, le=MAX_ID)):
    """Proposals are sealed until the deadline: before it you read only your own company's;
    after it, the challenge's author, its public body's admins and programme managers read
    all of them. Nobody else reads any. Once the outcome is decided, your company's own
    proposal says whether it was awarded, with the evaluators' feedback."""
    from .queries.proposals import proposals_visible_to

    return _with_feedback(
        request.user, list(proposals_visible_to(request.user, public_queries.challenge_or_404(request.user, id)))
    )


@router.get(
    "/{id}/proposals/{proposal_id}",
    response={200: ProposalOut, 404: Problem},
    summary="One proposal, if you may read it",
)
def get_proposal(request, id: int = Path(..., ge=1, le=MAX_ID), proposal_id: int = Path(..., ge=1, le=MAX_ID)):
    from .queries.proposals import proposals_visible_to

    proposal = (
        proposals_visible_to(request.user, public_queries.challenge_or_404(request.user, id))
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise Http404
    return _with_feedback(request.user, [proposal])[0]


@router.post(
    "/{id}/proposals/",
    auth=SIGNED_IN,
    response={201: ProposalOut, 400: Problem, 403: Problem, 404: Problem},
    summary="Submit your company's proposal",
)
def submit_proposal(request, payload: ProposalIn, id: int = Path(..., ge=1, le=MAX_ID)):
    """One proposal per company, to an open challenge, at most its budget ceiling, answering
    every criterion. Needs a write token."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from .queries.proposals import companies_of
    from .services.proposals import proposal_submit

    require_write(request)
    challenge = public_queries.challenge_or_404(request.user, id)
    companies = companies_of(request.user)
    if not companies:
        raise PermissionDenied("not a member of a verified company")
    if payload.company:
        company = next((c for c in companies if c.slug == payload.company), None)
        if company is None:
            raise ValidationError({"company": [_("You are not a member of this company.")]})
    elif len(companies) == 1:
        company = companies[0]
    else:
        raise ValidationError({"company": [_("Name the company that submits the proposal.")]})
    proposal = proposal_submit(
        actor=request.user,
        challenge=challenge,
        company=company,
        approach=payload.approach,
        criteria_responses={item.criterion_id: item.response for item in payload.criteria},
        team=payload.team,
        price=payload.price,
        timeline=payload.timeline,
    )
    return Status(201, proposal)
