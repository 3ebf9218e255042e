"""Recognition: award programmes, their categories, nominations and the jury that scores them,
and kudos.

An award programme opens nominations for a window of dates; anyone signed in nominates a
person, a team, a lab project or an exemption of the sandbox in one of its categories, with a
statement. Once the window closes, the jury scores each nomination, after declaring whether
they have a conflict of interest with it (a conflict recuses them: they never read it, as in
the challenges' evaluation). A programme manager then chooses each category's winner, with a
citation, and announces them: the winners join the public hall of fame.

Kudos: any signed-in person thanks a lab project or a team (an organisation) for a result; the
thanks show on its page.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned

TITLE_LIMIT = 200
TEXT_LIMIT = 5000
STATEMENT_LIMIT = 3000
CITATION_LIMIT = 1000
KUDOS_LIMIT = 280
SCORE_MIN, SCORE_MAX = 1, 10


class ProgrammePhase(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("award programme", "Nominations not open yet")
    NOMINATING = "nominating", pgettext_lazy("award programme", "Nominations open")
    JUDGING = "judging", pgettext_lazy("award programme", "The jury is scoring")
    ANNOUNCED = "announced", pgettext_lazy("award programme", "Winners announced")


class ProgrammeQuerySet(models.QuerySet):
    """A programme's phase, defined here once for the database (AwardProgramme.phase reads the
    same rule on one programme)."""

    def announced(self) -> ProgrammeQuerySet:
        return self.filter(announced_at__isnull=False)

    def nominating(self, now: datetime | None = None) -> ProgrammeQuerySet:
        now = now or timezone.now()
        return self.filter(announced_at__isnull=True, nominations_open_at__lte=now, nominations_close_at__gt=now)

    def not_announced(self) -> ProgrammeQuerySet:
        return self.filter(announced_at__isnull=True)


class AwardProgramme(Versioned):
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    description = models.TextField(_("description"))
    year = models.PositiveSmallIntegerField(_("year"))
    nominations_open_at = models.DateTimeField(_("nominations open"))
    nominations_close_at = models.DateTimeField(_("nominations close"))
    announced_at = models.DateTimeField(null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    jury = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("jury"), related_name="juries", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-nominations_open_at", "-pk"]
        indexes = [models.Index(fields=["-announced_at", "-id"], name="programme_announced")]
        verbose_name = _("award programme")
        verbose_name_plural = _("award programmes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recognition:programme", kwargs={"pk": self.pk})

    def phase_at(self, now: datetime) -> str:
        if self.announced_at is not None:
            return ProgrammePhase.ANNOUNCED
        if now < self.nominations_open_at:
            return ProgrammePhase.UPCOMING
        if now < self.nominations_close_at:
            return ProgrammePhase.NOMINATING
        return ProgrammePhase.JUDGING

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    @property
    def phase_label(self) -> str:
        return ProgrammePhase(self.phase).label


class Category(models.Model):
    programme = models.ForeignKey(AwardProgramme, on_delete=models.CASCADE, related_name="categories")
    title = models.CharField(_("title"), max_length=TITLE_LIMIT)
    description = models.TextField(_("description"))
    # The category for the most useful lesson from a stopped or failed experiment: its
    # nominations are lab projects or exemptions, and the hall of fame says what was learnt.
    for_lessons = models.BooleanField(_("for a lesson from a stopped or failed experiment"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.title


class NomineeKind(models.TextChoices):
    PERSON = "person", _("A person")
    TEAM = "team", _("A team")
    PROJECT = "project", _("A lab project")
    EXEMPTION = "exemption", _("An exemption of the regulatory sandbox")


# The model of another module each kind of nominee is, when it is one (core.links shows it).
LINKED_MODELS = {NomineeKind.PROJECT: "lab.project", NomineeKind.EXEMPTION: "sandbox.exemption"}
# The kinds of nominee a lesson may come from: an experiment, stopped or failed.
LESSON_KINDS = (NomineeKind.PROJECT, NomineeKind.EXEMPTION)


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("nomination", "Nominated")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination", "Withdrawn")


NOMINATION_LIFECYCLE = Lifecycle(
    states=NominationStatus,
    transitions=[
        Transition("withdraw", (NominationStatus.SUBMITTED,), NominationStatus.WITHDRAWN, "withdrawn_at"),
    ],
)


class Nomination(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="nominations")
    kind = models.CharField(_("who or what"), max_length=16, choices=NomineeKind.choices)
    # The nominee's name as nominated: a person's or a team's, or the project's or exemption's
    # title when it was chosen (kept, so the nomination reads the same if the title changes).
    nominee = models.CharField(_("nominee"), max_length=TITLE_LIMIT)
    organisation = models.CharField(_("organisation"), max_length=TITLE_LIMIT, blank=True)
    # The lab project or exemption nominated, by its id in its own module (LINKED_MODELS).
    linked_id = models.PositiveIntegerField(null=True, blank=True)
    statement = models.TextField(_("statement"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations")
    status = models.CharField(max_length=16, choices=NominationStatus.choices, default=NominationStatus.SUBMITTED)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set when a programme manager chooses it as its category's winner, with the public citation.
    won_at = models.DateTimeField(null=True, blank=True)
    citation = models.TextField(_("citation"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One winner per category.
            models.UniqueConstraint(
                fields=["category"], condition=Q(won_at__isnull=False), name="one_winner_per_category"
            ),
        ]
        indexes = [models.Index(fields=["nominated_by", "-created_at"], name="nomination_by_person")]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self) -> str:
        # An id only: the audit trail names no nominee.
        return f"Nomination {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("recognition:nomination", kwargs={"pk": self.pk})

    @property
    def linked_model(self) -> str | None:
        return LINKED_MODELS.get(self.kind)


class ReviewStatus(models.TextChoices):
    CLEARED = "cleared", _("No conflict of interest")
    RECUSED = "recused", _("Recused: conflict of interest")


class JuryReview(models.Model):
    """One jury member's review of one nomination: first the declaration of any conflict of
    interest (a conflict recuses them, and they never read the statement), then their score."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_reviews")
    status = models.CharField(max_length=16, choices=ReviewStatus.choices)
    conflict_note = models.TextField(_("the conflict of interest"), blank=True)
    declared_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "juror"], name="one_review_per_juror"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(status="cleared", score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="score_only_when_cleared_and_in_range",
            ),
        ]
        verbose_name = _("jury review")
        verbose_name_plural = _("jury reviews")

    def __str__(self) -> str:
        return f"Jury review {self.pk}"


class Kudos(models.Model):
    """A signed-in person's thanks to a lab project or a team (an organisation) for a result."""

    # The model thanked ("lab.project", "organisations.organisation") and its id there.
    target_model = models.CharField(max_length=64)
    target_id = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kudos_given")
    message = models.CharField(_("your thanks"), max_length=KUDOS_LIMIT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["target_model", "target_id", "author"], name="one_kudos_per_person"),
        ]
        indexes = [models.Index(fields=["target_model", "target_id", "-created_at"], name="kudos_of_target")]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")

    def __str__(self) -> str:
        return f"Kudos {self.pk}"
