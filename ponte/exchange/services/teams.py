"""Mixed teams: an approved applicant joins the team of one of the round's challenges and may
leave it; the team and the programme managers post the challenge's Change Meter updates. Every
step is permission-checked, transactional and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require

from ..models import TEXT_LIMIT, ChangeUpdate, RoundChallenge, TeamMember
from ..queries.teams import participation, team_of

if TYPE_CHECKING:
    from ponte.accounts.models import User


def _challenge(challenge: RoundChallenge) -> RoundChallenge:
    """The challenge with its round and team, its row locked so that two joining at once are
    counted one after the other."""
    locked(challenge)
    return RoundChallenge.objects.select_related("round").prefetch_related("members").get(pk=challenge.pk)


@transaction.atomic
def team_join(*, actor: User, challenge: RoundChallenge) -> TeamMember:
    challenge = _challenge(challenge)
    held = team_of(actor, challenge.round)
    if held is not None and held.challenge_id != challenge.pk:
        raise ValidationError(
            _("You are in the team of “%(challenge)s” already: leave it first, one team a round.")
            % {"challenge": held.challenge.title}
        )
    require("exchange.join_team", challenge, actor=actor)
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(
                challenge=challenge,
                round=challenge.round,
                person=actor,
                application=participation(actor, challenge.round),
            )
    except IntegrityError:  # joining two teams at once
        raise ValidationError(_("You are in a team of this round already: one team a round.")) from None
    audit.record(actor=actor, verb="join_team", target=challenge, after={"member": actor.name or actor.email})
    return member


@transaction.atomic
def team_leave(*, actor: User, challenge: RoundChallenge) -> None:
    challenge = _challenge(challenge)
    require("exchange.leave_team", challenge, actor=actor)
    TeamMember.objects.filter(challenge=challenge, person=actor).delete()
    audit.record(actor=actor, verb="leave_team", target=challenge, before={"member": actor.name or actor.email})


@transaction.atomic
def change_update_post(
    *, actor: User, challenge: RoundChallenge, percent: int, summary: str, evidence: str, evidence_url: str = ""
) -> ChangeUpdate:
    """A new reading of the challenge's Change Meter, told to its team."""
    challenge = _challenge(challenge)
    require("exchange.update_change_meter", challenge, actor=actor)
    errors: dict[str, list[str]] = {}
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        errors["percent"] = [_("Give how much of the change is implemented, from 0 to 100 percent.")]
    kept = {}
    for name, typed, needed in (
        ("summary", summary, _("Say what changed since the last update.")),
        ("evidence", evidence, _("Say what shows it: a decision, a service live, figures.")),
    ):
        try:
            kept[name] = clean_text(typed, limit=TEXT_LIMIT, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    evidence_url = (evidence_url or "").strip()
    if evidence_url:
        try:
            URLValidator(schemes=["https", "http"])(evidence_url)
        except ValidationError:
            errors["evidence_url"] = [_("Give a web address that starts with https://, or leave it empty.")]
        if len(evidence_url) > 500:
            errors["evidence_url"] = [_("Give a web address of at most 500 characters.")]
    if errors:
        raise ValidationError(errors)
    update = ChangeUpdate.objects.create(
        challenge=challenge, percent=percent, evidence_url=evidence_url, by=actor, **kept
    )
    audit.record(actor=actor, verb="update_change_meter", target=challenge, after={"percent": percent})
    notify(
        [member.person for member in challenge.members.select_related("person") if member.person_id != actor.pk],
        "exchange.change_meter_updated",
        params={"challenge": challenge.title, "percent": percent},
        url=challenge.get_absolute_url(),
    )
    return update
