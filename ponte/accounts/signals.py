"""Failed sign-ins are logged for the operators, without the address itself (personal data);
a second factor added, removed or reset is audited like every other write; a person signing
in reads Ponte in their account's language from that moment; a person changed in any way is
read afresh at their next request."""

import hashlib
import logging

from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

from ponte.core import audit
from ponte.core.pagecache import forget_person

from .models import User

logger = logging.getLogger("ponte.security")


@receiver(user_logged_in, dispatch_uid="ponte-language-at-sign-in")
def speak_their_language(sender, request, user, **kwargs):
    """The message that greets a person is made in the request that signs them in, whose
    language was the visitor's until then: it is in their account's language, as every page
    after it."""
    if user.language and request is not None:
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    login = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    fingerprint = hashlib.sha256(login.encode()).hexdigest()[:12] if login else "-"
    address = request.META.get("REMOTE_ADDR", "-") if request is not None else "-"
    logger.warning("Failed sign-in for account %s from %s", fingerprint, address)


@receiver(authenticator_added, dispatch_uid="ponte-audit-authenticator-added")
@receiver(authenticator_removed, dispatch_uid="ponte-audit-authenticator-removed")
@receiver(authenticator_reset, dispatch_uid="ponte-audit-authenticator-reset")
def audit_second_factor(sender, user, authenticator, signal, **kwargs):
    verb = {
        authenticator_added: "add_second_factor",
        authenticator_removed: "remove_second_factor",
        authenticator_reset: "reset_second_factor",
    }[signal]
    # What kind of factor, never its secret.
    audit.record(actor=user, verb=verb, target=user, after={"type": authenticator.type})


@receiver(post_save, sender=User, dispatch_uid="ponte-person-changed")
@receiver(post_delete, sender=User, dispatch_uid="ponte-person-deleted")
def read_person_afresh(sender, instance, **kwargs):
    """The person each request reads is kept for them (backends.py): a new password, an
    account deactivated or a new name holds from their next request — in every session, so
    that a password changed signs the others out at once. Not every such save is audited (a
    sign-in sets the time of the last one, allauth changes a password)."""
    forget_person(instance.pk)
