"""Amendments to a published challenge: a later deadline, clarified texts or added documents.
The challenge stays published, each amendment is dated and kept with its reason (OCDS
`tender.amendments`), and its followers and bidders are told what changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import attachments, audit
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require

from ..models import (
    AMENDABLE,
    Amendment,
    AmendmentKind,
    Challenge,
    Status,
)
from ..queries import audiences
from .content import clean_fields, deadline_too_soon, recorded, save_changes

if TYPE_CHECKING:
    from ponte.accounts.models import User

MAX_RATIONALE = 5_000
RATIONALE_NEEDED = gettext_lazy("Say why you amend the challenge: the reason is published with the amendment.")


def check_deadline_move(challenge: Challenge, deadline) -> None:
    """A published challenge's deadline only moves later (companies planned for the one
    published), and still leaves the minimum tender period from its publication."""
    if deadline is None:
        raise ValidationError({"deadline": [_("A published challenge keeps a deadline: choose a later one.")]})
    if deadline <= challenge.deadline:
        raise ValidationError(
            {
                "deadline": [
                    _("The deadline of a published challenge may only move later: choose a moment after %(deadline)s.")
                    % {"deadline": challenge.local_moment(challenge.deadline)}
                ]
            }
        )
    too_soon = deadline_too_soon(challenge, deadline)
    if too_soon is not None:
        raise ValidationError({"deadline": [too_soon]})


def record_amendment(*, actor: User, challenge: Challenge, kind: str, changes: list[dict], rationale: str) -> Amendment:
    last = challenge.amendments.order_by("-number").values_list("number", flat=True).first() or 0
    amendment = Amendment.objects.create(
        challenge=challenge,
        number=last + 1,
        kind=kind,
        amended_by=actor,
        changes=changes,
        rationale=rationale,
    )
    if kind == AmendmentKind.AMENDMENT:
        # A revision is audited as the update and the "revise" move it makes.
        audit.record(
            actor=actor,
            verb="amend",
            target=challenge,
            before={change["field"]: change["before"] for change in changes},
            after={"amendment": amendment.number, **{change["field"]: change["after"] for change in changes}},
            reason=rationale,
        )
    return amendment


# Amendments ----------------------------------------------------------------------------


@transaction.atomic
def challenge_amend(*, actor: User, challenge: Challenge, rationale: str, **fields) -> Amendment:
    """Amend a published, open challenge without changing who may bid or what is bought: a
    later deadline or clarified texts (AMENDABLE). It stays published, its publication date
    is kept, the amendment is recorded with the editor's reason and shown on its page, and the
    companies that follow it or submitted a proposal are told what changed."""
    challenge = locked(challenge)
    require("challenges.change_challenge", challenge, actor=actor)
    if challenge.status != Status.PUBLISHED:
        raise PermissionDenied("only a published challenge is amended; a draft is edited")
    not_amendable = set(fields) - set(AMENDABLE)
    if not_amendable:
        raise ValueError(f"Not amendable: {sorted(not_amendable)}")
    fields = clean_fields(fields)
    changed = {name: value for name, value in fields.items() if getattr(challenge, name) != value}
    if not changed:
        raise ValidationError(_("Nothing has changed: there is nothing to amend."))
    rationale = clean_text(rationale, limit=MAX_RATIONALE, field="rationale", required=RATIONALE_NEEDED)
    if "deadline" in changed:
        check_deadline_move(challenge, changed["deadline"])
    if "title" in changed and not (changed["title"] or "").strip():
        raise ValidationError({"title": [_("Give the challenge a title.")]})
    changes = [
        {"field": name, "before": recorded(name, getattr(challenge, name)), "after": recorded(name, value)}
        for name, value in changed.items()
    ]
    save_changes(challenge, changed, actor=actor, audited=False)
    amendment = record_amendment(
        actor=actor, challenge=challenge, kind=AmendmentKind.AMENDMENT, changes=changes, rationale=rationale
    )
    _notify_amendment(amendment)
    return amendment


@transaction.atomic
def challenge_add_documents(*, actor: User, challenge: Challenge, files, rationale: str) -> Amendment:
    """Add documents to a published, open challenge, as an amendment with its reason (a draft's
    documents are added and removed in its documents step). Nothing is added unless all are."""
    challenge = locked(challenge)
    require("challenges.change_challenge", challenge, actor=actor)
    if challenge.status != Status.PUBLISHED:
        raise PermissionDenied("only a published challenge is amended; a draft is edited")
    rationale = clean_text(rationale, limit=MAX_RATIONALE, field="rationale", required=RATIONALE_NEEDED)
    if not files:
        raise ValidationError({"files": [_("Choose at least one file to add.")]})
    added = [
        attachments.attach(uploaded, target=challenge, actor=actor, permission="challenges.change_challenge")
        for uploaded in files
    ]
    amendment = record_amendment(
        actor=actor,
        challenge=challenge,
        kind=AmendmentKind.AMENDMENT,
        changes=[
            {"field": "documents", "before": [], "after": [{"id": a.pk.hex, "name": a.original_name} for a in added]}
        ],
        rationale=rationale,
    )
    _notify_amendment(amendment)
    return amendment


def _notify_amendment(amendment: Amendment) -> None:
    """Tell the followers and bidders what changed, each in their own language (the change is
    described when the notification is made, so it is written once per language)."""
    from itertools import groupby

    challenge = amendment.challenge
    recipients = sorted(audiences.followers(challenge), key=lambda user: user.language or settings.LANGUAGE_CODE)
    for language, people in groupby(recipients, key=lambda user: user.language or settings.LANGUAGE_CODE):
        with translation.override(language):
            changes = amendment.description
        notify(
            list(people),
            "challenges.amended",
            params={"challenge": challenge.title, "changes": changes, "rationale": amendment.rationale},
            url=challenge.get_absolute_url() + "#amendments",
        )
