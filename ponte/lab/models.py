"""The experimentation lab: problems brought by public servants, triaged by the lab team."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned
from ponte.organisations.models import LevelOfGovernment
from ponte.reference.models import Country


class ProblemStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for triage")
    ACCEPTED = "accepted", _("Accepted into the lab's portfolio")
    MERGED = "merged", _("Merged with another problem")
    SENT_TO_MARKETPLACE = "sent_to_marketplace", _("Sent to the challenge marketplace")
    DECLINED = "declined", _("Declined")


# The lab team triages each problem once: every outcome is final, and told to its submitter.
PROBLEM_LIFECYCLE = Lifecycle(
    states=ProblemStatus,
    transitions=[
        Transition("accept", (ProblemStatus.SUBMITTED,), ProblemStatus.ACCEPTED, timestamp="triaged_at"),
        Transition("merge", (ProblemStatus.SUBMITTED,), ProblemStatus.MERGED, timestamp="triaged_at"),
        Transition(
            "send_to_marketplace", (ProblemStatus.SUBMITTED,), ProblemStatus.SENT_TO_MARKETPLACE, timestamp="triaged_at"
        ),
        Transition("decline", (ProblemStatus.SUBMITTED,), ProblemStatus.DECLINED, timestamp="triaged_at"),
    ],
)

# A problem may be merged into one that is still alive in the lab.
MERGE_TARGETS = (ProblemStatus.SUBMITTED, ProblemStatus.ACCEPTED)

TEXT_LIMIT = 10000
# A reason the lab team gives its submitter (a decline, a merge), as every reason in Ponte.
REASON_LIMIT = 4000

# What a problem needs before the lab team can read it, and what its submitter is told when
# an answer is missing (the form and the service say the same).
NEEDED_ANSWERS = {
    "title": _("Give the problem a short title."),
    "description": _("Describe the problem."),
    "affected": _("Say who is affected by the problem."),
    "evidence": _("Give the evidence that the problem is real: figures, complaints, reports."),
    "tried": _("Say what has been tried already, or that nothing has."),
}


class Problem(models.Model):
    """A public problem a public servant brings to the lab, on behalf of their public body."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("public body"),
        on_delete=models.PROTECT,
        related_name="lab_problems",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("the problem"))
    affected = models.TextField(_("who is affected"))
    evidence = models.TextField(_("evidence"))
    tried = models.TextField(_("what has been tried"))
    possible_solution = models.TextField(_("a possible solution"), blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=ProblemStatus.choices, default=ProblemStatus.SUBMITTED
    )
    # What the submitter reads of the lab team's decision: why it was declined, or merged.
    triage_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="problem_by_status"),
            models.Index(fields=["organisation", "-submitted_at"], name="problem_by_organisation"),
        ]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lab:problem", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """How people cite a problem, in a merge or a conversation: P-42."""
        return f"P-{self.pk}"


# Projects ---------------------------------------------------------------------------------


class Facet(models.TextChoices):
    """The OECD's facets of public sector innovation, by which the portfolio is read."""

    ENHANCEMENT = "enhancement", _("Enhancement-oriented")
    MISSION = "mission", _("Mission-oriented")
    ADAPTIVE = "adaptive", _("Adaptive")
    ANTICIPATORY = "anticipatory", _("Anticipatory")


# The stages a project can be in, each with its name; a deployment chooses which it uses and
# in which order (settings.PONTE_LAB_STAGES), the default being all of them in this order.
STAGE_NAMES = {
    "investigate": _("Investigate"),
    "co_create": _("Co-create"),
    "experiment": _("Experiment"),
    "evaluate": _("Evaluate"),
    "scale": _("Scale"),
}


def stages() -> list[str]:
    """The stages of this deployment, in order: a project moves through them one gate at a time."""
    return list(getattr(settings, "PONTE_LAB_STAGES", STAGE_NAMES))


def stage_name(stage: str) -> str:
    return str(STAGE_NAMES.get(stage, stage.replace("_", " ").capitalize()))


# What starting a project, asking at a gate and deciding there need, and what a person is told
# when it is missing (the forms and the services say the same).
PROJECT_NEEDED = {
    "title": _("Give the project a title."),
    "summary": _("Say in a few sentences what the project will do."),
    "targets": _("Say what the project aims at, measurably: its targets."),
    "facet": _("Choose the innovation facet from the list."),
    "budget": _("Give the budget in euros, zero or more."),
    "sponsor": _("Name a person who has the sponsor role on this platform."),
    "evidence": _("Give the evidence the sponsor decides on."),
    "rationale": _("Give the rationale of your decision: the team reads it."),
    "lessons": _("Write the lessons learned: a project never stops without them."),
    "decision": _("Choose go, stop or revise."),
    "move": _("Choose whether you ask to move on or to stop."),
}


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped")


