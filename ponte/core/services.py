"""What every module's services do the same way: refuse a person without the permission,
lock the row they change, and change fields with an audit record of before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from . import audit


def require(actor, perm: str, obj=None) -> None:
    """Refuse (PermissionDenied) unless the rules give `actor` the permission on `obj`."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def locked[M: models.Model](obj: M) -> M:
    """A fresh copy of `obj` whose row stays locked until the transaction ends, so that two
    people acting at once are served one after the other, each seeing the other's change."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _plain(value: Any) -> Any:
    """A value as the audit trail keeps it (JSON)."""
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def update_fields(obj: models.Model, *, actor, verb: str, changes: dict[str, Any], reason: str = "") -> list[str]:
    """Set the fields of `obj` that `changes` changes, save only those, and audit their values
    before and after under `verb`. Returns the names of the fields that changed (none: no
    save, no audit record)."""
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    if not changed:
        return []
    before = {name: _plain(getattr(obj, name)) for name in changed}
    for name in changed:
        setattr(obj, name, changes[name])
    update = changed + (["updated_at"] if any(f.name == "updated_at" for f in obj._meta.concrete_fields) else [])
    obj.save(update_fields=update)
    audit.record(
        actor=actor,
        verb=verb,
        target=obj,
        before=before,
        after={name: _plain(getattr(obj, name)) for name in changed},
        reason=reason,
    )
    return changed
