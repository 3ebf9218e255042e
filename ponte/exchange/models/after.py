"""After an exchange: each guest answers a short survey with their learning report, each host
says how the visit went, and the collaborations that follow between the two organisations are
recorded. They make the round's statistics and its network of organisations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SATISFACTION_MIN, SATISFACTION_MAX = 1, 5


class FeedbackRole(models.TextChoices):
    GUEST = "guest", pgettext_lazy("feedback", "Guest")
    HOST = "host", pgettext_lazy("feedback", "Host")


class Feedback(models.Model):
    """One answer to the survey of an exchange: by a guest about their visit (with what they
    learned), or by their host organisation about the guest's visit. `side` is whose visit it is
    about: "public" for the public servant's visit to the company, "company" for the other."""

    pair = models.ForeignKey("exchange.Pair", on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(max_length=16)
    role = models.CharField(max_length=16, choices=FeedbackRole.choices)
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(SATISFACTION_MIN), MaxValueValidator(SATISFACTION_MAX)]
    )
    went_well = models.TextField(_("what went well"))
    to_improve = models.TextField(_("what to improve"), blank=True)
    # The guest's learning report: what they take back to their own organisation.
    learned = models.TextField(_("what you learned"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pair", "side", "role"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "side", "role"], name="one_answer_a_visit_and_role"),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.pair_id} {self.side} {self.role}: {self.satisfaction}"


class FollowUp(models.Model):
    """A collaboration between the two organisations of an exchange that followed from it."""

    pair = models.ForeignKey("exchange.Pair", on_delete=models.CASCADE, related_name="follow_ups")
    description = models.TextField(_("the collaboration"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pair", "created_at", "pk"]
        verbose_name = _("follow-up collaboration")
        verbose_name_plural = _("follow-up collaborations")

    def __str__(self) -> str:
        return f"{self.pair_id}: {self.description[:40]}"
