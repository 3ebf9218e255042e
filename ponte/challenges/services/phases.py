"""Phases: a challenge that ends with awards may open a next phase, to which the awarded
companies alone are invited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.services import locked, require

from ..models import (
    Challenge,
    Criterion,
)

if TYPE_CHECKING:
    from ponte.accounts.models import User

# Phases --------------------------------------------------------------------------------

# What the next phase takes over from the one before; its budget, deadline and criteria are
# its own, set by its author in the drafting steps and reviewed as any challenge.
CARRIED_TO_THE_NEXT_PHASE = (
    "title",
    "summary",
    "context",
    "problem",
    "affected",
    "desired_outcomes",
    "constraints",
    "out_of_scope",
    "languages",
    "instrument",
)


@transaction.atomic
def phase_create_next(*, actor: User, challenge: Challenge, phase_name: str) -> Challenge:
    """Prepare the next phase of an awarded challenge, as a draft of the same public body. Its
    suppliers are the companies invited to it."""
    challenge = locked(challenge)
    require("challenges.add_next_phase", challenge, actor=actor)
    phase_name = phase_name.strip() if isinstance(phase_name, str) else ""
    if not phase_name:
        raise ValidationError({"phase_name": [_("Name the next phase, such as “Prototype”.")]})
    if "\x00" in phase_name:
        raise ValidationError({"phase_name": [_("The text contains characters that are not allowed.")]})
    if len(phase_name) > 100:
        raise ValidationError({"phase_name": [_("Write at most %(max)s characters.") % {"max": 100}]})
    if not challenge.phase_name:
        # The challenge becomes the first phase of a series: name it so the series reads well.
        challenge.phase_name = _("Phase 1")
        challenge.save(update_fields=["phase_name", "updated_at"])
    phase = Challenge.objects.create(
        owner=challenge.owner,
        author=actor,
        phase_name=phase_name,
        previous_phase=challenge,
        first_phase_id=challenge.first_phase_id or challenge.pk,
        **{name: getattr(challenge, name) for name in CARRIED_TO_THE_NEXT_PHASE},
    )
    phase.sectors.set(challenge.sectors.all())
    phase.cpv_codes.set(challenge.cpv_codes.all())
    Criterion.objects.bulk_create(
        Criterion(challenge=phase, name=c.name, description=c.description, weight=c.weight, position=c.position)
        for c in challenge.criteria.all()
    )
    audit.record(
        actor=actor,
        verb="create_next_phase",
        target=phase,
        after={"previous_phase": challenge.pk, "phase": phase_name},
    )
    return phase
