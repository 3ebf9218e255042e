"""Reads for solutions, each filtered to what the viewer may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ponte.accounts.roles import is_programme_manager
from ponte.organisations.queries import roles_of

from .models import Solution, Status


def visible_solutions(user) -> QuerySet[Solution]:
    """Mirrors solutions.view_solution in one query."""
    visible = Q(status=Status.PUBLISHED) | Q(company_id__in=list(roles_of(user)))
    if is_programme_manager(user):
        visible |= ~Q(status=Status.DRAFT)
    return Solution.objects.filter(visible)


def catalogue(*, sector="", trl_min=None, q="") -> QuerySet[Solution]:
    qs = (
        Solution.objects.filter(status=Status.PUBLISHED)
        .select_related("company")
        .prefetch_related("sectors")
        .order_by("-published_at", "pk")
    )
    if sector:
        qs = qs.filter(sectors__code=sector)
    if trl_min is not None:
        qs = qs.filter(trl__gte=trl_min)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(description__icontains=q))
    return qs.distinct()


def solution_detail(user, pk: int) -> Solution | None:
    return (
        visible_solutions(user).select_related("company").prefetch_related("sectors", "cpv_codes").filter(pk=pk).first()
    )


def solutions_of(user) -> QuerySet[Solution]:
    """Every solution of the companies a person belongs to."""
    return (
        Solution.objects.filter(company_id__in=list(roles_of(user))).select_related("company").order_by("-updated_at")
    )


def to_screen() -> QuerySet[Solution]:
    return Solution.objects.filter(status=Status.SUBMITTED).select_related("company").order_by("submitted_at", "pk")
