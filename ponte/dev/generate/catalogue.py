"""The catalogue of solutions at national scale: published solutions written from the
vendors' vocabularies of twenty topics of public-sector problems (data/catalogue.yaml) and
from generic or near-miss products that answer none of them.

Each topic has the vendors' own words for what they sell against it ("visitors reserve a
time slot" where a public body writes "older people cannot get an appointment"), their
solution titles and CPV codes, and the buyer's sentences that vendors now and then borrow. A
solution takes four of its topic's sentences and two that every vendor writes ("hosted in the
EU", "open APIs"); in three descriptions out of ten, one sentence in the buyer's words. Its
sector is its topic's in 60% of cases and "digital" in 60%; its CPV code the one vendors use,
the buyer's in 25% of cases, or only a generic IT code. Three solutions in ten are
distractors. Everything follows from the seed and the number of catalogues already in the
database: a fresh database gets the same catalogue.

`generate` writes the topic of each solution it adds to var/catalogue-topics.json, so that
the matchmaking benchmark (bench/matching.py) knows which are relevant to its labelled
challenges. That labelled set is the benchmark's (bench/matching_set.py): it is written with
the writer and the helpers here, from the same topics with the buyers' side as well
(bench/data/matching-topics.yaml), whose vendors' side this file's data must match
(tests/dev/test_catalogue.py checks it).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ponte.accounts.models import User
from ponte.organisations.models import Kind, Membership, Organisation, Role, Tier
from ponte.reference.models import SectorTag
from ponte.solutions.models import Solution
from ponte.solutions.models import Status as SolutionStatus

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogue.yaml"
# Synthetic solutions added to the catalogue at each scale of `generate`.
CATALOGUE = {"S": 500, "M": 3_000, "L": 10_000}
BATCH = 2_000


@dataclass(frozen=True)
class Topic:
    key: str
    sector: str
    buyer_cpv: tuple[str, ...]
    vendor_cpv: tuple[str, ...]
    buyer: tuple[str, ...]  # the buyer's sentences, which vendors sometimes borrow
    offers: tuple[str, ...]  # the vendors' solution titles
    vendor: tuple[str, ...]  # the vendors' sentences


@dataclass(frozen=True)
class Distractor:
    """A generic product or a near miss: relevant to none of the topics."""

    title: str
    summary: str
    description: str
    sectors: tuple[str, ...]
    cpv: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    topics: tuple[Topic, ...]
    distractors: tuple[Distractor, ...]
    generic_it: tuple[str, ...]  # CPV codes of IT services any solution may carry
    vendor_generic: tuple[str, ...]  # what every vendor writes, whatever it sells
    brands: tuple[str, ...]  # companies are named brand + suffix
    suffixes: tuple[str, ...]


def _tupled(value):
    return tuple(_tupled(item) for item in value) if isinstance(value, list) else value


def _record(kind: type, data: dict):
    return kind(**{f.name: _tupled(data[f.name]) for f in fields(kind)})


def load_vocabulary(path: Path = DATA, *, kind: type[Vocabulary] = Vocabulary, topic: type[Topic] = Topic):
    """The vocabulary in the YAML file at `path`; `kind` and `topic` may be subclasses with
    more fields, read from the same file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = {f.name: _tupled(data[f.name]) for f in fields(kind) if f.name not in ("topics", "distractors")}
    return kind(
        topics=tuple(_record(topic, item) for item in data["topics"]),
        distractors=tuple(_record(Distractor, item) for item in data["distractors"]),
        **values,
    )


def sample(rng: random.Random, items, k: int) -> list:
    return rng.sample(list(items), k=min(k, len(items)))


def solution_fields(rng: random.Random, vocabulary: Vocabulary, topic: Topic, title: str) -> dict:
    vendor = sample(rng, topic.vendor, 4)
    description = [*vendor[1:], *sample(rng, vocabulary.vendor_generic, 2)]
    if rng.random() < 0.3:  # vendors sometimes describe the problem in the buyer's words
        description.insert(0, rng.choice(topic.buyer))
    return {"title": title, "summary": vendor[0], "description": " ".join(description)}


def solution_classification(rng: random.Random, vocabulary: Vocabulary, topic: Topic) -> tuple[list[str], list[str]]:
    sectors = [topic.sector] if rng.random() < 0.6 else []
    if rng.random() < 0.6 or not sectors:
        sectors.append("digital")
    draw = rng.random()
    if draw < 0.5:
        cpv = [rng.choice(topic.vendor_cpv)]
    elif draw < 0.75:
        cpv = [rng.choice(topic.buyer_cpv)]
    else:
        cpv = [rng.choice(vocabulary.generic_it)]
    return sorted(set(sectors)), cpv


def distractor_fields(rng: random.Random, vocabulary: Vocabulary, distractor: Distractor) -> dict:
    return {
        "title": distractor.title,
        "summary": distractor.summary,
        "description": " ".join([distractor.description, *sample(rng, vocabulary.vendor_generic, 3)]),
    }


def company_name(rng: random.Random, vocabulary: Vocabulary, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(vocabulary.brands)} {rng.choice(vocabulary.suffixes)}"
        if name not in used:
            used.add(name)
            return name
        name = f"{name} {len(used)}"
        if name not in used:
            used.add(name)
            return name


