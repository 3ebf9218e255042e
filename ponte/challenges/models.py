"""The challenge marketplace: public bodies describe problems, companies answer them."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ponte.core.sponsorship import Sponsorship
from ponte.core.statemachine import Lifecycle, Transition
from ponte.organisations import timezones


class Instrument(models.TextChoices):
    LOW_VALUE = "low_value", _("Low-value contract")
    INNOVATION_PARTNERSHIP = "innovation_partnership", _("Innovation partnership")
    PRE_COMMERCIAL = "pre_commercial", _("Pre-commercial procurement")
    PRIZE = "prize", _("Prize")


class InstrumentRule(models.Model):
    """The legal ceiling of each procurement instrument, set by the platform admin."""

    instrument = models.CharField(_("instrument"), max_length=32, choices=Instrument.choices, unique=True)
    ceiling = models.DecimalField(
        _("legal ceiling (EUR, excluding VAT)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty when the instrument has no legal ceiling."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("instrument rule")
        verbose_name_plural = _("instrument rules")

    def __str__(self) -> str:
        return str(self.get_instrument_display())


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_ORGANISATION = "awaiting_organisation", _("Awaiting the organisation's approval")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Closed without award")
    CANCELLED = "cancelled", _("Cancelled")


EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)

# The currency of every amount on the marketplace: budget ceilings, prices, awards, contracts.
CURRENCY = "EUR"

LIFECYCLE = Lifecycle(
    states=Status,
    transitions=[
        Transition("submit", EDITABLE, Status.AWAITING_ORGANISATION, timestamp="submitted_at"),
        Transition(
            "approve_for_organisation",
            (Status.AWAITING_ORGANISATION,),
            Status.AWAITING_REVIEW,
            timestamp="organisation_approved_at",
        ),
        Transition(
            "return_to_author",
            (Status.AWAITING_ORGANISATION, Status.AWAITING_REVIEW),
            Status.CHANGES_REQUESTED,
            timestamp="changes_requested_at",
        ),
        Transition("approve", (Status.AWAITING_REVIEW,), Status.APPROVED, timestamp="approved_at"),
        Transition("publish", (Status.APPROVED,), Status.PUBLISHED, timestamp="published_at"),
        # A published challenge whose substance changes goes back to programme managers.
        Transition("revise", (Status.PUBLISHED,), Status.AWAITING_REVIEW, timestamp="revised_at"),
        # The outcome, once the deadline has passed and every evaluation is complete.
        Transition("award", (Status.PUBLISHED,), Status.AWARDED, timestamp="awarded_at"),
        Transition("close_without_award", (Status.PUBLISHED,), Status.NOT_AWARDED, timestamp="closed_at"),
        Transition(
            "cancel",
            (
                Status.DRAFT,
                Status.AWAITING_ORGANISATION,
                Status.AWAITING_REVIEW,
                Status.CHANGES_REQUESTED,
                Status.APPROVED,
                Status.PUBLISHED,
            ),
            Status.CANCELLED,
            timestamp="cancelled_at",
        ),
    ],
)

# What a published, open challenge may change by amendment, staying published: clarified texts
# and a later deadline (and added documents, see services.challenge_add_documents). They do not
# change who may bid or what is bought.
CLARIFIABLE = (
    "title",
    "phase_name",
    "summary",
    "context",
    "problem",
    "affected",
    "desired_outcomes",
    "constraints",
    "out_of_scope",
)
AMENDABLE = (*CLARIFIABLE, "deadline")
# Fields whose change is a change of substance, altering who may bid or what is bought (with the
# criteria and their weights): editing them once published sends the challenge back to review.
SUBSTANCE = ("budget_ceiling", "instrument")


def minimum_periods(instrument: str) -> tuple[timedelta, timedelta]:
    """The least time from publication to the deadline, and how long before the deadline
    questions close, for an instrument (settings PONTE_MIN_TENDER_DAYS and
    PONTE_QUESTIONS_CLOSE_HOURS, each overridable per instrument in PONTE_INSTRUMENT_PERIODS)."""
    own = getattr(settings, "PONTE_INSTRUMENT_PERIODS", {}).get(instrument, {})
    tender_days = own.get("tender_days", settings.PONTE_MIN_TENDER_DAYS)
    questions_hours = own.get("questions_close_hours", settings.PONTE_QUESTIONS_CLOSE_HOURS)
    return timedelta(days=tender_days), timedelta(hours=questions_hours)


def earliest_deadline(instrument: str, start: datetime) -> datetime:
    """The earliest deadline of a challenge published at `start`: the minimum tender period,
    and never before questions could close."""
    tender, questions = minimum_periods(instrument)
    return start + max(tender, questions)


class ChallengeQuerySet(models.QuerySet):
    """The states that follow from the clock, each defined here once (time is data: nothing
    flips a status when a deadline passes). Each has a condition, usable from another model
    through `via` (e.g. "challenge__"), a queryset method, and a property of one challenge
    (Challenge.is_open…) that reads the same rule. `now` lets a page read every state at one
    instant; it defaults to the server clock."""

    @staticmethod
    def open_q(now: datetime | None = None, *, via: str = "") -> models.Q:
        """Published and before its deadline: companies may ask, follow and bid."""
        return models.Q(**{f"{via}status": Status.PUBLISHED, f"{via}deadline__gt": now or timezone.now()})

    @staticmethod
    def closed_q(now: datetime | None = None, *, via: str = "") -> models.Q:
        """Published and past its deadline, the outcome not decided yet: "closed" to the public."""
        return models.Q(**{f"{via}status": Status.PUBLISHED, f"{via}deadline__lte": now or timezone.now()})

    @staticmethod
    def past_deadline_q(now: datetime | None = None, *, via: str = "") -> models.Q:
        """Published once and past its deadline, whatever came after (an outcome, a revision,
        a cancellation): the proposals are no longer sealed."""
        return ChallengeQuerySet.was_published_q(via=via) & models.Q(**{f"{via}deadline__lte": now or timezone.now()})

    @staticmethod
    def was_published_q(*, via: str = "") -> models.Q:
        """Published once, whatever came after: the public has read it, so it stays public."""
        return models.Q(**{f"{via}published_at__isnull": False})

    def was_published(self) -> "ChallengeQuerySet":
        return self.filter(self.was_published_q())

    def open(self, now: datetime | None = None) -> "ChallengeQuerySet":
        return self.filter(self.open_q(now))

    def closed(self, now: datetime | None = None) -> "ChallengeQuerySet":
        return self.filter(self.closed_q(now))

    def past_deadline(self, now: datetime | None = None) -> "ChallengeQuerySet":
        return self.filter(self.past_deadline_q(now))


class Challenge(models.Model):
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("public body"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenges")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"),
        max_length=400,
        blank=True,
        help_text=_("One or two sentences that say what the problem is, for lists and notifications."),
    )
    context = models.TextField(_("context"), blank=True, help_text=_("Where this problem arises, and why now."))
    problem = models.TextField(
        _("the problem"),
        blank=True,
        help_text=_("Describe the problem, not a solution: companies will propose how to solve it."),
    )
    affected = models.TextField(_("who is affected"), blank=True)
    desired_outcomes = models.TextField(
        _("desired outcomes"), blank=True, help_text=_("What will be better, for whom, and how you will know.")
    )
    constraints = models.TextField(
        _("constraints"), blank=True, help_text=_("Legal, technical or organisational limits a solution must respect.")
    )
    out_of_scope = models.TextField(_("out of scope"), blank=True)
    sectors = models.ManyToManyField("reference.SectorTag", verbose_name=_("sectors"), blank=True, related_name="+")
    cpv_codes = models.ManyToManyField(
        "reference.CpvCode", verbose_name=_("CPV codes"), blank=True, related_name="challenges"
    )
    languages = models.JSONField(_("languages of proposals"), default=list, blank=True)
    instrument = models.CharField(
        _("procurement instrument"), max_length=32, choices=Instrument.choices, default=Instrument.LOW_VALUE
    )
    budget_ceiling = models.DecimalField(
        _("budget ceiling (EUR, excluding VAT)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1"))],
    )
    deadline = models.DateTimeField(_("deadline for proposals"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=32, choices=Status.choices, default=Status.DRAFT)
    changes_requested_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    organisation_approved_at = models.DateTimeField(null=True, blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Why these proposals won, or why none did: public with the outcome.
    outcome_justification = models.TextField(_("justification"), blank=True)
    # Phases (e.g. solution design → prototype → test in pre-commercial procurement): each phase
    # is a challenge of its own, with its deadline, budget and criteria; awarding a phase
    # invites its suppliers to the next one, and only they may submit there.
    phase_name = models.CharField(
        _("phase"),
        max_length=100,
        blank=True,
        help_text=_("Only for a challenge in several phases, such as “Solution design” or “Prototype”."),
    )
    # A next phase cancelled by mistake may be prepared again: only one standing next phase.
    previous_phase = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_phases"
    )
    first_phase = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="later_phases"
    )

    # A sponsor the public body asks to back the challenge, who accepts or declines.
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_challenges",
    )
    sponsorship = models.CharField(max_length=16, choices=Sponsorship.choices, default=Sponsorship.NOT_ASKED)
    sponsorship_asked_at = models.DateTimeField(null=True, blank=True)
    sponsorship_answered_at = models.DateTimeField(null=True, blank=True)
    sponsorship_note = models.TextField(blank=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["status", "-published_at"]),
            # The public list in its order, so that a page reads its 25 rows instead of sorting
            # every challenge ever published: open ones forward from now, the rest backward.
            # With the status it also counts open and other challenges alone, from the index.
            models.Index(
                fields=["deadline", "id", "status"],
                condition=models.Q(published_at__isnull=False),
                name="challenge_public_by_deadline",
            ),
            # A public body's published challenges: the list's public-body filter and its
            # options, the body's page and its own list.
            models.Index(fields=["owner", "-published_at"], name="challenge_owner_published"),
            # The open data's releases of each kind in date order, read a page at a time from
            # a moment on: publications, cancellations and outcomes.
            models.Index(
                fields=["published_at", "id"],
                condition=models.Q(published_at__isnull=False),
                name="challenge_published_order",
            ),
            models.Index(
                fields=["cancelled_at", "id"], condition=models.Q(status="cancelled"), name="challenge_cancelled_order"
            ),
            models.Index(
                fields=["awarded_at", "id"], condition=models.Q(status="awarded"), name="challenge_awarded_order"
            ),
            models.Index(
                fields=["closed_at", "id"], condition=models.Q(status="not_awarded"), name="challenge_closed_order"
            ),
            models.Index(fields=["sponsor", "sponsorship"], name="challenge_by_sponsor"),
        ]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slug(self) -> str:
        return slugify(self.title)[:80] or "challenge"

    # One challenge's states that follow from the clock: the rules of ChallengeQuerySet, read
    # on the object in hand.
    def is_open_at(self, now: datetime) -> bool:
        return self.status == Status.PUBLISHED and self.deadline is not None and now < self.deadline

    def is_closed_at(self, now: datetime) -> bool:
        return self.status == Status.PUBLISHED and self.deadline is not None and self.deadline <= now

    def is_past_deadline_at(self, now: datetime) -> bool:
        return self.was_published and self.deadline is not None and self.deadline <= now

    @property
    def was_published(self) -> bool:
        """Published once (ChallengeQuerySet.was_published)."""
        return self.published_at is not None

    @property
    def is_open(self) -> bool:
        """Published and before its deadline (ChallengeQuerySet.open)."""
        return self.is_open_at(timezone.now())

    @property
    def is_closed(self) -> bool:
        """Past its deadline, no outcome yet: in evaluation (ChallengeQuerySet.closed)."""
        return self.is_closed_at(timezone.now())

    @property
    def is_past_deadline(self) -> bool:
        """Published once and past its deadline (ChallengeQuerySet.past_deadline)."""
        return self.is_past_deadline_at(timezone.now())

    @property
    def is_decided(self) -> bool:
        """Awarded or closed without award: the evaluation is over and bidders have feedback."""
        return self.status in DECIDED

    # Its deadline is set and read in its public body's time (its country's), stored in UTC.
    @property
    def time_zone(self) -> ZoneInfo:
        return timezones.time_zone_of(self.owner.country)

    @property
    def time_zone_name(self) -> str:
        """The name of its time, such as "Lisbon time"."""
        return timezones.zone_name(self.owner.country)

    @property
    def time_zone_label(self) -> str:
        """Its time as a hint names it, such as "Lisbon time (WET/WEST)"."""
        return timezones.zone_label(self.owner.country)

    def local_moment(self, moment: datetime) -> str:
        """A moment as the challenge's readers read it: "19 December 2026, 17:00 (Lisbon time)"."""
        local = formats.date_format(timezone.localtime(moment, self.time_zone), "DATETIME_FORMAT")
        return f"{local} ({self.time_zone_name})"


