"""Reads of award programmes: the hall of fame, the programmes under way, the ranking the
programme managers choose winners from, a jury member's work and a person's nominations.
Each read makes a fixed number of queries whatever the number of nominations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ponte.core.registry import registry

from ..models import (
    LINKED_MODELS,
    AwardProgramme,
    Category,
    JuryReview,
    Nomination,
    NominationStatus,
    ReviewStatus,
)


def programme_for(pk: int) -> AwardProgramme | None:
    return AwardProgramme.objects.filter(pk=pk).prefetch_related("categories").first()


def under_way() -> QuerySet[AwardProgramme]:
    """Programmes whose winners are not announced yet, the soonest to close first."""
    return AwardProgramme.objects.not_announced().order_by("nominations_close_at", "pk").prefetch_related("categories")


def hall_of_fame(year: int | None = None) -> QuerySet[AwardProgramme]:
    """Announced programmes, the latest first, each with its categories and their winners."""
    winners = Nomination.objects.filter(won_at__isnull=False, status=NominationStatus.SUBMITTED)
    categories = Category.objects.prefetch_related(Prefetch("nominations", queryset=winners, to_attr="winners"))
    programmes = AwardProgramme.objects.announced().order_by("-year", "-announced_at", "-pk")
    if year is not None:
        programmes = programmes.filter(year=year)
    return programmes.prefetch_related(Prefetch("categories", queryset=categories))


def hall_of_fame_years() -> list[int]:
    return list(AwardProgramme.objects.announced().order_by("-year").values_list("year", flat=True).distinct())


def winners() -> QuerySet[Nomination]:
    """Every announced winner, the latest programme first: the hall of fame as open data."""
    return (
        Nomination.objects.filter(
            won_at__isnull=False, status=NominationStatus.SUBMITTED, category__programme__announced_at__isnull=False
        )
        .select_related("category__programme")
        .order_by("-category__programme__year", "-category__programme__announced_at", "category__position", "pk")
    )


def with_links(viewer, nominations) -> None:
    """Set on each nomination `link`: the address of the project or exemption it names, when
    `viewer` may see it, else None."""
    found = links_of(viewer, nominations)
    for nomination in nominations:
        nomination.link = found.get(nomination.pk)


def links_of(viewer, nominations) -> dict[int, str]:
    """{nomination id: address} of the nominated projects and exemptions `viewer` may see: one
    query per kind, by the module that holds them."""
    by_kind: dict[str, list[Nomination]] = {}
    for nomination in nominations:
        if nomination.linked_id and nomination.kind in LINKED_MODELS:
            by_kind.setdefault(nomination.kind, []).append(nomination)
    found = {}
    for kind, listed in by_kind.items():
        linked = registry.linked_models.get(LINKED_MODELS[kind])
        if linked is None:
            continue
        shown = linked.shown(viewer, [nomination.linked_id for nomination in listed])
        found |= {
            nomination.pk: shown[nomination.linked_id][1] for nomination in listed if nomination.linked_id in shown
        }
    return found


@dataclass(frozen=True)
class Ranked:
    nomination: Nomination
    mean: float | None
    scores: int
    recused: int


def ranking(programme: AwardProgramme) -> list[tuple[Category, list[Ranked]]]:
    """Each category with its standing nominations, the best mean score of the current jury
    first (unscored last): what a programme manager chooses winners from. Two queries."""
    jury = list(programme.jury.values_list("pk", flat=True))
    counted = Q(reviews__juror__in=jury)
    nominations = (
        Nomination.objects.filter(category__programme=programme, status=NominationStatus.SUBMITTED)
        .annotate(
            mean=Avg("reviews__score", filter=counted & Q(reviews__score__isnull=False)),
            scores=Count("reviews", filter=counted & Q(reviews__score__isnull=False)),
            recused=Count("reviews", filter=counted & Q(reviews__status=ReviewStatus.RECUSED)),
        )
        .order_by("category__position", "category_id", "pk")
    )
    by_category: dict[int, list[Ranked]] = {}
    for nomination in nominations:
        by_category.setdefault(nomination.category_id, []).append(
            Ranked(nomination, nomination.mean, nomination.scores, nomination.recused)
        )
    ranked = []
    for category in programme.categories.all():
        rows = by_category.get(category.pk, [])
        rows.sort(key=lambda row: (row.mean is None, -(row.mean or 0), row.nomination.created_at))
        ranked.append((category, rows))
    return ranked


def jury_work(programme: AwardProgramme, juror) -> list[tuple[Nomination, JuryReview | None]]:
    """The programme's standing nominations, each with the jury member's own review (or None
    before they declared): what they declare and score. Two queries."""
    nominations = list(
        Nomination.objects.filter(category__programme=programme, status=NominationStatus.SUBMITTED)
        .select_related("category")
        .order_by("category__position", "category_id", "pk")
    )
    reviews = {
        review.nomination_id: review
        for review in JuryReview.objects.filter(nomination__in=[n.pk for n in nominations], juror=juror)
    }
    return [(nomination, reviews.get(nomination.pk)) for nomination in nominations]


def nominations_by(person) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(nominated_by=person)
        .select_related("category__programme")
        .order_by("-created_at", "-pk")
    )


def nomination_for(pk: int) -> Nomination | None:
    return Nomination.objects.filter(pk=pk).select_related("category__programme", "nominated_by").first()


def juries_of(person) -> QuerySet[AwardProgramme]:
    """The programmes whose jury the person sits on, not yet announced."""
    return AwardProgramme.objects.not_announced().filter(jury=person).order_by("nominations_close_at", "pk")


def nominations_to_judge(person) -> QuerySet[Nomination]:
    """Standing nominations of the programmes being judged whose jury the person sits on, that
    they have not declared on yet, or cleared and not scored: the home page's figure."""

    judging = AwardProgramme.objects.not_announced().filter(jury=person, nominations_close_at__lte=timezone.now())
    done = JuryReview.objects.filter(juror=person).filter(Q(status=ReviewStatus.RECUSED) | Q(score__isnull=False))
    return Nomination.objects.filter(
        category__programme__in=judging.values("pk"), status=NominationStatus.SUBMITTED
    ).exclude(pk__in=done.values("nomination_id"))


def all_programmes() -> QuerySet[AwardProgramme]:
    return AwardProgramme.objects.order_by("-year", "-nominations_open_at", "-pk").prefetch_related("categories")


def in_phase(programmes: QuerySet[AwardProgramme], phase: str) -> QuerySet[AwardProgramme]:
    """The programmes of `programmes` in `phase` now: the same rule as AwardProgramme.phase_at."""
    now = timezone.now()
    if phase == "announced":
        return programmes.filter(announced_at__isnull=False)
    programmes = programmes.filter(announced_at__isnull=True)
    if phase == "upcoming":
        return programmes.filter(nominations_open_at__gt=now)
    if phase == "nominating":
        return programmes.filter(nominations_open_at__lte=now, nominations_close_at__gt=now)
    return programmes.filter(nominations_close_at__lte=now)
