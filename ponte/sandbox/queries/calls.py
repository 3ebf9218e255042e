"""Reads of calls. Every call is public once opened."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min, Q, QuerySet

from ..models import Call, CallPhase


def calls_listed(now: datetime | None = None) -> QuerySet[Call]:
    """Every call, newest first, each with its phase: the sandbox's home page and the API."""
    return Call.objects.with_phase(now).order_by("-opens_at", "-pk")


def call_for(pk: int, now: datetime | None = None) -> Call | None:
    return Call.objects.with_phase(now).filter(pk=pk).first()


def open_calls(now: datetime | None = None) -> QuerySet[Call]:
    return Call.objects.in_phase(CallPhase.OPEN, now=now).order_by("closes_at", "-opens_at", "-pk")


def next_clock_event(now: datetime) -> datetime | None:
    """The next moment a call opens or closes with the clock alone. One query."""
    first = Call.objects.order_by().aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)), closes=Min("closes_at", filter=Q(closes_at__gt=now))
    )
    moments = [moment for moment in (first["opens"], first["closes"]) if moment is not None]
    return min(moments) if moments else None
