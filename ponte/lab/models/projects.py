"""Projects started from accepted problems, their sponsors and their gates."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.sponsorship import NOT_A_SPONSOR, Sponsorship
from ponte.core.statemachine import Lifecycle, Transition

from .problems import Problem


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
    "sponsor": NOT_A_SPONSOR,
    "evidence": _("Give the evidence the sponsor decides on."),
    "rationale": _("Give the rationale of your decision: the team reads it."),
    "lessons": _("Write the lessons learned: a project never stops without them."),
    "decision": _("Choose go, stop or revise."),
    "move": _("Choose whether you ask to move on or to stop."),
}


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped")


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
    sponsorship_asked_at = models.DateTimeField(null=True, blank=True)
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
