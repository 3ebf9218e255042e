"""A labelled set for matchmaking: challenges whose relevant solutions are known, to measure
the ranking (bench/matching.py) and to test it (tests/matchmaking/test_ranking.py).

How the set is built
--------------------
Twenty topics of public-sector problems (appointments at public counters, unclear official
letters, the energy use of public buildings, benefit take-up, potholes, waste collection,
school dropout, language barriers, flooding, court backlogs, paper invoices, loneliness of
older people, parking, hospital beds, job matching, school food waste, air quality, social
housing repairs, cyber attacks on municipalities, rural transport). Each topic has two
hand-written vocabularies, in bench/data/matching-topics.yaml:

- the **buyer's**: how a public body describes the problem (titles, sentences about what
  goes wrong, who is affected, desired outcomes), never naming a solution;
- the **vendors'**: how companies describe what they sell for it, in their own jargon
  ("older people cannot get an appointment" against "visitors reserve a time slot"; "pupils
  leave school" against "student retention").

A few words are shared by both sides, as in real life (appointment, invoice, repairs, bed),
most are not. Three challenges per topic (60 in all) are written from the buyer's
vocabulary plus sentences every public body writes ("staff spend their time…", "we hold a
lot of data…"); four published solutions per topic from the vendors' vocabulary plus
sentences every vendor writes ("hosted in the EU", "open APIs", "dashboard with real-time
data"), and in three descriptions out of ten one sentence in the buyer's words. A fifth
solution per topic is not published (draft, waiting for screening or returned): it must
never be recommended. Sixty distractor solutions come from twenty generic or near-miss
products (participation platform, desk booking, fleet telematics, electronic health record,
court transcription…), which share the generic words and often a sector or an IT CPV code
with the challenges. Each topic also has a closed or cancelled challenge that must never be
recommended to a company.

Sectors and CPV codes are realistic and noisy: a challenge has its topic's sector in 85% of
cases (otherwise only "digital"), sometimes "digital" as well, its topic's buyer CPV code
unless it has none (15%), and a generic IT code in 35% of cases. A solution has its topic's
sector in 60% of cases and "digital" in 60%; its CPV code is the one vendors use (often in
another division than the buyer's), the buyer's in 25% of cases, or only a generic IT code.

The labels: the relevant solutions of a challenge are the published solutions of its topic;
the relevant challenges of a company are the open challenges of the topics of its published
solutions. Everything follows from the seed and the number of sets already in the database:
a fresh database with the same seed gets the same set.

Solutions are written as the synthetic catalogue that `python -m ponte generate` adds at
scale (ponte/dev/generate/catalogue.py, whose writer and helpers this uses), from the same
vendors' vocabularies: the benchmark counts a catalogue solution as relevant to the labelled
challenges of its topic.

What it does and does not prove
-------------------------------
It shows that the ranker, through its whole pipeline (search-index retrieval, capped pools,
re-ranking), finds solutions that are described in other words than the problem, and is not
fooled by words every text shares, better than counting shared words. It does not prove the
ranking is good on real text: the vocabularies are hand-written, the noise levels were chosen
by hand, the sentences repeat within a topic, the text is English only, and sectors and CPV
codes follow the topic by construction. The topics are disjoint, so the labels are cleaner
than real relevance, which is graded and disputed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from ponte.challenges.models import Challenge, Criterion, Instrument, Status
from ponte.dev.generate.catalogue import (
    Topic,
    Vocabulary,
    Writer,
    company_name,
    distractor_fields,
    load_vocabulary,
    sample,
    solution_classification,
    solution_fields,
)
from ponte.organisations.models import Kind, Organisation, Role
from ponte.solutions.models import Status as SolutionStatus

DATA = Path(__file__).resolve().parent / "data" / "matching-topics.yaml"
UNPUBLISHED = (SolutionStatus.DRAFT, SolutionStatus.SUBMITTED, SolutionStatus.RETURNED)


@dataclass(frozen=True)
class MatchingTopic(Topic):
    """A topic with the buyer's side as well: what public bodies write about the problem."""

    places: tuple[str, ...]
    titles: tuple[str, ...]  # the buyer's, with {place}
    affected: tuple[str, ...]
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class MatchingVocabulary(Vocabulary):
    buyer_context: tuple[str, ...]  # what every public body writes, whatever the problem
    buyer_outcomes: tuple[str, ...]
    buyer_constraints: tuple[str, ...]
    bodies: tuple[str, ...]  # the public bodies that own the challenges
    criteria: tuple[dict, ...]  # every challenge's criteria: name and weight


