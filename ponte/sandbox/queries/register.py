"""Reads of the public register: every exemption granted, with the phase its dates give it, and
what the register shows of its application — never the dialogue, never a draft. A page's
query count does not grow with the data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, DateTimeField, Min, Prefetch, Q, QuerySet, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core.registry import Sponsored
from ponte.core.sponsorship import BACKING, Sponsorship
from ponte.organisations.models import Organisation

from ..models import Exemption, ExemptionPhase, Outcome, ProgressReport, Rule


def exemptions_listed(today: date | None = None) -> QuerySet[Exemption]:
    """Every exemption, its first day newest first, with its phase and what the register's
    list shows of its application."""
    return (
        Exemption.objects.with_phase(today)
        .select_related("application__coordinator", "application__ministry")
        .annotate(rules_count=Count("application__rules"))
        .order_by("-starts", "-pk")
    )


def filtered(exemptions: QuerySet[Exemption], *, phase: str = "", ministry: str = "", year: int | None = None):
    if phase in ExemptionPhase.values:
        exemptions = exemptions.filter(phase_now=phase)
    if ministry:
        exemptions = exemptions.filter(application__ministry__slug=ministry)
    if year:
        exemptions = exemptions.filter(starts__year=year)
    return exemptions


def outcome_shares() -> dict[str, int | float | None]:
    """How many experiments have an outcome, how many changed a rule for good, and the share:
    the figure the free-municipality programmes are judged by. One query."""
    figures = Exemption.objects.order_by().aggregate(
        settled=Count("pk", filter=~Q(outcome="") & ~Q(outcome=Outcome.EXTENDED)),
        changed=Count("pk", filter=Q(outcome=Outcome.RULE_CHANGED)),
    )
    figures["share"] = round(100 * figures["changed"] / figures["settled"]) if figures["settled"] else None
    return figures


def ministries_with_exemptions() -> list[tuple[str, str]]:
    """(slug, name) of the ministries that granted an exemption: a government has a few dozen."""
    return list(
        Organisation.objects.filter(pk__in=Exemption.objects.values("application__ministry"))
        .order_by("name")
        .values_list("slug", "name")
    )


def years_with_exemptions() -> list[int]:
    return sorted({day.year for day in Exemption.objects.dates("starts", "year")}, reverse=True)


def exemption_for(pk: int, today: date | None = None) -> Exemption | None:
    """One exemption with what its public page shows: the rules waived, the bodies, the ministry
    and the sponsor."""
    return (
        Exemption.objects.with_phase(today)
        .select_related("application__coordinator", "application__ministry", "application__call", "sponsor")
        .prefetch_related(
            Prefetch("application__rules", queryset=Rule.objects.order_by("position", "pk")),
            Prefetch("application__partners", queryset=Organisation.objects.order_by("name")),
            Prefetch("reports", queryset=ProgressReport.objects.order_by("due_on")),
        )
        .filter(pk=pk)
        .first()
    )


def next_clock_event(now: datetime) -> datetime | None:
    """The next moment an exemption changes phase with the clock alone: a first day beginning
    or the day after a last day. One query."""
    today = timezone.localdate(now)
    first = Exemption.objects.order_by().aggregate(
        starts=Min("starts", filter=Q(starts__gt=today)), ends=Min("ends", filter=Q(ends__gte=today))
    )
    days = [first["starts"], first["ends"] + timedelta(days=1) if first["ends"] else None]
    moments = [timezone.make_aware(datetime.combine(day, time.min)) for day in days if day is not None]
    return min(moments) if moments else None


def reports_due_for(user, today: date | None = None) -> QuerySet[Exemption] | None:
    """The running exemptions whose next progress report is overdue or due within a month, the
    most overdue first: every one for a programme manager, those it granted for a ministry's
    member; None for anyone else."""
    from ponte.core.roles import is_programme_manager
    from ponte.organisations.models import Kind, Tier
    from ponte.organisations.queries import roles_of

    today = today or timezone.localdate()
    found = (
        Exemption.objects.with_phase(today)
        .filter(phase_now__in=(ExemptionPhase.ACTIVE, ExemptionPhase.EXPIRED), next_report_due__isnull=False)
        .filter(next_report_due__lte=today + timedelta(days=30))
        .select_related("application__coordinator", "application__ministry")
        .order_by("next_report_due", "pk")
    )
    if not is_programme_manager(user):
        ministries = Organisation.objects.filter(
            pk__in=list(roles_of(user)), kind=Kind.PUBLIC_BODY, tier=Tier.MINISTRY
        ).values("pk")
        if not ministries.exists():
            return None
        found = found.filter(application__ministry__in=ministries)
    return found


def overdue_reports() -> QuerySet[Exemption]:
    """Running exemptions whose progress report is overdue: the programme managers' figure."""
    today = timezone.localdate()
    return Exemption.objects.with_phase(today).filter(
        phase_now__in=(ExemptionPhase.ACTIVE, ExemptionPhase.EXPIRED), next_report_due__lt=today
    )


