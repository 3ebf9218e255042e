"""The public reads of challenges: what the viewer may see, the list with its filters, a
challenge's page and the state the public reads."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ponte.core.pagecache import kept_value
from ponte.core.paging import FirstThenRest
from ponte.core.roles import is_sponsor, is_staff_role
from ponte.core.sponsorship import BACKING
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
    if is_sponsor(user):
        visible |= Q(sponsor_id=user.pk, sponsorship__in=BACKING)
    return Challenge.objects.filter(visible)


def public_challenges() -> QuerySet[Challenge]:
    """Every challenge that was published: open, closed, under review, decided or cancelled.
    A challenge stays public once published, its outcome included."""
    return Challenge.objects.was_published()


def challenge_list(
    user,
    *,
    sector="",
    cpv="",
    instrument="",
    organisation="",
    owner_name="",
    state="",
    budget_max=None,
    deadline_before=None,
    q="",
    now: datetime | None = None,
) -> QuerySet[Challenge]:
    """Public challenges, filtered, in the order of their deadline; `organisation` is a public
    body's slug, `owner_name` part of its name; `now` is the moment states are read at."""
    qs = public_challenges().select_related("owner").prefetch_related("sectors", "cpv_codes").order_by("deadline", "pk")
    now = now or timezone.now()
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
    if owner_name:
        qs = qs.filter(owner__name__icontains=owner_name)
    if budget_max is not None:
        qs = qs.filter(budget_ceiling__lte=budget_max)
    if deadline_before is not None:
        qs = qs.filter(deadline__lte=deadline_before)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(problem__icontains=q))
    return qs


def in_public_order(challenges: QuerySet[Challenge], now: datetime | None = None) -> FirstThenRest:
    """The order of the public list: open challenges first, the soonest deadline first, so
    a company sees what it can still answer; then closed, decided and cancelled ones, the
    latest deadline first. Each part reads through the index on the deadline."""
    return FirstThenRest(
        challenges,
        Challenge.objects.open_q(now or timezone.now()),
        first_order=("deadline", "pk"),
        rest_order=("-deadline", "-pk"),
    )


# At national scale thousands of bodies have published: the list's filter never offers them
# all, it finds them by name as a person types (the combobox over `public_bodies_named`).
PUBLIC_BODIES_SHOWN = 10


def public_bodies_named(text: str) -> list[tuple[str, str]]:
    """The slug and name of the first public bodies, by name, that published a challenge and
    whose name holds `text`."""
    if len(text) < 2:
        return []
    published = public_challenges().values("owner_id")
    bodies = Organisation.objects.filter(pk__in=published, name__icontains=text).order_by("name", "pk")
    return list(bodies.values_list("slug", "name")[:PUBLIC_BODIES_SHOWN])


def public_body_named(slug: str) -> str | None:
    """The name of the public body `slug` if it published a challenge (a filter set from a
    body's page holds its slug)."""
    return (
        Organisation.objects.filter(slug=slug, pk__in=public_challenges().values("owner_id"))
        .values_list("name", flat=True)
        .first()
    )


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


def challenge_detail(user, pk: int, *, with_details: bool = True) -> Challenge | None:
    """The challenge, or None when `user` may not see it; with its details (owner, author,
    sectors, CPV codes, criteria) unless a page shows none of them. The challenge as read is
    the same for every reader until the next write: it is read once and kept
    (core.pagecache.kept_value), and whether this reader may see it is asked of the rules at
    every request (challenges.view_challenge, which says the same as visible_challenges)."""
    if with_details:
        challenge = kept_value(f"challenge:{pk}", lambda: _with_details(pk))
    else:
        challenge = kept_value(f"challenge-alone:{pk}", lambda: Challenge.objects.filter(pk=pk).first())
    if challenge is None or not user.has_perm("challenges.view_challenge", challenge):
        return None
    return challenge


def _with_details(pk: int) -> Challenge | None:
    return (
        Challenge.objects.select_related("owner", "author", "owner__parent", "sponsor")
        .prefetch_related("sectors", "cpv_codes", "criteria")
        .filter(pk=pk)
        .first()
    )


def challenge_or_404(user, pk: int, *, with_details: bool = True) -> Challenge:
    """The challenge as `user` may see it (challenge_detail); one they may not see does not
    exist for them."""
    challenge = challenge_detail(user, pk, with_details=with_details)
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
