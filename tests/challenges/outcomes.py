"""Challenges taken to their outcome through the real services, for the tests of what the
outcome publishes (OCDS, API, CSV, public list): companies bid before the deadline, an
evaluator scores every proposal after it, and the public body awards or closes without award.

Plain functions, not fixtures, so that each test module composes the world it needs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from ponte.challenges.models import Challenge, Contract, Proposal
from ponte.challenges.services import award as award_services
from ponte.challenges.services import evaluation as evaluation_services
from ponte.challenges.services import proposals as proposals_services
from tests.factories import CompanyFactory, MembershipFactory, PublishedChallengeFactory, UserFactory


@dataclass
class Bid:
    company: object
    member: object
    proposal: Proposal


@dataclass
class Outcome:
    challenge: Challenge
    bids: list[Bid]
    withdrawn: Bid | None = None
    awards: list = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)


def published_challenge(*, owner=None, days_closed: int = 5, **fields) -> Challenge:
    """A challenge published 40 days ago whose deadline passed `days_closed` days ago."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=40), tick=False):
        challenge = PublishedChallengeFactory(
            **({"owner": owner} if owner is not None else {}),
            deadline=now - timedelta(days=days_closed),
            **fields,
        )
    return challenge


def bid(challenge: Challenge, *, name: str, price: str, sme: bool = True, **company) -> Bid:
    """A company's proposal, submitted while the challenge was open. Its content is marked
    SEALED so that a test sees at once if any of it reaches a public place."""
    company = CompanyFactory(name=name, is_sme=sme, **company)
    member = MembershipFactory(organisation=company).user
    with time_machine.travel(challenge.deadline - timedelta(days=2), tick=False):
        proposal = proposals_services.proposal_submit(
            actor=member,
            challenge=challenge,
            company=company,
            approach=f"SEALED-APPROACH of {name}",
            criteria_responses={c.pk: f"SEALED-RESPONSE of {name}" for c in challenge.criteria.all()},
            team=f"SEALED-TEAM of {name}",
            price=Decimal(price),
            timeline=f"SEALED-TIMELINE of {name}",
        )
    return Bid(company=company, member=member, proposal=proposal)


def withdrawn_bid(challenge: Challenge, *, name: str, price: str) -> Bid:
    """A company that bid and withdrew before the deadline: it never counts as a tenderer."""
    withdrawn = bid(challenge, name=name, price=price)
    with time_machine.travel(challenge.deadline - timedelta(days=1), tick=False):
        proposals_services.proposal_withdraw(actor=withdrawn.member, proposal=withdrawn.proposal)
    withdrawn.proposal.refresh_from_db()
    return withdrawn


def evaluate(challenge: Challenge, bids: list[Bid], *, scores: dict[str, int] | None = None) -> None:
    """One evaluator scores every standing proposal (4 on every criterion unless `scores`
    gives a company's score), with comments marked SEALED-COMMENT."""
    manager = UserFactory(is_programme_manager=True)
    evaluator = UserFactory(is_evaluator=True, name="Eve Evaluator")
    assignment = evaluation_services.evaluators_assign(
        actor=manager, challenge=challenge, proposals=[b.proposal for b in bids], evaluators=[evaluator]
    )
    criteria = list(challenge.criteria.all())
    for item in assignment.created:
        evaluation_services.conflict_declare(actor=evaluator, evaluation=item, has_conflict=False)
        score = (scores or {}).get(item.proposal.company.name, 4)
        evaluation_services.evaluation_save(
            actor=evaluator,
            evaluation=item,
            scores={c.pk: (score, f"SEALED-COMMENT on {item.proposal.company.name}: {c.name}") for c in criteria},
            complete=True,
        )


def awarded(
    *,
    owner=None,
    winners: int = 1,
    contract: bool = True,
    justification: str = "The best value for the people affected.",
    **fields,
) -> Outcome:
    """A challenge with three standing bids and one withdrawn, the first `winners` awarded
    (Civic Data Labs, an SME, then Big Consulting, a large company), and the first award's
    contract signed and recorded unless `contract` is False."""
    challenge = published_challenge(owner=owner, **fields)
    bids = [
        bid(challenge, name="Civic Data Labs", price="18000", country="PT"),
        bid(challenge, name="Big Consulting", price="1500", sme=False),
        bid(challenge, name="Loser Analytics", price="9000.50"),
    ]
    withdrawn = withdrawn_bid(challenge, name="Withdrawn Works", price="100")
    evaluate(challenge, bids, scores={"Civic Data Labs": 5, "Big Consulting": 4, "Loser Analytics": 2})
    awards = award_services.challenge_award(
        actor=challenge.author,
        challenge=challenge,
        proposals=[b.proposal for b in bids[:winners]],
        justification=justification,
    )
    outcome = Outcome(challenge=Challenge.objects.get(pk=challenge.pk), bids=bids, withdrawn=withdrawn, awards=awards)
    if contract:
        outcome.contracts.append(sign(outcome.awards[0], title="Pilot of the form finder", value="17500.25"))
    return outcome


def sign(award_made, *, title: str, value: str, signed: datetime.date | None = None) -> Contract:
    today = timezone.localdate()
    return award_services.contract_record(
        actor=award_made.challenge.author,
        award=award_made,
        title=title,
        value=value,
        date_signed=signed or today,
        period_start=today + timedelta(days=7),
        period_end=today + timedelta(days=97),
    )


def closed_without_award(*, owner=None, reason: str = "No proposal met the minimum standard.", **fields) -> Outcome:
    """A challenge with two standing bids and one withdrawn, closed without award."""
    challenge = published_challenge(owner=owner, **fields)
    bids = [bid(challenge, name="Near Miss Ltd", price="5000"), bid(challenge, name="Also Ran BV", price="7000")]
    withdrawn = withdrawn_bid(challenge, name="Gave Up SA", price="100")
    evaluate(challenge, bids)
    award_services.challenge_close_without_award(actor=challenge.author, challenge=challenge, reason=reason)
    return Outcome(challenge=Challenge.objects.get(pk=challenge.pk), bids=bids, withdrawn=withdrawn)


def in_evaluation(*, owner=None, **fields) -> Outcome:
    """A challenge past its deadline, its bids evaluated, the outcome not decided yet."""
    challenge = published_challenge(owner=owner, **fields)
    bids = [bid(challenge, name="Waiting Co", price="4000")]
    evaluate(challenge, bids)
    return Outcome(challenge=Challenge.objects.get(pk=challenge.pk), bids=bids)
