"""Reads of sessions and enrolments."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from ponte.organisations.queries import administered_by

from ..models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus, Session


def session_for(pk: int, now: datetime | None = None) -> Session | None:
    """A session with its course, its trainer, its phase and its places. Sessions are public."""
    return (
        Session.objects.with_phase(now)
        .with_places()
        .select_related("course", "trainer")
        .prefetch_related("course__skills")
        .filter(pk=pk)
        .first()
    )


def enrolment_of(person, session: Session) -> Enrolment | None:
    """The person's enrolment in the session that is still on, else their latest one."""
    if not person.is_authenticated:
        return None
    held = list(session.enrolments.filter(person=person).order_by("-requested_at", "-pk")[:5])
    active = [enrolment for enrolment in held if enrolment.status in ACTIVE_STATUSES]
    found = active[0] if active else (held[0] if held else None)
    if found is not None:
        found.session = session
    return found


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first on the waiting list."""
    if enrolment is None or enrolment.status != EnrolmentStatus.WAITING:
        return None
    ahead = Q(queued_at__lt=enrolment.queued_at) | Q(queued_at=enrolment.queued_at, pk__lt=enrolment.pk)
    return enrolment.session.enrolments.filter(ahead, status=EnrolmentStatus.WAITING).count() + 1


def participants(session: Session) -> QuerySet[Enrolment]:
    """Everyone enrolled or waiting, in the order they joined: for the trainer and the programme managers."""
    return (
        session.enrolments.filter(status__in=ACTIVE_STATUSES)
        .select_related("person", "organisation")
        .order_by("status", "queued_at", "requested_at", "pk")
    )


def enrolled(session: Session) -> QuerySet[Enrolment]:
    return (
        session.enrolments.filter(status=EnrolmentStatus.ENROLLED)
        .select_related("person")
        .order_by("person__name", "pk")
    )


def learning_of(person, now: datetime | None = None) -> QuerySet[Enrolment]:
    """A person's enrolments, newest session first, each with its session's course and phase."""
    return (
        Enrolment.objects.filter(person=person).select_related("session__course").order_by("-session__starts_at", "-pk")
    )


def awaiting_approval(admin) -> QuerySet[Enrolment]:
    """Requests to enrol that an organisation admin may decide: of people in their organisations,
    for sessions still to start."""
    return (
        Enrolment.objects.filter(
            organisation__in=administered_by(admin),
            status=EnrolmentStatus.REQUESTED,
            session__in=Session.objects.upcoming(),
        )
        .select_related("person", "organisation", "session__course")
        .order_by("session__starts_at", "requested_at", "pk")
    )


def calendar_sessions(person) -> QuerySet[Session]:
    """The sessions a person is enrolled in: their calendar file. A session cancelled stays in
    it, marked cancelled, so that their calendar application removes it — when the person had a
    place in it (those only waiting or asking never had it in their calendar)."""
    enrolled = Q(enrolments__person=person, enrolments__status=EnrolmentStatus.ENROLLED)
    called_off = Q(
        enrolments__person=person,
        enrolments__status=EnrolmentStatus.CANCELLED,
        enrolments__enrolled_at__isnull=False,
        cancelled_at__isnull=False,
    )
    return Session.objects.filter(enrolled | called_off).select_related("course").distinct().order_by("starts_at", "pk")
