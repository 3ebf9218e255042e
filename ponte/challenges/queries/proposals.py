"""Reads of proposals, sealed until the deadline (services/proposals.py says what sealed means):
every read goes through `proposals_visible_to()`, filtered in the query."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ponte.core.roles import is_programme_manager
from ponte.organisations.queries import roles_of, verified_companies_of

from ..models import (
    DECIDED,
    Challenge,
    Proposal,
    ProposalStatus,
)
from .award import with_outcome
from .phases import invited_among

PUBLIC_PARTY_FIELDS = (
    "id",
    "kind",
    "name",
    "slug",
    "registration_number",
    "country",
    "city",
    "contact_email",
    "website",
    "is_sme",
)


def bids_prefetch() -> Prefetch:
    """Who bid on each challenge, in `challenge.public_bids`: the proposals that still stood at
    the deadline, for decided challenges only (an empty list before the outcome). Only the
    proposal's id and company are loaded: its content, price and evaluations stay sealed."""
    bids = (
        Proposal.objects.filter(status=ProposalStatus.SUBMITTED, challenge__status__in=DECIDED)
        .select_related("company")
        # What the open data says of a company that bid: its public profile, not its description.
        .only("pk", "challenge", *(f"company__{name}" for name in PUBLIC_PARTY_FIELDS))
        .order_by("company__name", "pk")
    )
    return Prefetch("proposals", queryset=bids, to_attr="public_bids")


def with_bids(challenges: QuerySet[Challenge], *, awards_to: str | None = None) -> QuerySet[Challenge]:
    """The challenges with their outcome (their awards in `awards_to`, as with_outcome's
    `to_attr`) and who bid, in `challenge.public_bids` (bids_prefetch)."""
    return with_outcome(challenges, to_attr=awards_to).prefetch_related(bids_prefetch())


# Reads ---------------------------------------------------------------------------------


def evaluator_scope(user) -> Q:
    """The proposals an evaluator reads after the deadline: those they are assigned to and
    declared no conflict of interest with. Mirrors rules.is_cleared_evaluator."""
    from ..models import Evaluation, EvaluationStatus

    return Q(
        pk__in=Evaluation.objects.filter(
            evaluator=user, status__in=(EvaluationStatus.CLEARED, EvaluationStatus.COMPLETED)
        ).values("proposal_id")
    )


def proposals_visible_to(user, challenge: Challenge | None = None) -> QuerySet[Proposal]:
    """The one seal: what `user` may read, of one challenge or of all. Mirrors
    challenges.view_proposal in one query, by the server clock."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Proposal.objects.none()
    roles = roles_of(user)
    own = Q(company_id__in=list(roles))
    entitled = Q(challenge__author=user) | Q(challenge__owner_id__in=[o for o, r in roles.items() if r == "admin"])
    if is_programme_manager(user):
        entitled = Q(pk__isnull=False)
    entitled |= evaluator_scope(user)
    after_deadline = (
        Challenge.objects.past_deadline_q(via="challenge__") & Q(status=ProposalStatus.SUBMITTED) & entitled
    )
    qs = Proposal.objects.filter(own | after_deadline)
    if challenge is not None:
        qs = qs.filter(challenge=challenge)
    return qs.select_related("challenge", "company", "submitted_by")


def proposal_count(user, challenge: Challenge) -> int | None:
    """The total number of proposals, for those who may know it before the deadline (the
    public body and programme managers); None for everyone else. Never per company."""
    if not user.has_perm("challenges.view_proposal_count", challenge):
        return None
    return Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED).count()


def companies_of(user, challenge: Challenge | None = None) -> list:
    """The verified companies a person may propose for: in a later phase, only those invited."""
    return invited_among(challenge, verified_companies_of(user))


def own_proposals(user, challenge: Challenge) -> list[Proposal]:
    """The standing proposals of the person's companies to the challenge, one per company at
    most, by company name: a person in several companies may bid for each."""
    if not user.is_authenticated:
        return []
    return list(
        proposals_visible_to(user, challenge)
        .filter(company_id__in=list(roles_of(user)), status=ProposalStatus.SUBMITTED)
        .order_by("company__name", "pk")
    )
