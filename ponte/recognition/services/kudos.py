"""Kudos: a signed-in person thanks a lab project or a team (an organisation) they can see for
a result. One thanks per person and project or team: thanking again rewrites it. The author
withdraws their thanks; a moderator removes one that breaks the rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ponte.accounts.models import User
from ponte.core import audit
from ponte.core.services import clean_text, require

from ..models import KUDOS_LIMIT, Kudos
from ..queries.kudos import target_shown


@transaction.atomic
def give(*, actor: User, target_model: str, target_id: int, message) -> Kudos:
    require("recognition.give_kudos", actor=actor)
    if target_shown(actor, target_model, target_id) is None:
        raise ValidationError(_("There is nothing here to thank: the project or team is not one you can see."))
    message = clean_text(message, limit=KUDOS_LIMIT, field="message", required=_("Write what you thank them for."))
    kudos, created = Kudos.objects.select_for_update().get_or_create(
        target_model=target_model, target_id=target_id, author=actor, defaults={"message": message}
    )
    if created:
        audit.record(actor=actor, verb="give_kudos", target=kudos, after={"to": f"{target_model}:{target_id}"})
    elif kudos.message != message:
        audit.record(
            actor=actor,
            verb="rewrite_kudos",
            target=kudos,
            before={"message": kudos.message},
            after={"message": message},
        )
        kudos.message = message
        kudos.save(update_fields=["message"])
    return kudos


@transaction.atomic
def withdraw(*, actor: User, kudos: Kudos) -> None:
    require("recognition.withdraw_kudos", kudos, actor=actor)
    audit.record(actor=actor, verb="withdraw_kudos", target=kudos, before={"message": kudos.message})
    kudos.delete()
