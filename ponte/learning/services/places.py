"""The one rule of a session's places: whenever a place may have freed (a cancellation, an
approval, more places), the first on the waiting list are enrolled, in the order they joined it,
until the session is full. The caller holds the session's row locked, so two people acting at
once are served one after the other and a session never holds more than its places."""

from __future__ import annotations

from ponte.core import notifications

from ..models import ENROLMENT_LIFECYCLE, Enrolment, EnrolmentStatus, Session


def fill_places(session: Session, *, actor) -> list:
    """Enrol the first waiting while places are free; returns the people enrolled, who are told."""
    enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    free = session.capacity - enrolled
    if free <= 0:
        return []
    promoted = []
    queue = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(session=session, status=EnrolmentStatus.WAITING)
        .order_by("queued_at", "pk")
        .select_related("person")[:free]
    )
    for enrolment in queue:
        ENROLMENT_LIFECYCLE.apply(enrolment, "promote", actor=actor)
        promoted.append(enrolment.person)
    notifications.notify(
        [person for person in promoted if person != actor],
        "learning.enrolled",
        params={"session": str(session)},
        url=session.get_absolute_url(),
    )
    return promoted
