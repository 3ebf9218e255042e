"""The staff exchange at national scale: finished rounds of past years, a round taking
applications now and a round being matched (its applications closed, the matcher run by the
programme manager and its proposals sent), answered by public servants and company employees of the generated
organisations (10,000 a side at L) with what they offer and want to learn, languages,
regions and the weeks they are free; most approved by their organisation, some waiting, a
few declined; and how many guests organisations can host. Written in bulk from a random
generator seeded by the scale."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from ponte.accounts.models import User
from ponte.exchange.models import (
    Application,
    ApplicationStatus,
    Availability,
    Hosting,
    Round,
    RoundChallenge,
    RoundPhase,
    Side,
    start_of,
)
from ponte.exchange.services import matching as matching_services
from ponte.organisations.models import Membership
from ponte.reference.models import Sector

SIZES = {"S": 100, "M": 1_000, "L": 10_000}  # applicants a side in the current round
# Applicants a side in the round being matched: a country's round of a year, as Slovenia's.
MATCHED_SIZES = {"S": 40, "M": 500, "L": 2_000}
BATCH = 2_000
TOPICS = [
    "open data",
    "service design",
    "procurement",
    "user research",
    "data protection",
    "cloud migration",
    "agile delivery",
    "accessibility",
    "budgeting",
    "change management",
    "digital identity",
    "energy efficiency",
    "mobility planning",
    "public health data",
    "customer support",
    "cybersecurity",
]
LANGUAGES = ["en", "pt", "fr", "nl", "sl", "de", "es"]
REGIONS = ["North", "South", "East", "West", "Centre", "Capital", "Coast", "Islands"]
JOBS = ["Policy officer", "Data analyst", "Product manager", "Engineer", "Team lead", "Designer"]
CHALLENGES = [
    ("Paperless permits", "Every permit applied for and issued online."),
    ("Open budgets", "Every municipal budget readable by residents."),
    ("Greener fleets", "Half of public vehicles electric."),
]
PAST_ROUNDS = 2


def build(scale: str, progress) -> None:
    per_side = SIZES[scale]
    rng = random.Random(f"ponte-exchange-{scale}")
    manager = User.objects.filter(is_programme_manager=True, is_active=True).order_by("pk").first()
    if manager is None:
        return
    run = Round.objects.filter(title__startswith="[gen]").count()
    today = timezone.localdate()
    for years_ago in range(PAST_ROUNDS, 0, -1):
        _round(f"[gen] Exchange round {run}-{years_ago} years ago", manager, today.replace(day=1), years_ago)
    current = _round(f"[gen] Exchange round {run}, taking applications", manager, today, 0)
    _apply(current, per_side, rng, manager, progress)
    matched = _round(f"[gen] Exchange round {run}, being matched", manager, today, 0, matching=True)
    _apply(matched, MATCHED_SIZES[scale], rng, manager, progress)
    # As the programme manager would: run the matching, lock a few pairs, send the proposals
    # (marked sent in bulk: thousands of notifications would only slow the build down).
    matching_services.matching_run(actor=manager, round=matched)
    matched.pairs.filter(pk__in=list(matched.pairs.order_by("pk").values_list("pk", flat=True)[:10])).update(
        locked=True
    )
    matched.pairs.update(sent_at=timezone.now())


def _apply(round: Round, per_side: int, rng: random.Random, manager: User, progress) -> None:
    """`per_side` applications a side, with their availability, and how many guests each
    organisation can host."""
    applicants = {
        side: _members(kind, per_side) for side, kind in ((Side.PUBLIC, "public_body"), (Side.COMPANY, "company"))
    }
    bar = progress(total=2 * per_side, desc="exchange")
    for side, members in applicants.items():
        for start in range(0, len(members), BATCH):
            batch = members[start : start + BATCH]
            created = Application.objects.bulk_create(
                [_application(round, side, organisation, user, rng) for organisation, user in batch]
            )
            Availability.objects.bulk_create(
                [window for application in created for window in _availability(application, round, rng)]
            )
            bar.update(len(batch))
    bar.close()
    hosts = {organisation for members in applicants.values() for organisation, _user in members}
    Hosting.objects.bulk_create(
        [
            Hosting(round=round, organisation_id=organisation, guests=rng.randrange(1, 4), stated_by=manager)
            for organisation in sorted(hosts)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _round(title: str, manager: User, today: date, years_ago: int, *, matching: bool = False) -> Round:
    """A round of `years_ago` years back (finished), or the one taking applications now: open
    since three weeks, closing in three, its exchanges from the next spring to the autumn; or,
    `matching`, one whose applications closed last week."""
    if matching:
        spring = date(today.year + 1, 4, 1)
        opens, closes = start_of(today - timedelta(days=60)), start_of(today - timedelta(days=7))
    elif years_ago:
        spring = date(today.year - years_ago, 4, 1)
        opens, closes = start_of(spring - timedelta(days=90)), start_of(spring - timedelta(days=30))
    else:
        spring = date(today.year + 1, 4, 1)
        opens, closes = start_of(today - timedelta(days=21)), start_of(today + timedelta(days=21))
    round = Round.objects.create(
        title=title,
        description="A round of five-day job swaps between public bodies and companies.",
        applications_open_at=opens,
        applications_close_at=closes,
        exchange_starts=spring,
        exchange_ends=date(spring.year, 9, 30),
        exchange_days=5,
        capacity_per_organisation=10,
        opened_by=manager,
    )
    assert not matching or round.phase == RoundPhase.MATCHING
    RoundChallenge.objects.bulk_create(
        RoundChallenge(round=round, title=name, description=text, position=n)
        for n, (name, text) in enumerate(CHALLENGES)
    )
    return round


def _members(kind: str, count: int) -> list[tuple[int, int]]:
    """(organisation, person) for `count` members of verified organisations of a kind, one each."""
    return list(
        Membership.objects.filter(organisation__kind=kind, organisation__status="verified", user__is_active=True)
        .exclude(user__email__endswith="@example.org")  # the demo's people apply for themselves
        .order_by("pk")
        .values_list("organisation_id", "user_id")[:count]
    )


def _application(round: Round, side: str, organisation: int, user: int, rng: random.Random) -> Application:
    status = rng.choices(
        [ApplicationStatus.APPROVED, ApplicationStatus.WAITING, ApplicationStatus.DECLINED], weights=[70, 25, 5]
    )[0]
    return Application(
        round=round,
        applicant_id=user,
        organisation_id=organisation,
        side=side,
        job=rng.choice(JOBS),
        skills=rng.sample(TOPICS, rng.randrange(2, 5)),
        interests=rng.sample(TOPICS, rng.randrange(2, 5)),
        sectors_wanted=rng.sample(Sector.values, 2),
        languages=["en", *rng.sample(LANGUAGES[1:], rng.randrange(0, 2))],
        region=rng.choice(REGIONS),
        travels=rng.random() < 0.6,
        status=status,
        decline_reason="Not this year: the team is short-staffed." if status == ApplicationStatus.DECLINED else "",
        decided_at=None if status == ApplicationStatus.WAITING else timezone.now(),
    )


def _availability(application: Application, round: Round, rng: random.Random):
    """One or two ranges of three to six weeks inside the exchange window, apart."""
    weeks = (round.exchange_ends - round.exchange_starts).days // 7
    starts = sorted(rng.sample(range(weeks - 6), 2))
    if starts[1] - starts[0] < 7:
        starts = starts[:1]
    for week in starts:
        first = round.exchange_starts + timedelta(weeks=week)
        yield Availability(
            application=application,
            starts=first,
            ends=min(first + timedelta(weeks=rng.randrange(3, 7)), round.exchange_ends),
        )