@cache
def vocabulary() -> MatchingVocabulary:
    return load_vocabulary(DATA, kind=MatchingVocabulary, topic=MatchingTopic)


def topics() -> tuple[MatchingTopic, ...]:
    return vocabulary().topics


@dataclass
class LabelledSet:
    """What the builder made and the labels: {challenge pk: relevant solution pks} and
    {company pk: relevant open challenge pks}."""

    challenges: dict[int, set[int]] = field(default_factory=dict)
    companies: dict[int, set[int]] = field(default_factory=dict)
    topic_of_challenge: dict[int, str] = field(default_factory=dict)
    topic_of_solution: dict[int, str] = field(default_factory=dict)
    closed_challenges: list[int] = field(default_factory=list)
    unpublished_solutions: list[int] = field(default_factory=list)
    owner_members: dict[int, int] = field(default_factory=dict)  # public body pk → a member's pk
    company_members: dict[int, int] = field(default_factory=dict)  # company pk → a member's pk


def _challenge_fields(rng: random.Random, words: MatchingVocabulary, topic: MatchingTopic, title: str) -> dict:
    buyer = sample(rng, topic.buyer, 5)
    title = title.format(place=rng.choice(topic.places))
    return {
        "title": (title[0].upper() + title[1:])[:200],
        "summary": buyer[0],
        "context": " ".join([rng.choice(words.buyer_context), buyer[1]]),
        "problem": " ".join([*buyer[2:], rng.choice(words.buyer_context)]),
        "affected": rng.choice(topic.affected),
        "desired_outcomes": " ".join(
            [rng.choice(topic.outcomes), *([rng.choice(words.buyer_outcomes)] if rng.random() < 0.5 else [])]
        ),
        "constraints": rng.choice(words.buyer_constraints),
    }


def _challenge_classification(
    rng: random.Random, words: MatchingVocabulary, topic: MatchingTopic
) -> tuple[list[str], list[str]]:
    sectors = [topic.sector] if rng.random() < 0.85 else ["digital"]
    if rng.random() < 0.3:
        sectors.append("digital")
    cpv = [] if rng.random() < 0.15 else [rng.choice(topic.buyer_cpv)]
    if rng.random() < 0.35:
        cpv.append(rng.choice(words.generic_it))
    return sorted(set(sectors)), sorted(set(cpv))


class _Writer(Writer):
    """The catalogue's writer, with challenges: published, open or closed, or cancelled."""

    def challenges(self, specs: list[dict], criteria) -> list[Challenge]:
        rows = []
        for spec in specs:
            state = spec.pop("state")
            published = self.now - timedelta(days=self.rng.randrange(3, 40))
            if state == "closed":
                deadline = self.now - timedelta(days=self.rng.randrange(1, 30))
            else:
                deadline = self.now + timedelta(days=self.rng.randrange(10, 90))
            rows.append(
                Challenge(
                    **{k: v for k, v in spec.items() if k not in ("sectors", "cpv")},
                    languages=["en"],
                    instrument=Instrument.LOW_VALUE,
                    budget_ceiling=Decimal(self.rng.randrange(10, 31) * 1000),
                    deadline=deadline,
                    status=Status.CANCELLED if state == "cancelled" else Status.PUBLISHED,
                    submitted_at=published - timedelta(days=10),
                    organisation_approved_at=published - timedelta(days=8),
                    approved_at=published - timedelta(days=2),
                    published_at=published,
                    cancelled_at=self.now - timedelta(days=1) if state == "cancelled" else None,
                    cancellation_reason="The need disappeared." if state == "cancelled" else "",
                )
            )
        created = Challenge.objects.bulk_create(rows)
        self.links(Challenge, created, specs)
        Criterion.objects.bulk_create(
            Criterion(challenge=c, name=criterion["name"], weight=criterion["weight"], position=i)
            for c in created
            for i, criterion in enumerate(criteria)
        )
        return created


