"""Reads of the review queues: challenges awaiting their organisation and a programme manager."""

from __future__ import annotations

from django.db.models import QuerySet

from ponte.organisations.queries import administered_by

from ..models import Challenge, Status


def awaiting_organisation(user) -> QuerySet[Challenge]:
    return Challenge.objects.filter(
        owner_id__in=administered_by(user), status=Status.AWAITING_ORGANISATION
    ).select_related("owner", "author")


def awaiting_review() -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(status__in=(Status.AWAITING_REVIEW, Status.APPROVED))
        .select_related("owner", "author")
        .order_by("organisation_approved_at")
    )
