"""An exemption's sponsor: the person the ministry's decision named is asked to back it and
accepts, or declines saying why; after a decline the ministry asks another. The sponsor is told
when asked; the ministry and the programme managers when answered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import sponsorship
from ponte.core.notifications import notify
from ponte.core.services import locked, require

from ..models import Exemption
from . import audience

if TYPE_CHECKING:
    from ponte.accounts.models import User

EVERY_EXEMPTION_HAS_ONE = gettext_lazy("Name a person with the sponsor role: every exemption has a sponsor.")


def tell_sponsor(exemption: Exemption) -> None:
    notify(
        [exemption.sponsor],
        "sandbox.sponsorship_asked",
        params={"application": exemption.application.title, "reference": exemption.reference},
        url=exemption.get_absolute_url(),
    )


@transaction.atomic
def exemption_sponsorship_answer(*, actor: User, exemption: Exemption, accept: bool, note: str = "") -> Exemption:
    exemption = locked(exemption)
    require("sandbox.answer_sponsorship", exemption, actor=actor)
    sponsorship.answer(
        exemption, actor=actor, accept=accept, note=note, why_needed=_("Say why you decline: the ministry reads it.")
    )
    audience.tell_deciders(
        exemption.application,
        "sandbox.sponsorship_accepted" if accept else "sandbox.sponsorship_declined",
        reference=exemption.reference,
        sponsor=actor.name or actor.email,
        note=exemption.sponsorship_note,
    )
    return exemption


@transaction.atomic
def exemption_ask_another_sponsor(*, actor: User, exemption: Exemption, sponsor) -> Exemption:
    exemption = locked(exemption)
    require("sandbox.ask_another_sponsor", exemption, actor=actor)
    sponsorship.ask(exemption, actor=actor, sponsor=sponsor, message=EVERY_EXEMPTION_HAS_ONE)
    tell_sponsor(exemption)
    return exemption
