"""Applications to a round: a public servant or a company employee applies with what they can
offer as a host and want to learn as a guest, and when they are free; their organisation's
admin approves or declines it before anyone is matched. Each organisation states how many
guests it can host in the round."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.statemachine import Lifecycle, Transition

# A person gives a few ranges of dates they are free; more is a calendar, not an application.
AVAILABILITY_LIMIT = 5
TOPICS_LIMIT = 20


class Side(models.TextChoices):
    PUBLIC = "public", _("Public body")
    COMPANY = "company", _("Company")


class ApplicationStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("application", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("application", "Approved")
    DECLINED = "declined", pgettext_lazy("application", "Declined")


# The applicant's organisation admin decides once; the decision is told to the applicant.
APPLICATION_LIFECYCLE = Lifecycle(
    states=ApplicationStatus,
    transitions=[
        Transition("approve", (ApplicationStatus.WAITING,), ApplicationStatus.APPROVED, timestamp="decided_at"),
        Transition("decline", (ApplicationStatus.WAITING,), ApplicationStatus.DECLINED, timestamp="decided_at"),
    ],
)


class Application(models.Model):
    """One person's application to a round, on behalf of the organisation they work for. The
    facts the matcher needs (ponte.exchange.matching.Applicant) are kept as it reads them."""

    round = models.ForeignKey("exchange.Round", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    job = models.CharField(_("role"), max_length=200)
    skills = models.JSONField(_("what you can offer as a host"), default=list)
    interests = models.JSONField(_("what you want to learn as a guest"), default=list)
    sectors_wanted = models.JSONField(_("sectors you would like to visit"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    region = models.CharField(_("region"), max_length=100)
    travels = models.BooleanField(_("willing to travel"), default=False)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.WAITING
    )
    # What the applicant reads of a decline.
    decline_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["round", "applicant"], name="one_application_a_round")]
        indexes = [
            models.Index(fields=["organisation", "status"], name="application_by_organisation"),
            models.Index(fields=["round", "status"], name="application_by_round"),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.applicant} — {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:application", kwargs={"pk": self.pk})


class Availability(models.Model):
    """A range of days, both included, in which the applicant is free for an exchange."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="availability")
    starts = models.DateField(_("from"))
    ends = models.DateField(_("to"))

    class Meta:
        ordering = ["application", "starts"]
        verbose_name = _("availability")
        verbose_name_plural = _("availability")

    def __str__(self) -> str:
        return f"{self.starts} – {self.ends}"


class Hosting(models.Model):
    """How many guests an organisation can host in a round, as its admin states it."""

    round = models.ForeignKey("exchange.Round", on_delete=models.PROTECT, related_name="hostings")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    guests = models.PositiveSmallIntegerField(_("guests it can host"))
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    stated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "organisation"], name="one_hosting_a_round")]
        verbose_name = _("hosting")
        verbose_name_plural = _("hostings")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.round}: {self.guests}"