DECIDED = (Status.AWARDED, Status.NOT_AWARDED)


class Criterion(models.Model):
    """A weighted evaluation criterion; a challenge's weights sum to 100."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what evaluators look for"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Interest(models.Model):
    """A company follows a challenge: it hears of every change and answer."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="interests")
    company = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["challenge", "user"], name="one_interest_per_person")]

    def __str__(self) -> str:
        return f"{self.company} → {self.challenge}"


class Subscription(models.Model):
    """What new challenges a person wants to hear about: by sector, CPV code or keyword."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_alerts")
    sectors = models.ManyToManyField("reference.SectorTag", blank=True, related_name="+")
    cpv_prefixes = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"alerts of {self.user}"


# Amendments -------------------------------------------------------------------------------


class AmendmentKind(models.TextChoices):
    # A later deadline, a clarified text, an added document: the challenge stays published.
    AMENDMENT = "amendment", _("Amendment")
    # A change of budget, instrument or criteria: the challenge went back to review.
    REVISION = "revision", _("Revision")


# What each amended field is called where its change is described.
AMENDED_FIELD_LABELS = {
    "title": _("title"),
    "phase_name": _("phase"),
    "summary": _("summary"),
    "context": _("context"),
    "problem": _("the problem"),
    "affected": _("who is affected"),
    "desired_outcomes": _("desired outcomes"),
    "constraints": _("constraints"),
    "out_of_scope": _("out of scope"),
    "budget_ceiling": _("budget ceiling"),
    "instrument": _("procurement instrument"),
    "criteria": _("evaluation criteria"),
}


class Amendment(models.Model):
    """A dated, public change to a published challenge: who made it, why, and each changed field
    with its value before and after (`changes`: [{"field", "before", "after"}]; a deadline as an
    ISO 8601 moment in UTC, a budget as a decimal string, criteria as [{"name", "weight"}], added
    documents as [{"id", "name"}]). Earlier OCDS releases are rebuilt from these befores, so the
    record keeps every release as it was published."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=AmendmentKind.choices, default=AmendmentKind.AMENDMENT)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=list)
    rationale = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        ordering = ["amended_at", "number"]
        constraints = [models.UniqueConstraint(fields=["challenge", "number"], name="one_number_per_amendment")]
        indexes = [models.Index(fields=["amended_at", "id"], name="amendment_feed_order")]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"Amendment {self.number} of challenge {self.challenge_id}"

    def describe(self) -> list[str]:
        """What changed, one phrase per change, in the active language, moments in the
        challenge's time: "deadline moved to 9 January 2027, 17:00 (Lisbon time)"."""
        phrases = []
        for change in self.changes:
            field, after = change["field"], change.get("after")
            if field == "deadline":
                moment = datetime.fromisoformat(after)
                phrases.append(_("deadline moved to %(deadline)s") % {"deadline": self.challenge.local_moment(moment)})
            elif field == "documents":
                for document in after:
                    phrases.append(_("document “%(name)s” added") % {"name": document["name"]})
            elif field == "budget_ceiling" and after is not None:
                phrases.append(
                    _("budget ceiling changed to EUR %(amount)s excluding VAT")
                    % {"amount": formats.number_format(Decimal(after), decimal_pos=0, force_grouping=True)}
                )
            elif field == "instrument":
                phrases.append(
                    _("procurement instrument changed to %(instrument)s") % {"instrument": Instrument(after).label}
                )
            elif field in CLARIFIABLE:
                phrases.append(_("%(field)s clarified") % {"field": AMENDED_FIELD_LABELS[field]})
            else:
                phrases.append(_("%(field)s changed") % {"field": AMENDED_FIELD_LABELS.get(field, field)})
        return phrases

    @property
    def description(self) -> str:
        return "; ".join(str(phrase) for phrase in self.describe())


