"""Certificates: a person who took part in a session (attendance recorded by the trainer) holds a
certificate of the course, with a verification code that anyone can check on a public page,
which tells nothing beyond the name, the course and the date. The certificate keeps the name,
course and length as they were when it was issued. With the person's consent it is also published
as an Open Badges 2.0 credential (a hosted assertion) that badge wallets and HR systems verify.
Attendance corrected to absent revokes it; the code then says so."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .sessions import Enrolment

# Crockford's base 32, without the letters read as digits (I, L, O, U): 12 characters, 60 bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def new_salt() -> str:
    """32 hexadecimal characters: the salt of the holder's address in their Open Badge."""
    return secrets.token_hex(16)


def normalised_code(text: str) -> str:
    """A code as typed (any case, spaces or hyphens, O for 0, I or L for 1) as it is kept."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


class Certificate(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    code = models.CharField(max_length=CODE_LENGTH + 2, unique=True, default=new_code)
    # As they were when it was issued: a certificate does not change with the course or the name.
    name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    hours = models.PositiveSmallIntegerField()
    completed_on = models.DateField()
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The person's consent to publish it as an Open Badges assertion; withdrawn, it is gone.
    badge_consent_at = models.DateTimeField(null=True, blank=True)
    # Salts the hash of the person's address in the badge, so it cannot be looked up.
    badge_salt = models.CharField(max_length=32, default=new_salt)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.code} — {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("learning:certificate", kwargs={"pk": self.pk})

    @property
    def verify_url(self) -> str:
        return f"{reverse('learning:verify')}?code={self.code}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def badge_published(self) -> bool:
        return self.badge_consent_at is not None and self.revoked_at is None
