"""The solution catalogue: companies describe what they offer; programme managers screen it."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ponte.core.statemachine import Lifecycle, Transition


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for screening")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned for changes")


EDITABLE = (Status.DRAFT, Status.RETURNED)

LIFECYCLE = Lifecycle(
    states=Status,
    transitions=[
        Transition("submit", EDITABLE, Status.SUBMITTED, timestamp="submitted_at"),
        Transition("publish", (Status.SUBMITTED,), Status.PUBLISHED, timestamp="published_at"),
        Transition("return_to_company", (Status.SUBMITTED,), Status.RETURNED, timestamp="returned_at"),
        # A published solution whose substance changes is hidden until it is screened again.
        Transition("revise", (Status.PUBLISHED,), Status.SUBMITTED, timestamp="submitted_at"),
    ],
)

TRL_HELP = _(
    "Technology readiness level, from 1 to 9: 1 basic principles observed; 2 concept formulated; "
    "3 proof of concept; 4 validated in the lab; 5 validated in a relevant environment; "
    "6 demonstrated in a relevant environment; 7 demonstrated in an operational environment; "
    "8 complete and qualified; 9 proven in operation."
)


class Solution(models.Model):
    company = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("company"), on_delete=models.PROTECT, related_name="solutions"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, help_text=_("One or two sentences for the catalogue."))
    description = models.TextField(_("description"))
    sectors = models.ManyToManyField("reference.SectorTag", verbose_name=_("sectors"), blank=True, related_name="+")
    cpv_codes = models.ManyToManyField(
        "reference.CpvCode", verbose_name=_("CPV codes"), blank=True, related_name="solutions"
    )
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"), validators=[MinValueValidator(1), MaxValueValidator(9)], help_text=TRL_HELP
    )
    references = models.TextField(_("references"), blank=True, help_text=_("Where the solution is already in use."))
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"])]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("solutions:detail", kwargs={"pk": self.pk})


MAX_MEDIA = 8
IMAGE_TYPES = ("image/png", "image/jpeg")


class SolutionMedia(models.Model):
    """A picture or a document that shows a solution: a screenshot, a photo of it in use, a
    brochure. Its file is an attachment, served only to whoever may see the solution; the
    description is what a person who cannot see the picture reads instead."""

    solution = models.ForeignKey(Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="media")
    attachment = models.OneToOneField(
        "core.Attachment", verbose_name=_("file"), on_delete=models.CASCADE, related_name="+"
    )
    description = models.CharField(_("description"), max_length=250)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("picture or document")
        verbose_name_plural = _("pictures and documents")

    def __str__(self) -> str:
        return self.description

    @property
    def is_image(self) -> bool:
        return self.attachment.content_type in IMAGE_TYPES
