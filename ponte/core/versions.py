"""Edit forms two people can hold at once. Each save moves the object's version on; a save made
from a page showing an older version is refused, nothing is written, and the person is shown
what changed meanwhile — who, when, and each field as it now stands — with everything they
typed still in the form, to merge by hand and save again.

What changed is read from the audit trail, where every save records the version it made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime

from . import services

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Change:
    field: str
    who: str
    when: datetime
    now: Any  # the value as it now stands


class StaleEdit(Exception):
    """The object was saved by someone else since the page was opened."""

    def __init__(self, current_version: int, changes: list[Change]):
        super().__init__("stale edit")
        self.current_version = current_version
        self.changes = changes


def changes_since(obj: Versioned, seen: int) -> list[Change]:
    """The fields saved after version `seen`, the last change of each first, as they now stand."""
    from .models import AuditEvent

    events = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj),
        target_id=str(obj.pk),
        after__version__gt=seen,
    ).order_by("-created_at", "-pk")
    changes: dict[str, Change] = {}
    for event in events:
        for name in event.after:
            if name != "version" and name not in changes:
                changes[name] = Change(name, event.actor_label, event.created_at, _now(obj, name))
    return list(changes.values())


def _now(obj, name: str):
    """A field's value as a person reads it: a choice by its label, a relation by its items."""
    display = getattr(obj, f"get_{name}_display", None)
    if display is not None:
        return display()
    value = getattr(obj, name, None)
    if hasattr(value, "all"):
        return ", ".join(str(item) for item in value.all())
    return value


def check_seen(obj: Versioned, seen: int | None) -> None:
    """Refuse with StaleEdit when `obj` has moved past the version `seen` on the person's page."""
    if seen != obj.version:
        raise StaleEdit(obj.version, changes_since(obj, seen or 0))


def update_seen(obj: Versioned, seen: int | None, fields: dict[str, Any], *, actor: AbstractBaseUser, **kwargs):
    """services.update, refused with StaleEdit when `obj` (locked by the caller) has moved past
    the version `seen` on the person's page. A save that changes something moves the version
    on, in the same audit record."""
    check_seen(obj, seen)
    relations = kwargs.get("relations") or {}
    relation_changed = any(
        {item.pk for item in getattr(obj, name).all()} != {item.pk for item in targets}
        for name, targets in relations.items()
        if targets is not None
    )
    if relation_changed or any(getattr(obj, name) != value for name, value in fields.items()):
        fields = {**fields, "version": obj.version + 1}
    return services.update(obj, fields, actor=actor, **kwargs)


class VersionField(forms.IntegerField):
    """The version the page showed, sent back with the form."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, required=False, **kwargs)


def refuse_stale(form: forms.Form, stale: StaleEdit, message: str) -> list[dict]:
    """Tell the form's person their save was refused, keep all they typed, and let their next
    save, made knowingly, go through: the form now carries the current version. Returns what
    changed, as includes/stale_edit.html shows it."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(stale.current_version)
    form.data = data
    form.add_error(None, message)
    return [
        {
            "field": form.fields[change.field].label if change.field in form.fields else change.field,
            "who": change.who,
            "when": date_format(localtime(change.when), "DATETIME_FORMAT"),
            "now": "—" if change.now in (None, "") else str(change.now),
        }
        for change in stale.changes
    ]
