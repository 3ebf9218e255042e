"""Matching a round: a programme manager runs the matcher (ponte.exchange.matching) on the
round's approved applications; it proposes pairs of a public servant and a company employee who
swap jobs in the same week, and lists who could not be paired and why. The manager locks or
excludes pairs and runs it again, then sends the proposals; a pair is final once both people
accept it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned
from ponte.reference.models import Sector


def _name(person) -> str:
    return person.name or person.email


class PairStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("pair", "Proposed")
    CONFIRMED = "confirmed", pgettext_lazy("pair", "Confirmed")
    DECLINED = "declined", pgettext_lazy("pair", "Declined")
    EXCLUDED = "excluded", pgettext_lazy("pair", "Excluded")
    CANCELLED = "cancelled", pgettext_lazy("pair", "Cancelled")


# The pairs that hold their two people: a person is in at most one of them in a round.
HOLDING_STATUSES = (PairStatus.PROPOSED, PairStatus.CONFIRMED)
# The pairs never proposed again: one of the two declined it, a manager excluded it, or it was
# cancelled after it was confirmed.
REFUSED_STATUSES = (PairStatus.DECLINED, PairStatus.EXCLUDED, PairStatus.CANCELLED)

PAIR_LIFECYCLE = Lifecycle(
    states=PairStatus,
    transitions=[
        # The second of the two people accepts: the pair is final.
        Transition("confirm", (PairStatus.PROPOSED,), PairStatus.CONFIRMED, timestamp="decided_at"),
        Transition("decline", (PairStatus.PROPOSED,), PairStatus.DECLINED, timestamp="decided_at"),
        Transition("exclude", (PairStatus.PROPOSED,), PairStatus.EXCLUDED, timestamp="decided_at"),
        # A confirmed exchange called off by one of its people or a programme manager: its
        # people and their organisations' places are free again.
        Transition("cancel", (PairStatus.CONFIRMED,), PairStatus.CANCELLED, timestamp="decided_at"),
    ],
)


class Answer(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("pair answer", "Accepted")
    DECLINED = "declined", pgettext_lazy("pair answer", "Declined")


class UnmatchedReason(models.TextChoices):
    """The matcher's reasons (ponte.exchange.matching.Unmatched)."""

    NO_COMMON_WEEK = "no_common_week", _("No common week")
    NO_FEASIBLE_PARTNER = "no_feasible_partner", _("No possible partner")
    ORGANISATION_FULL = "organisation_full", _("Organisation full")
    PARTNERS_TAKEN = "partners_taken", _("Partners taken")


# Each reason in words, for the programme managers who decide what to change.
UNMATCHED_EXPLAINED = {
    UnmatchedReason.NO_COMMON_WEEK: _("Nobody on the other side is free in the same working days."),
    UnmatchedReason.NO_FEASIBLE_PARTNER: _(
        "Everyone free in the same days is ruled out: the same organisation, a pair refused before, "
        "or another region without both willing to travel."
    ),
    UnmatchedReason.ORGANISATION_FULL: _("Their organisation's places for guests are all taken."),
    UnmatchedReason.PARTNERS_TAKEN: _(
        "Everyone who could be their partner is in a pair that adds more to the round, "
        "or is of an organisation whose places are taken."
    ),
}


