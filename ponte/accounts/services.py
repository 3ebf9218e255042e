from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ponte.core import audit
from ponte.core.pagecache import every_page, kept_for_person
from ponte.core.services import update

from .models import ApiToken, TokenScope, User, hash_token

TWO_FACTOR = every_page("two-factor")
# Where the person was read with whether they have an authenticator (backends.py annotates it).
TWO_FACTOR_READ_WITH_PERSON = "two_factor_now"


def two_factor_expression() -> Exists:
    return Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))


def has_two_factor(user) -> bool:
    """Whether a person has an authenticator app set up. Asked at every request of those who
    must have one: read with the person where they were read so, else kept for them until the
    next write; adding or removing one is audited (signals.py), which is such a write."""
    read_with_person = getattr(user, TWO_FACTOR_READ_WITH_PERSON, None)
    if read_with_person is not None:
        return read_with_person
    return kept_for_person(
        user.pk, TWO_FACTOR, lambda: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


@transaction.atomic
def profile_update(*, user, name: str, language: str) -> User:
    """The person as stored is changed, not as the request holds them (a form bound to that
    object has already written the new values on it, which would leave nothing to compare and
    save); they are returned as changed."""
    person = User.objects.select_for_update().get(pk=user.pk)
    update(person, {"name": name, "language": language}, actor=user, verb="update_profile")
    return person


@transaction.atomic
def api_token_create(*, user, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    if scope not in TokenScope.values:
        raise ValueError(scope)
    raw = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, scope=scope, key_prefix=raw[:12], key_hash=hash_token(raw))
    audit.record(actor=user, verb="create_api_token", target=user, after={"token": token.name, "scope": scope})
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, verb="revoke_api_token", target=token.user, before={"token": token.name})
    return token


def api_token_authenticate(raw: str):
    """The active user a token belongs to, with the token, or (None, None)."""
    if not raw or not raw.startswith("ponte_") or len(raw) > 100:
        return None, None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None, None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


ERASED_NAME = "Erased account"


@transaction.atomic
def account_erase(*, user) -> None:
    """Erase a person's account (GDPR article 17).

    Their personal data goes: e-mail addresses, name, memberships, requests, notifications,
    preferences, tokens and second factors. The account row stays, anonymised and unable to
    sign in, so that the audit trail of decisions already taken still holds together.
    An organisation's only admin must hand over first: an organisation keeps an admin.
    """
    from allauth.account.models import EmailAddress
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from ponte.organisations.models import Membership, Role

    sole_admin_of = [
        m.organisation.name
        for m in Membership.objects.filter(user=user, role=Role.ADMIN).select_related("organisation")
        if not Membership.objects.filter(organisation=m.organisation, role=Role.ADMIN).exclude(user=user).exists()
    ]
    if sole_admin_of:
        raise ValidationError(
            _("You are the only admin of %(organisations)s. Make another member an admin first.")
            % {"organisations": ", ".join(sole_admin_of)}
        )
    user.memberships.all().delete()
    user.join_requests.all().delete()
    user.notifications.all().delete()
    user.notification_preferences.all().delete()
    user.api_tokens.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.name = ERASED_NAME
    user.is_active = False
    user.is_programme_manager = user.is_evaluator = user.is_sponsor = user.is_moderator = False
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    audit.record(actor=None, verb="erase_account", target=user, reason="At the person's own request")
