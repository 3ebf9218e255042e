"""Reads of case studies: the public library with its filters, one case with what its page
shows, and what waits for review. Each returns only what the reader may see."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from ponte.core import search

from ..models import CaseStatus, CaseStudy, CaseTag, Deviation, Experiment, ExperimentStatus
from .projects import of_visible_projects

TAGS_OFFERED = 30  # the library's tag filter offers the most used, never them all
SEARCH_LIMIT = 1000  # the best matches a search of the library reads


def published() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(status=CaseStatus.PUBLISHED)


def library(*, level: str = "", year: int | None = None, stage: str = "", tag: str = "", q: str = "", user=None):
    """Published cases, newest first (or best match first for a search), with their tags."""
    found = published().prefetch_related("tags")
    if level:
        found = found.filter(level=level)
    if year:
        found = found.filter(launch_year=year)
    if stage:
        found = found.filter(stage=stage)
    if tag:
        found = found.filter(Exists(CaseStudy.tags.through.objects.filter(casestudy=OuterRef("pk"), casetag__name=tag)))
    if q:
        entries = search.search(q, user=user, kind="case", limit=SEARCH_LIMIT).entries
        ranked = [int(entry.key.rsplit(":", 1)[1]) for entry in entries]
        by_pk = found.in_bulk(ranked)
        return [by_pk[pk] for pk in ranked if pk in by_pk]
    return found.order_by("-published_at", "-pk")


def library_years() -> list[int]:
    return list(
        published().exclude(launch_year=None).order_by("-launch_year").values_list("launch_year", flat=True).distinct()
    )


def library_tags(chosen: str = "") -> list[str]:
    """The tags most used by published cases, and the one chosen if it is not among them."""
    names = list(
        CaseTag.objects.annotate(n=Count("cases", filter=Q(cases__status=CaseStatus.PUBLISHED)))
        .filter(n__gt=0)
        .order_by("-n", "name")
        .values_list("name", flat=True)[:TAGS_OFFERED]
    )
    if chosen and chosen not in names:
        names.append(chosen)
    return sorted(names)


def cases_visible_to(user) -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(Q(status=CaseStatus.PUBLISHED) | of_visible_projects(user))


def case_for(user, pk) -> CaseStudy | None:
    """One case with its project, tags and the project's started experiments (their frozen
    plans, deviations and results), or None when the reader may not see it."""
    started = Experiment.objects.exclude(status=ExperimentStatus.DRAFT).prefetch_related(
        Prefetch("deviations", queryset=Deviation.objects.select_related("made_by"))
    )
    return (
        cases_visible_to(user)
        .select_related("project", "project__organisation", "project__sponsor", "written_by")
        .prefetch_related("tags", "project__team", Prefetch("project__experiments", queryset=started))
        .filter(pk=pk)
        .first()
    )


def waiting_for_review() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(status=CaseStatus.IN_REVIEW)
