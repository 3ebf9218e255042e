"""Reads of lab problems: each returns only what the viewer may see, with what its page shows
read up front, so that a page's query count does not grow with the data."""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Q, QuerySet

from ponte.core.roles import is_staff_role
from ponte.organisations.queries import roles_of

from ..models import MERGE_TARGETS, Problem, ProblemStatus

REFERENCE = re.compile(r"^\s*P-(\d{1,12})\b", re.IGNORECASE)
SUGGESTIONS_SHOWN = 10


def problems_visible_to(user) -> QuerySet[Problem]:
    """Every problem for the innovation unit's staff; for anyone else, those they brought,
    those of the public bodies they belong to, and those any of these was merged into."""
    problems = Problem.objects.select_related("organisation", "submitted_by")
    if is_staff_role(user):
        return problems
    if not user.is_authenticated:
        return problems.none()
    followed = Problem.objects.filter(merged_into=OuterRef("pk"), submitted_by=user)
    return problems.filter(Q(submitted_by=user) | Q(organisation_id__in=list(roles_of(user))) | Exists(followed))


def problem_for(user, pk) -> Problem | None:
    """One problem with what its page shows, or None when the viewer may not see it."""
    return problems_visible_to(user).select_related("merged_into", "triaged_by").filter(pk=pk).first()


def triage_queue() -> QuerySet[Problem]:
    """Problems waiting for the lab team, oldest first: the first to come is the first answered."""
    return (
        Problem.objects.filter(status=ProblemStatus.SUBMITTED)
        .select_related("organisation", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def waiting_for_triage() -> QuerySet[Problem]:
    return Problem.objects.filter(status=ProblemStatus.SUBMITTED)


def merge_candidates(text: str, *, leaving: int | None = None) -> list[Problem]:
    """Problems a problem can be merged into whose reference or title holds `text`, a few."""
    found = Problem.objects.filter(status__in=MERGE_TARGETS).exclude(pk=leaving).select_related("organisation")
    reference = REFERENCE.match(text)
    found = found.filter(pk=int(reference.group(1))) if reference else found.filter(title__icontains=text)
    return list(found.order_by("-submitted_at", "-pk")[:SUGGESTIONS_SHOWN])


def merge_target(text: str) -> Problem | None:
    """The problem a person named to merge into: by its reference (P-12), or by a title that
    names exactly one problem. None when the text names none, or several."""
    reference = REFERENCE.match(text)
    if reference:
        return Problem.objects.filter(pk=int(reference.group(1))).first()
    found = list(Problem.objects.filter(title__iexact=text.strip())[:2])
    return found[0] if len(found) == 1 else None


def shown_on_trails(user, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The problems among `ids` that `user` may see, as other objects' trails show them."""
    return {
        problem.pk: (f"{problem.reference} {problem.title}", problem.get_absolute_url())
        for problem in problems_visible_to(user).select_related(None).filter(pk__in=ids).only("pk", "title")
    }
