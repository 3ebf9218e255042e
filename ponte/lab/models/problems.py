"""Problems public servants bring to the lab, and the lab team's triage of them."""

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
