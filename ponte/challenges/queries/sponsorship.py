"""What a sponsor backs on the marketplace: the challenges they are asked to sponsor, or
sponsor, as their page of everything they sponsor reads them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ponte.core.registry import Sponsored
from ponte.core.sponsorship import BACKING, Sponsorship

from ..models import Challenge, Status

# Once its outcome is decided, a challenge's request to sponsor it waits for no one.
DECIDED = (Status.AWARDED, Status.NOT_AWARDED, Status.CANCELLED)


def _sponsored_by(user) -> QuerySet[Challenge]:
    """The challenges `user` sponsors or is asked to (not those they declined); a cancelled
    challenge's request waits for no one."""
    if not user.is_authenticated:
        return Challenge.objects.none()
    return (
        Challenge.objects.filter(sponsor=user, sponsorship__in=BACKING)
        .select_related(None)
        .only("pk", "title", "status", "sponsorship", "sponsorship_asked_at", "sponsorship_answered_at")
    )


def waiting_for(user) -> QuerySet[Challenge]:
    """The challenges whose public body waits for the sponsor's answer (until the outcome is
    decided), the longest waiting first."""
    return (
        _sponsored_by(user)
        .filter(sponsorship=Sponsorship.ASKED)
        .exclude(status__in=DECIDED)
        .order_by("sponsorship_asked_at", "pk")
    )


def sponsored(user) -> QuerySet[Challenge]:
    """The challenges the sponsor backs, the latest accepted first."""
    return _sponsored_by(user).filter(sponsorship=Sponsorship.ACCEPTED).order_by("-sponsorship_answered_at", "-pk")


def as_sponsored(challenge: Challenge) -> Sponsored:
    asked = challenge.sponsorship == Sponsorship.ASKED and challenge.status not in DECIDED
    return Sponsored(
        kind=_("Challenge"),
        title=challenge.title,
        url=challenge.get_absolute_url(),
        state=challenge.get_status_display(),
        since=challenge.sponsorship_answered_at or challenge.sponsorship_asked_at,
        awaiting=_("Accept or decline sponsoring it") if asked else None,
    )
