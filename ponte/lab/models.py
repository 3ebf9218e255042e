"""The experimentation lab: problems brought by public servants, triaged by the lab team."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.statemachine import Lifecycle, Transition


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
