"""Proposals: companies answer an open challenge, sealed until its deadline.

Sealed means sealed: every read of proposals goes through `proposals_visible_to()`, which
filters in the query, so no page, API response, export, admin screen or notification can
show a proposal (or how many proposals a company sent) to someone who may not read it yet.
Before the deadline only the submitting company's members read a proposal; the public
body and programme managers see the total number only (`proposal_count()`). After the
deadline the challenge's author, its public body's admins and programme managers read
them all, and evaluators those they are cleared to score (`evaluator_scope()`).

Writes are services: keyword-only, atomic, permission-checked, audited with ids and the
event only (never the sealed content), notifying the submitting company's members only.
The challenge row is locked first, so the server clock read inside the lock decides a
submission racing the deadline.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.amounts import parse_amount
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked
from ponte.organisations.queries import roles_of

from ..models import PROPOSAL_LIFECYCLE, Challenge, Proposal, ProposalStatus
from ..queries.phases import invited_companies

if TYPE_CHECKING:
    from ponte.accounts.models import User

MAX_TEXT = 20_000
MAX_PRICE = Decimal("9999999999.99")


# Rules of content ----------------------------------------------------------------------


def clean_content(
    *, challenge: Challenge, approach, criteria_responses: dict, team, price, timeline
) -> dict[str, object]:
    """Check everything at once, so that every problem is reported together."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    for field, value, message in [
        ("approach", approach, _("Describe your approach.")),
        ("team", team, _("Describe the team that will do the work.")),
        ("timeline", timeline, _("Give the timeline of the work.")),
    ]:
        try:
            cleaned[field] = clean_text(value, limit=MAX_TEXT, field=field, required=message)
        except ValidationError as error:
            errors.update(error.message_dict)
    responses = []
    for criterion in challenge.criteria.all():
        field = f"criterion_{criterion.pk}"
        typed = criteria_responses.get(criterion.pk, criteria_responses.get(str(criterion.pk)))
        try:
            text = clean_text(
                typed,
                limit=MAX_TEXT,
                field=field,
                required=_("Say how your proposal meets the criterion “%(criterion)s”.")
                % {"criterion": criterion.name},
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            responses.append({"criterion_id": criterion.pk, "criterion": criterion.name, "response": text})
    cleaned["criteria_responses"] = responses
    price = parse_amount(price)
    if price is None or not price.is_finite() or price < 0 or price > MAX_PRICE or price != round(price, 2):
        errors["price"] = [_("Give the price in euros excluding VAT, such as 18500 or 18500.50.")]
    elif challenge.budget_ceiling is not None and price > challenge.budget_ceiling:
        errors["price"] = [
            _("The price may not exceed the challenge's budget ceiling of EUR %(ceiling)s excluding VAT.")
            % {"ceiling": number_format(challenge.budget_ceiling, decimal_pos=0, force_grouping=True)}
        ]
    else:
        cleaned["price"] = price
    if errors:
        raise ValidationError(errors)
    return cleaned


# Writes --------------------------------------------------------------------------------


def _require_open(challenge: Challenge) -> None:
    """Read the clock inside the lock: whoever holds the challenge row decides the race."""
    now = timezone.now()
    if challenge.is_closed_at(now):
        raise ValidationError(_("The deadline for proposals has passed."), code="deadline_passed")
    if not challenge.is_open_at(now):
        raise ValidationError(_("This challenge is not open for proposals."), code="not_open")


def _notify_company(proposal: Proposal, kind: str) -> None:
    from ponte.accounts.models import User

    notify(
        User.objects.filter(memberships__organisation_id=proposal.company_id, is_active=True),
        kind,
        params={"challenge": proposal.challenge.title},
        url=proposal.get_absolute_url(),
    )


@transaction.atomic
def proposal_submit(
    *, actor: User, challenge: Challenge, company, approach, criteria_responses: dict, team, price, timeline
) -> Proposal:
    challenge = locked(challenge)
    _require_open(challenge)
    if (
        company is None
        or company.kind != "company"
        or company.status != "verified"
        or company.pk not in roles_of(actor)
    ):
        raise PermissionDenied("not a member of this company")
    # Before the permission, so that a company not invited hears why.
    invited = invited_companies(challenge)
    if invited is not None and company.pk not in invited:
        raise ValidationError(
            _("Only the suppliers invited after the previous phase may submit a proposal to this phase."),
            code="not_invited",
        )
    if not actor.has_perm("challenges.submit_proposal", challenge):
        raise PermissionDenied("challenges.submit_proposal")
    if Proposal.objects.filter(challenge=challenge, company=company, status=ProposalStatus.SUBMITTED).exists():
        raise ValidationError(
            _("%(company)s has already submitted a proposal to this challenge: edit it instead.")
            % {"company": company.name},
            code="already_submitted",
        )
    content = clean_content(
        challenge=challenge,
        approach=approach,
        criteria_responses=criteria_responses,
        team=team,
        price=price,
        timeline=timeline,
    )
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                challenge=challenge, company=company, submitted_by=actor, submitted_at=timezone.now(), **content
            )
    except IntegrityError:
        raise ValidationError(
            _("%(company)s has already submitted a proposal to this challenge: edit it instead.")
            % {"company": company.name},
            code="already_submitted",
        ) from None
    audit.record(actor=actor, verb="submit_proposal", target=proposal, after={"challenge": challenge.pk})
    _notify_company(proposal, "challenges.proposal_submitted")
    return proposal


def _locked_proposal(proposal: Proposal) -> Proposal:
    locked(proposal.challenge)
    return Proposal.objects.select_for_update().select_related("challenge").get(pk=proposal.pk)


@transaction.atomic
def proposal_update(
    *, actor: User, proposal: Proposal, approach, criteria_responses: dict, team, price, timeline
) -> Proposal:
    proposal = _locked_proposal(proposal)
    if proposal.company_id in roles_of(actor):
        _require_open(proposal.challenge)
    if not actor.has_perm("challenges.change_proposal", proposal):
        raise PermissionDenied("challenges.change_proposal")
    content = clean_content(
        challenge=proposal.challenge,
        approach=approach,
        criteria_responses=criteria_responses,
        team=team,
        price=price,
        timeline=timeline,
    )
    changed = [name for name, value in content.items() if getattr(proposal, name) != value]
    for name in changed:
        setattr(proposal, name, content[name])
    proposal.save()
    if changed:
        # Which parts changed, never what they say.
        audit.record(
            actor=actor,
            verb="update_proposal",
            target=proposal,
            after={"challenge": proposal.challenge_id, "changed": sorted(changed)},
        )
        _notify_company(proposal, "challenges.proposal_updated")
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal) -> Proposal:
    proposal = _locked_proposal(proposal)
    if proposal.company_id in roles_of(actor) and proposal.status == ProposalStatus.SUBMITTED:
        _require_open(proposal.challenge)
    if not actor.has_perm("challenges.withdraw_proposal", proposal):
        raise PermissionDenied("challenges.withdraw_proposal")
    PROPOSAL_LIFECYCLE.apply(proposal, "withdraw", actor=actor)
    _notify_company(proposal, "challenges.proposal_withdrawn")
    return proposal
