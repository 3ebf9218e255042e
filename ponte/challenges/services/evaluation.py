"""Evaluation: after the deadline, evaluators score the proposals and the ranking follows.

A programme manager assigns evaluators to proposals in bulk, several per proposal. Each
evaluator first declares, per company, whether they have a conflict of interest: a
conflict recuses them from that proposal, which they never read. A cleared evaluator
scores every criterion on one scale (SCORE_SCALE) with a comment, may save a draft, and
completes the evaluation. A proposal's score is the weighted average of its completed
evaluations; the award step stays closed until every assigned evaluation is complete
(`award_gate`).

Reads are functions returning plain rows in a constant number of queries; writes are
services: keyword-only, atomic on the locked challenge row, permission-checked, audited
(ids and states, never scores in the public trail) and notifying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import clean_text, locked, require
from ponte.organisations.queries import roles_of

from ..models import (
    EVALUATION_LIFECYCLE,
    SCORE_MAX,
    SCORE_MIN,
    Challenge,
    Evaluation,
    EvaluationStatus,
    Proposal,
    ProposalStatus,
    Score,
)
from ..queries import audiences
from ..queries.evaluation import award_gate, ids_of, scores_of

if TYPE_CHECKING:
    from ponte.accounts.models import User

MAX_COMMENT = 5_000
MAX_NOTE = 2_000


def _locked_evaluation(evaluation: Evaluation) -> Evaluation:
    """Lock the challenge first, as every write about it does, so that an award and a score
    cannot cross."""
    locked(evaluation.proposal.challenge)
    return (
        Evaluation.objects.select_for_update()
        .select_related("proposal__challenge", "proposal__company", "evaluator")
        .get(pk=evaluation.pk)
    )


# Writes --------------------------------------------------------------------------------


@dataclass
class Assignment:
    created: list[Evaluation]
    already: int
    members: list[tuple[object, object]]  # (evaluator, company) skipped: they work for the company


@transaction.atomic
def evaluators_assign(*, actor: User, challenge: Challenge, proposals, evaluators) -> Assignment:
    """Assign each chosen evaluator to each chosen proposal. Existing assignments are kept; an
    evaluator is never assigned to a company they belong to."""
    from ponte.accounts.models import User

    challenge = locked(challenge)
    require("challenges.assign_evaluators", challenge, actor=actor)
    proposal_ids = ids_of(proposals)
    evaluator_ids = ids_of(evaluators)
    errors = {}
    chosen = list(
        Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED, pk__in=proposal_ids)
        .select_related("company")
        .order_by("pk")
    )
    if not proposal_ids:
        errors["proposals"] = [_("Choose at least one proposal.")]
    elif None in proposal_ids or len(chosen) != len(proposal_ids):
        errors["proposals"] = [_("Choose proposals from the list.")]
    people = list(User.objects.filter(pk__in=evaluator_ids, is_evaluator=True, is_active=True).order_by("pk"))
    if not evaluator_ids:
        errors["evaluators"] = [_("Choose at least one evaluator.")]
    elif None in evaluator_ids or len(people) != len(evaluator_ids):
        errors["evaluators"] = [_("Choose evaluators from the list.")]
    if errors:
        raise ValidationError(errors)
    existing = set(
        Evaluation.objects.filter(proposal__in=chosen, evaluator__in=people)
        .exclude(status=EvaluationStatus.REMOVED)
        .values_list("proposal_id", "evaluator_id")
    )
    result = Assignment(created=[], already=0, members=[])
    for person in people:
        companies = roles_of(person)
        for proposal in chosen:
            if (proposal.pk, person.pk) in existing:
                result.already += 1
            elif proposal.company_id in companies:
                result.members.append((person, proposal.company))
            else:
                evaluation = Evaluation.objects.create(proposal=proposal, evaluator=person, assigned_by=actor)
                audit.record(
                    actor=actor,
                    verb="assign_evaluator",
                    target=evaluation,
                    after={"challenge": challenge.pk, "proposal": proposal.pk, "evaluator": person.pk},
                )
                result.created.append(evaluation)
    newly = {evaluation.evaluator_id for evaluation in result.created}
    notify(
        [person for person in people if person.pk in newly],
        "challenges.evaluation_assigned",
        params={"challenge": challenge.title},
        url=reverse("challenges:my_evaluations"),
    )
    return result


@transaction.atomic
def conflict_declare(*, actor: User, evaluation: Evaluation, has_conflict: bool, note: str = "") -> Evaluation:
    """The evaluator says whether they have a conflict of interest with the company. A
    conflict recuses them: they never read the proposal, and programme managers hear of it."""
    evaluation = _locked_evaluation(evaluation)
    require("challenges.declare_conflict", evaluation, actor=actor)
    if has_conflict not in (True, False):
        raise ValidationError({"conflict": [_("Say whether you have a conflict of interest.")]})
    if not has_conflict:
        return EVALUATION_LIFECYCLE.apply(evaluation, "declare_no_conflict", actor=actor)
    try:
        note = clean_text(note, limit=MAX_NOTE)
    except ValidationError as error:
        raise ValidationError({"note": error.messages}) from None
    if not note:
        raise ValidationError({"note": [_("Describe the conflict of interest.")]})
    evaluation.conflict_note = note
    EVALUATION_LIFECYCLE.apply(
        evaluation, "declare_conflict", actor=actor, reason=note, update_fields=["conflict_note"]
    )
    _notify_programme_managers(evaluation.proposal.challenge, "challenges.evaluator_recused")
    return evaluation


def _parse_score(raw) -> int | None:
    """A score from the scale, or None when none is given; ValueError for anything else."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    if not SCORE_MIN <= value <= SCORE_MAX:
        raise ValueError(raw)
    return value


