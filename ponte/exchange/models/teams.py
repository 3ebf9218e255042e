"""Mixed teams: the round's participants join a team on one of its challenges, public servants
and company employees together, and each challenge has a Change Meter — how far its change is
implemented, in percent, with dated updates and their evidence, for the whole round to read."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A team is a handful of people, not a crowd: Slovenia's mixed teams were of four to eight.
TEAM_LIMIT = 12


class TeamMember(models.Model):
    """A participant of the round in the team of one of its challenges; one team a round."""

    challenge = models.ForeignKey("exchange.RoundChallenge", on_delete=models.CASCADE, related_name="members")
    round = models.ForeignKey("exchange.Round", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("exchange.Application", on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["challenge", "joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="one_team_a_round")]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return f"{self.person} — {self.challenge}"


class ChangeUpdate(models.Model):
    """One reading of a challenge's Change Meter: how much of the change is implemented, what
    moved it and what shows it. The latest is the meter's value."""

    challenge = models.ForeignKey("exchange.RoundChallenge", on_delete=models.CASCADE, related_name="updates")
    percent = models.PositiveSmallIntegerField(_("implemented (percent)"), validators=[MaxValueValidator(100)])
    summary = models.TextField(_("what changed"))
    evidence = models.TextField(_("evidence"))
    evidence_url = models.URLField(_("link to the evidence"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["challenge", "-created_at", "-id"], name="change_update_latest")]
        verbose_name = _("Change Meter update")
        verbose_name_plural = _("Change Meter updates")

    def __str__(self) -> str:
        return f"{self.challenge}: {self.percent}%"
