"""Reads of the review queues: challenges awaiting their organisation and a programme manager."""

from __future__ import annotations

from django.db.models import QuerySet

from ponte.organisations.queries import roles_of

from ..models import Challenge, Status


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
