"""Challenges in several phases, taken through the real services, for the tests of phases and
of what they publish (rules, OCDS, API): a first phase awarded to some of its bidders, the
next phase prepared by its drafter, reviewed, published, answered by the invited suppliers,
evaluated and awarded in turn.

Plain functions, not fixtures, as in tests/challenges/outcomes.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from ponte.challenges.models import Challenge
from ponte.challenges.services import award as award_services
from ponte.challenges.services import drafting as drafting_services
from ponte.challenges.services import phases as phases_services
from ponte.challenges.services import proposals as proposals_services
from ponte.challenges.services import review as review_services
from ponte.reference.models import SectorTag
from tests.challenges import outcomes
from tests.factories import MembershipFactory, UserFactory

PROTOTYPE_CRITERIA = [
    {"name": "Quality of the prototype", "description": "Does it work with real users?", "weight": 70},
    {"name": "Cost of the test phase", "weight": 30},
]


@dataclass
class Series:
    """A first phase awarded to `invited` (Civic Data Labs and Big Consulting), with bidders
    left out (`not_invited`: Loser Analytics, and the company that withdrew), and its phases."""

    phases: list[Challenge]
    invited: list[outcomes.Bid]
    not_invited: list[outcomes.Bid]

    @property
    def first(self) -> Challenge:
        return self.phases[0]

    @property
    def author(self):
        return self.first.author


def awarded_first_phase(*, owner=None, phase_name: str = "", **fields) -> Series:
    """A pre-commercial procurement's first phase, awarded to two of its three bidders."""
    outcome = outcomes.awarded(
        owner=owner,
        winners=2,
        contract=False,
        instrument="pre_commercial",
        budget_ceiling=Decimal("60000"),
        languages=["sl", "en"],
        context="Raised by municipalities in Partnership for Change.",
        constraints="Personal data stays in the EU.",
        out_of_scope="Changing the law.",
        phase_name=phase_name,
        **fields,
    )
    challenge = outcome.challenge
    challenge.sectors.set([SectorTag.objects.get_or_create(code=code)[0] for code in ("mobility", "social")])
    challenge.cpv_codes.set(["73000000-2", "72212000-4"])
    return Series(
        phases=[challenge],
        invited=outcome.bids[:2],
        not_invited=[outcome.bids[2], outcome.withdrawn],
    )


def publish(phase: Challenge, *, budget: str = "90000", days: int = 30, criteria=None) -> Challenge:
    """Its author gives a prepared phase its own budget, deadline and criteria; the public body's
    admin approves it, a programme manager approves and publishes it."""
    author = phase.author
    drafting_services.challenge_update(
        actor=author,
        challenge=phase,
        budget_ceiling=Decimal(budget),
        deadline=timezone.now() + timedelta(days=days),
        criteria=criteria or PROTOTYPE_CRITERIA,
    )
    review_services.challenge_submit(actor=author, challenge=phase)
    admin = MembershipFactory(organisation=phase.owner, role="admin").user
    review_services.challenge_approve_for_organisation(actor=admin, challenge=phase)
    manager = UserFactory(is_programme_manager=True)
    review_services.challenge_approve(actor=manager, challenge=phase)
    review_services.challenge_publish(actor=manager, challenge=phase)
    return Challenge.objects.get(pk=phase.pk)


def next_phase(series: Series, phase_name: str, *, published: bool = True) -> Challenge:
    """The next phase of the series' last one, prepared by its drafter and, unless `published`
    is False, published and open."""
    last = series.phases[-1]
    phase = phases_services.phase_create_next(actor=last.author, challenge=last, phase_name=phase_name)
    if published:
        phase = publish(phase)
    series.phases[-1] = Challenge.objects.get(pk=last.pk)  # renamed "Phase 1" if it had no name
    series.phases.append(phase)
    return phase


def propose(phase: Challenge, bid: outcomes.Bid, *, price: str) -> outcomes.Bid:
    """The bidder's company answers the phase while it is open."""
    proposal = proposals_services.proposal_submit(
        actor=bid.member,
        challenge=phase,
        company=bid.company,
        approach=f"SEALED-APPROACH of {bid.company.name} for {phase.phase_name}",
        criteria_responses={c.pk: "SEALED-RESPONSE" for c in phase.criteria.all()},
        team="SEALED-TEAM",
        price=Decimal(price),
        timeline="SEALED-TIMELINE",
    )
    return outcomes.Bid(company=bid.company, member=bid.member, proposal=proposal)


def award_phase(phase: Challenge, bids: list[outcomes.Bid], *, winners: int = 1) -> Challenge:
    """After the deadline, the phase's proposals are evaluated and the first `winners` awarded."""
    with time_machine.travel(phase.deadline + timedelta(days=1), tick=False):
        outcomes.evaluate(phase, bids)
        award_services.challenge_award(
            actor=phase.author,
            challenge=phase,
            proposals=[b.proposal for b in bids[:winners]],
            justification="The prototype worked with real users.",
        )
    return Challenge.objects.get(pk=phase.pk)


def three_phases(*, days_ago: int = 100, **fields) -> Series:
    """Solution design (awarded to two), Prototype (both invited bid, one awarded), and Test,
    a draft prepared the day after the prototype's award. It all happened in the past (the first
    award `days_ago` days ago, the prototype's 31 days later), so that what follows (a contract,
    the publication of the test) may happen today."""
    with time_machine.travel(timezone.now() - timedelta(days=days_ago)):
        series = awarded_first_phase(phase_name="Solution design", **fields)
        prototype = next_phase(series, "Prototype")
        bids = [
            propose(prototype, bid, price=price) for bid, price in zip(series.invited, ("45000", "40000"), strict=True)
        ]
        series.phases[-1] = award_phase(prototype, bids)
    with time_machine.travel(prototype.deadline + timedelta(days=2)):
        next_phase(series, "Test", published=False)
    return series