def shown_on_trails(viewer, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Exemptions are public: every one among `ids`, as other objects' trails show them."""
    found = Exemption.objects.filter(pk__in=ids).select_related("application").only("pk", "application__title")
    return {
        exemption.pk: (f"{exemption.reference} {exemption.application.title}", exemption.get_absolute_url())
        for exemption in found
    }


def named_for_links(viewer, text: str, *, shown: int = 10) -> list[tuple[int, str]]:
    """A few exemptions whose application's title or reference holds `text`: what another
    module lets a person name (an award nominates an exemption). Exemptions are public."""
    text = text.strip()
    if len(text) < 2:
        return []
    reference = text.upper().removeprefix("E-")
    matches = Q(application__title__icontains=text)
    if reference.isdigit():
        matches |= Q(pk=int(reference))
    found = Exemption.objects.filter(matches).order_by("application__title", "pk")
    return [(pk, f"E-{pk} {title}") for pk, title in found.values_list("pk", "application__title")[:shown]]


def _sponsored_by(user) -> QuerySet[Exemption]:
    """The exemptions `user` sponsors or is asked to (not those they declined)."""
    if not user.is_authenticated:
        return Exemption.objects.none()
    return Exemption.objects.filter(sponsor=user, sponsorship__in=BACKING).select_related("application")


def _waits(today: date) -> Q:
    """Running (not revoked, not past its last day), and its sponsor's answer is awaited or its
    progress report overdue: the sponsor follows it up with the applicants."""
    running = Q(revoked_at__isnull=True, ends__gte=today)
    return running & (Q(sponsorship=Sponsorship.ASKED) | Q(next_report_due__lt=today))


def decisions_waiting_for_sponsor(user, today: date | None = None) -> QuerySet[Exemption]:
    """The exemptions waiting for their sponsor, the longest waiting first: since the request to
    sponsor it, or since its overdue report was due."""
    today = today or timezone.localdate()
    since = Case(
        When(sponsorship=Sponsorship.ASKED, then="sponsorship_asked_at"),
        default=Cast("next_report_due", DateTimeField()),
    )
    return _sponsored_by(user).filter(_waits(today)).annotate(waiting_since=since).order_by("waiting_since", "pk")


def sponsored_not_waiting(user, today: date | None = None) -> QuerySet[Exemption]:
    today = today or timezone.localdate()
    return _sponsored_by(user).exclude(_waits(today)).order_by("-starts", "-pk")


def as_sponsored(exemption: Exemption) -> Sponsored:
    today = timezone.localdate()
    phase = exemption.phase_on(today)
    running = phase in (ExemptionPhase.UPCOMING, ExemptionPhase.ACTIVE)
    overdue = (
        phase == ExemptionPhase.ACTIVE and exemption.next_report_due is not None and exemption.next_report_due < today
    )
    zone = timezone.get_current_timezone()
    if running and exemption.sponsorship == Sponsorship.ASKED:
        awaiting, since = _("Accept or decline sponsoring it"), exemption.sponsorship_asked_at or exemption.created_at
    elif overdue:
        awaiting = _("Its progress report is overdue: follow it up")
        since = datetime.combine(exemption.next_report_due, time.min, tzinfo=zone)
    else:
        awaiting, since = None, exemption.created_at
    return Sponsored(
        kind=_("Exemption"),
        title=f"{exemption.reference} {exemption.application.title}",
        url=exemption.get_absolute_url(),
        state=ExemptionPhase(phase).label,
        since=since,
        awaiting=awaiting,
    )
