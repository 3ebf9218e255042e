"""After an exchange: its guests and hosts answer the survey of each visit, and the
collaborations that follow are recorded. Every step is permission-checked, transactional and
audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.services import clean_text, require

from ..models import SATISFACTION_MAX, SATISFACTION_MIN, TEXT_LIMIT, Feedback, FeedbackRole, FollowUp, Pair
from ..queries.after import guest_side, hosted_sides
from ..queries.matching import PAIR_RELATED

if TYPE_CHECKING:
    from ponte.accounts.models import User


def _fresh(pair: Pair) -> Pair:
    return Pair.objects.select_related(*PAIR_RELATED).get(pk=pair.pk)


@transaction.atomic
def feedback_give(
    *,
    actor: User,
    pair: Pair,
    role: str,
    side: str,
    satisfaction: int,
    went_well: str,
    to_improve: str = "",
    learned: str = "",
) -> Feedback:
    """Answer the survey of one visit of the exchange: as its guest (the visit is the person's
    own, and their learning report is asked) or as its host (an admin of the organisation that
    hosted it, or the guest's mentor). Once a visit and role."""
    pair = _fresh(pair)
    if role == FeedbackRole.GUEST:
        require("exchange.give_guest_feedback", pair, actor=actor)
        if side != guest_side(actor, pair):
            raise PermissionDenied("a guest answers for their own visit")
    elif role == FeedbackRole.HOST:
        require("exchange.give_host_feedback", pair, actor=actor)
        if side not in hosted_sides(actor, pair):
            raise PermissionDenied("a host answers for the visit their organisation hosted")
    else:
        raise PermissionDenied("unknown role")
    errors: dict[str, list[str]] = {}
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int):
        satisfaction = None
    if satisfaction is None or not SATISFACTION_MIN <= satisfaction <= SATISFACTION_MAX:
        errors["satisfaction"] = [
            _("Say how satisfied you are, from %(low)s (not at all) to %(high)s (very).")
            % {"low": SATISFACTION_MIN, "high": SATISFACTION_MAX}
        ]
    kept = {}
    for name, typed, needed in (
        ("went_well", went_well, _("Say what went well.")),
        ("to_improve", to_improve, ""),
        (
            "learned",
            learned,
            _("Write your learning report: what you take back to your organisation.")
            if role == FeedbackRole.GUEST
            else "",
        ),
    ):
        try:
            kept[name] = clean_text(typed, limit=TEXT_LIMIT, field=name, required=needed)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                pair=pair, side=side, role=role, respondent=actor, satisfaction=satisfaction, **kept
            )
    except IntegrityError:
        raise ValidationError(_("This visit's survey is answered already: thank you.")) from None
    audit.record(
        actor=actor, verb="give_feedback", target=pair, after={"side": side, "role": role, "satisfaction": satisfaction}
    )
    return feedback


@transaction.atomic
def follow_up_record(*, actor: User, pair: Pair, description: str) -> FollowUp:
    """A collaboration between the exchange's two organisations that followed from it."""
    pair = _fresh(pair)
    require("exchange.record_follow_up", pair, actor=actor)
    description = clean_text(
        description,
        limit=TEXT_LIMIT,
        field="description",
        required=_("Say what the two organisations do together since the exchange."),
    )
    follow_up = FollowUp.objects.create(pair=pair, description=description, recorded_by=actor)
    audit.record(actor=actor, verb="record_follow_up", target=pair, after={"follow-up": description[:200]})
    return follow_up
