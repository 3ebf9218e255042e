"""The jury's work, once nominations have closed: for each nomination, a jury member first
declares whether they have a conflict of interest with the nominee (a conflict recuses them:
they never read the statement and never score it), then scores it from 1 to 10 with a
comment, which they may change until the winners are announced."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.accounts.models import User
from ponte.core import audit
from ponte.core.services import clean_text, require

from ..models import SCORE_MAX, SCORE_MIN, STATEMENT_LIMIT, JuryReview, Nomination, ReviewStatus
from ..rules import review_by


def conflict_message() -> str:
    return _("You declared a conflict of interest with this nomination: you may not score it.")


@transaction.atomic
def declare(*, actor: User, nomination: Nomination, has_conflict, note="") -> JuryReview:
    """The jury member says whether they have a conflict of interest with the nominee."""
    if review_by(actor, nomination) is not None:
        raise ValidationError(_("You have already declared whether you have a conflict of interest with it."))
    require("recognition.declare_conflict", nomination, actor=actor)
    if has_conflict not in (True, False):
        raise ValidationError({"conflict": [_("Say whether you have a conflict of interest.")]})
    if not has_conflict and nomination.nominated_by_id == actor.pk:
        raise ValidationError(
            {"conflict": [_("You made this nomination: that is a conflict of interest. Declare it.")]}
        )
    if has_conflict:
        note = clean_text(note, limit=STATEMENT_LIMIT, field="note", required=_("Describe the conflict of interest."))
    status = ReviewStatus.RECUSED if has_conflict else ReviewStatus.CLEARED
    try:
        with transaction.atomic():
            review = JuryReview.objects.create(
                nomination=nomination, juror=actor, status=status, conflict_note=note if has_conflict else ""
            )
    except IntegrityError:  # the same person declaring twice at once
        raise ValidationError(_("You have already declared whether you have a conflict of interest with it.")) from None
    nomination.__dict__.get("_reviews_by", {}).pop(actor.pk, None)
    audit.record(actor=actor, verb="declare_conflict" if has_conflict else "declare_no_conflict", target=review)
    return review


@transaction.atomic
def score(*, actor: User, nomination: Nomination, score, comment="") -> JuryReview:
    review = JuryReview.objects.select_for_update().filter(nomination=nomination, juror=actor).first()
    if review is not None and review.status == ReviewStatus.RECUSED:
        raise ValidationError(conflict_message())
    if review is None and actor.has_perm("recognition.declare_conflict", nomination):
        raise ValidationError(_("First declare whether you have a conflict of interest with this nomination."))
    require("recognition.score_nomination", nomination, actor=actor)
    errors: dict[str, list[str]] = {}
    if not isinstance(score, int) or isinstance(score, bool) or not SCORE_MIN <= score <= SCORE_MAX:
        errors["score"] = [_("Give a whole score from 1 to 10.")]
    try:
        comment = clean_text(
            comment, limit=STATEMENT_LIMIT, field="comment", required=_("Say in a few words why you give this score.")
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    before = {"score": review.score} if review.score is not None else {}
    review.score, review.comment, review.scored_at = score, comment, timezone.now()
    review.save(update_fields=["score", "comment", "scored_at"])
    # The audit names that a score was given or changed, not the score: the ranking is the
    # programme managers' alone until the winners are announced.
    audit.record(actor=actor, verb="rescore" if before else "score", target=review)
    return review
