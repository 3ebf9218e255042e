"""Reads of challenges in drafting: the drafts a person may work on."""

from __future__ import annotations

from django.db.models import QuerySet

from ponte.organisations.queries import roles_of

from ..models import Challenge, Status


def drafts_of(user) -> QuerySet[Challenge]:
    """The challenges a person's public bodies are preparing."""
    return (
        Challenge.objects.filter(owner_id__in=list(roles_of(user)), published_at__isnull=True)
        .exclude(status=Status.CANCELLED)
        .select_related("owner", "author")
        .order_by("-updated_at")
    )
