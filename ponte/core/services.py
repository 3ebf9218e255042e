"""What every module's services do the same way: refuse a person without the permission, and
lock the row they change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models


def require(actor, perm: str, obj=None) -> None:
    """Refuse (PermissionDenied) unless the rules give `actor` the permission on `obj`."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def locked[M: models.Model](obj: M) -> M:
    """A fresh copy of `obj` whose row stays locked until the transaction ends, so that two
    people acting at once are served one after the other, each seeing the other's change."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
