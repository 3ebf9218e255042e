"""Reads of certificates: a person's own, and one found by its code for the public check."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Certificate, normalised_code


def certificates_of(person) -> QuerySet[Certificate]:
    return Certificate.objects.filter(person=person).order_by("-completed_on", "-pk")


def own_certificate(person, pk: int) -> Certificate | None:
    """The person's certificate; another's is as if it did not exist."""
    if not person.is_authenticated:
        return None
    return (
        Certificate.objects.select_related("person", "enrolment__session__course").filter(pk=pk, person=person).first()
    )


def certificate_by_code(text: str) -> Certificate | None:
    code = normalised_code(text)
    return Certificate.objects.filter(code=code).first() if code else None


def published_badge(code: str) -> Certificate | None:
    """A certificate whose holder chose to publish it as an Open Badge (revoked or not: a
    revoked badge says so)."""
    if normalised_code(code) != code:  # not a code as kept (nor one the database may be asked for)
        return None
    return (
        Certificate.objects.select_related("person", "enrolment__session")
        .filter(code=code, badge_consent_at__isnull=False)
        .first()
    )
