"""Synthetic challenges at scale, for benchmarks and query-count tests: mostly published
(open or closed), some cancelled, some still in preparation, each with sectors, CPV codes
and criteria weighted to 100. Closed ones carry what follows the deadline: proposals from
companies, evaluations by generated evaluators in every state with their scores, and, for
those decided, the award (often with its contract) or the reason for closing without award.
Some awarded challenges are the first phase of a series ("Solution design"): their next phase
("Prototype") is published, open or already closed, and only the supplier awarded in the first
phase — the one invited — has answered it.

Everything is written with bulk_create, batch by batch, from a random generator seeded by
the scale: the same scale always produces the same data."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ponte.accounts.models import User
from ponte.accounts.queries import programme_managers
from ponte.challenges.models import (
    SCORE_MAX,
    SCORE_MIN,
    Award,
    Challenge,
    Contract,
    Criterion,
    Evaluation,
    EvaluationStatus,
    Instrument,
    Proposal,
    Score,
    Status,
)
from ponte.core.sponsorship import Sponsorship
from ponte.organisations.models import Membership
from ponte.reference.models import CpvCode, Sector, SectorTag

SIZES = {"S": 300, "M": 3_000, "L": 30_000}
# The pool of evaluators each run adds, by scale.
EVALUATORS = {"S": 12, "M": 60, "L": 300}
BATCH = 2_000

CPV = [
    "72000000-5",
    "72212000-4",
    "72316000-3",
    "72220000-3",
    "48000000-8",
    "73000000-2",
    "79342300-6",
    "90711300-7",
    "85312000-9",
    "80500000-9",
]
PROBLEMS = [
    ("People give up on the online {0} service", "the online {0} service loses people halfway"),
    ("Staff re-key {0} data by hand", "{0} data is typed again at every step"),
    ("Nobody sees where {0} requests get stuck", "{0} requests wait without anyone knowing why"),
    ("Residents do not know the {0} support they may claim", "eligible people never claim {0} support"),
]
CRITERIA = [
    [("Understanding of the problem", 40), ("Expected impact", 35), ("Feasibility", 25)],
    [("Impact on the people affected", 60), ("Cost and feasibility", 40)],
    [("Understanding", 25), ("Impact", 25), ("Feasibility", 25), ("Openness", 25)],
]
# (status, share): mostly published. "closed" is past its deadline and in evaluation.
MIX = [
    ("open", 0.55),
    ("closed", 0.12),
    (Status.AWARDED, 0.10),
    (Status.NOT_AWARDED, 0.03),
    (Status.CANCELLED, 0.05),
    (Status.DRAFT, 0.05),
    (Status.AWAITING_ORGANISATION, 0.03),
    (Status.AWAITING_REVIEW, 0.04),
    (Status.APPROVED, 0.03),
]


def _days(rng, low: int, high: int) -> timedelta:
    """Between `low` and `high` days, at any second of the day: releases of real challenges
    are not all dated at one moment of the day, and the open data pages by moment."""
    return timedelta(days=rng.randrange(low, high), seconds=rng.randrange(86_400))


def _sponsorship(rng, sponsors: list[int], state: str, created) -> dict:
    """One challenge in ten has a sponsor, asked a week after it was written: most accepted,
    some still to answer while its outcome is undecided."""
    if not sponsors or rng.random() >= 0.1:
        return {}
    asked = created + timedelta(days=7)
    fields = {"sponsor_id": rng.choice(sponsors), "sponsorship_asked_at": asked}
    if state not in (*DECIDED, Status.CANCELLED) and rng.random() < 0.3:
        return {**fields, "sponsorship": Sponsorship.ASKED}
    return {**fields, "sponsorship": Sponsorship.ACCEPTED, "sponsorship_answered_at": asked + timedelta(days=3)}


def build(scale: str, progress) -> None:
    total = SIZES[scale]
    rng = random.Random(f"ponte-challenges-{scale}")
    now = timezone.now()
    authors = dict(
        Membership.objects.filter(organisation__kind="public_body", organisation__status="verified")
        .order_by("organisation_id", "-role", "pk")
        .values_list("organisation_id", "user_id")
    )
    if not authors:
        return
    owners = list(authors)
    sectors = [SectorTag.objects.get_or_create(code=code)[0].pk for code in Sector.values]
    cpv = list(CpvCode.objects.filter(code__in=CPV).values_list("code", flat=True))
    states = [state for state, _share in MIX]
    weights = [share for _state, share in MIX]
    run = Challenge.objects.filter(title__startswith="[gen]").count()
    after = _AfterTheDeadline(scale, rng, now)
    sponsors = list(User.objects.filter(is_sponsor=True, is_active=True).values_list("pk", flat=True))

    bar = progress(total=total, desc="challenges")
    for start in range(0, total, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, total)):
            n = run + i
            owner = rng.choice(owners)
            state = rng.choices(states, weights)[0]
            sector = Sector(rng.choice(Sector.values)).label
            title, problem = rng.choice(PROBLEMS)
            instrument = Instrument.LOW_VALUE if rng.random() < 0.7 else Instrument.INNOVATION_PARTNERSHIP
            budget = (
                rng.randrange(5, 31) * 1000 if instrument == Instrument.LOW_VALUE else rng.randrange(50, 500) * 1000
            )
            created = now - timedelta(days=rng.randrange(60, 400))
            published = state in ("open", *PAST_DEADLINE, Status.CANCELLED)
            if state == "closed":
                deadline = now - timedelta(days=rng.randrange(1, 200))
            elif state in DECIDED:
                # Long enough ago for the evaluation, the decision and a contract to follow.
                deadline = now - timedelta(days=rng.randrange(40, 400))
            else:
                deadline = now + timedelta(days=rng.randrange(7, 120))
            batch.append(
                Challenge(
                    owner_id=owner,
                    author_id=authors[owner],
                    title=f"[gen] {title.format(str(sector).lower())} ({n})",
                    summary=f"Synthetic challenge number {n}: {problem.format(str(sector).lower())}.",
                    problem=f"Today {problem.format(str(sector).lower())}. We do not yet know why.",
                    affected="Residents and the staff who serve them.",
                    desired_outcomes="Fewer people give up; less work done twice.",
                    languages=["en"],
                    instrument=instrument,
                    budget_ceiling=Decimal(budget),
                    deadline=deadline,
                    status=Status.PUBLISHED if state in ("open", "closed") else state,
                    awarded_at=deadline + _days(rng, 10, 30) if state == Status.AWARDED else None,
                    closed_at=deadline + _days(rng, 10, 30) if state == Status.NOT_AWARDED else None,
                    outcome_justification=OUTCOME.get(state, ""),
                    submitted_at=created + timedelta(days=5) if state != Status.DRAFT else None,
                    published_at=min(deadline, now) - _days(rng, 20, 60) if published else None,
                    cancelled_at=now - _days(rng, 1, 60) if state == Status.CANCELLED else None,
                    cancellation_reason="The need disappeared." if state == Status.CANCELLED else "",
                    **_sponsorship(rng, sponsors, state, created),
                )
            )
        created_rows = Challenge.objects.bulk_create(batch)
        sector_rows = [
            Challenge.sectors.through(challenge_id=c.pk, sectortag_id=rng.choice(sectors)) for c in created_rows
        ]
        Challenge.sectors.through.objects.bulk_create(sector_rows, ignore_conflicts=True)
        cpv_rows = [
            Challenge.cpv_codes.through(challenge_id=c.pk, cpvcode_id=code)
            for c in created_rows
            for code in rng.sample(cpv, k=min(2, len(cpv)))
        ]
        Challenge.cpv_codes.through.objects.bulk_create(cpv_rows, ignore_conflicts=True)
        criteria = Criterion.objects.bulk_create(
            [
                Criterion(challenge_id=c.pk, name=name, weight=weight, position=position)
                for c in created_rows
                for position, (name, weight) in enumerate(rng.choice(CRITERIA))
            ],
            batch_size=BATCH,
        )
        awards = after.add(
            [c for c in created_rows if c.deadline <= now and c.status in PAST_DEADLINE_STATUSES], criteria
        )
        _next_phases(created_rows, awards, sector_rows + cpv_rows + criteria, after)
        bar.update(len(batch))
    bar.close()
    _busiest_call(owners[0], authors[owners[0]], rng.choice(CRITERIA), after)


# The largest evaluation board a benchmark reads: one call past its deadline, in evaluation,
# with a proposal from each of this many companies (as many as there are, if fewer).
BUSIEST_BIDDERS = 200
BUSIEST_TITLE = "[gen] The busiest call"


def _busiest_call(owner: int, author: int, weighted: list, after: "_AfterTheDeadline") -> None:
    now = after.now
    deadline = now - timedelta(days=3)
    challenge = Challenge.objects.create(
        owner_id=owner,
        author_id=author,
        title=BUSIEST_TITLE,
        summary="A call many companies answered, now in evaluation.",
        problem="Today too many requests wait. We do not yet know why.",
        affected="Residents and the staff who serve them.",
        desired_outcomes="Fewer people wait.",
        languages=["en"],
        instrument=Instrument.INNOVATION_PARTNERSHIP,
        budget_ceiling=Decimal(400_000),
        deadline=deadline,
        status=Status.PUBLISHED,
        submitted_at=deadline - timedelta(days=60),
        published_at=deadline - timedelta(days=45),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(challenge_id=challenge.pk, name=name, weight=weight, position=position)
        for position, (name, weight) in enumerate(weighted)
    )
    after.add([challenge], criteria, bidders=BUSIEST_BIDDERS)


PAST_DEADLINE = ("closed", Status.AWARDED, Status.NOT_AWARDED)
PAST_DEADLINE_STATUSES = (Status.PUBLISHED, Status.AWARDED, Status.NOT_AWARDED)
DECIDED = (Status.AWARDED, Status.NOT_AWARDED)
OUTCOME = {
    Status.AWARDED: "Ranked first on the published criteria, within the budget ceiling.",
    Status.NOT_AWARDED: "No proposal reached the minimum expected on impact; the need will be restated.",
}
# How the evaluations of a challenge still in evaluation stand: (state, share).
IN_PROGRESS = [
    (EvaluationStatus.COMPLETED, 0.5),
    (EvaluationStatus.CLEARED, 0.2),
    (EvaluationStatus.ASSIGNED, 0.2),
    (EvaluationStatus.RECUSED, 0.1),
]
COMMENTS = [
    "Clear on the problem and the people affected.",
    "Plausible impact, measured during the pilot.",
    "Realistic plan within the budget.",
    "Says little about how success will be measured.",
    "Depends on data we may not be able to share.",
]


class _AfterTheDeadline:
    """Proposals, evaluations, scores, awards and contracts for the challenges past their
    deadline, batch by batch."""

    def __init__(self, scale: str, rng: random.Random, now) -> None:
        self.rng, self.now = rng, now
        companies: dict[int, int] = {}
        for company_id, user_id in (
            Membership.objects.filter(organisation__kind="company", organisation__status="verified")
            .order_by("organisation_id", "pk")
            .values_list("organisation_id", "user_id")
        ):
            companies.setdefault(company_id, user_id)
        self.companies = companies
        self.company_ids = sorted(companies)
        self.manager_id = self._manager()
        self.evaluator_ids = self._evaluators(EVALUATORS[scale]) if self.company_ids else []

    def _manager(self) -> int:
        manager = programme_managers().order_by("pk").first()
        if manager is None:
            manager, _created = User.objects.get_or_create(
                email="gen-manager@example.net",
                defaults={"name": "Generated programme manager", "is_programme_manager": True},
            )
        return manager.pk

    def _evaluators(self, count: int) -> list[int]:
        first = User.objects.filter(email__startswith="gen-evaluator-").count()
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"gen-evaluator-{first + i}@example.net",
                    name=f"Evaluator {first + i}",
                    password=password,
                    is_evaluator=True,
                )
                for i in range(count)
            ]
        )
        # Generated evaluators only: the demo's evaluators keep a list a person can read.
        return list(
            User.objects.filter(email__startswith="gen-evaluator-", is_evaluator=True, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def add(self, challenges: list[Challenge], criteria: list[Criterion], *, bidders: int = 0) -> list[Award]:
        """Proposals (from `bidders` companies each, or a few), their evaluations and scores, and
        the outcome of those decided. Returns the awards made."""
        if not challenges or not self.company_ids or len(self.evaluator_ids) < 2:
            return []
        rng = self.rng
        criteria_of: dict[int, list[Criterion]] = {}
        for criterion in criteria:
            criteria_of.setdefault(criterion.challenge_id, []).append(criterion)
        proposals = []
        for challenge in challenges:
            decided = challenge.status in DECIDED
            count = bidders or (rng.randrange(1, 5) if decided else rng.choice([0, 1, 2, 3, 4]))
            for company_id in rng.sample(self.company_ids, k=min(count, len(self.company_ids))):
                proposals.append(
                    Proposal(
                        challenge_id=challenge.pk,
                        company_id=company_id,
                        submitted_by_id=self.companies[company_id],
                        approach="A synthetic approach to the problem.",
                        criteria_responses=[
                            {"criterion_id": c.pk, "criterion": c.name, "response": "Explained in the approach."}
                            for c in criteria_of.get(challenge.pk, [])
                        ],
                        team="Two people.",
                        price=Decimal(rng.randrange(50, 101) * int(challenge.budget_ceiling) // 100),
                        timeline="Three months.",
                        submitted_at=challenge.deadline - timedelta(days=rng.randrange(1, 20)),
                    )
                )
        proposals = Proposal.objects.bulk_create(proposals, batch_size=BATCH)
        by_challenge = {challenge.pk: challenge for challenge in challenges}
        states = [state for state, _share in IN_PROGRESS]
        shares = [share for _state, share in IN_PROGRESS]
        evaluations, plans = [], []
        for proposal in proposals:
            challenge = by_challenge[proposal.challenge_id]
            decided = challenge.status in DECIDED
            # Some calls in evaluation still wait for their evaluators.
            if not decided and rng.random() < 0.2:
                continue
            start = challenge.deadline + timedelta(days=1)
            for evaluator_id in rng.sample(self.evaluator_ids, k=2):
                state = EvaluationStatus.COMPLETED if decided else rng.choices(states, shares)[0]
                declared = state != EvaluationStatus.ASSIGNED
                evaluations.append(
                    Evaluation(
                        proposal_id=proposal.pk,
                        evaluator_id=evaluator_id,
                        assigned_by_id=self.manager_id,
                        status=state,
                        conflict_note="I advised this company recently." if state == EvaluationStatus.RECUSED else "",
                        assigned_at=start,
                        declared_at=start + timedelta(days=1) if declared else None,
                        completed_at=start + timedelta(days=5) if state == EvaluationStatus.COMPLETED else None,
                    )
                )
                plans.append(criteria_of.get(proposal.challenge_id, []))
        evaluations = Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
        scores, totals = [], {}
        for evaluation, scored in zip(evaluations, plans, strict=True):
            if evaluation.status == EvaluationStatus.COMPLETED:
                given = [(c, rng.randint(SCORE_MIN, SCORE_MAX)) for c in scored]
                totals.setdefault(evaluation.proposal_id, []).append(sum(s * c.weight for c, s in given))
            elif evaluation.status == EvaluationStatus.CLEARED:
                # A draft: the first criterion scored, the others not yet.
                given = [(c, rng.randint(SCORE_MIN, SCORE_MAX)) for c in scored[:1]]
            else:
                continue
            scores += [
                Score(evaluation_id=evaluation.pk, criterion_id=c.pk, score=score, comment=rng.choice(COMMENTS))
                for c, score in given
            ]
        Score.objects.bulk_create(scores, batch_size=BATCH)
        return self._decide(challenges, proposals, totals)

    def _decide(self, challenges, proposals, totals) -> list[Award]:
        """The best-ranked proposal of each awarded challenge wins; most awards have a contract."""
        rng = self.rng
        best: dict[int, tuple[float, Proposal]] = {}
        for proposal in proposals:
            score = sum(totals.get(proposal.pk, [0])) / max(len(totals.get(proposal.pk, [])), 1)
            current = best.get(proposal.challenge_id)
            if current is None or score > current[0]:
                best[proposal.challenge_id] = (score, proposal)
        awards = [
            Award(
                challenge_id=challenge.pk,
                proposal_id=best[challenge.pk][1].pk,
                supplier_id=best[challenge.pk][1].company_id,
                value=best[challenge.pk][1].price,
                awarded_at=challenge.awarded_at,
            )
            for challenge in challenges
            if challenge.status == Status.AWARDED and challenge.pk in best
        ]
        awards = Award.objects.bulk_create(awards, batch_size=BATCH)
        authors = {challenge.pk: challenge.author_id for challenge in challenges}
        today = timezone.localdate(self.now)
        contracts = []
        for award in awards:
            if rng.random() >= 0.7:
                continue
            signed = min(timezone.localdate(award.awarded_at) + timedelta(days=rng.randrange(3, 20)), today)
            start = signed + timedelta(days=rng.randrange(0, 15))
            contracts.append(
                Contract(
                    award_id=award.pk,
                    title="Pilot of the awarded proposal",
                    value=award.value,
                    date_signed=signed,
                    period_start=start,
                    period_end=start + timedelta(days=rng.choice([60, 90, 180])),
                    recorded_by_id=authors[award.challenge_id],
                )
            )
        Contract.objects.bulk_create(contracts, batch_size=BATCH)
        # Recorded some days after signing, as a public body would (the field stamps the
        # moment of creation, which is the same moment for every generated contract).
        for contract in contracts:
            signed = timezone.make_aware(datetime.combine(contract.date_signed, time(9)))
            contract.recorded_at = min(signed + _days(rng, 0, 5), timezone.now())
        Contract.objects.bulk_update(contracts, ["recorded_at"], batch_size=BATCH)
        return awards


# Phases ----------------------------------------------------------------------------------

# The share of awarded challenges that go on to a next phase, and the names of the two phases.
NEXT_PHASE_SHARE = 0.4
FIRST_PHASE, NEXT_PHASE = "Solution design", "Prototype"
LOW_VALUE_MAX = 30


def _next_phases(challenges: list[Challenge], awards: list[Award], classification: list, after: _AfterTheDeadline):
    """The next phase of some awarded challenges, as the services prepare it (the problem, sectors,
    CPV codes and criteria copied) and then published with its own budget and deadline: open, or
    closed with a proposal from the supplier invited. `classification` holds the challenges'
    sector, CPV and criterion rows, to copy."""
    rng, now = after.rng, after.now
    by_pk = {challenge.pk: challenge for challenge in challenges}
    chosen = [award for award in awards if rng.random() < NEXT_PHASE_SHARE]
    if not chosen:
        return
    phases = []
    for award in chosen:
        previous = by_pk[award.challenge_id]
        # Awarded at least ten days ago: the next phase is published after the award, and a
        # closed one's deadline has passed by now.
        published = previous.awarded_at + timedelta(
            days=rng.randrange(1, max(2, (now - previous.awarded_at).days // 2))
        )
        if rng.random() < 0.5:
            deadline = now + timedelta(days=rng.randrange(7, 60))
        else:
            deadline = published + timedelta(days=rng.randrange(1, max(2, (now - published).days)))
        if previous.instrument == Instrument.LOW_VALUE:
            budget = Decimal(rng.randrange(10, LOW_VALUE_MAX + 1) * 1000)
        else:
            budget = previous.budget_ceiling * 2
        phases.append(
            Challenge(
                owner_id=previous.owner_id,
                author_id=previous.author_id,
                title=previous.title,
                summary=previous.summary,
                problem=previous.problem,
                affected=previous.affected,
                desired_outcomes=previous.desired_outcomes,
                languages=previous.languages,
                instrument=previous.instrument,
                budget_ceiling=budget,
                deadline=deadline,
                status=Status.PUBLISHED,
                submitted_at=previous.awarded_at + timedelta(hours=12),
                published_at=published,
                phase_name=NEXT_PHASE,
                previous_phase_id=previous.pk,
                first_phase_id=previous.pk,
            )
        )
    phases = Challenge.objects.bulk_create(phases, batch_size=BATCH)
    Challenge.objects.filter(pk__in=[phase.previous_phase_id for phase in phases]).update(phase_name=FIRST_PHASE)
    next_of = {phase.previous_phase_id: phase.pk for phase in phases}
    sectors, codes, criteria = [], [], []
    for row in classification:
        phase = next_of.get(row.challenge_id)
        if phase is None:
            continue
        if isinstance(row, Criterion):
            criteria.append(Criterion(challenge_id=phase, name=row.name, weight=row.weight, position=row.position))
        elif isinstance(row, Challenge.sectors.through):
            sectors.append(Challenge.sectors.through(challenge_id=phase, sectortag_id=row.sectortag_id))
        else:
            codes.append(Challenge.cpv_codes.through(challenge_id=phase, cpvcode_id=row.cpvcode_id))
    Challenge.sectors.through.objects.bulk_create(sectors, ignore_conflicts=True)
    Challenge.cpv_codes.through.objects.bulk_create(codes, ignore_conflicts=True)
    criteria = Criterion.objects.bulk_create(criteria, batch_size=BATCH)
    criteria_of: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        criteria_of.setdefault(criterion.challenge_id, []).append(criterion)
    # A closed next phase was answered by the supplier awarded in the phase before, the only
    # company invited; its proposal waits for evaluators.
    invited = {award.challenge_id: award.supplier_id for award in chosen}
    Proposal.objects.bulk_create(
        [
            Proposal(
                challenge_id=phase.pk,
                company_id=invited[phase.previous_phase_id],
                submitted_by_id=after.companies[invited[phase.previous_phase_id]],
                approach="A synthetic approach to the next phase.",
                criteria_responses=[
                    {"criterion_id": c.pk, "criterion": c.name, "response": "Explained in the approach."}
                    for c in criteria_of.get(phase.pk, [])
                ],
                team="Two people.",
                price=Decimal(rng.randrange(50, 101) * int(phase.budget_ceiling) // 100),
                timeline="Three months.",
                submitted_at=phase.deadline - timedelta(hours=rng.randrange(1, 24)),
            )
            for phase in phases
            if phase.is_closed_at(now)
        ],
        batch_size=BATCH,
    )
