"""The skills self-assessment: a person answers a short questionnaire on each of the OECD's six
core skills, three statements a skill, on a defined proficiency scale; the skill's score is the
mean of its three answers. Each assessment is kept, so the profile shows the change over time.
Aggregates of a group are shown only when at least MIN_GROUP people are in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalogue import CORE_SKILLS, Skill

# Smaller groups are never shown, whatever the filter or export: a group of four would let its
# members, or their manager, tell who answered what.
MIN_GROUP = 5


class Proficiency(models.IntegerChoices):
    NOT_YET = 1, pgettext_lazy("proficiency", "Not yet")
    WITH_HELP = 2, pgettext_lazy("proficiency", "With help")
    SOMETIMES = 3, pgettext_lazy("proficiency", "On my own, sometimes")
    REGULARLY = 4, pgettext_lazy("proficiency", "On my own, regularly")
    TEACHING = 5, pgettext_lazy("proficiency", "I help others do it")


# Three statements a skill, after the OECD's description of each core skill.
STATEMENTS: dict[str, tuple] = {
    Skill.ITERATION: (
        _("I turn an idea into a small test before scaling it up."),
        _("I change a plan when a test shows it does not work."),
        _("I set what would count as failure before a test starts."),
    ),
    Skill.DATA_LITERACY: (
        _("I find the data that can answer a question about a service."),
        _("I tell when data cannot support a conclusion."),
        _("I explain a chart or a number to colleagues without misleading them."),
    ),
    Skill.USER_CENTRICITY: (
        _("I talk with the people a service is for before changing it."),
        _("I test a new version with the people who will use it."),
        _("I describe a problem from the user's side, not the organisation's."),
    ),
    Skill.CURIOSITY: (
        _("I look at how other sectors or countries solve a problem like ours."),
        _("I question why we work the way we do."),
        _("I try new methods or tools when the old ones fall short."),
    ),
    Skill.STORYTELLING: (
        _("I explain a change as the story of the people it helps."),
        _("I adapt how I present an idea to the audience in front of me."),
        _("I share what a project learned, including what went wrong."),
    ),
    Skill.INSURGENCY: (
        _("I challenge a rule or habit that stands in the way of a better service."),
        _("I find allies inside and outside my organisation for a new idea."),
        _("I keep going with a good idea when it meets resistance."),
    ),
}
QUESTIONS = [
    (f"{skill}_{number}", skill, text) for skill in CORE_SKILLS for number, text in enumerate(STATEMENTS[skill], 1)
]


class SelfAssessment(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_assessments")
    taken_at = models.DateTimeField()
    answers = models.JSONField(default=dict)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["person", "-taken_at"], name="learning_assessment_latest")]
        verbose_name = _("skills self-assessment")
        verbose_name_plural = _("skills self-assessments")

    def __str__(self) -> str:
        return f"{self.person} — {self.taken_at:%Y-%m-%d}"


class SkillScore(models.Model):
    """A skill's score in one assessment: the mean of its answers, from 1 to 5, kept as a row so
    that a group's profile is one aggregate query."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    skill = models.CharField(max_length=20, choices=Skill.choices)
    score = models.DecimalField(max_digits=3, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "skill"], name="learning_score_once")]
        indexes = [models.Index(fields=["skill", "assessment"], name="learning_score_skill")]

    def __str__(self) -> str:
        return f"{Skill(self.skill).label}: {self.score}"
