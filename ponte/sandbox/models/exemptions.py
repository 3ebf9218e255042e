"""Exemptions: what a ministry grants when it approves a final application — the rules of the
application waived for the applying bodies, from a first to a last day, under conditions and a
legal basis (an order number), with a sponsor. Whether an exemption is upcoming, active or
expired follows from its dates (time is data); the ministry may revoke it. While it runs, the
applicants send progress reports on a schedule; once it is over, they evaluate it against its
baseline and the ministry records its outcome."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.sponsorship import Sponsorship

LEGAL_BASIS_LIMIT = 300


class ExemptionPhase(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("exemption", "Not started yet")
    ACTIVE = "active", pgettext_lazy("exemption", "Active")
    EXPIRED = "expired", pgettext_lazy("exemption", "Expired")
    REVOKED = "revoked", pgettext_lazy("exemption", "Revoked")


class Outcome(models.TextChoices):
    """What came of an experiment: the free-municipality programmes follow whether a rule changed."""

    RULE_CHANGED = "rule_changed", _("The rule was changed permanently")
    EXTENDED = "extended", _("The exemption was extended")
    EXPIRED = "expired", _("The exemption expired, the rule unchanged")
    REVOKED = "revoked", _("The exemption was revoked")


REPORT_EVERY_MONTHS_DEFAULT = 6
# A progress report may be sent this many days before its due date.
REPORT_EARLY_DAYS = 30


class ExemptionQuerySet(models.QuerySet):
    """An exemption's phase, defined here once for the database (Exemption.phase_on reads the
    same rule on one exemption)."""

    @staticmethod
    def phase_expression(today: date | None = None) -> models.Case:
        today = today or timezone.localdate()
        return models.Case(
            models.When(revoked_at__isnull=False, then=models.Value(ExemptionPhase.REVOKED.value)),
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
    # Named by the ministry's decision, the sponsor is asked to back the exemption and accepts
    # or declines; after a decline the ministry asks another.
    sponsorship = models.CharField(max_length=16, choices=Sponsorship.choices, default=Sponsorship.ASKED)
    sponsorship_asked_at = models.DateTimeField(null=True, blank=True)
    sponsorship_answered_at = models.DateTimeField(null=True, blank=True)
    sponsorship_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Progress reports are due every so many months from the first day, until the last. The
    # first due date without a report is kept here, moved on by each report: whether it is
    # overdue follows from the clock.
    report_every_months = models.PositiveSmallIntegerField(
        _("progress report every (months)"), default=REPORT_EVERY_MONTHS_DEFAULT
    )
    next_report_due = models.DateField(_("next progress report due"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(_("why the exemption is revoked"), blank=True)
    # The applicants' final evaluation against the baseline.
    evaluation = models.TextField(_("final evaluation"), blank=True)
    result = models.TextField(_("result against the baseline"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # The ministry's record of what came of it.
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    objects = ExemptionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts", "-pk"]
        indexes = [
            models.Index(fields=["-starts", "-id"], name="sandbox_exemption_newest"),
            models.Index(fields=["next_report_due"], name="sandbox_exemption_report_due"),
            models.Index(fields=["sponsor", "sponsorship"], name="sandbox_exemption_by_sponsor"),
        ]
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
        if self.revoked_at is not None:
            return ExemptionPhase.REVOKED
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

    def report_due_dates(self) -> list[date]:
        """Every date a progress report is due: each `report_every_months` from the first day,
        up to the last day."""
        dates, step = [], 1
        while (due := self.starts + relativedelta(months=self.report_every_months * step)) <= self.ends:
            dates.append(due)
            step += 1
        return dates

    def first_due_after(self, reported: date | None) -> date | None:
        """The due date after `reported` (None: the first), or None when none is left."""
        return next((due for due in self.report_due_dates() if reported is None or due > reported), None)


class ProgressReport(models.Model):
    """A progress report the applicants send for one due date of their exemption: public, in the
    register, like the exemption itself."""

    exemption = models.ForeignKey(Exemption, on_delete=models.CASCADE, related_name="reports")
    due_on = models.DateField(_("due on"))
    progress = models.TextField(_("progress"))
    measure = models.CharField(_("the objective's measure now"), max_length=300)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exemption", "due_on"]
        constraints = [models.UniqueConstraint(fields=["exemption", "due_on"], name="sandbox_one_report_per_due_date")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.exemption.reference} {self.due_on}"


class ReminderKind(models.TextChoices):
    REPORT_DUE = "report_due", _("a progress report is due soon")
    REPORT_OVERDUE = "report_overdue", _("a progress report is overdue")
    ENDING = "ending", _("the exemption ends soon")


class Reminder(models.Model):
    """A reminder sent: one per exemption, kind and date, whatever runs the reminders and however
    often (the constraint holds it when two run at once)."""

    exemption = models.ForeignKey(Exemption, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exemption", "kind", "due_on"], name="sandbox_one_reminder_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.exemption_id} {self.kind} {self.due_on}"
