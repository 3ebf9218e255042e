"""Case studies of projects that scaled or stopped, with the OECD OPSI fields."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned
from ponte.organisations.models import LevelOfGovernment
from ponte.reference.models import Country

from .projects import Project

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
