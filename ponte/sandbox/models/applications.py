"""Applications to waive a rule for a time. A public body — alone, or coordinating a network
of bodies — writes a preliminary application: each rule to waive, the barrier it creates, the
alternative to test, a measurable objective with its baseline, the scope, the dates, the
safeguards and their attestations, and how the experiment will be evaluated. It is a draft
its bodies' members write together until the coordinator's people send it to the ministry
responsible for the rules and to the programme managers."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned

from .calls import TITLE_LIMIT

REASON_LIMIT = 4000
REFERENCE_LIMIT = 300
ARTICLE_LIMIT = 100
ELI_LIMIT = 500
# Rules one application asks to waive, at most: more is a reform, not an experiment.
RULES_LIMIT = 20
# Bodies of a network besides its coordinator, at most.
PARTNERS_LIMIT = 50


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("sandbox application", "Draft")
    PRELIMINARY = "preliminary", pgettext_lazy("sandbox application", "Preliminary application sent")
    CHANGES_ASKED = "changes_asked", pgettext_lazy("sandbox application", "Changes asked")
    FINAL_DRAFT = "final_draft", pgettext_lazy("sandbox application", "Final application being written")
    FINAL = "final", pgettext_lazy("sandbox application", "Final application sent")
    APPROVED = "approved", pgettext_lazy("sandbox application", "Approved")
    REJECTED = "rejected", pgettext_lazy("sandbox application", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("sandbox application", "Withdrawn")


S = ApplicationStatus
# The states in which the applicants may still change what they wrote.
EDITABLE_STATUSES = (S.DRAFT, S.CHANGES_ASKED, S.FINAL_DRAFT)
# Sent and not decided: the applicants, the ministry and the programme managers talk it over.
DIALOGUE_STATUSES = (S.PRELIMINARY, S.CHANGES_ASKED, S.FINAL_DRAFT, S.FINAL)
# Each send moves the application on from where it stands (ApplicationSend).
SEND_VERBS = {S.DRAFT: "submit_preliminary", S.CHANGES_ASKED: "resubmit", S.FINAL_DRAFT: "submit_final"}

# Norway's two steps: a preliminary application, talked over with the ministry (which may ask
# for changes), then a final one with the draft local statement of legal status, decided by
# the ministry.
APPLICATION_LIFECYCLE = Lifecycle(
    states=ApplicationStatus,
    transitions=[
        Transition("submit_preliminary", (S.DRAFT,), S.PRELIMINARY, timestamp="submitted_at"),
        Transition("ask_changes", (S.PRELIMINARY,), S.CHANGES_ASKED),
        Transition("resubmit", (S.CHANGES_ASKED,), S.PRELIMINARY),
        Transition("invite_final", (S.PRELIMINARY,), S.FINAL_DRAFT, timestamp="final_invited_at"),
        Transition("submit_final", (S.FINAL_DRAFT,), S.FINAL, timestamp="final_submitted_at"),
        Transition("ask_final_changes", (S.FINAL,), S.FINAL_DRAFT),
        Transition("approve", (S.FINAL,), S.APPROVED, timestamp="decided_at"),
        Transition("reject", (S.PRELIMINARY, S.CHANGES_ASKED, S.FINAL), S.REJECTED, timestamp="decided_at"),
        Transition("withdraw", (S.DRAFT, *DIALOGUE_STATUSES), S.WITHDRAWN, timestamp="withdrawn_at"),
    ],
)


def latest_end(start: date) -> date:
    """The last day an experiment starting on `start` may run, under the deployment's maximum
    duration (PONTE_SANDBOX_MAX_YEARS)."""
    return start + relativedelta(years=settings.PONTE_SANDBOX_MAX_YEARS) - relativedelta(days=1)


class Application(Versioned):
    call = models.ForeignKey("sandbox.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="+")
    coordinator = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("applying public body"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("bodies of the network"), blank=True, related_name="+"
    )
    ministry = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible ministry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    theme = models.CharField(_("priority theme"), max_length=120, blank=True)
    # The lab project that runs the experiment, in another module: linked through core once the
    # exemption is granted (core.links), its id kept here until then.
    lab_project = models.PositiveBigIntegerField(_("lab project that runs the experiment"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    barrier = models.TextField(_("the barrier the rules create"), blank=True)
    alternative = models.TextField(_("the alternative to test"), blank=True)
    objective = models.TextField(_("measurable objective"), blank=True)
    baseline = models.TextField(_("baseline"), blank=True)
    measurement = models.TextField(_("how it will be measured"), blank=True)
    territory = models.CharField(_("territory"), max_length=TITLE_LIMIT, blank=True)
    population = models.PositiveIntegerField(_("population covered"), null=True, blank=True)
    affected = models.TextField(_("who is affected"), blank=True)
    starts = models.DateField(_("planned first day"), null=True, blank=True)
    ends = models.DateField(_("planned last day"), null=True, blank=True)
    safeguards = models.TextField(_("safeguards"), blank=True)
    evaluation_plan = models.TextField(_("evaluation plan"), blank=True)
    # The three attestations every application makes (the free-municipality safeguards).
    attests_lawful = models.BooleanField(_("breaches neither the constitution nor EU law"), default=False)
    attests_no_advantage = models.BooleanField(_("gives no financial advantage at others' expense"), default=False)
    attests_legal_certainty = models.BooleanField(_("keeps citizens' legal certainty"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(_("why the application is withdrawn"), blank=True)
    # The final application: the draft local statement of legal status, which tells the people
    # affected which rules apply to them during the experiment.
    legal_statement = models.TextField(_("draft local statement of legal status"), blank=True)
    final_invited_at = models.DateTimeField(null=True, blank=True)
    final_submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reject_reason = models.TextField(_("why the application is rejected"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-submitted_at"], name="sandbox_app_by_status"),
            models.Index(fields=["coordinator", "-created_at"], name="sandbox_app_by_coordinator"),
            models.Index(fields=["ministry", "status"], name="sandbox_app_by_ministry"),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sandbox:application", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"S-{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_final_stage(self) -> bool:
        """Invited to the final application, or beyond: the legal statement is asked for."""
        return self.final_invited_at is not None

    @property
    def attestations(self) -> list[tuple[str, bool]]:
        return [
            (str(Application._meta.get_field(name).verbose_name), getattr(self, name))
            for name in ("attests_lawful", "attests_no_advantage", "attests_legal_certainty")
        ]


class Rule(models.Model):
    """A rule an application asks to waive: where it is written, what it says, and — where the
    country publishes European Legislation Identifiers — its ELI, shown as a link."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rules")
    legal_reference = models.CharField(_("legal act"), max_length=REFERENCE_LIMIT)
    article = models.CharField(_("article"), max_length=ARTICLE_LIMIT)
    wording = models.TextField(_("what the rule says"))
    eli = models.URLField(_("European Legislation Identifier (ELI)"), max_length=ELI_LIMIT, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position", "pk"]
        verbose_name = _("rule to waive")
        verbose_name_plural = _("rules to waive")

    def __str__(self) -> str:
        return f"{self.legal_reference}, {self.article}"
