"""The course catalogue: courses and workshops, each mapped to one or more of the OECD's six core
skills for public sector innovation, and a track for managers with its own three skills. A
programme manager writes the catalogue; a course withdrawn from it keeps its past sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.versions import Versioned

TITLE_LIMIT = 200
SUMMARY_LIMIT = 300
TEXT_LIMIT = 10000
MAX_HOURS = 500


class Skill(models.TextChoices):
    """The OECD's core skills for public sector innovation (Core Skills for Public Sector
    Innovation, OECD 2017), then the three the manager track adds."""

    ITERATION = "iteration", _("Iteration")
    DATA_LITERACY = "data_literacy", _("Data literacy")
    USER_CENTRICITY = "user_centricity", _("User centricity")
    CURIOSITY = "curiosity", _("Curiosity")
    STORYTELLING = "storytelling", _("Storytelling")
    INSURGENCY = "insurgency", _("Insurgency")
    OPENNESS = "openness", _("Openness")
    TEAMWORK = "teamwork", _("Teamwork")
    SPONSORING = "sponsoring", _("Sponsoring experiments")


CORE_SKILLS = (
    Skill.ITERATION,
    Skill.DATA_LITERACY,
    Skill.USER_CENTRICITY,
    Skill.CURIOSITY,
    Skill.STORYTELLING,
    Skill.INSURGENCY,
)
MANAGER_SKILLS = (Skill.OPENNESS, Skill.TEAMWORK, Skill.SPONSORING)


class Track(models.TextChoices):
    EVERYONE = "everyone", pgettext_lazy("learning track", "Everyone")
    MANAGERS = "managers", pgettext_lazy("learning track", "Managers")


class CourseKind(models.TextChoices):
    COURSE = "course", pgettext_lazy("learning", "Course")
    WORKSHOP = "workshop", pgettext_lazy("learning", "Workshop")


class CourseQuerySet(models.QuerySet):
    def in_catalogue(self) -> CourseQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Course(Versioned):
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    summary = models.CharField(_("summary"), max_length=SUMMARY_LIMIT)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=10, choices=CourseKind.choices, default=CourseKind.COURSE)
    track = models.CharField(_("track"), max_length=10, choices=Track.choices, default=Track.EVERYONE)
    hours = models.PositiveSmallIntegerField(_("length in hours"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:course", kwargs={"pk": self.pk})

    @property
    def skill_list(self) -> list[str]:
        """Its skills in the catalogue's order (read with prefetch_related("skills"))."""
        held = {row.skill for row in self.skills.all()}
        return [skill for skill in Skill.values if skill in held]

    @property
    def skill_labels(self) -> list[str]:
        return [Skill(skill).label for skill in self.skill_list]


class CourseSkill(models.Model):
    """One skill a course builds: a row each, so that the catalogue filters by skill with an index
    on every database."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skills")
    skill = models.CharField(max_length=20, choices=Skill.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "skill"], name="learning_course_skill_once")]
        indexes = [models.Index(fields=["skill", "course"], name="learning_skill_courses")]

    def __str__(self) -> str:
        return str(Skill(self.skill).label)
