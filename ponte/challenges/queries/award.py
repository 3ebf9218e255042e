"""Reads of outcomes: the public awards and contracts, and challenges with their outcome."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..models import Award, Challenge, Contract, Status

# The outcome: public once decided ------------------------------------------------------


def public_awards() -> QuerySet[Award]:
    """Every award of a public challenge, oldest first, with its challenge, public body,
    supplier and signed contract (if any)."""
    return (
        Award.objects.filter(challenge__status=Status.AWARDED, challenge__published_at__isnull=False)
        .select_related("challenge__owner", "supplier", "contract")
        .order_by("awarded_at", "pk")
    )


def public_contracts() -> QuerySet[Contract]:
    """Every contract signed after an award of a public challenge, with its award and challenge."""
    return Contract.objects.filter(
        award__challenge__status=Status.AWARDED, award__challenge__published_at__isnull=False
    ).select_related("award__challenge__owner")


def awards_prefetch(to_attr: str | None = None) -> Prefetch:
    """A challenge's awards (`challenge.awards.all()`, or a list in `to_attr`), each with its
    supplier and contract."""
    return Prefetch(
        "awards",
        queryset=Award.objects.filter(challenge__status=Status.AWARDED)
        .select_related("supplier", "contract")
        .order_by("awarded_at", "pk"),
        to_attr=to_attr,
    )


def with_outcome(challenges: QuerySet[Challenge], *, to_attr: str | None = None) -> QuerySet[Challenge]:
    """The challenges with their awards: one query more, whatever their number."""
    return challenges.prefetch_related(awards_prefetch(to_attr))