# Clarification questions -----------------------------------------------------------------

QUESTION_MAX_LENGTH = 2000


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined")


QUESTION_LIFECYCLE = Lifecycle(
    states=QuestionStatus,
    transitions=[
        Transition("answer", (QuestionStatus.PENDING,), QuestionStatus.ANSWERED, timestamp="answered_at"),
        Transition("decline", (QuestionStatus.PENDING,), QuestionStatus.DECLINED, timestamp="declined_at"),
    ],
)


def questions_close_at(challenge: Challenge):
    """When a challenge stops taking questions: a configurable time before its deadline, per
    instrument (minimum_periods)."""
    if challenge is None or challenge.deadline is None:
        return None
    return challenge.deadline - minimum_periods(challenge.instrument)[1]


def questions_are_open(challenge: Challenge) -> bool:
    """Open and before questions close: time is data, computed with the server clock."""
    closes = questions_close_at(challenge)
    return challenge is not None and challenge.is_open and closes is not None and timezone.now() < closes


class Question(models.Model):
    """A company's clarification question on a published challenge. The answer is public to
    all; who asked is known only to the asking company (and the audit trail)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="questions")
    company = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at", "-created_at"]
        indexes = [models.Index(fields=["challenge", "status"])]
        verbose_name = _("clarification question")
        verbose_name_plural = _("clarification questions")

    def __str__(self) -> str:
        return f"Question {self.pk} on {self.challenge_id}"


# Proposals -----------------------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PROPOSAL_LIFECYCLE = Lifecycle(
    states=ProposalStatus,
    transitions=[
        Transition("withdraw", (ProposalStatus.SUBMITTED,), ProposalStatus.WITHDRAWN, timestamp="withdrawn_at")
    ],
)


class Proposal(models.Model):
    """A company's answer to a challenge. Sealed until the deadline: read it only through
    ponte.challenges.queries.proposals.proposals_visible_to()."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="proposals")
    company = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approach = models.TextField(_("approach"))
    # One answer per criterion of the challenge: [{"criterion_id", "criterion", "response"}]. The
    # criterion's name is kept with the answer, as the proposal was written against it.
    criteria_responses = models.JSONField(_("how the proposal meets each criterion"), default=list)
    team = models.TextField(_("team"))
    price = models.DecimalField(
        _("price (EUR, excluding VAT)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    timeline = models.TextField(_("timeline"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "company"],
                condition=models.Q(status="submitted"),
                name="one_proposal_per_company",
            )
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        # Shown in the audit trail and the admin: an id only, never the company or content.
        return f"Proposal {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:proposal", kwargs={"pk": self.pk})