class MatchRun(models.Model):
    """One run of the matcher on a round: what it was given and what it found. The round's
    pairs are those of its latest run, with the pairs kept from before."""

    round = models.ForeignKey("exchange.Round", on_delete=models.CASCADE, related_name="match_runs")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    run_at = models.DateTimeField(auto_now_add=True)
    public_applicants = models.PositiveIntegerField()
    company_applicants = models.PositiveIntegerField()
    pairs = models.PositiveIntegerField()
    kept_pairs = models.PositiveIntegerField()
    total_score = models.PositiveIntegerField()

    class Meta:
        ordering = ["-run_at", "-pk"]
        get_latest_by = ["run_at", "pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.round} — {self.run_at:%Y-%m-%d %H:%M}"


class Pair(Versioned):
    """A public servant and a company employee who swap jobs in the same week: each a guest at
    the other's organisation from `slot_starts` to `slot_ends`. Each pair of two people exists
    once: declined or excluded, it stays, so that it is never proposed again."""

    round = models.ForeignKey("exchange.Round", on_delete=models.CASCADE, related_name="pairs")
    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="+")
    public = models.ForeignKey("exchange.Application", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("exchange.Application", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    # [[code, value, guest, points], …] as ponte.exchange.matching.Reason.
    reasons = models.JSONField(default=list)
    slot_starts = models.DateField(_("first day"))
    slot_ends = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=16, choices=PairStatus.choices, default=PairStatus.PROPOSED)
    # A locked pair stays as it is when the matcher runs again.
    locked = models.BooleanField(default=False)
    # When the two people were asked; until then the pair is the manager's draft.
    sent_at = models.DateTimeField(null=True, blank=True)
    public_answer = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    company_answer = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    # Why one of the two declined, or why a manager excluded the pair: for the programme managers.
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Each host organisation's plan for its guest: the public body's for the company employee,
    # the company's for the public servant. `version` (Versioned) moves on with each plan saved.
    public_mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public_programme = models.TextField(_("programme"), blank=True)
    company_mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    company_programme = models.TextField(_("programme"), blank=True)
    # When its people and mentors were reminded that it comes (cleared when its days move) and
    # asked to answer its survey once it was over: each is sent once.
    reminded_at = models.DateTimeField(null=True, blank=True)
    survey_asked_at = models.DateTimeField(null=True, blank=True)
    # The iCalendar SEQUENCE of the exchange: one more at each change of its days or its status,
    # so that calendars replace what they hold.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["public", "company"], name="one_pair_of_two_people"),
            models.UniqueConstraint(
                fields=["public"], condition=Q(status__in=HOLDING_STATUSES), name="one_pair_a_public_applicant"
            ),
            models.UniqueConstraint(
                fields=["company"], condition=Q(status__in=HOLDING_STATUSES), name="one_pair_a_company_applicant"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"], name="pair_by_round")]
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")

    def __str__(self) -> str:
        return f"{self.public_id} ↔ {self.company_id} ({self.round_id})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:pair", kwargs={"pk": self.pk})

    def answer_of(self, application_id: int) -> str:
        return self.public_answer if application_id == self.public_id else self.company_answer

    def explained(self) -> list[tuple[str, int]]:
        """Why the pair scores what it does, a sentence and its points each (read with its
        applications and their people)."""
        applications = {"public": self.public, "company": self.company}
        people = {"public": self.public.applicant, "company": self.company.applicant}
        hosts = {"public": "company", "company": "public"}

        def as_typed(values, typed) -> str:
            # The matcher compares words whatever their case: show them as the person typed them.
            spelled = {word.casefold(): word for word in typed}
            return ", ".join(spelled.get(value, value) for value in values)

        lines = []
        for code, value, guest, points in self.reasons:
            names = {}
            if guest:
                names = {"guest": _name(people[guest]), "host": _name(people[hosts[guest]])}
            if code == "shared_interest":
                text = gettext("%(guest)s wants to learn what %(host)s offers: %(topics)s.") % {
                    **names,
                    "topics": as_typed(value, applications[hosts[guest]].skills),
                }
            elif code == "sector_wanted":
                label = Sector(value).label if value in Sector.values else value
                text = gettext("%(guest)s wants to visit the sector of %(host)s: %(sector)s.") % {
                    **names,
                    "sector": label,
                }
            elif code == "shared_language":
                text = gettext("They share a language: %(languages)s.") % {
                    "languages": as_typed(value, self.public.languages)
                }
            elif code == "same_region":
                text = gettext("Both work in the same region: neither has to travel.")
            elif code == "locked":
                text = gettext("A programme manager locked this pair.")
            else:
                continue
            lines.append((text, points))
        return lines


class Unmatched(models.Model):
    """An approved applicant the run could not pair, and why."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    application = models.ForeignKey("exchange.Application", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=32, choices=UnmatchedReason.choices)

    class Meta:
        ordering = ["run", "pk"]
        verbose_name = _("applicant not paired")
        verbose_name_plural = _("applicants not paired")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.reason}"

    @property
    def explained(self) -> str:
        return UNMATCHED_EXPLAINED[UnmatchedReason(self.reason)]


class CalendarFeed(models.Model):
    """A person's private calendar address: their exchanges, for a calendar application to
    subscribe to without signing in. Only a hash of its secret is kept; the person sees the
    address once, and replaces or stops it at will."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.person} ({self.created_at:%Y-%m-%d})"
