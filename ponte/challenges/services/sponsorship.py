"""A challenge's sponsor: its public body asks a person with the sponsor role to back it, until
its outcome is decided (another after one declined); the sponsor accepts, or declines saying
why. The sponsor is told when asked; the author and the body's admins when answered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from ponte.core import sponsorship
from ponte.core.notifications import notify
from ponte.core.services import locked, require
from ponte.organisations.queries import admins_of

from ..models import Challenge

if TYPE_CHECKING:
    from ponte.accounts.models import User


@transaction.atomic
def challenge_ask_sponsor(*, actor: User, challenge: Challenge, sponsor) -> Challenge:
    challenge = locked(challenge)
    require("challenges.ask_sponsor", challenge, actor=actor)
    sponsorship.ask(challenge, actor=actor, sponsor=sponsor)
    notify(
        [sponsor],
        "challenges.sponsorship_asked",
        params={"challenge": challenge.title, "organisation": challenge.owner.name},
        url=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_sponsorship_answer(*, actor: User, challenge: Challenge, accept: bool, note: str = "") -> Challenge:
    challenge = locked(challenge)
    require("challenges.answer_sponsorship", challenge, actor=actor)
    sponsorship.answer(
        challenge,
        actor=actor,
        accept=accept,
        note=note,
        why_needed=_("Say why you decline: the public body reads it."),
    )
    notify(
        [challenge.author, *admins_of(challenge.owner)],
        "challenges.sponsorship_accepted" if accept else "challenges.sponsorship_declined",
        params={"challenge": challenge.title, "sponsor": actor.name or actor.email, "note": challenge.sponsorship_note},
        url=challenge.get_absolute_url(),
    )
    return challenge
