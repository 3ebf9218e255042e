"""Exemptions: what a ministry grants when it approves a final application — the rules of the
application waived for the applying bodies, from a first to a last day, under conditions and a
legal basis (an order number), with a sponsor. Whether an exemption is upcoming, active or
expired follows from its dates (time is data)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LEGAL_BASIS_LIMIT = 300


class ExemptionPhase(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("exemption", "Not started yet")
    ACTIVE = "active", pgettext_lazy("exemption", "Active")
    EXPIRED = "expired", pgettext_lazy("exemption", "Expired")


class ExemptionQuerySet(models.QuerySet):
    """An exemption's phase, defined here once for the database (Exemption.phase_on reads the
    same rule on one exemption)."""

    @staticmethod
    def phase_expression(today: date | None = None) -> models.Case:
        today = today or timezone.localdate()
        return models.Case(
            models.When(starts__gt=today, then=models.Value(ExemptionPhase.UPCOMING.value)),
            models.When(ends__gte=today, then=models.Value(ExemptionPhase.ACTIVE.value)),
            default=models.Value(ExemptionPhase.EXPIRED.value),
            output_field=models.CharField(),
        )

    def with_phase(self, today: date | None = None) -> ExemptionQuerySet:
        return self.annotate(phase_now=self.phase_expression(today))


class Exemption(models.Model):
    application = models.OneToOneField(
        "sandbox.Application", on_delete=models.PROTECT, related_name="exemption", verbose_name=_("application")
    )
    conditions = models.TextField(_("conditions"))
    legal_basis = models.CharField(_("legal basis"), max_length=LEGAL_BASIS_LIMIT)
    starts = models.DateField(_("first day"))
    ends = models.DateField(_("last day"))
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExemptionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts", "-pk"]
        indexes = [models.Index(fields=["-starts", "-id"], name="sandbox_exemption_newest")]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")

    def __str__(self) -> str:
        return f"{self.reference} {self.application.title}"

    def get_absolute_url(self) -> str:
        return reverse("sandbox:exemption", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"E-{self.pk}"

    def phase_on(self, today: date) -> str:
        if today < self.starts:
            return ExemptionPhase.UPCOMING
        if today <= self.ends:
            return ExemptionPhase.ACTIVE
        return ExemptionPhase.EXPIRED

    @property
    def phase(self) -> str:
        return ExemptionPhase(self.__dict__.get("phase_now") or self.phase_on(timezone.localdate()))

    def get_phase_display(self) -> str:
        return ExemptionPhase(self.phase).label
