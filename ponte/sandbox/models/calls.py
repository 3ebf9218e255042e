"""Calls for applications: a programme manager opens a call with a deadline and, if the
programme has them, priority themes; or a standing call, without a deadline, that takes
applications at any time until it is closed. A call's phase follows from its dates (time is
data): nothing flips it when a date passes."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.versions import Versioned

TEXT_LIMIT = 10000
TITLE_LIMIT = 200
THEME_LIMIT = 120
THEMES_LIMIT = 10


class CallPhase(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("call", "Upcoming")
    OPEN = "open", pgettext_lazy("call", "Open for applications")
    CLOSED = "closed", pgettext_lazy("call", "Closed")


class CallQuerySet(models.QuerySet):
    """A call's phase, defined here once for the database (Call.phase_at reads the same rule on
    one call, and a test holds the two together at every boundary)."""

    @staticmethod
    def phase_expression(now: datetime | None = None) -> models.Case:
        now = now or timezone.now()
        return models.Case(
            models.When(opens_at__gt=now, then=models.Value(CallPhase.UPCOMING.value)),
            models.When(closes_at__lte=now, then=models.Value(CallPhase.CLOSED.value)),
            default=models.Value(CallPhase.OPEN.value),
            output_field=models.CharField(),
        )

    def with_phase(self, now: datetime | None = None) -> CallQuerySet:
        return self.annotate(phase_now=self.phase_expression(now))

    def in_phase(self, *phases: str, now: datetime | None = None) -> CallQuerySet:
        return self.with_phase(now).filter(phase_now__in=phases)


class Call(Versioned):
    """A call for applications to waive a rule for a time. Without `closes_at` it is standing:
    applications arrive at any time until a programme manager closes it."""

    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    description = models.TextField(_("description"))
    themes = models.JSONField(_("priority themes"), default=list, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["-opens_at", "-id"], name="sandbox_call_newest_first")]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sandbox:call", kwargs={"pk": self.pk})

    # CallQuerySet.phase_expression, read on the call in hand.
    def phase_at(self, now: datetime) -> str:
        if now < self.opens_at:
            return CallPhase.UPCOMING
        if self.closes_at is not None and self.closes_at <= now:
            return CallPhase.CLOSED
        return CallPhase.OPEN

    @property
    def phase(self) -> str:
        """The phase read with the call (CallQuerySet.with_phase), or now by the server clock."""
        return CallPhase(self.__dict__.get("phase_now") or self.phase_at(timezone.now()))

    def get_phase_display(self) -> str:
        return CallPhase(self.phase).label

    @property
    def is_standing(self) -> bool:
        return self.closes_at is None
