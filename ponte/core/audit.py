"""The append-only audit trail: who did what to which object, when, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def record(
    *,
    actor: AbstractBaseUser | None,
    verb: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
):
    from .models import AuditEvent
    from .pagecache import invalidate

    # Every write is audited, so every write is where kept public pages stop being current.
    invalidate()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=str(actor) if authenticated else "",
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:255],
        before=before or {},
        after=after or {},
        reason=reason,
    )


def events_visible_to(user):
    """The audit trail as `user` may read it: without the events of sealed objects they may not
    see yet, whose very actor would tell who bid before the deadline."""
    from .attachments import sealed_from
    from .models import AuditEvent

    hidden = sealed_from(user)
    return AuditEvent.objects.exclude(hidden) if hidden else AuditEvent.objects.all()
