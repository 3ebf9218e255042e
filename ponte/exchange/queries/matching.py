"""Reads of a round's matching: what the matcher is given, the latest run, and the pairs and the
people not paired, each page read with what it shows so that its query count does not grow
with the data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from ponte.accounts.models import User, hash_token
from ponte.core.roles import is_staff_role
from ponte.organisations.queries import administered_by, roles_of

from ..models import (
    HOLDING_STATUSES,
    Application,
    ApplicationStatus,
    Availability,
    CalendarFeed,
    Hosting,
    MatchRun,
    Pair,
    PairStatus,
    Round,
    Side,
    Unmatched,
)

if TYPE_CHECKING:
    from ..matching import Applicant

# The two sides of a pair: "public" is the public servant's, whose organisation hosts the company
# employee; "company" the company employee's, whose organisation hosts the public servant.
SIDES = ("public", "company")
PAIR_RELATED = (
    "round",
    "public__applicant",
    "public__organisation",
    "company__applicant",
    "company__organisation",
)


def matcher_input(round: Round) -> tuple[list[Applicant], list[Applicant], dict[int, int]]:
    """The round's approved applicants by side, as the matcher reads them, and each
    organisation's places: what its admin stated, else the round's limit per organisation.

    An organisation's sector, for the matcher, is the first of its sectors by code: the
    matcher gives the points of a sector wanted for one sector of the host."""
    from ..matching import Applicant  # the matcher's numerical libraries, loaded only to match

    applications = (
        Application.objects.filter(round=round, status=ApplicationStatus.APPROVED)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("availability", queryset=Availability.objects.order_by("starts")),
            "organisation__sectors",
        )
        .order_by("pk")
    )
    public, company = [], []
    organisations = set()
    for application in applications:
        sectors = sorted(tag.code for tag in application.organisation.sectors.all())
        applicant = Applicant(
            id=application.pk,
            side=application.side,
            organisation_id=application.organisation_id,
            skills=frozenset(topic.casefold() for topic in application.skills),
            interests=frozenset(topic.casefold() for topic in application.interests),
            sectors_wanted=frozenset(application.sectors_wanted),
            sector=sectors[0] if sectors else "",
            languages=frozenset(language.casefold() for language in application.languages),
            region=application.region.casefold(),
            travels=application.travels,
            available=tuple((free.starts, free.ends) for free in application.availability.all()),
        )
        (public if application.side == Side.PUBLIC else company).append(applicant)
        organisations.add(application.organisation_id)
    stated = dict(
        Hosting.objects.filter(round=round, organisation_id__in=organisations).values_list("organisation_id", "guests")
    )
    capacity = {
        organisation: min(stated.get(organisation, round.capacity_per_organisation), round.capacity_per_organisation)
        for organisation in organisations
    }
    return public, company, capacity


def latest_run(round: Round) -> MatchRun | None:
    """The round's latest matching run, with the number of people it could not pair."""
    return (
        MatchRun.objects.filter(round=round)
        .select_related("run_by")
        .annotate(unmatched_count=Count("unmatched"))
        .order_by("-run_at", "-pk")
        .first()
    )


def matching_summary(round: Round) -> dict:
    """What the matching page says of the round: its latest run, its pairs by status, and how
    many people the run could not pair."""
    run = latest_run(round)
    return {"run": run, "counts": pair_counts(round), "unmatched_count": run.unmatched_count if run else 0}


def pair_counts(round: Round) -> dict[str, int]:
    """The round's pairs by status, with those locked and those proposed but not sent yet."""
    counts = Pair.objects.filter(round=round).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in PairStatus},
        locked=Count("pk", filter=Q(status=PairStatus.PROPOSED, locked=True)),
        unsent=Count("pk", filter=Q(status=PairStatus.PROPOSED, sent_at__isnull=True)),
    )
    return counts


def pairs_of(round: Round, status: str = "") -> QuerySet[Pair]:
    """The round's pairs (those holding their people unless `status` asks for others), for the
    programme managers, by their days (with_people reads a page's people). An order of the
    pair's own columns: sorting by a person's name made the database sort every applicant of
    every round before it could keep 50."""
    pairs = Pair.objects.filter(round=round)
    pairs = pairs.filter(status=status) if status else pairs.filter(status__in=HOLDING_STATUSES)
    return pairs.order_by("slot_starts", "pk")


