"""Reads of rounds. Every round is public once opened; each read takes what its page shows up
front, so that a page's query count does not grow with the data."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone

from ..models import Round, RoundChallenge, RoundPhase, RoundStatus, start_of
from .teams import with_meter


def rounds_listed(now: datetime | None = None) -> QuerySet[Round]:
    """Every round, newest first, each with its phase: the exchange's home page and the API."""
    return Round.objects.with_phase(now).order_by("-applications_open_at", "-pk")


def round_for(user, pk: int, now: datetime | None = None) -> Round | None:
    """One round with its challenges, or None when there is none by that number. Rounds are
    public: `user` is here for the day some part of a round is not."""
    return (
        Round.objects.with_phase(now)
        .prefetch_related(
            Prefetch("challenges", queryset=with_meter(RoundChallenge.objects.order_by("position", "pk")))
        )
        .filter(pk=pk)
        .first()
    )


def round_alone(pk: int, now: datetime | None = None) -> Round | None:
    """One round with its phase, without its challenges: for the pages about its matching."""
    return Round.objects.with_phase(now).filter(pk=pk).first()


def in_phase(*phases: str, now: datetime | None = None) -> QuerySet[Round]:
    return Round.objects.in_phase(*phases, now=now)


def applications_open(now: datetime | None = None) -> QuerySet[Round]:
    return in_phase(RoundPhase.APPLICATIONS_OPEN, now=now)


def next_clock_event(now: datetime) -> datetime | None:
    """The next moment a round changes phase with the clock alone: applications opening or
    closing, the exchanges starting, or their last day ending. One query."""
    today = timezone.localdate(now)
    first = (
        Round.objects.exclude(status=RoundStatus.CANCELLED)
        .order_by()
        .aggregate(
            opens=Min("applications_open_at", filter=Q(applications_open_at__gt=now)),
            closes=Min("applications_close_at", filter=Q(applications_close_at__gt=now)),
            starts=Min("exchange_starts", filter=Q(exchange_starts__gt=today)),
            ends=Min("exchange_ends", filter=Q(exchange_ends__gte=today)),
        )
    )
    moments = [first["opens"], first["closes"]]
    if first["starts"] is not None:
        moments.append(start_of(first["starts"]))
    if first["ends"] is not None:
        moments.append(start_of(first["ends"] + timedelta(days=1)))
    moments = [moment for moment in moments if moment is not None and moment > now]
    return min(moments) if moments else None
