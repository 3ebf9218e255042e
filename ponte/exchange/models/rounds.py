"""Rounds of the staff exchange: a programme manager opens a round with its application window,
its exchange window and its challenges for mixed teams. A round's phase follows from the clock
(time is data): nothing flips it when a date passes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned

TEXT_LIMIT = 10000
# A reason a programme manager gives the public, as every reason in Ponte.
REASON_LIMIT = 4000
EXCHANGE_DAYS_DEFAULT = 5
# A swap is a working week or a few: a longer stay is a secondment, not an exchange.
EXCHANGE_DAYS_LIMIT = 20
# Guests one organisation may host in a round, at most.
CAPACITY_LIMIT = 100
CHALLENGES_LIMIT = 20


class RoundStatus(models.TextChoices):
    """What a person decides about a round; everything else follows from its dates (RoundPhase)."""

    SCHEDULED = "scheduled", pgettext_lazy("round", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("round", "Cancelled")


ROUND_LIFECYCLE = Lifecycle(
    states=RoundStatus,
    transitions=[Transition("cancel", (RoundStatus.SCHEDULED,), RoundStatus.CANCELLED, timestamp="cancelled_at")],
)


class RoundPhase(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("round", "Upcoming")
    APPLICATIONS_OPEN = "applications_open", pgettext_lazy("round", "Applications open")
    MATCHING = "matching", pgettext_lazy("round", "Applications closed: matching")
    UNDER_WAY = "under_way", pgettext_lazy("round", "Exchanges under way")
    FINISHED = "finished", pgettext_lazy("round", "Finished")
    CANCELLED = "cancelled", pgettext_lazy("round", "Cancelled")


# The phases in which a round is still to happen or happening: a programme manager may still
# change or cancel it.
LIVE_PHASES = (RoundPhase.UPCOMING, RoundPhase.APPLICATIONS_OPEN, RoundPhase.MATCHING, RoundPhase.UNDER_WAY)


def start_of(day: date) -> datetime:
    """The first moment of `day` on the server's clock."""
    return timezone.make_aware(datetime.combine(day, time.min))


def working_days(start: date, end: date) -> int:
    """The working days (Monday to Friday) from `start` to `end`, both included."""
    if end < start:
        return 0
    weeks, rest = divmod((end - start).days + 1, 7)
    return weeks * 5 + sum(1 for offset in range(rest) if (start.weekday() + offset) % 7 < 5)


class RoundQuerySet(models.QuerySet):
    """A round's phase, defined here once for the database (Round.phase_at reads the same rule on
    one round, and a test holds the two together at every boundary). `now` lets a page read
    every round at one instant; it defaults to the server clock."""

    @staticmethod
    def phase_expression(now: datetime | None = None) -> models.Case:
        now = now or timezone.now()
        today = timezone.localdate(now)
        return models.Case(
            models.When(status=RoundStatus.CANCELLED, then=models.Value(RoundPhase.CANCELLED.value)),
            models.When(applications_open_at__gt=now, then=models.Value(RoundPhase.UPCOMING.value)),
            models.When(applications_close_at__gt=now, then=models.Value(RoundPhase.APPLICATIONS_OPEN.value)),
            models.When(exchange_starts__gt=today, then=models.Value(RoundPhase.MATCHING.value)),
            models.When(exchange_ends__gte=today, then=models.Value(RoundPhase.UNDER_WAY.value)),
            default=models.Value(RoundPhase.FINISHED.value),
            output_field=models.CharField(),
        )

    def with_phase(self, now: datetime | None = None) -> RoundQuerySet:
        return self.annotate(phase_now=self.phase_expression(now))

    def in_phase(self, *phases: str, now: datetime | None = None) -> RoundQuerySet:
        return self.with_phase(now).filter(phase_now__in=phases)


class Round(Versioned):
    """A round of the staff exchange: public servants and company employees apply in its
    application window and swap jobs for `exchange_days` working days in its exchange window."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    exchange_starts = models.DateField(_("first day of the exchanges"))
    exchange_ends = models.DateField(_("last day of the exchanges"))
    exchange_days = models.PositiveSmallIntegerField(_("length of an exchange (working days)"), default=5)
    capacity_per_organisation = models.PositiveSmallIntegerField(_("guests an organisation may host, at most"))
    status = models.CharField(_("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.SCHEDULED)
    # What the public reads of a cancelled round.
    cancel_reason = models.TextField(_("why the round is cancelled"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-applications_open_at", "-pk"]
        indexes = [models.Index(fields=["-applications_open_at", "-id"], name="round_newest_first")]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchange:round", kwargs={"pk": self.pk})

    # RoundQuerySet.phase_expression, read on the round in hand.
    def phase_at(self, now: datetime) -> str:
        today = timezone.localdate(now)
        if self.status == RoundStatus.CANCELLED:
            return RoundPhase.CANCELLED
        if now < self.applications_open_at:
            return RoundPhase.UPCOMING
        if now < self.applications_close_at:
            return RoundPhase.APPLICATIONS_OPEN
        if today < self.exchange_starts:
            return RoundPhase.MATCHING
        if today <= self.exchange_ends:
            return RoundPhase.UNDER_WAY
        return RoundPhase.FINISHED

    @property
    def phase(self) -> str:
        """The phase read with the round (RoundQuerySet.with_phase), or now by the server clock."""
        return RoundPhase(self.__dict__.get("phase_now") or self.phase_at(timezone.now()))

    def get_phase_display(self) -> str:
        return RoundPhase(self.phase).label

    @property
    def is_live(self) -> bool:
        return self.phase in LIVE_PHASES

    @property
    def exchange_ends_at(self) -> datetime:
        """The moment the last day of the exchanges is over."""
        return start_of(self.exchange_ends + timedelta(days=1))


class RoundChallenge(models.Model):
    """A challenge of the round that mixed teams of its participants work on. The round's own:
    not a challenge of the marketplace."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="challenges", verbose_name=_("round"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("challenge of the round")
        verbose_name_plural = _("challenges of the round")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchange:challenge", kwargs={"pk": self.pk})
