"""Who hears about a challenge: the people each service notifies, read in one place."""

from __future__ import annotations

from django.db.models import Q

from ..models import Challenge, ProposalStatus


def owners(challenge: Challenge) -> list:
    """Who answers for it: the author while still in the public body, and the body's admins."""
    from ponte.organisations.queries import admins_of

    people = list(admins_of(challenge.owner))
    if challenge.owner.memberships.filter(user_id=challenge.author_id).exists():
        people.append(challenge.author)
    return people


def bidders(challenge: Challenge, proposal_ids=None):
    """The members of every company with a standing proposal (or with one of `proposal_ids`)."""
    from ponte.accounts.models import User

    proposals = challenge.proposals.filter(status=ProposalStatus.SUBMITTED)
    if proposal_ids is not None:
        proposals = proposals.filter(pk__in=proposal_ids)
    companies = proposals.values("company_id")
    return User.objects.filter(memberships__organisation_id__in=companies, is_active=True).distinct()


def followers(challenge: Challenge):
    """Those who follow it, and the members of every company with a standing proposal."""
    from ponte.accounts.models import User

    bidding = challenge.proposals.filter(status=ProposalStatus.SUBMITTED).values("company_id")
    return User.objects.filter(
        Q(pk__in=challenge.interests.values("user_id")) | Q(memberships__organisation_id__in=bidding)
    ).distinct()


def subscribers_matching(challenge: Challenge):
    """People whose alerts match the challenge's sectors, CPV codes or words."""
    from ..models import Subscription

    sectors = list(challenge.sectors.values_list("code", flat=True))
    cpv_digits = [code.split("-")[0] for code in challenge.cpv_codes.values_list("code", flat=True)]
    text = " ".join([challenge.title, challenge.summary, challenge.problem]).lower()
    matched = []
    for subscription in Subscription.objects.select_related("user").prefetch_related("sectors"):
        if (
            {s.code for s in subscription.sectors.all()} & set(sectors)
            or any(d.startswith(p.split("-")[0].rstrip("0")) for p in subscription.cpv_prefixes for d in cpv_digits)
            or any(k.lower() in text for k in subscription.keywords if k.strip())
        ):
            matched.append(subscription.user)
    return matched
