"""Certificates as Open Badges 2.0 credentials, verified by hosting (the assertion is served at
its own `id`, which a badge wallet or an HR system fetches and checks): the issuer's profile,
one badge class per course, and one assertion per certificate its holder chose to publish. The
holder is named by a salted hash of their address, never by the address itself. Every `id` is
absolute, under PONTE_BASE_URL, so that it stays the same whoever asks."""

from __future__ import annotations

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse

from ponte.core.notifications import absolute

from .models import Certificate, Course

CONTEXT = "https://w3id.org/openbadges/v2"


def issuer() -> dict:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": absolute(reverse("learning:badge_issuer")),
        "name": str(settings.PONTE_SITE_NAME),
        "url": absolute("/"),
        "email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
    }


def badge_class(course: Course) -> dict:
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": absolute(reverse("learning:badge_class", kwargs={"pk": course.pk})),
        "name": course.title,
        "description": course.summary,
        "image": absolute(reverse("learning:badge_image", kwargs={"pk": course.pk})),
        "criteria": {
            "id": absolute(course.get_absolute_url()),
            "narrative": "Took part in a session of the course, attendance recorded by its trainer.",
        },
        "issuer": absolute(reverse("learning:badge_issuer")),
        "tags": course.skill_list,
    }


def assertion_id(certificate: Certificate) -> str:
    return absolute(reverse("learning:badge_assertion", kwargs={"code": certificate.code}))


def assertion(certificate: Certificate) -> dict:
    """The hosted assertion; revoked, it says so (and is served with 410 Gone)."""
    found = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_id(certificate),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": certificate.badge_salt,
            "identity": "sha256$"
            + hashlib.sha256(f"{certificate.person.email.lower()}{certificate.badge_salt}".encode()).hexdigest(),
        },
        "badge": absolute(reverse("learning:badge_class", kwargs={"pk": certificate.enrolment.session.course_id})),
        "verification": {"type": "hosted"},
        "issuedOn": certificate.issued_at.isoformat(),
        "evidence": absolute(certificate.verify_url),
    }
    if certificate.revoked_at is not None:
        found["revoked"] = True
        found["revocationReason"] = "Attendance was corrected: the holder did not take part."
    return found