def with_people(pairs) -> list[Pair]:
    """The page's pairs again, with their people and organisations, in one query: joining them
    before the page is cut would join every pair of the round."""
    found = Pair.objects.select_related(*PAIR_RELATED).in_bulk([pair.pk for pair in pairs])
    return [found[pair.pk] for pair in pairs]


def unmatched_of(run: MatchRun | None) -> QuerySet[Unmatched]:
    """The people a run could not pair, public servants first, by reason."""
    if run is None:
        return Unmatched.objects.none()
    return (
        Unmatched.objects.filter(run=run)
        .select_related("application__applicant", "application__organisation")
        .order_by("application__side", "reason", "pk")
    )


def pairs_visible_to(user) -> QuerySet[Pair]:
    """The pairs `user` may read: every one for the programme managers, else the sent pairs they
    are in, mentor a visit of, or of an organisation they administer."""
    pairs = Pair.objects.select_related(*PAIR_RELATED)
    if is_staff_role(user):
        return pairs
    if not user.is_authenticated:
        return pairs.none()
    administered = administered_by(user)
    return pairs.filter(sent_at__isnull=False).filter(
        Q(public__applicant=user)
        | Q(company__applicant=user)
        | Q(public_mentor=user)
        | Q(company_mentor=user)
        | Q(public__organisation_id__in=administered)
        | Q(company__organisation_id__in=administered)
    )


def exchanges_of(user) -> QuerySet[Pair]:
    """The exchanges `user` takes part in or mentors a visit of: proposed to them and answered
    (one waiting for their answer is `awaiting_answer`'s), confirmed, or cancelled; the latest
    first."""
    if not user.is_authenticated:
        return Pair.objects.none()
    theirs = Q(public__applicant=user) | Q(company__applicant=user) | Q(public_mentor=user) | Q(company_mentor=user)
    return (
        Pair.objects.filter(theirs, sent_at__isnull=False, status__in=(*HOLDING_STATUSES, PairStatus.CANCELLED))
        .exclude(pk__in=awaiting_answer(user).values("pk"))
        .select_related(*PAIR_RELATED)
        .order_by("-slot_starts", "-pk")
    )


def pair_for(user, pk) -> Pair | None:
    return pairs_visible_to(user).select_related("public_mentor", "company_mentor").filter(pk=pk).first()


def pair_of_application(user, application: Application) -> Pair | None:
    """The pair holding the application, if `user` may read it."""
    return (
        pairs_visible_to(user)
        .filter(Q(public=application) | Q(company=application), status__in=HOLDING_STATUSES)
        .first()
    )


def awaiting_answer(user) -> QuerySet[Pair]:
    """The proposals sent to `user` that they have not answered yet, soonest first."""
    if not user.is_authenticated:
        return Pair.objects.none()
    return (
        Pair.objects.filter(status=PairStatus.PROPOSED, sent_at__isnull=False)
        .filter(Q(public__applicant=user, public_answer="") | Q(company__applicant=user, company_answer=""))
        .select_related(*PAIR_RELATED)
        .order_by("slot_starts", "pk")
    )


def hosting_sides(user, pair: Pair) -> list[str]:
    """The sides of the pair whose organisation `user` administers: they plan the visit of the
    guest it hosts."""
    roles = roles_of(user)
    return [side for side in SIDES if roles.get(getattr(pair, side).organisation_id) == "admin"]


def mentors_for(pair: Pair, side: str):
    """Who may mentor the guest the organisation of `side` hosts: its members but the person away."""
    host = getattr(pair, side)
    return (
        User.objects.filter(memberships__organisation_id=host.organisation_id, is_active=True)
        .exclude(pk=host.applicant_id)
        .order_by("name", "email")
    )


def calendar_pairs(person) -> QuerySet[Pair]:
    """The exchanges in `person`'s calendar: those confirmed, and those cancelled (so that a
    subscribed calendar learns of it), with what their events say."""
    return (
        Pair.objects.filter(status__in=(PairStatus.CONFIRMED, PairStatus.CANCELLED))
        .filter(Q(public__applicant=person) | Q(company__applicant=person))
        .select_related(*PAIR_RELATED, "public_mentor", "company_mentor")
        .order_by("slot_starts", "pk")
    )


def feed_owner(secret: str):
    """The person whose private calendar address holds `secret`, or None."""
    feed = CalendarFeed.objects.filter(key_hash=hash_token(secret)).select_related("person").first()
    return feed.person if feed is not None and feed.person.is_active else None


def has_calendar_feed(person) -> bool:
    return CalendarFeed.objects.filter(person=person).exists()
