"""Calls: a programme manager opens a call (with a deadline, or standing), changes it until it
closes, and may close it early. Every step is permission-checked, transactional and audited; a
call's phase is never written, it follows from its dates."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import audit, versions
from ponte.core import services as core_services
from ponte.core.services import clean_text, locked, require

from ..models import TEXT_LIMIT, THEME_LIMIT, THEMES_LIMIT, TITLE_LIMIT, Call

if TYPE_CHECKING:
    from ponte.accounts.models import User

FIELDS = ("title", "description", "themes", "opens_at", "closes_at")


def _moment(value, *, field: str, message: str, errors: dict, required: bool) -> datetime | None:
    if value is None and not required:
        return None
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors[field] = [message]
        return None
    return value


def _themes(themes, errors: dict) -> list[str]:
    """The call's priority themes, each given once, in the order given."""
    kept: list[str] = []
    for theme in themes or ():
        try:
            theme = clean_text(theme, limit=THEME_LIMIT, field="themes")
        except ValidationError as error:
            errors.setdefault("themes", []).extend(error.message_dict["themes"])
            return kept
        if theme and theme.casefold() not in {held.casefold() for held in kept}:
            kept.append(theme)
    if len(kept) > THEMES_LIMIT:
        errors.setdefault("themes", []).append(_("Give at most %(limit)s priority themes.") % {"limit": THEMES_LIMIT})
    return kept


def _checked(values: dict[str, Any], *, now: datetime, opening: bool) -> dict[str, Any]:
    """The call's fields as kept, or a ValidationError naming every field that is wrong."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a call: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    kept: dict[str, Any] = {}
    for name, limit, needed in (
        ("title", TITLE_LIMIT, _("Give the call a title.")),
        ("description", TEXT_LIMIT, _("Describe the call: who may apply, and what experiments it looks for.")),
    ):
        try:
            kept[name] = clean_text(values.get(name, ""), limit=limit, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    kept["themes"] = _themes(values.get("themes"), errors)
    opens = kept["opens_at"] = _moment(
        values.get("opens_at"),
        field="opens_at",
        message=_("Give the date and time the call opens."),
        errors=errors,
        required=True,
    )
    closes = kept["closes_at"] = _moment(
        values.get("closes_at"),
        field="closes_at",
        message=_("Give the deadline as a date and time, or leave it empty for a standing call."),
        errors=errors,
        required=False,
    )
    if opens and closes and closes <= opens:
        errors.setdefault("closes_at", []).append(_("The deadline must come after the call opens."))
    elif closes and opening and closes <= now:
        errors.setdefault("closes_at", []).append(_("The deadline would already be past: give a later one."))
    if errors:
        raise ValidationError(errors)
    return kept


def _audited(call: Call) -> dict:
    return {
        "title": call.title,
        "themes": call.themes,
        "opens_at": call.opens_at.isoformat(),
        "closes_at": call.closes_at.isoformat() if call.closes_at else None,
        "version": call.version,
    }


@transaction.atomic
def call_open(*, actor: User, **values) -> Call:
    """Open a call: it is public at once, and takes applications from its opening time."""
    require("sandbox.open_call", actor=actor)
    call = Call.objects.create(opened_by=actor, **_checked(values, now=timezone.now(), opening=True))
    audit.record(actor=actor, verb="open", target=call, after=_audited(call))
    return call


@transaction.atomic
def call_update(*, actor: User, call: Call, seen_version: int | None, **values) -> list[str]:
    """Change a call that is not closed. Refused with versions.StaleEdit when someone saved it
    since the person's page was opened; returns the names of what changed."""
    call = locked(call)
    require("sandbox.change_call", call, actor=actor)
    versions.check_seen(call, seen_version)
    cleaned = _checked(values, now=timezone.now(), opening=False)
    if not any(getattr(call, name) != value for name, value in cleaned.items()):
        return []
    names = core_services.update(call, {**cleaned, "version": call.version + 1}, actor=actor)
    return [name for name in names if name != "version"]


@transaction.atomic
def call_close(*, actor: User, call: Call) -> Call:
    """Close a call now: a standing call, or one whose deadline is still to come. Drafts written
    for it can no longer be sent; what was sent goes on."""
    call = locked(call)
    require("sandbox.close_call", call, actor=actor)
    core_services.update(call, {"closes_at": timezone.now(), "version": call.version + 1}, actor=actor, verb="close")
    return call
