"""Reads for challenges, each filtered to what the viewer may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from ponte.accounts.roles import is_staff_role
from ponte.organisations.queries import roles_of

from .models import Challenge, Status

PRIVATE_TO_THE_BODY = (Status.DRAFT, Status.AWAITING_ORGANISATION)


def visible_challenges(user) -> QuerySet[Challenge]:
    """Mirrors challenges.view_challenge in one query."""
    visible = Q(published_at__isnull=False) | Q(owner_id__in=list(roles_of(user)))
    if is_staff_role(user):
        visible |= ~Q(status__in=PRIVATE_TO_THE_BODY) & ~Q(
            status=Status.CHANGES_REQUESTED, organisation_approved_at__isnull=True
        )
    return Challenge.objects.filter(visible)


def public_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(published_at__isnull=False)


def open_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(status=Status.PUBLISHED, deadline__gt=timezone.now())


def challenge_list(
    user, *, sector="", cpv="", instrument="", organisation="", state="", budget_max=None, deadline_before=None, q=""
) -> QuerySet[Challenge]:
    qs = (
        public_challenges()
        .select_related("owner")
        .prefetch_related("sectors", "cpv_codes")
        .order_by("deadline", "-published_at", "pk")
    )
    now = timezone.now()
    if state == "open":
        qs = qs.filter(status=Status.PUBLISHED, deadline__gt=now)
    elif state == "closed":
        qs = qs.filter(status=Status.PUBLISHED, deadline__lte=now)
    elif state == "cancelled":
        qs = qs.filter(status=Status.CANCELLED)
    # Many-to-many filters go through subqueries, so no row repeats and no DISTINCT is needed.
    if sector:
        qs = qs.filter(pk__in=Challenge.sectors.through.objects.filter(sectortag_id=sector).values("challenge_id"))
    if cpv:
        prefix = cpv.split("-")[0].rstrip("0") or cpv
        qs = qs.filter(
            pk__in=Challenge.cpv_codes.through.objects.filter(cpvcode__code__startswith=prefix).values("challenge_id")
        )
    if instrument:
        qs = qs.filter(instrument=instrument)
    if organisation:
        qs = qs.filter(owner__slug=organisation)
    if budget_max is not None:
        qs = qs.filter(budget_ceiling__lte=budget_max)
    if deadline_before is not None:
        qs = qs.filter(deadline__lte=deadline_before)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(problem__icontains=q))
    return qs


def challenge_detail(user, pk: int) -> Challenge | None:
    return (
        visible_challenges(user)
        .select_related("owner", "author", "owner__parent")
        .prefetch_related("sectors", "cpv_codes", "criteria")
        .filter(pk=pk)
        .first()
    )


def drafts_of(user) -> QuerySet[Challenge]:
    """The challenges a person's public bodies are preparing."""
    return (
        Challenge.objects.filter(owner_id__in=list(roles_of(user)), published_at__isnull=True)
        .exclude(status=Status.CANCELLED)
        .select_related("owner", "author")
        .order_by("-updated_at")
    )


def awaiting_organisation(user) -> QuerySet[Challenge]:
    admin_of = [org for org, role in roles_of(user).items() if role == "admin"]
    return Challenge.objects.filter(owner_id__in=admin_of, status=Status.AWAITING_ORGANISATION).select_related(
        "owner", "author"
    )


def awaiting_review() -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(status__in=(Status.AWAITING_REVIEW, Status.APPROVED))
        .select_related("owner", "author")
        .order_by("organisation_approved_at")
    )
