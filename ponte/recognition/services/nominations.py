"""Nominations: anyone signed in nominates a person, a team, a lab project or an exemption in a
category while the programme's nominations are open, with a statement, and withdraws their
nomination until they close. A lab project or an exemption is one the person may see, named by
its own module (core.links), which recognition never imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ponte.accounts.models import User
from ponte.core import audit
from ponte.core.registry import registry
from ponte.core.services import clean_text, locked, require

from ..models import (
    LESSON_KINDS,
    LINKED_MODELS,
    NOMINATION_LIFECYCLE,
    STATEMENT_LIMIT,
    TITLE_LIMIT,
    Category,
    Nomination,
    NominationStatus,
    NomineeKind,
    ProgrammePhase,
)


def kinds_offered() -> list[tuple[str, str]]:
    """The kinds of nominee this platform offers: a project or an exemption only where the
    module that holds them is installed."""
    return [
        (kind.value, kind.label)
        for kind in NomineeKind
        if kind not in LINKED_MODELS or LINKED_MODELS[kind] in registry.linked_models
    ]


def linked_title(user, kind: str, linked_id: int | None) -> str | None:
    """The title of the project or exemption `linked_id` when `user` may see it, else None."""
    linked = registry.linked_models.get(LINKED_MODELS.get(kind, ""))
    if linked is None or linked_id is None:
        return None
    found = linked.shown(user, [linked_id]).get(linked_id)
    return found[0] if found else None


def _window_closed(category: Category) -> ValidationError:
    programme = category.programme
    when = {"date": date_format(localtime(programme.nominations_open_at), "DATETIME_FORMAT")}
    if programme.phase == ProgrammePhase.UPCOMING:
        return ValidationError(_("Nominations for this programme open on %(date)s.") % when)
    when = {"date": date_format(localtime(programme.nominations_close_at), "DATETIME_FORMAT")}
    return ValidationError(_("Nominations for this programme closed on %(date)s.") % when)


@transaction.atomic
def nominate(
    *, actor: User, category: Category, kind, nominee="", organisation="", linked_id=None, statement
) -> Nomination:
    programme = locked(category.programme)
    category.programme = programme
    if programme.phase != ProgrammePhase.NOMINATING:
        raise _window_closed(category)
    require("recognition.nominate", programme, actor=actor)
    errors: dict[str, list[str]] = {}
    if kind not in dict(kinds_offered()):
        errors["kind"] = [_("Choose who or what you nominate.")]
    elif category.for_lessons and kind not in LESSON_KINDS:
        errors["kind"] = [_("A lesson from an experiment is nominated as a lab project or an exemption.")]
    kept = {"organisation": ""}
    if kind in LINKED_MODELS:
        title = linked_title(actor, kind, linked_id) if isinstance(linked_id, int) else None
        if title is None:
            field = "project" if kind == NomineeKind.PROJECT else "exemption"
            errors[field] = [
                _("Choose a lab project you can see, from the suggestions.")
                if kind == NomineeKind.PROJECT
                else _("Choose an exemption from the suggestions.")
            ]
        kept["nominee"] = title or ""
    elif kind in (NomineeKind.PERSON, NomineeKind.TEAM):
        linked_id = None
        for name, value, needed in (
            ("nominee", nominee, _("Give the name of the person or team you nominate.")),
            ("organisation", organisation, ""),
        ):
            try:
                kept[name] = clean_text(value, limit=TITLE_LIMIT, field=name, required=needed)
            except ValidationError as error:
                errors.update(error.message_dict)
    try:
        kept["statement"] = clean_text(
            statement,
            limit=STATEMENT_LIMIT,
            field="statement",
            required=_("Say why they deserve the award: what they did, and what it changed."),
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if not errors:
        twice = Nomination.objects.filter(
            category=category, nominated_by=actor, kind=kind, status=NominationStatus.SUBMITTED
        )
        twice = twice.filter(linked_id=linked_id) if linked_id else twice.filter(nominee__iexact=kept["nominee"])
        if twice.exists():
            # Beside the field that named them: the name typed, or the project or exemption chosen.
            errors[kind if kind in LINKED_MODELS else "nominee"] = [
                _("You have already nominated them in this category.")
            ]
    if errors:
        raise ValidationError(errors)
    nomination = Nomination.objects.create(
        category=category, kind=kind, linked_id=linked_id, nominated_by=actor, **kept
    )
    audit.record(actor=actor, verb="nominate", target=nomination, after={"category": category.pk, "kind": kind})
    return nomination


@transaction.atomic
def withdraw(*, actor: User, nomination: Nomination) -> Nomination:
    nomination = locked(nomination)
    require("recognition.withdraw_nomination", nomination, actor=actor)
    return NOMINATION_LIFECYCLE.apply(nomination, "withdraw", actor=actor)
