from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from ponte.core import audit

from .models import ApiToken, TokenScope, hash_token


def has_two_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@transaction.atomic
def profile_update(*, user, name: str, language: str) -> None:
    before = {"name": user.name, "language": user.language}
    user.name, user.language = name, language
    user.save(update_fields=["name", "language"])
    audit.record(
        actor=user, verb="update_profile", target=user, before=before, after={"name": name, "language": language}
    )


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
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
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
