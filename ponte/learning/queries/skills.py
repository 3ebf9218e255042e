"""Reads of the skills self-assessment: a person's own profile and its change over time, the
courses recommended for their weakest skills, and a group's profile — only when at least
MIN_GROUP people are in it, whatever the filter, page or export that asks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, OuterRef, Prefetch, QuerySet, Subquery

from ..models import CORE_SKILLS, MIN_GROUP, Course, SelfAssessment, Skill, SkillScore
from .catalogue import CatalogueFilters, catalogue

HISTORY_SHOWN = 8
RECOMMENDED_SKILLS = 2
RECOMMENDED_COURSES = 3


def history_of(person) -> list[SelfAssessment]:
    """The person's assessments, newest first, each with its scores by skill (`by_skill`)."""
    found = list(
        SelfAssessment.objects.filter(person=person)
        .prefetch_related(Prefetch("scores", queryset=SkillScore.objects.order_by()))
        .order_by("-taken_at", "-pk")[:HISTORY_SHOWN]
    )
    for assessment in found:
        assessment.by_skill = {score.skill: score.score for score in assessment.scores.all()}
    return found


def weakest(scores: dict[str, Decimal], count: int = RECOMMENDED_SKILLS) -> list[str]:
    """The lowest-scored skills, in the catalogue's order when scores tie."""
    return sorted(CORE_SKILLS, key=lambda skill: (scores.get(skill, Decimal(0)), CORE_SKILLS.index(skill)))[:count]


def strongest(scores: dict[str, Decimal]) -> str:
    """The highest-scored skill, the first in the catalogue's order when scores tie."""
    return sorted(CORE_SKILLS, key=lambda skill: (-scores.get(skill, Decimal(0)), CORE_SKILLS.index(skill)))[0]


@dataclass(frozen=True)
class SkillRow:
    skill: str
    latest: Decimal | None
    previous: Decimal | None

    @property
    def label(self) -> str:
        return Skill(self.skill).label

    @property
    def change(self) -> Decimal | None:
        return None if self.latest is None or self.previous is None else self.latest - self.previous


@dataclass(frozen=True)
class Profile:
    """A person's profile: their assessments newest first, each skill's latest and previous
    score, their strongest and weakest skills, and courses for the weakest."""

    history: list[SelfAssessment]
    rows: list[SkillRow]
    strongest: str
    weakest: list[str]
    recommended: dict[str, list[Course]]

    @property
    def latest(self) -> SelfAssessment:
        return self.history[0]

    @property
    def previous(self) -> SelfAssessment | None:
        return self.history[1] if len(self.history) > 1 else None


def profile_of(person) -> Profile | None:
    """None until the person has assessed their skills."""
    history = history_of(person)
    if not history:
        return None
    latest, previous = history[0].by_skill, (history[1].by_skill if len(history) > 1 else {})
    lowest = weakest(latest)
    return Profile(
        history=history,
        rows=[SkillRow(skill, latest.get(skill), previous.get(skill)) for skill in CORE_SKILLS],
        strongest=strongest(latest),
        weakest=lowest,
        recommended=recommended(lowest),
    )


def recommended(skills: list[str]) -> dict[str, list[Course]]:
    """For each skill, a few courses in the catalogue that build it, those with a session to come
    first (two queries a skill at most; the number of skills is fixed)."""
    found = {}
    for skill in skills:
        courses = catalogue(CatalogueFilters(skill=skill)).order_by(F("next_session").asc(nulls_last=True), "title")
        found[skill] = list(courses[:RECOMMENDED_COURSES])
    return found


def _mean(value) -> Decimal:
    """A group's mean to two decimals, rounded half up as every score is."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GroupProfile:
    people: int
    scores: dict[str, Decimal]  # empty when the group is too small to be shown

    @property
    def shown(self) -> bool:
        return self.people >= MIN_GROUP


def latest_assessments(people: QuerySet | None, *, year: int | None = None) -> QuerySet[SelfAssessment]:
    """Each person's latest assessment (in `year`, if given), of `people` or of everyone (None)."""
    within = SelfAssessment.objects.all() if people is None else SelfAssessment.objects.filter(person__in=people)
    if year is not None:
        within = within.filter(taken_at__year=year)
    latest = within.filter(person=OuterRef("person")).order_by("-taken_at", "-pk").values("pk")[:1]
    return within.annotate(latest=Subquery(latest)).filter(pk=F("latest"))


def group_profile(people: QuerySet, *, year: int | None = None) -> GroupProfile:
    """The mean score of each skill over the group's latest assessments: two queries. A group of
    fewer than MIN_GROUP people is counted and nothing else is read."""
    latest = latest_assessments(people, year=year)
    size = latest.count()
    if size < MIN_GROUP:
        return GroupProfile(people=size, scores={})
    rows = (
        SkillScore.objects.filter(assessment__in=latest.values("pk"))
        .values("skill")
        .annotate(mean=Avg("score"), answered=Count("pk"))
        .order_by()
    )
    scores = {row["skill"]: _mean(row["mean"]) for row in rows}
    return GroupProfile(people=size, scores=scores)


def organisation_profiles(organisations: list[int] | None, *, year: int | None = None) -> list[dict]:
    """The profile of every organisation (of `organisations`, or all: None) with at least MIN_GROUP
    people assessed, by short name: one query, the smaller groups left out by the database."""
    latest = latest_assessments(None, year=year)
    scores = SkillScore.objects.filter(assessment__in=latest.values("pk"))
    if organisations is not None:
        scores = scores.filter(assessment__person__memberships__organisation__in=organisations)
    rows = (
        scores.values("skill", slug=F("assessment__person__memberships__organisation__slug"))
        .annotate(mean=Avg("score"), people=Count("assessment__person", distinct=True))
        .filter(people__gte=MIN_GROUP)
        .order_by("slug", "skill")
    )
    found: dict[str, dict] = {}
    for row in rows:
        if row["slug"] is None:  # people of no organisation form no group
            continue
        entry = found.setdefault(row["slug"], {"slug": row["slug"], "people": row["people"], "scores": {}})
        entry["scores"][row["skill"]] = _mean(row["mean"])
    return list(found.values())