class Sponsorship(models.TextChoices):
    ASKED = "asked", _("Waiting for the sponsor's answer")
    ACCEPTED = "accepted", _("Accepted by the sponsor")
    DECLINED = "declined", _("Declined by the sponsor")


SPONSORSHIP_LIFECYCLE = Lifecycle(
    states=Sponsorship,
    field="sponsorship",
    transitions=[
        Transition(
            "accept_sponsorship", (Sponsorship.ASKED,), Sponsorship.ACCEPTED, timestamp="sponsorship_answered_at"
        ),
        Transition(
            "decline_sponsorship", (Sponsorship.ASKED,), Sponsorship.DECLINED, timestamp="sponsorship_answered_at"
        ),
        # The lab team asks another sponsor after one declined.
        Transition("ask_sponsor", (Sponsorship.DECLINED,), Sponsorship.ASKED),
    ],
)

PROJECT_LIFECYCLE = Lifecycle(
    states=ProjectStatus,
    transitions=[Transition("stop", (ProjectStatus.ACTIVE,), ProjectStatus.STOPPED, timestamp="stopped_at")],
)


class Project(models.Model):
    """An accepted problem the lab works on: a team of its public body, partners, a sponsor
    who decides each move from one stage to the next."""

    problem = models.OneToOneField(Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="project")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="lab_projects",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    facet = models.CharField(_("innovation facet"), max_length=16, choices=Facet.choices)
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2)
    targets = models.TextField(_("targets"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("team"), related_name="lab_projects")
    partners = models.TextField(_("external partners"), blank=True)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="sponsored_projects"
    )
    sponsorship = models.CharField(max_length=16, choices=Sponsorship.choices, default=Sponsorship.ASKED)
    sponsorship_answered_at = models.DateTimeField(null=True, blank=True)
    sponsorship_note = models.TextField(blank=True)
    stage = models.CharField(_("stage"), max_length=32)
    stage_entered_at = models.DateTimeField()
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    lessons = models.TextField(_("lessons learned"), blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The portfolio's counts by stage and facet read this index alone.
            models.Index(fields=["status", "stage", "facet"], name="project_by_stage"),
            models.Index(fields=["sponsor", "sponsorship"], name="project_by_sponsor"),
            # The portfolio lists the newest first, a page at a time.
            models.Index(fields=["-created_at", "-id"], name="project_newest"),
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lab:project", kwargs={"pk": self.pk})

    @property
    def stage_name(self) -> str:
        return stage_name(self.stage)

    @property
    def next_stage(self) -> str | None:
        """The stage a "go" at the next gate leads to; None at the last stage."""
        order = stages()
        position = order.index(self.stage) if self.stage in order else len(order)
        return order[position + 1] if position + 1 < len(order) else None


STOP = "stop"  # what a gate request asks for instead of the next stage


class GateDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for the sponsor")
    GO = "go", _("Go")
    STOP = "stop", _("Stop")
    REVISE = "revise", _("Revise")


GATE_LIFECYCLE = Lifecycle(
    states=GateDecision,
    field="decision",
    transitions=[
        Transition("go", (GateDecision.PENDING,), GateDecision.GO, timestamp="decided_at"),
        Transition("stop", (GateDecision.PENDING,), GateDecision.STOP, timestamp="decided_at"),
        Transition("revise", (GateDecision.PENDING,), GateDecision.REVISE, timestamp="decided_at"),
    ],
)


class GateRequest(models.Model):
    """The team asks the sponsor to move the project on (to the next stage) or to stop it,
    with its evidence; the sponsor decides go, stop or revise, with a rationale."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gates")
    from_stage = models.CharField(max_length=32)
    to_stage = models.CharField(max_length=32)  # the next stage, or STOP
    evidence = models.TextField(_("evidence"))
    lessons = models.TextField(_("lessons learned"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=16, choices=GateDecision.choices, default=GateDecision.PENDING)
    rationale = models.TextField(_("rationale"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One question before the sponsor at a time.
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(decision="pending"), name="one_pending_gate_per_project"
            )
        ]
        indexes = [models.Index(fields=["decision", "requested_at"], name="gate_by_decision")]
        verbose_name = _("gate request")
        verbose_name_plural = _("gate requests")

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage} → {self.to_stage}"

    @property
    def asks_to_stop(self) -> bool:
        return self.to_stage == STOP

    @property
    def to_stage_name(self) -> str:
        return str(_("Stop")) if self.asks_to_stop else stage_name(self.to_stage)

    @property
    def from_stage_name(self) -> str:
        return stage_name(self.from_stage)


# Experiments ------------------------------------------------------------------------------


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


# Case studies -----------------------------------------------------------------------------
# The fields of the OECD Observatory of Public Sector Innovation's case studies, so that a
# case published here reads, and can be sent, as one of theirs.


class GovernmentFunction(models.TextChoices):
    """A case's sector: the divisions of the UN's Classification of the Functions of Government
    (COFOG), which the OECD's case studies use."""

    GENERAL = "general_public_services", _("General public services")
    DEFENCE = "defence", _("Defence")
    PUBLIC_ORDER = "public_order", _("Public order and safety")
    ECONOMIC = "economic_affairs", _("Economic affairs")
    ENVIRONMENT = "environment", _("Environmental protection")
    HOUSING = "housing", _("Housing and community amenities")
    HEALTH = "health", _("Health")
    CULTURE = "culture", _("Recreation, culture and religion")
    EDUCATION = "education", _("Education")
    SOCIAL = "social_protection", _("Social protection")


class DevelopmentTime(models.TextChoices):
    UNDER_ONE = "under_1", _("Less than a year")
    ONE_TWO = "1_2", _("1 to 2 years")
    TWO_FIVE = "2_5", _("2 to 5 years")
    OVER_FIVE = "over_5", _("More than 5 years")


class InnovationStage(models.TextChoices):
    """The stages of the innovation lifecycle the OPSI case studies use."""

    IDENTIFYING = "identifying", _("Identifying or discovering problems")
    GENERATING = "generating", _("Generating ideas")
    DEVELOPING = "developing", _("Developing proposals")
    IMPLEMENTING = "implementing", _("Implementation")
    EVALUATING = "evaluating", _("Evaluation")
    DIFFUSING = "diffusing", _("Diffusing lessons")


class InnovationType(models.TextChoices):
    SERVICE = "service", _("A new or improved service")
    PROCESS = "process", _("A new or improved process")
    ORGANISATION = "organisation", _("A new way of organising")
    POLICY = "policy", _("A new policy or regulation")
    COMMUNICATION = "communication", _("A new way of communicating")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    IN_REVIEW = "in_review", _("Waiting for a programme manager's review")
    PUBLISHED = "published", _("Published")


CASE_LIFECYCLE = Lifecycle(
    states=CaseStatus,
    transitions=[
        Transition("submit_case", (CaseStatus.DRAFT,), CaseStatus.IN_REVIEW, timestamp="submitted_at"),
        Transition("return_case", (CaseStatus.IN_REVIEW,), CaseStatus.DRAFT),
        Transition("publish_case", (CaseStatus.IN_REVIEW,), CaseStatus.PUBLISHED, timestamp="published_at"),
    ],
)

# Every field a published case needs, and what its writer is told when one is missing.
CASE_NEEDED = {
    "title": _("Give the case a title."),
    "organisation_name": _("Name the organisation that led the innovation."),
    "country": _("Choose the country from the list."),
    "level": _("Choose the level of government from the list."),
    "sector": _("Choose the sector from the list."),
    "launch_year": _("Give the year of launch, from 1950 to this year."),
    "development_time": _("Choose the development time from the list."),
    "stage": _("Choose the innovation's stage from the list."),
    "innovation_type": _("Choose the type of innovation from the list."),
    "tags": _("Give at least one tag, separated by commas."),
    "objectives": _("State the objectives."),
    "problem": _("Describe the problem the innovation answers."),
    "innovation": _("Describe the innovation."),
    "results": _("Give the results, or the results expected."),
    "lessons": _("Write the lessons learned."),
}
TAG_LIMIT = 12  # tags on one case


class CaseTag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseStudy(Versioned):
    """A project told for others to learn from, once it scaled or stopped: published by the
    lab after a programme manager's review, in the public case library."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="case")
    title = models.CharField(_("title"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    level = models.CharField(_("level of government"), max_length=16, choices=LevelOfGovernment.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=GovernmentFunction.choices, blank=True)
    launch_year = models.PositiveSmallIntegerField(_("year of launch"), null=True, blank=True)
    development_time = models.CharField(
        _("development time"), max_length=16, choices=DevelopmentTime.choices, blank=True
    )
    stage = models.CharField(_("innovation stage"), max_length=16, choices=InnovationStage.choices, blank=True)
    innovation_type = models.CharField(
        _("type of innovation"), max_length=16, choices=InnovationType.choices, blank=True
    )
    tags = models.ManyToManyField(CaseTag, verbose_name=_("tags"), blank=True, related_name="cases")
    objectives = models.TextField(_("objectives"), blank=True)
    problem = models.TextField(_("problem"), blank=True)
    innovation = models.TextField(_("innovation"), blank=True)
    results = models.TextField(_("results or expected results"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    review_note = models.TextField(blank=True)  # why a reviewer sent it back
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The public library: published cases, newest first, filtered by level and year.
            models.Index(fields=["status", "-published_at", "-id"], name="case_published"),
            models.Index(fields=["status", "level", "launch_year"], name="case_by_level_year"),
        ]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:case", kwargs={"pk": self.pk})


# Co-creation with citizens ---------------------------------------------------------------
# Citizens join the lab's panel with their explicit consent; projects invite them to
# sessions and ask their feedback on prototypes. A member who withdraws is erased from all of
# it: what stays is anonymous (how many came, the ratings given), never who.


class AgeBand(models.TextChoices):
    UNDER_25 = "16_24", _("16 to 24")
    FROM_25 = "25_34", _("25 to 34")
    FROM_35 = "35_44", _("35 to 44")
    FROM_45 = "45_54", _("45 to 54")
    FROM_55 = "55_64", _("55 to 64")
    FROM_65 = "65_74", _("65 to 74")
    FROM_75 = "75_plus", _("75 or over")
    UNSAID = "unsaid", _("I prefer not to say")


# The consent a member gives, as they read it when they join: its version is kept with them,
# so that a change of wording asks everyone again.
PANEL_CONSENT_VERSION = 1


class PanelMember(models.Model):
    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_membership")
    topics = models.ManyToManyField("reference.SectorTag", verbose_name=_("topics"), related_name="+")
    region = models.CharField(_("region"), max_length=100)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    accessibility = models.TextField(_("accessibility needs"), blank=True)
    consent_version = models.PositiveSmallIntegerField()
    consented_at = models.DateTimeField()
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")

    def __str__(self) -> str:
        # What the audit trail keeps of a member: never who they are.
        return f"Panel member {self.pk}"


class SessionKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    INTERVIEW = "interview", _("Interview")
    USABILITY = "usability", _("Usability test")
    LIVING_LAB = "living_lab", _("Living lab")


class Session(models.Model):
    """A moment a project's team works with citizens: a workshop, an interview, a usability
    test, a living lab; in a place or online, for a number of people."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind of session"), max_length=16, choices=SessionKind.choices)
    description = models.TextField(_("what happens"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place or link"), max_length=500)
    capacity = models.PositiveIntegerField(_("places"))
    accessibility = models.TextField(_("accessibility"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["project", "starts_at"], name="session_by_project")]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lab:session", kwargs={"pk": self.pk})


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    SIGNED_UP = "signed_up", _("Signed up")
    CANCELLED = "cancelled", _("Cancelled")


class Invitation(models.Model):
    """A panel member invited to a session, and their answer. When the member withdraws from
    the panel, `member` is emptied: the row stays, anonymous, so the session's counts hold."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(PanelMember, null=True, on_delete=models.SET_NULL, related_name="invitations")
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    attended = models.BooleanField(null=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], condition=models.Q(member__isnull=False), name="one_invitation_each"
            )
        ]
        indexes = [models.Index(fields=["session", "status"], name="invitation_by_status")]

    def __str__(self) -> str:
        return f"{self.session}: invitation {self.pk}"


class Prototype(models.Model):
    """A version of something a project tries out with citizens, and the questions it asks them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="prototypes")
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=40)
    description = models.TextField(_("description"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "name", "version"], name="one_prototype_version")]
        verbose_name = _("prototype")
        verbose_name_plural = _("prototypes")

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("lab:prototype", kwargs={"pk": self.pk})


class QuestionKind(models.TextChoices):
    RATING = "rating", _("A rating from 1 to 5")
    TEXT = "text", _("A free answer")


class FeedbackQuestion(models.Model):
    prototype = models.ForeignKey(Prototype, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=QuestionKind.choices)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class FeedbackResponse(models.Model):
    """One member's answers on one prototype version; anonymous once they withdraw."""

    prototype = models.ForeignKey(Prototype, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(PanelMember, null=True, on_delete=models.SET_NULL, related_name="responses")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prototype", "member"], condition=models.Q(member__isnull=False), name="one_response_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prototype}: response {self.pk}"


class FeedbackAnswer(models.Model):
    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(FeedbackQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.question}: {self.rating if self.rating is not None else self.text[:40]}"
