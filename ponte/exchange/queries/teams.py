"""Reads of mixed teams and Change Meters: each read takes what its page shows up front, so that
a page's query count does not grow with the data."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from ..models import Application, ApplicationStatus, ChangeUpdate, Round, RoundChallenge, TeamMember

UPDATES_SHOWN = 50


def with_meter(challenges: QuerySet[RoundChallenge]) -> QuerySet[RoundChallenge]:
    """Challenges with their Change Meter (the latest update's percent and moment, None before
    the first) and the size of their team."""
    latest = ChangeUpdate.objects.filter(challenge=OuterRef("pk")).order_by("-created_at", "-pk")
    return challenges.annotate(
        meter=Subquery(latest.values("percent")[:1]),
        meter_at=Subquery(latest.values("created_at")[:1]),
        team_size=Count("members", distinct=True),
    )


def participation(user, round: Round) -> Application | None:
    """The approved application by which `user` takes part in the round, if any."""
    if not user.is_authenticated:
        return None
    return Application.objects.filter(round=round, applicant=user, status=ApplicationStatus.APPROVED).first()


def team_of(user, round: Round) -> TeamMember | None:
    if not user.is_authenticated:
        return None
    return TeamMember.objects.filter(round=round, person=user).select_related("challenge").first()


def challenge_for(pk) -> RoundChallenge | None:
    """One challenge of a round with its meter, its round (with its phase) and its team."""
    return (
        with_meter(RoundChallenge.objects.all())
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TeamMember.objects.select_related("person", "application__organisation").order_by(
                    "joined_at", "pk"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def updates_of(challenge: RoundChallenge) -> list[ChangeUpdate]:
    return list(challenge.updates.select_related("by").order_by("-created_at", "-pk")[:UPDATES_SHOWN])
