"""Reads of a published challenge's amendments."""

from __future__ import annotations

from ..models import Amendment, Challenge


def amendments_of(challenge: Challenge) -> list[Amendment]:
    """A public challenge's dated amendments and revisions, newest first, in one query."""
    amendments = list(challenge.amendments.order_by("-amended_at", "-number"))
    for amendment in amendments:
        amendment.challenge = challenge
    return amendments
