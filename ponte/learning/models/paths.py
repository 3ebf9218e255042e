"""Learning paths: a sequence of courses of the catalogue, taken in order, towards a skill or a
role (a managers' path that sponsors experiments, say). A path is done when a person holds a
valid certificate of every course on it. A programme manager writes the paths; a path
withdrawn from the catalogue keeps what people completed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.versions import Versioned

from .catalogue import SUMMARY_LIMIT, TITLE_LIMIT, Course, Track

MIN_STEPS, MAX_STEPS = 2, 8


class PathQuerySet(models.QuerySet):
    def in_catalogue(self) -> PathQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class LearningPath(Versioned):
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    summary = models.CharField(_("summary"), max_length=SUMMARY_LIMIT)
    description = models.TextField(_("description"))
    track = models.CharField(_("track"), max_length=10, choices=Track.choices, default=Track.EVERYONE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = PathQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:path", kwargs={"pk": self.pk})


class PathStep(models.Model):
    """A course at its place on a path."""

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="path_steps")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["path", "position"]
        constraints = [
            models.UniqueConstraint(fields=["path", "course"], name="a_course_once_on_a_path"),
            models.UniqueConstraint(fields=["path", "position"], name="one_course_at_each_place_on_a_path"),
        ]

    def __str__(self) -> str:
        return f"{self.path_id}: {self.position}. {self.course_id}"
