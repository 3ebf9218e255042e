"""Reads of what follows an exchange: who answers which survey, and a round's statistics and
network of organisations, each in a fixed number of queries whatever the size of the round."""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from ponte.organisations.queries import roles_of

from ..models import (
    Application,
    ApplicationStatus,
    Feedback,
    FeedbackRole,
    Pair,
    PairStatus,
    Round,
    RoundStatus,
    Side,
)

# The network's picture shows the busiest connections; the table lists them all, a page at a time.
PICTURE_LINKS = 30


def guest_side(user, pair: Pair) -> str | None:
    """The visit `user` made as a guest: "public" if they are the pair's public servant."""
    if not user.is_authenticated:
        return None
    if user.pk == pair.public.applicant_id:
        return "public"
    return "company" if user.pk == pair.company.applicant_id else None


def hosted_sides(user, pair: Pair) -> list[str]:
    """The visits `user` hosted, as an admin of the host organisation or the guest's mentor: the
    company hosts the public servant's visit ("public"), the public body the other."""
    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    sides = []
    if roles.get(pair.company.organisation_id) == "admin" or pair.company_mentor_id == user.pk:
        sides.append("public")
    if roles.get(pair.public.organisation_id) == "admin" or pair.public_mentor_id == user.pk:
        sides.append("company")
    return sides


def is_over(pair: Pair, today: date | None = None) -> bool:
    return pair.status == PairStatus.CONFIRMED and pair.slot_ends < (today or timezone.localdate())


def answered(pair: Pair) -> set[tuple[str, str]]:
    """(side, role) of the surveys of the pair already answered."""
    return set(Feedback.objects.filter(pair=pair).values_list("side", "role"))


def completed(today: date | None = None) -> QuerySet[Pair]:
    """Exchanges that took place: confirmed, their days past."""
    return Pair.objects.filter(status=PairStatus.CONFIRMED, slot_ends__lt=today or timezone.localdate())


def round_statistics(round: Round, today: date | None = None) -> dict:
    """The round's figures: organisations and people per side, exchanges, satisfaction, and the
    people exchanged in this round and the rounds before it."""
    today = today or timezone.localdate()
    approved = Q(status=ApplicationStatus.APPROVED)
    taking_part = Application.objects.filter(round=round).aggregate(
        public_people=Count("applicant", filter=approved & Q(side=Side.PUBLIC), distinct=True),
        company_people=Count("applicant", filter=approved & Q(side=Side.COMPANY), distinct=True),
        public_bodies=Count("organisation", filter=approved & Q(side=Side.PUBLIC), distinct=True),
        companies=Count("organisation", filter=approved & Q(side=Side.COMPANY), distinct=True),
    )
    done = completed(today)
    exchanges = Pair.objects.filter(round=round).aggregate(
        completed=Count("pk", filter=Q(status=PairStatus.CONFIRMED, slot_ends__lt=today)),
        ahead=Count("pk", filter=Q(status=PairStatus.CONFIRMED, slot_ends__gte=today)),
        cancelled=Count("pk", filter=Q(status=PairStatus.CANCELLED)),
    )
    survey = Feedback.objects.filter(pair__round=round).aggregate(
        satisfaction=Avg("satisfaction"),
        answers=Count("pk"),
        guest_answers=Count("pk", filter=Q(role=FeedbackRole.GUEST)),
    )
    so_far = (
        done.filter(round__exchange_starts__lte=round.exchange_starts)
        .exclude(round__status=RoundStatus.CANCELLED)
        .count()
    )
    return {
        **taking_part,
        **exchanges,
        **survey,
        "people_exchanged": 2 * exchanges["completed"],
        "people_exchanged_so_far": 2 * so_far,
        "follow_ups": done.filter(round=round).aggregate(n=Count("follow_ups"))["n"],
    }


CONNECTION = (
    "public__organisation__slug",
    "public__organisation__name",
    "company__organisation__slug",
    "company__organisation__name",
)


def _connections(pairs: QuerySet[Pair], *by: str) -> QuerySet:
    """The completed `pairs` grouped by `by` and by the public body and company each connects,
    with how many exchanges and follow-up collaborations they share."""
    return pairs.values(*by, *CONNECTION).annotate(
        exchanges=Count("pk", distinct=True), follow_ups=Count("follow_ups", distinct=True)
    )


def network(round: Round, today: date | None = None) -> QuerySet:
    """The round's connections: each public body and company that exchanged people, with how
    many exchanges and follow-up collaborations they share, the busiest first. No person is
    named: organisations only."""
    return _connections(completed(today).filter(round=round)).order_by(
        "-exchanges", "public__organisation__name", "company__organisation__name"
    )


def networks(today: date | None = None) -> QuerySet:
    """Every round's connections (as `network`), round by round, oldest round first: the open
    data. One query."""
    return _connections(completed(today), "round_id", "round__title").order_by(
        "round__exchange_starts", "round_id", "-exchanges", "public__organisation__name", "company__organisation__name"
    )