def build_labelled_set(*, seed: int = 2026, per_topic: int = 3, index: bool = True) -> LabelledSet:
    """Build the labelled set (60 open challenges with the default three per topic) and
    return its labels. `index` writes the new public items into the search index, as a
    service would (bulk creation sends no signals)."""
    words = vocabulary()
    run = Organisation.objects.filter(slug__startswith=f"matching-{seed}-").count()
    rng = random.Random(f"ponte-matching-{seed}-{run}")
    writer = _Writer(rng, f"matching-{seed}-{run}")
    labelled = LabelledSet()

    bodies = []
    for name in words.bodies:
        body = writer.organisation(Kind.PUBLIC_BODY, name)
        member = writer.person(body, Role.ADMIN)
        bodies.append((body, member))
        labelled.owner_members[body.pk] = member.pk

    # Challenges: `per_topic` open ones per topic, and a closed or cancelled one.
    specs, topics_of_specs = [], []
    for topic in words.topics:
        titles = sample(rng, topic.titles, len(topic.titles))
        for i in range(per_topic + 1):
            body, member = rng.choice(bodies)
            fields = _challenge_fields(rng, words, topic, titles[i % len(titles)])
            sectors, cpv = _challenge_classification(rng, words, topic)
            state = "open" if i < per_topic else rng.choice(["closed", "closed", "cancelled"])
            specs.append({**fields, "owner": body, "author": member, "sectors": sectors, "cpv": cpv, "state": state})
            topics_of_specs.append((topic.key, state))
    challenges = writer.challenges(specs, words.criteria)
    open_by_topic: dict[str, set[int]] = {}
    for challenge, (topic_key, state) in zip(challenges, topics_of_specs, strict=True):
        if state == "open":
            labelled.topic_of_challenge[challenge.pk] = topic_key
            open_by_topic.setdefault(topic_key, set()).add(challenge.pk)
        else:
            labelled.closed_challenges.append(challenge.pk)

    # Companies and solutions: per topic, four published and one unpublished solution from
    # three companies; twenty generic companies with three distractors each. Created in a
    # shuffled order so that keys say nothing of relevance.
    names: set[str] = set()
    solution_specs = []
    for topic in words.topics:
        offers = sample(rng, topic.offers, 5)
        firms = []
        for _ in range(3):
            sectors = [topic.sector] if rng.random() < 0.7 else ["digital"]
            company = writer.organisation(Kind.COMPANY, company_name(rng, words, names), sectors)
            labelled.company_members[company.pk] = writer.person(company).pk
            firms.append(company)
        owners = [firms[0], firms[0], firms[1], firms[2], firms[1]]
        for j, offer in enumerate(offers):
            sectors, cpv = solution_classification(rng, words, topic)
            status = SolutionStatus.PUBLISHED if j < 4 else rng.choice(UNPUBLISHED)
            solution_specs.append(
                (
                    topic.key,
                    {
                        **solution_fields(rng, words, topic, offer),
                        "company": owners[j],
                        "sectors": sectors,
                        "cpv": cpv,
                        "status": status,
                    },
                )
            )
    generic = []
    for _ in range(20):
        company = writer.organisation(Kind.COMPANY, company_name(rng, words, names), ["digital"])
        labelled.company_members[company.pk] = writer.person(company).pk
        generic.append(company)
    for n, distractor in enumerate(words.distractors * 3):
        solution_specs.append(
            (
                None,
                {
                    **distractor_fields(rng, words, distractor),
                    "company": generic[(n + 7 * (n // len(words.distractors))) % len(generic)],
                    "sectors": list(distractor.sectors),
                    "cpv": [rng.choice(distractor.cpv)],
                    "status": SolutionStatus.PUBLISHED,
                },
            )
        )
    rng.shuffle(solution_specs)
    solutions = writer.solutions([spec for _topic, spec in solution_specs])

    topics_of_company: dict[int, set[str]] = {}
    for solution, (topic_key, _spec) in zip(solutions, solution_specs, strict=True):
        if solution.status != SolutionStatus.PUBLISHED:
            labelled.unpublished_solutions.append(solution.pk)
            continue
        if topic_key is None:
            continue
        labelled.topic_of_solution[solution.pk] = topic_key
        topics_of_company.setdefault(solution.company_id, set()).add(topic_key)
    for challenge_pk, topic_key in labelled.topic_of_challenge.items():
        labelled.challenges[challenge_pk] = {pk for pk, key in labelled.topic_of_solution.items() if key == topic_key}
    for company_pk, topic_keys in topics_of_company.items():
        labelled.companies[company_pk] = set().union(*(open_by_topic.get(key, set()) for key in topic_keys))

    if index:
        from ponte.core import search

        for obj in [*challenges, *solutions]:
            search.index_object(obj)
    return labelled