# Evaluation ------------------------------------------------------------------------------

# Every criterion is scored on the same scale, so that weighted averages compare.
SCORE_MIN, SCORE_MAX = 0, 5
SCORE_SCALE = [
    (0, _("0 — not addressed")),
    (1, _("1 — poor")),
    (2, _("2 — weak")),
    (3, _("3 — adequate")),
    (4, _("4 — good")),
    (5, _("5 — excellent")),
]


class EvaluationStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Conflict of interest not declared yet")
    CLEARED = "cleared", _("Scoring")
    RECUSED = "recused", _("Recused: conflict of interest")
    COMPLETED = "completed", _("Completed")
    REMOVED = "removed", _("Assignment removed")


# Assigned and cleared evaluations are still to be done; recused and removed ones do not count.
PENDING_EVALUATION = (EvaluationStatus.ASSIGNED, EvaluationStatus.CLEARED)
COUNTED_EVALUATION = (*PENDING_EVALUATION, EvaluationStatus.COMPLETED)

EVALUATION_LIFECYCLE = Lifecycle(
    states=EvaluationStatus,
    transitions=[
        Transition("declare_no_conflict", (EvaluationStatus.ASSIGNED,), EvaluationStatus.CLEARED, "declared_at"),
        Transition("declare_conflict", (EvaluationStatus.ASSIGNED,), EvaluationStatus.RECUSED, "declared_at"),
        Transition("complete", (EvaluationStatus.CLEARED,), EvaluationStatus.COMPLETED, "completed_at"),
        # A programme manager sends a completed evaluation back to its evaluator, before the outcome.
        Transition("reopen", (EvaluationStatus.COMPLETED,), EvaluationStatus.CLEARED, "reopened_at"),
        Transition("unassign", PENDING_EVALUATION, EvaluationStatus.REMOVED, "removed_at"),
    ],
)


