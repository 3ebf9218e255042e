"""The public reads of challenges: what the viewer may see, the list with its filters, a
challenge's page and the state the public reads."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ponte.core.roles import is_staff_role
from ponte.organisations.models import Organisation
from ponte.organisations.queries import roles_of

from ..models import Challenge, Instrument, Status, minimum_periods

PRIVATE_TO_THE_BODY = (Status.DRAFT, Status.AWAITING_ORGANISATION)


def visible_challenges(user) -> QuerySet[Challenge]:
    """Mirrors challenges.view_challenge in one query."""
    visible = Challenge.objects.was_published_q() | Q(owner_id__in=list(roles_of(user)))
    if is_staff_role(user):
        visible |= ~Q(status__in=PRIVATE_TO_THE_BODY) & ~Q(
            status=Status.CHANGES_REQUESTED, organisation_approved_at__isnull=True
        )
    return Challenge.objects.filter(visible)


def public_challenges() -> QuerySet[Challenge]:
    """Every challenge that was published: open, closed, under review, decided or cancelled.
    A challenge stays public once published, its outcome included."""
    return Challenge.objects.was_published()


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
        qs = qs.open(now)
    elif state == "closed":
        # Past the deadline and not decided yet: a decided challenge has its own status.
        qs = qs.closed(now)
    elif state == "awarded":
        qs = qs.filter(status=Status.AWARDED)
    elif state == "not_awarded":
        qs = qs.filter(status=Status.NOT_AWARDED)
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


def public_bodies_with_open_challenges(selected: str = "") -> QuerySet:
    """The slug and name of every public body with an open challenge, by name, and of the body
    `selected` if any: the options of the list's public-body filter. Every body that ever
    published would be thousands of options at national scale; its page lists all its
    challenges. A subquery rather than a join, so that no DISTINCT sorts a row per challenge."""
    offered = Q(pk__in=Challenge.objects.open().values("owner_id"))
    if selected:
        offered |= Q(slug=selected, pk__in=public_challenges().values("owner_id"))
    return Organisation.objects.filter(offered).order_by("name").values_list("slug", "name")


# The state a reader is shown ------------------------------------------------------------

# "closed" is derived from the deadline, never stored: the
# deadline has passed and the outcome is not decided yet. Once decided a challenge is
# "awarded" or "not_awarded" (closed without award). A published challenge whose revision
# is being reviewed stays public, "under review".
STATE_LABELS = {
    "open": _("Open"),
    "closed": _("Closed"),
    "awarded": _("Awarded"),
    "not_awarded": _("Closed without award"),
    "cancelled": _("Cancelled"),
    "under review": _("Under review"),
}


def public_state(challenge: Challenge, now=None) -> str:
    """open, closed, awarded, not_awarded, cancelled or under review for a challenge that was
    published; for one that never was, its status (draft, awaiting_review…)."""
    if challenge.status == Status.CANCELLED:
        return "cancelled"
    if challenge.status == Status.AWARDED:
        return "awarded"
    if challenge.status == Status.NOT_AWARDED:
        return "not_awarded"
    if challenge.status == Status.PUBLISHED:
        return "open" if challenge.is_open_at(now or timezone.now()) else "closed"
    if challenge.was_published:
        return "under review"
    return challenge.status


def annotate_public_state(challenges, now=None) -> None:
    """The state and the days left that the templates show, computed once."""
    now = now or timezone.now()
    for challenge in challenges:
        challenge.public_state = public_state(challenge, now)
        challenge.days_left = (
            (challenge.deadline - now).days if challenge.deadline and challenge.deadline > now else None
        )


def challenge_detail(user, pk: int) -> Challenge | None:
    return (
        visible_challenges(user)
        .select_related("owner", "author", "owner__parent")
        .prefetch_related("sectors", "cpv_codes", "criteria")
        .filter(pk=pk)
        .first()
    )


def challenge_or_404(user, pk: int) -> Challenge:
    """The challenge as `user` may see it; one they may not see does not exist for them."""
    challenge = challenge_detail(user, pk)
    if challenge is None:
        raise Http404
    return challenge


def next_clock_event(now: datetime) -> datetime | None:
    """The next moment a public page about challenges changes with the clock alone: an open
    challenge's questions closing (a set time before its deadline, per instrument) or its
    deadline passing."""
    open_now = Challenge.objects.open(now)
    moments = [open_now.aggregate(first=Min("deadline"))["first"]]
    for instrument in Instrument.values:
        questions = minimum_periods(instrument)[1]
        deadline = open_now.filter(instrument=instrument, deadline__gt=now + questions).aggregate(first=Min("deadline"))
        if deadline["first"] is not None:
            moments.append(deadline["first"] - questions)
    moments = [moment for moment in moments if moment is not None]
    return min(moments) if moments else None
