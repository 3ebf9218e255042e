"""Sessions of a course, and who takes part. A session has dates, a place or an online link, a
capacity and a trainer; its phase (upcoming, running, over) follows from its dates, unless it
was cancelled. People enrol while it is upcoming: when it is full they join its waiting list,
and the first waiting is enrolled as soon as a place frees. A session may ask for each person's
enrolment to be approved by their manager (an admin of their organisation) first. The trainer
records attendance once it has begun."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.statemachine import Lifecycle, Transition
from ponte.core.versions import Versioned

from .catalogue import Course

PLACE_LIMIT = 300
REASON_LIMIT = 2000
MAX_CAPACITY = 1000


class SessionPhase(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("learning session", "Upcoming")
    RUNNING = "running", pgettext_lazy("learning session", "Under way")
    OVER = "over", pgettext_lazy("learning session", "Over")
    CANCELLED = "cancelled", pgettext_lazy("learning session", "Cancelled")


class SessionQuerySet(models.QuerySet):
    """A session's phase, defined here once for the database (Session.phase_at reads the same
    rule on one session)."""

    @staticmethod
    def phase_expression(now: datetime | None = None) -> models.Case:
        now = now or timezone.now()
        return models.Case(
            models.When(cancelled_at__isnull=False, then=models.Value(SessionPhase.CANCELLED.value)),
            models.When(starts_at__gt=now, then=models.Value(SessionPhase.UPCOMING.value)),
            models.When(ends_at__gt=now, then=models.Value(SessionPhase.RUNNING.value)),
            default=models.Value(SessionPhase.OVER.value),
            output_field=models.CharField(),
        )

    def with_phase(self, now: datetime | None = None) -> SessionQuerySet:
        return self.annotate(phase_now=self.phase_expression(now))

    def upcoming(self, now: datetime | None = None) -> SessionQuerySet:
        return self.filter(cancelled_at__isnull=True, starts_at__gt=now or timezone.now())

    def with_places(self) -> SessionQuerySet:
        """Each with how many are enrolled and waiting."""
        return self.annotate(
            enrolled_count=models.Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waiting_count=models.Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )


class Session(Versioned):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=PLACE_LIMIT, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"))
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    needs_approval = models.BooleanField(_("enrolment approved by the person's manager"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["course", "starts_at"], name="learning_session_course_starts")]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.course.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("learning:session", kwargs={"pk": self.pk})

    def phase_at(self, now: datetime) -> str:
        if self.cancelled_at is not None:
            return SessionPhase.CANCELLED
        if now < self.starts_at:
            return SessionPhase.UPCOMING
        if now < self.ends_at:
            return SessionPhase.RUNNING
        return SessionPhase.OVER

    @property
    def phase(self) -> str:
        return SessionPhase(self.__dict__.get("phase_now") or self.phase_at(timezone.now()))

    def get_phase_display(self) -> str:
        return SessionPhase(self.phase).label

    @property
    def places_left(self) -> int | None:
        """Read with SessionQuerySet.with_places; None otherwise."""
        enrolled = self.__dict__.get("enrolled_count")
        return None if enrolled is None else max(self.capacity - enrolled, 0)

    @property
    def is_online(self) -> bool:
        return bool(self.online_link) and not self.place


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("enrolment", "Waiting for your manager's approval")
    WAITING = "waiting", pgettext_lazy("enrolment", "On the waiting list")
    ENROLLED = "enrolled", pgettext_lazy("enrolment", "Enrolled")
    REFUSED = "refused", pgettext_lazy("enrolment", "Not approved")
    CANCELLED = "cancelled", pgettext_lazy("enrolment", "Cancelled")


# A person holds at most one enrolment in these states in a session (a database constraint).
ACTIVE_STATUSES = (EnrolmentStatus.REQUESTED, EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED)

ENROLMENT_LIFECYCLE = Lifecycle(
    states=EnrolmentStatus,
    transitions=[
        # An approved request joins the queue; the service enrols it at once if a place is free.
        Transition("approve", (EnrolmentStatus.REQUESTED,), EnrolmentStatus.WAITING, "decided_at"),
        Transition("refuse", (EnrolmentStatus.REQUESTED,), EnrolmentStatus.REFUSED, "decided_at"),
        Transition("promote", (EnrolmentStatus.WAITING,), EnrolmentStatus.ENROLLED, "enrolled_at"),
        Transition("cancel", ACTIVE_STATUSES, EnrolmentStatus.CANCELLED, "cancelled_at"),
    ],
)


class Enrolment(models.Model):
    """A person's place in a session, or their place in its queue. `queued_at` orders the waiting
    list: first come, first enrolled."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    # The organisation whose admins approve it, when the session asks for a manager's approval.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refuse_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # None until the trainer records it.
    attended = models.BooleanField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    # The start the person was reminded of: a session moved is reminded again.
    reminded_for = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(status__in=["requested", "waiting", "enrolled"]),
                name="learning_enrolment_once",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status", "queued_at"], name="learning_enrolment_queue"),
            models.Index(fields=["person", "status"], name="learning_enrolment_person"),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.person} — {self.session}"