class Evaluation(models.Model):
    """One evaluator's evaluation of one proposal. The evaluator first declares whether they
    have a conflict of interest with the proposing company: a conflict recuses them, and
    they never read the proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="evaluations")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), on_delete=models.PROTECT, related_name="evaluations"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.ASSIGNED
    )
    conflict_note = models.TextField(_("the conflict of interest"), blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    declared_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    # Why a programme manager last sent it back, shown to the evaluator while they score again.
    reopen_reason = models.TextField(blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "evaluator"],
                condition=~models.Q(status="removed"),
                name="one_evaluation_per_evaluator_and_proposal",
            )
        ]
        indexes = [models.Index(fields=["evaluator", "status"])]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        # An id only: the audit trail must not name the company or the evaluator's view.
        return f"Evaluation {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:evaluation", kwargs={"pk": self.pk})


class Score(models.Model):
    """An evaluator's score of one criterion, with the comment that justifies it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    # Empty while the evaluator drafts: nothing they typed is lost. Completing requires both.
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_score_per_criterion")]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"Score {self.pk}"


# Award -----------------------------------------------------------------------------------


class Award(models.Model):
    """A proposal the public body chose. Public once made: supplier, value and date."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="awards")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="award")
    supplier = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="awards"
    )
    value = models.DecimalField(_("value (EUR, excluding VAT)"), max_digits=12, decimal_places=2)
    awarded_at = models.DateTimeField(_("date of award"), default=timezone.now)

    class Meta:
        ordering = ["awarded_at", "pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.supplier} — {self.challenge}"


class Contract(models.Model):
    """The signed contract (the pilot) that follows an award."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    title = models.CharField(_("title"), max_length=200)
    value = models.DecimalField(
        _("value (EUR, excluding VAT)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    date_signed = models.DateField(_("date signed"))
    period_start = models.DateField(_("start of the contract"))
    period_end = models.DateField(_("end of the contract"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date_signed", "pk"]
        indexes = [models.Index(fields=["recorded_at", "id"], name="contract_recorded_order")]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.title
