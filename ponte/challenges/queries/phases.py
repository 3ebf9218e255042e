"""Reads of phases: a challenge's phases and the companies invited to the next one."""

from __future__ import annotations

from django.db.models import Q

from ..models import Award, Challenge

# Phases --------------------------------------------------------------------------------


def phases_of(challenge: Challenge) -> list[Challenge]:
    """The whole series of phases a challenge belongs to, first to last, in one query; a
    challenge in one phase only is a series of one."""
    first_id = challenge.first_phase_id or challenge.pk
    series = list(
        Challenge.objects.filter(Q(pk=first_id) | Q(first_phase_id=first_id)).select_related("owner").order_by("pk")
    )
    # A cancelled next phase gives way to the one prepared after it (series are ordered by pk).
    following = {phase.previous_phase_id: phase for phase in series if phase.previous_phase_id}
    ordered = [phase for phase in series if phase.pk == first_id]
    while ordered and ordered[-1].pk in following:
        ordered.append(following[ordered[-1].pk])
    return ordered


def invited_companies(challenge: Challenge) -> set[int] | None:
    """The companies invited to a later phase: the suppliers awarded in the phase before. None
    for a first phase, which any company may answer."""
    if challenge is None or challenge.previous_phase_id is None:
        return None
    return set(Award.objects.filter(challenge_id=challenge.previous_phase_id).values_list("supplier_id", flat=True))


def invited_among(challenge: Challenge | None, companies) -> list:
    """Those of `companies` that may answer the challenge: any, or on a later phase the invited."""
    invited = invited_companies(challenge)
    return list(companies) if invited is None else [company for company in companies if company.pk in invited]
