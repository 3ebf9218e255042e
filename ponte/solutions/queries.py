"""Reads for solutions, each filtered to what the viewer may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ponte.core.roles import is_programme_manager
from ponte.organisations.models import Status as OrganisationStatus
from ponte.organisations.queries import roles_of

from .models import Solution, SolutionMedia, Status

# What everyone may see: published, by a company that is verified (not suspended).
PUBLIC = Q(status=Status.PUBLISHED, company__status=OrganisationStatus.VERIFIED)


def is_public(solution: Solution) -> bool:
    """PUBLIC, for one solution in hand."""
    return solution.status == Status.PUBLISHED and solution.company.status == OrganisationStatus.VERIFIED


def visible_solutions(user) -> QuerySet[Solution]:
    """Mirrors solutions.view_solution in one query."""
    visible = PUBLIC | Q(company_id__in=list(roles_of(user)))
    if is_programme_manager(user):
        visible |= ~Q(status=Status.DRAFT)
    return Solution.objects.filter(visible)


def catalogue(*, sector="", trl_min=None, q="", company="") -> QuerySet[Solution]:
    qs = (
        Solution.objects.filter(PUBLIC)
        .select_related("company")
        .prefetch_related("sectors")
        .order_by("-published_at", "pk")
    )
    # The sector filter goes through a subquery, so no row repeats and no DISTINCT is needed: a
    # DISTINCT count would sort every published solution, whole, to count them.
    if sector:
        qs = qs.filter(pk__in=Solution.sectors.through.objects.filter(sectortag_id=sector).values("solution_id"))
    if trl_min is not None:
        qs = qs.filter(trl__gte=trl_min)
    if company:
        qs = qs.filter(company__slug=company)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(description__icontains=q))
    return qs


def solution_detail(user, pk: int) -> Solution | None:
    return (
        visible_solutions(user)
        .select_related("company")
        .prefetch_related("sectors", "cpv_codes", Prefetch("media", SolutionMedia.objects.select_related("attachment")))
        .filter(pk=pk)
        .first()
    )


def solutions_of(user) -> QuerySet[Solution]:
    """Every solution of the companies a person belongs to."""
    return (
        Solution.objects.filter(company_id__in=list(roles_of(user))).select_related("company").order_by("-updated_at")
    )


def to_screen() -> QuerySet[Solution]:
    return Solution.objects.filter(status=Status.SUBMITTED).select_related("company").order_by("submitted_at", "pk")


SHOWN_ON_PROFILE = 6


def company_solutions(organisation, user) -> dict | None:
    """The company's published solutions, for its page: the latest few and how many in all."""
    if not organisation.is_company:
        return None
    published = Solution.objects.filter(company=organisation, status=Status.PUBLISHED)
    latest = list(published.order_by("-published_at", "-pk")[:SHOWN_ON_PROFILE])
    if not latest:
        return None
    return {"organisation": organisation, "solutions": latest, "count": published.count()}
