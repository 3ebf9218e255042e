"""The outcome of a challenge: award, close without award, and the signed contract.

Once every evaluation is complete (queries/evaluation.award_gate) the public body awards one or
more proposals, within the budget ceiling and with a written justification, or closes the
challenge without award, giving its reason. Either way every bidder is told the outcome and
reads their feedback on their proposal: scores per criterion and the evaluators' comments,
without their names. The award — supplier, value, date — is public, and so is the signed
contract that follows it (in the open data as OCDS award and contract releases).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.amounts import parse_amount
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked

from ..models import LIFECYCLE, Award, Challenge, Contract, Proposal, ProposalStatus
from ..queries import audiences
from ..queries.evaluation import award_gate, ids_of

if TYPE_CHECKING:
    from ponte.accounts.models import User

MAX_JUSTIFICATION = 10_000
MAX_VALUE = Decimal("9999999999.99")


def _euros(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=0, force_grouping=True)


def _require_decidable(challenge: Challenge, perm: str, *, actor: User) -> None:
    """The gate speaks for itself: a public body that may decide, but not yet, hears why."""
    from ..rules import is_drafter, is_in_evaluation

    if is_drafter(actor, challenge) and is_in_evaluation(actor, challenge):
        reasons = award_gate(challenge)
        if reasons:
            raise ValidationError(
                " ".join([_("The outcome can be decided once every evaluation is complete."), *reasons]),
                code="award_gate_closed",
            )
    if not actor.has_perm(perm, challenge):
        raise PermissionDenied(perm)


@transaction.atomic
def challenge_award(*, actor: User, challenge: Challenge, proposals, justification: str) -> list[Award]:
    challenge = locked(challenge)
    _require_decidable(challenge, "challenges.award_challenge", actor=actor)
    ids = ids_of(proposals)
    chosen = list(
        Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED, pk__in=ids)
        .select_related("company")
        .order_by("pk")
    )
    errors = {}
    if not ids:
        errors["proposals"] = [_("Choose at least one proposal to award.")]
    elif None in ids or len(chosen) != len(ids):
        errors["proposals"] = [_("Choose proposals from the list.")]
    else:
        total = sum((p.price for p in chosen), Decimal(0))
        if challenge.budget_ceiling is not None and total > challenge.budget_ceiling:
            errors["proposals"] = [
                _(
                    "The proposals you chose cost EUR %(total)s in total, above the budget ceiling of "
                    "EUR %(ceiling)s excluding VAT."
                )
                % {"total": _euros(total), "ceiling": _euros(challenge.budget_ceiling)}
            ]
    try:
        justification = clean_text(
            justification,
            limit=MAX_JUSTIFICATION,
            field="justification",
            required=_("Explain why these proposals are awarded."),
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    awards = []
    for proposal in chosen:
        award = Award.objects.create(
            challenge=challenge, proposal=proposal, supplier=proposal.company, value=proposal.price, awarded_at=now
        )
        audit.record(
            actor=actor,
            verb="award_proposal",
            target=challenge,
            after={"proposal": proposal.pk, "supplier": proposal.company.name, "value": str(proposal.price)},
        )
        awards.append(award)
    challenge.outcome_justification = justification
    LIFECYCLE.apply(challenge, "award", actor=actor, reason=justification, update_fields=["outcome_justification"])
    _notify_bidders(challenge, awarded={a.proposal_id for a in awards})
    return awards


@transaction.atomic
def challenge_close_without_award(*, actor: User, challenge: Challenge, reason: str) -> Challenge:
    challenge = locked(challenge)
    _require_decidable(challenge, "challenges.close_without_award", actor=actor)
    challenge.outcome_justification = clean_text(
        reason, limit=MAX_JUSTIFICATION, field="justification", required=_("Explain why no proposal is awarded.")
    )
    LIFECYCLE.apply(
        challenge,
        "close_without_award",
        actor=actor,
        reason=challenge.outcome_justification,
        update_fields=["outcome_justification"],
    )
    _notify_bidders(challenge, awarded=set())
    return challenge


def _notify_bidders(challenge: Challenge, *, awarded: set[int]) -> None:
    """Each bidding company hears the outcome, with a link to its feedback."""
    for proposal in Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED):
        notify(
            audiences.bidders(challenge, [proposal.pk]),
            "challenges.proposal_awarded" if proposal.pk in awarded else "challenges.proposal_not_awarded",
            params={"challenge": challenge.title},
            url=proposal.get_absolute_url(),
        )


# The signed contract -------------------------------------------------------------------


def _parse_date(value, field: str, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = [_("Give a date such as 2027-03-31.")]
        return None


@transaction.atomic
def contract_record(*, actor: User, award: Award, title: str, value, date_signed, period_start, period_end) -> Contract:
    """The public body records the contract it signed with the supplier: the pilot."""
    challenge = locked(award.challenge)
    if not actor.has_perm("challenges.record_contract", challenge) or award.challenge_id != challenge.pk:
        raise PermissionDenied("challenges.record_contract")
    if Contract.objects.filter(award=award).exists():
        raise ValidationError(_("The contract for this award is already recorded."), code="already_recorded")
    errors: dict[str, list[str]] = {}
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        errors["title"] = [_("Give the contract a title.")]
    elif len(title) > 200 or "\x00" in title:
        errors["title"] = [_("Write at most %(max)s characters.") % {"max": 200}]
    amount = parse_amount(value)
    if amount is None or not amount.is_finite() or amount <= 0 or amount > MAX_VALUE or amount != round(amount, 2):
        errors["value"] = [_("Give the value in euros excluding VAT, such as 18500 or 18500.50.")]
    elif challenge.budget_ceiling is not None and amount > challenge.budget_ceiling:
        errors["value"] = [
            _("The value may not exceed the challenge's budget ceiling of EUR %(ceiling)s excluding VAT.")
            % {"ceiling": _euros(challenge.budget_ceiling)}
        ]
    signed = _parse_date(date_signed, "date_signed", errors)
    start = _parse_date(period_start, "period_start", errors)
    end = _parse_date(period_end, "period_end", errors)
    today = timezone.localdate()
    if signed is not None:
        if signed > today:
            errors["date_signed"] = [_("Record a contract once it is signed: the date cannot be in the future.")]
        elif signed < timezone.localdate(award.awarded_at):
            errors["date_signed"] = [_("The contract cannot be signed before the award.")]
    if start is not None and end is not None and end < start:
        errors["period_end"] = [_("The contract cannot end before it starts.")]
    if errors:
        raise ValidationError(errors)
    contract = Contract.objects.create(
        award=award,
        title=title,
        value=amount,
        date_signed=signed,
        period_start=start,
        period_end=end,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        verb="record_contract",
        target=challenge,
        after={"award": award.pk, "value": str(amount), "date_signed": signed.isoformat()},
    )
    return contract
