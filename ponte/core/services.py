"""What every module's services do the same way: refuse a person without the permission,
lock the row they change, and judge the text people type."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def require(actor, perm: str, obj=None) -> None:
    """Refuse (PermissionDenied) unless the rules give `actor` the permission on `obj`."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def locked[M: models.Model](obj: M) -> M:
    """A fresh copy of `obj` whose row stays locked until the transaction ends, so that two
    people acting at once are served one after the other, each seeing the other's change."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def clean_text(value, *, limit: int, field: str | None = None, required: str = "") -> str:
    """Typed text as a service keeps it, stripped. It is refused, with the message shown beside
    `field` (or above the form), when it is empty and `required` says why it is needed, when
    it holds a NUL character (which no database stores), or when it is longer than `limit`."""
    text = value.strip() if isinstance(value, str) else ""
    message = ""
    if not text and required:
        message = required
    elif "\x00" in text:
        message = _("The text contains characters that are not allowed.")
    elif len(text) > limit:
        message = _("Write at most %(max)s characters.") % {"max": number_format(limit, force_grouping=True)}
    if message:
        raise ValidationError({field: [message]} if field else message)
    return text
