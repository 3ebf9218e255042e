"""What every module's services do the same way: refuse a person without the permission,
lock the row they change, write a change with its audit record, and judge the text people
type."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import audit

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def require(perm: str, obj=None, *, actor: AbstractBaseUser) -> None:
    """Refuse (PermissionDenied) unless the rules give `actor` the permission on `obj`."""
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


def locked[M: models.Model](obj: M) -> M:
    """A fresh copy of `obj` whose row stays locked until the transaction ends, so that two
    people acting at once are served one after the other, each seeing the other's change."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _shown(value) -> Any:
    """A value as the audit trail keeps it (JSON): text, except what JSON holds as it is."""
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def update[M: models.Model](
    obj: M,
    fields: dict[str, Any],
    *,
    actor: AbstractBaseUser,
    relations: dict[str, Iterable[models.Model] | None] | None = None,
    written: dict[str, tuple[Any, Any]] | None = None,
    check: Callable[[M], None] | None = None,
    verb: str = "update",
    audited: bool = True,
) -> list[str]:
    """Change `obj`'s `fields` and its many-to-many `relations` (name: what it holds after;
    None leaves a relation as it is),
    and audit the change in one record with each changed value before and after. `written`
    adds what the caller changed itself (name: (before, after)); `check(obj)` sees the new
    values before anything is saved, and may refuse. Nothing is saved or audited when
    nothing changed; the names changed are returned. `audited=False` is for a caller that
    records the change in its own words (an amendment)."""
    changed = {name: value for name, value in fields.items() if getattr(obj, name) != value}
    before = {name: _shown(getattr(obj, name)) for name in changed}
    after = {name: _shown(value) for name, value in changed.items()}
    new_relations = {}
    for name, targets in (relations or {}).items():
        if targets is None:
            continue
        targets = list(targets)
        held = sorted(str(target) for target in getattr(obj, name).all())
        wanted = sorted(str(target) for target in targets)
        if held != wanted:
            new_relations[name] = targets
            before[name], after[name] = held, wanted
    for name, (was, now) in (written or {}).items():
        before[name], after[name] = was, now
    if not before:
        return []
    for name, value in changed.items():
        setattr(obj, name, value)
    if check is not None:
        check(obj)
    if changed:
        obj.save()
    for name, targets in new_relations.items():
        getattr(obj, name).set(targets)
    if audited:
        audit.record(actor=actor, verb=verb, target=obj, before=before, after=after)
    return list(before)


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
