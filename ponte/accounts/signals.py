"""Failed sign-ins are logged for the operators, without the address itself (personal data)."""

import hashlib
import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("ponte.security")


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    login = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    fingerprint = hashlib.sha256(login.encode()).hexdigest()[:12] if login else "-"
    address = request.META.get("REMOTE_ADDR", "-") if request is not None else "-"
    logger.warning("Failed sign-in for account %s from %s", fingerprint, address)
