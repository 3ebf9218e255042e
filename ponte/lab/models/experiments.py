"""Experiments of a project: the card, the plan frozen when they start, deviations from it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned

from .projects import Project


class ExperimentDesign(models.TextChoices):
    AB = "ab", _("Randomised A/B test")
    BEFORE_AFTER = "before_after", _("Before and after")
    COMPARISON = "comparison", _("Pilot with a comparison group")
    USABILITY = "usability", _("Usability test")


class MetricKind(models.TextChoices):
    PROPORTION = "proportion", _("A proportion: the share of units that do something")
    MEAN = "mean", _("A mean: an average per unit")


class ExperimentStatus(models.TextChoices):
    DRAFT = "draft", _("Being designed")
    RUNNING = "running", _("Running, its plan pre-registered")
    CONCLUDED = "concluded", _("Concluded")


class Conclusion(models.TextChoices):
    SUPPORTED = "supported", _("Hypothesis supported")
    NOT_SUPPORTED = "not_supported", _("Hypothesis not supported")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")


EXPERIMENT_LIFECYCLE = Lifecycle(
    states=ExperimentStatus,
    transitions=[
        # Starting pre-registers the plan: from then on it is frozen.
        Transition("start", (ExperimentStatus.DRAFT,), ExperimentStatus.RUNNING, timestamp="registered_at"),
        Transition("conclude", (ExperimentStatus.RUNNING,), ExperimentStatus.CONCLUDED, timestamp="concluded_at"),
    ],
)

# The card: what the experiment is, in words (the lab's experiment card).
CARD_FIELDS = ("summary", "problem", "solution", "tested", "learning", "implementers", "budget", "resources")
# The plan, frozen when the experiment starts: a later change is a deviation, dated, with its reason.
PLAN_FIELDS = (
    "hypothesis",
    "metric_name",
    "metric_kind",
    "baseline",
    "metric_sd",
    "min_effect",
    "design",
    "control_name",
    "treatment_name",
    "treatment_share",
    "alpha",
    "power",
    "planned_per_group",
    "duration_weeks",
    "analysis_plan",
)

# What starting an experiment needs, and what its team is told when it is missing.
EXPERIMENT_NEEDED = {
    "title": _("Give the experiment a title."),
    "summary": _("Summarise the experiment in a few sentences."),
    "problem": _("Say which problem the experiment addresses."),
    "solution": _("Say how the idea solves the problem."),
    "tested": _("Say what is tested in practice."),
    "learning": _("Say what you want to learn."),
    "implementers": _("Say who implements the experiment."),
    "budget": _("Give the budget in euros, zero or more."),
    "hypothesis": _("State the hypothesis the experiment tests."),
    "metric_name": _("Name the primary metric."),
    "metric_kind": _("Choose whether the primary metric is a proportion or a mean."),
    "baseline": _("Give the metric's baseline: a percentage from 0 to 100 for a proportion."),
    "metric_sd": _("Give the metric's standard deviation, greater than zero: a mean needs it to size the sample."),
    "min_effect": _("Give the smallest effect worth detecting, other than zero."),
    "design": _("Choose the design from the list."),
    "control_name": _("Name the control group as it appears in the results."),
    "treatment_name": _("Name the treatment group as it appears in the results, other than the control's."),
    "treatment_share": _("Give the treatment group's share of units, between 1 and 99 %."),
    "alpha": _("Give the significance level, between 0.001 and 0.2."),
    "power": _("Give the power, between 0.5 and 0.99."),
    "planned_per_group": _("Give the number of units planned in the control group, at least 2."),
    "duration_weeks": _("Give the planned duration in weeks, from 1 to 260."),
    "analysis_plan": _("Write the analysis plan: what you will compare, and how."),
}


class Experiment(Versioned):
    """An experiment of a project, written as a card, its plan frozen when it starts (its
    pre-registration), its results analysed against that frozen plan."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="experiments"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    problem = models.TextField(_("the problem"), blank=True)
    solution = models.TextField(_("how the idea solves it"), blank=True)
    tested = models.TextField(_("what is tested in practice"), blank=True)
    learning = models.TextField(_("what we want to learn"), blank=True)
    implementers = models.TextField(_("who implements"), blank=True)
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    resources = models.TextField(_("existing resources"), blank=True)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    metric_name = models.CharField(_("primary metric"), max_length=200, blank=True)
    metric_kind = models.CharField(_("kind of metric"), max_length=16, choices=MetricKind.choices, blank=True)
    # A proportion's baseline and effect are in percent and percentage points, as people say them.
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    metric_sd = models.FloatField(_("standard deviation"), null=True, blank=True)
    min_effect = models.FloatField(_("minimum effect worth detecting"), null=True, blank=True)
    design = models.CharField(_("design"), max_length=16, choices=ExperimentDesign.choices, blank=True)
    control_name = models.CharField(_("control group"), max_length=60, default="control")
    treatment_name = models.CharField(_("treatment group"), max_length=60, default="treatment")
    treatment_share = models.FloatField(_("treatment group's share (%)"), default=50)
    alpha = models.FloatField(_("significance level"), default=0.05)
    power = models.FloatField(_("power"), default=0.8)
    planned_per_group = models.PositiveIntegerField(_("units planned in the control group"), null=True, blank=True)
    duration_weeks = models.PositiveSmallIntegerField(_("planned duration (weeks)"), null=True, blank=True)
    analysis_plan = models.TextField(_("analysis plan"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ExperimentStatus.choices, default=ExperimentStatus.DRAFT
    )
    # The plan as it stood when the experiment started; never written again.
    registration = models.JSONField(default=dict, blank=True, editable=False)
    registered_at = models.DateTimeField(null=True, blank=True)
    # The analysis of the last results, against the registration (see services/experiments).
    results = models.JSONField(null=True, blank=True, editable=False)
    results_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices, blank=True)
    learned = models.TextField(_("what was learned"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["project", "created_at"], name="experiment_by_project"),
            # The portfolio counts experiments by state and conclusion from this index alone.
            models.Index(fields=["status", "conclusion"], name="experiment_by_outcome"),
        ]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lab:experiment", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"E-{self.pk}"

    @property
    def is_proportion(self) -> bool:
        return self.metric_kind == MetricKind.PROPORTION


class Deviation(models.Model):
    """A change to a pre-registered plan, made after the experiment started: shown, dated,
    with its reason, beside the plan as it was frozen."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="deviations")
    field = models.CharField(max_length=32)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    reason = models.TextField(_("reason"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "pk"]
        verbose_name = _("deviation from the plan")
        verbose_name_plural = _("deviations from the plan")

    def __str__(self) -> str:
        return f"{self.experiment}: {self.field}"