@transaction.atomic
def evaluation_save(*, actor: User, evaluation: Evaluation, scores: dict, complete: bool = False) -> Evaluation:
    """Save the evaluator's scores and comments, {criterion id: (score, comment)}. A draft may
    be partial; completing needs a score and a comment for every criterion and freezes it."""
    evaluation = _locked_evaluation(evaluation)
    if evaluation.evaluator_id == getattr(actor, "pk", None) and evaluation.status == EvaluationStatus.RECUSED:
        raise ValidationError(
            _("You declared a conflict of interest with this company: you may not score its proposal."),
            code="recused",
        )
    require("challenges.score_proposal", evaluation, actor=actor)
    criteria = list(evaluation.proposal.challenge.criteria.all())
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, tuple[int | None, str]] = {}
    for criterion in criteria:
        raw_score, raw_comment = scores.get(criterion.pk, scores.get(str(criterion.pk))) or (None, "")
        try:
            score = _parse_score(raw_score)
        except (TypeError, ValueError):
            errors[f"score_{criterion.pk}"] = [
                _("Choose a score from %(min)s to %(max)s.") % {"min": SCORE_MIN, "max": SCORE_MAX}
            ]
            score = None
        try:
            comment = clean_text(raw_comment, limit=MAX_COMMENT)
        except ValidationError as error:
            errors[f"comment_{criterion.pk}"] = error.messages
            comment = ""
        if complete and score is None and f"score_{criterion.pk}" not in errors:
            errors[f"score_{criterion.pk}"] = [
                _("Score the criterion “%(criterion)s”.") % {"criterion": criterion.name}
            ]
        if complete and not comment and f"comment_{criterion.pk}" not in errors:
            errors[f"comment_{criterion.pk}"] = [
                _("Explain your score for “%(criterion)s”.") % {"criterion": criterion.name}
            ]
        cleaned[criterion.pk] = (score, comment)
    if errors:
        raise ValidationError(errors)
    saved = scores_of(evaluation)
    changed = []
    for criterion_id, (score, comment) in cleaned.items():
        current = saved.get(criterion_id)
        if score is None and not comment:
            if current is not None:
                current.delete()
                changed.append(criterion_id)
        elif current is None:
            Score.objects.create(evaluation=evaluation, criterion_id=criterion_id, score=score, comment=comment)
            changed.append(criterion_id)
        elif (current.score, current.comment) != (score, comment):
            current.score, current.comment = score, comment
            current.save(update_fields=["score", "comment"])
            changed.append(criterion_id)
    if changed:
        # Which criteria changed, not the scores: the ranking is read on its own page.
        audit.record(actor=actor, verb="save_scores", target=evaluation, after={"criteria": sorted(changed)})
    if complete:
        EVALUATION_LIFECYCLE.apply(evaluation, "complete", actor=actor)
        challenge = evaluation.proposal.challenge
        if not award_gate(challenge):
            _notify_award_ready(challenge)
    return evaluation


@transaction.atomic
def evaluation_reopen(*, actor: User, evaluation: Evaluation, reason: str) -> Evaluation:
    """A programme manager sends a completed evaluation back to its evaluator, with a reason."""
    evaluation = _locked_evaluation(evaluation)
    require("challenges.reopen_evaluation", evaluation, actor=actor)
    try:
        reason = clean_text(reason, limit=MAX_NOTE)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    if not reason:
        raise ValidationError({"reason": [_("Say what the evaluator should look at again.")]})
    evaluation.reopen_reason = reason
    EVALUATION_LIFECYCLE.apply(evaluation, "reopen", actor=actor, reason=reason, update_fields=["reopen_reason"])
    notify(
        [evaluation.evaluator],
        "challenges.evaluation_reopened",
        params={"challenge": evaluation.proposal.challenge.title, "reason": reason},
        url=evaluation.get_absolute_url(),
    )
    return evaluation


@transaction.atomic
def evaluation_unassign(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """A programme manager withdraws an assignment not yet completed."""
    evaluation = _locked_evaluation(evaluation)
    require("challenges.unassign_evaluator", evaluation, actor=actor)
    EVALUATION_LIFECYCLE.apply(evaluation, "unassign", actor=actor)
    challenge = evaluation.proposal.challenge
    if not award_gate(challenge) and challenge.proposals.filter(status=ProposalStatus.SUBMITTED).exists():
        _notify_award_ready(challenge)
    return evaluation


# Who hears about it --------------------------------------------------------------------


def _notify_programme_managers(challenge: Challenge, kind: str) -> None:
    from ponte.accounts.queries import programme_managers

    notify(
        programme_managers(),
        kind,
        params={"challenge": challenge.title},
        url=reverse("challenges:evaluations", kwargs={"pk": challenge.pk}),
    )


def _notify_award_ready(challenge: Challenge) -> None:
    """The last evaluation is in: the public body may decide the outcome."""
    notify(
        audiences.owners(challenge),
        "challenges.evaluations_complete",
        params={"challenge": challenge.title},
        url=reverse("challenges:evaluations", kwargs={"pk": challenge.pk}),
    )
