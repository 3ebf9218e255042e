"""Certificates follow attendance: a person recorded as having come holds a certificate of the
course, issued once with its code; recorded absent after all, the certificate is revoked (and the
code says so); recorded present again, it is valid again under the same code. The person alone
consents to publishing it as an Open Badge, and may withdraw the consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ponte.core import audit, notifications
from ponte.core.services import locked

from ..models import Certificate, Enrolment

if TYPE_CHECKING:
    from ponte.accounts.models import User


def follow_attendance(enrolment: Enrolment, *, came: bool, actor: User) -> Certificate | None:
    """Issue, revoke or reinstate the enrolment's certificate; inside the caller's transaction."""
    certificate = Certificate.objects.select_for_update().filter(enrolment=enrolment).first()
    now = timezone.now()
    if came and certificate is None:
        session = enrolment.session
        certificate = Certificate.objects.create(
            enrolment=enrolment,
            person=enrolment.person,
            name=enrolment.person.name or enrolment.person.email,
            course_title=session.course.title,
            hours=session.course.hours,
            completed_on=timezone.localdate(session.ends_at),
            issued_at=now,
            # 32 hexadecimal characters, as the field holds (the model's default gives 64).
        )
        audit.record(actor=actor, verb="issue", target=certificate, after={"code": certificate.code})
        notifications.notify(
            [enrolment.person],
            "learning.certificate_issued",
            params={"course": certificate.course_title},
            url=certificate.get_absolute_url(),
        )
    elif certificate is not None and came == (certificate.revoked_at is not None):
        certificate.revoked_at = None if came else now
        certificate.save(update_fields=["revoked_at"])
        verb = "reinstate" if came else "revoke"
        audit.record(actor=actor, verb=verb, target=certificate, after={"valid": came})
    return certificate


@transaction.atomic
def badge_consent_set(*, actor: User, certificate: Certificate, consent: bool) -> Certificate:
    """Publish the certificate as an Open Badge, or stop publishing it: its holder's choice alone."""
    certificate = locked(certificate)
    if not actor.is_authenticated or certificate.person_id != actor.pk:
        raise PermissionDenied("learning.publish_badge")
    if consent == (certificate.badge_consent_at is not None):
        return certificate
    certificate.badge_consent_at = timezone.now() if consent else None
    certificate.save(update_fields=["badge_consent_at"])
    audit.record(
        actor=actor,
        verb="publish_badge" if consent else "withdraw_badge",
        target=certificate,
        before={"published": not consent},
        after={"published": consent},
    )
    return certificate