class Writer:
    """Creates organisations, people and solutions in bulk, with their links."""

    def __init__(self, rng: random.Random, tag: str):
        self.rng = rng
        self.tag = tag
        self.now = timezone.now()
        self.password = make_password(None)
        self.sectors = {tag.pk for tag in SectorTag.objects.all()}
        self.people = 0

    def person(self, organisation: Organisation, role: str = Role.MEMBER) -> User:
        self.people += 1
        user = User.objects.create(
            email=f"{self.tag}-{self.people}@example.net", name=f"Matching person {self.people}", password=self.password
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    def organisation(self, kind: str, name: str, sectors=()) -> Organisation:
        n = Organisation.objects.filter(slug__startswith=f"{self.tag}-").count()
        organisation = Organisation.objects.create(
            kind=kind,
            name=name,
            slug=f"{self.tag}-{n}",
            country=self.rng.choice(["BE", "PT", "SI", "NL", "FR"]),
            tier=Tier.MINISTRY if kind == Kind.PUBLIC_BODY else "",
            level_of_government="national" if kind == Kind.PUBLIC_BODY else "",
            registration_number=f"{self.tag.upper()}{n:06d}" if kind == Kind.COMPANY else "",
            is_sme=kind == Kind.COMPANY,
            status="verified",
            verified_at=self.now,
        )
        organisation.sectors.set([s for s in sectors if s in self.sectors])
        return organisation

    def solutions(self, specs: list[dict]) -> list[Solution]:
        rows = []
        for spec in specs:
            status = spec.pop("status")
            submitted = self.now - timedelta(days=self.rng.randrange(5, 300))
            rows.append(
                Solution(
                    **{k: v for k, v in spec.items() if k not in ("sectors", "cpv")},
                    trl=self.rng.randrange(4, 10),
                    status=status,
                    submitted_at=None if status == SolutionStatus.DRAFT else submitted,
                    published_at=submitted + timedelta(days=2) if status == SolutionStatus.PUBLISHED else None,
                    returned_at=submitted + timedelta(days=2) if status == SolutionStatus.RETURNED else None,
                    return_reason="Say what the solution does." if status == SolutionStatus.RETURNED else "",
                )
            )
        created = Solution.objects.bulk_create(rows, batch_size=BATCH)
        self.links(Solution, created, specs)
        return created

    def links(self, model, created, specs) -> None:
        """The sectors and CPV codes of `created` objects, from their specs."""
        owner = model._meta.model_name + "_id"
        model.sectors.through.objects.bulk_create(
            [
                model.sectors.through(**{owner: obj.pk, "sectortag_id": code})
                for obj, spec in zip(created, specs, strict=True)
                for code in spec["sectors"]
                if code in self.sectors
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        model.cpv_codes.through.objects.bulk_create(
            [
                model.cpv_codes.through(**{owner: obj.pk, "cpvcode_id": code})
                for obj, spec in zip(created, specs, strict=True)
                for code in spec["cpv"]
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )


def build_catalogue(
    count: int, *, vocabulary: Vocabulary | None = None, seed: int = 2026, progress=None
) -> dict[int, str | None]:
    """`count` more published solutions: the catalogue at national scale. Returns each one's
    topic (None for a distractor). Not indexed here: `generate` rebuilds the search index at
    the end."""
    vocabulary = vocabulary or load_vocabulary()
    run = Organisation.objects.filter(slug__startswith=f"catalogue-{seed}-").count()
    rng = random.Random(f"ponte-matching-catalogue-{seed}-{run}")
    writer = Writer(rng, f"catalogue-{seed}-{run}")
    names: set[str] = set(Organisation.objects.filter(kind=Kind.COMPANY).values_list("name", flat=True))
    companies = [
        writer.organisation(Kind.COMPANY, f"{company_name(rng, vocabulary, names)} {i}", ["digital"])
        for i in range(max(1, count // 10))
    ]
    bar = progress(total=count, desc="catalogue of solutions") if progress else None
    topics: dict[int, str | None] = {}
    for start in range(0, count, BATCH):
        specs, keys = [], []
        for i in range(start, min(start + BATCH, count)):
            company = companies[i % len(companies)]
            if rng.random() < 0.7:
                topic = rng.choice(vocabulary.topics)
                sectors, cpv = solution_classification(rng, vocabulary, topic)
                written = solution_fields(rng, vocabulary, topic, rng.choice(topic.offers))
                keys.append(topic.key)
            else:
                distractor = rng.choice(vocabulary.distractors)
                sectors, cpv = list(distractor.sectors), [rng.choice(distractor.cpv)]
                written = distractor_fields(rng, vocabulary, distractor)
                keys.append(None)
            specs.append(
                {**written, "company": company, "sectors": sectors, "cpv": cpv, "status": SolutionStatus.PUBLISHED}
            )
        for solution, key in zip(writer.solutions(specs), keys, strict=True):
            topics[solution.pk] = key
        if bar:
            bar.update(len(specs))
    if bar:
        bar.close()
    return topics


def build(scale: str, progress) -> None:
    """The `generate` step: a catalogue of solutions at the scale's size; the topic of each
    solution is written to var/catalogue-topics.json."""
    catalogue = build_catalogue(CATALOGUE[scale], progress=progress)
    path = settings.VAR_DIR / "catalogue-topics.json"
    path.write_text(json.dumps({str(pk): topic for pk, topic in catalogue.items()}, indent=1) + "\n", encoding="utf-8")
