"""Synthetic challenges at scale, for benchmarks and query-count tests: mostly published
(open or closed), some cancelled, some still in preparation, each with sectors, CPV codes
and criteria weighted to 100."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ponte.organisations.models import Membership, Sector, SectorTag

from .models import Challenge, CpvCode, Criterion, Instrument, Status

SIZES = {"S": 300, "M": 3_000, "L": 30_000}
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
# (status, share): mostly published.
MIX = [
    ("open", 0.55),
    ("closed", 0.25),
    (Status.CANCELLED, 0.05),
    (Status.DRAFT, 0.05),
    (Status.AWAITING_ORGANISATION, 0.03),
    (Status.AWAITING_REVIEW, 0.04),
    (Status.APPROVED, 0.03),
]


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
            published = state in ("open", "closed", Status.CANCELLED)
            if state == "closed":
                deadline = now - timedelta(days=rng.randrange(1, 200))
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
                    submitted_at=created + timedelta(days=5) if state != Status.DRAFT else None,
                    published_at=min(deadline, now) - timedelta(days=rng.randrange(20, 60)) if published else None,
                    cancelled_at=now - timedelta(days=1) if state == Status.CANCELLED else None,
                    cancellation_reason="The need disappeared." if state == Status.CANCELLED else "",
                )
            )
        created_rows = Challenge.objects.bulk_create(batch)
        Challenge.sectors.through.objects.bulk_create(
            [Challenge.sectors.through(challenge_id=c.pk, sectortag_id=rng.choice(sectors)) for c in created_rows],
            ignore_conflicts=True,
        )
        Challenge.cpv_codes.through.objects.bulk_create(
            [
                Challenge.cpv_codes.through(challenge_id=c.pk, cpvcode_id=code)
                for c in created_rows
                for code in rng.sample(cpv, k=min(2, len(cpv)))
            ],
            ignore_conflicts=True,
        )
        Criterion.objects.bulk_create(
            [
                Criterion(challenge_id=c.pk, name=name, weight=weight, position=position)
                for c in created_rows
                for position, (name, weight) in enumerate(rng.choice(CRITERIA))
            ],
            batch_size=BATCH,
        )
        bar.update(len(batch))
    bar.close()
