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

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ponte.core import audit
from ponte.core.notifications import notify
from ponte.core.services import locked, require
from ponte.organisations.queries import roles_of

from .models import (
    EVALUATION_LIFECYCLE,
    PENDING_EVALUATION,
    SCORE_MAX,
    SCORE_MIN,
    Challenge,
    Criterion,
    Evaluation,
    EvaluationStatus,
    Proposal,
    ProposalStatus,
    Score,
)

MAX_COMMENT = 5_000
MAX_NOTE = 2_000
TWO_PLACES = Decimal("0.01")


def _locked_evaluation(evaluation: Evaluation) -> Evaluation:
    """Lock the challenge first, as every write about it does, so that an award and a score
    cannot cross."""
    locked(evaluation.proposal.challenge)
    return (
        Evaluation.objects.select_for_update()
        .select_related("proposal__challenge", "proposal__company", "evaluator")
        .get(pk=evaluation.pk)
    )


def _clean_text(value, *, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if "\x00" in text:
        raise ValidationError(_("The text contains characters that are not allowed."))
    if len(text) > limit:
        raise ValidationError(
            _("Write at most %(max)s characters.") % {"max": number_format(limit, force_grouping=True)}
        )
    return text


def ids_of(chosen) -> set[int | None]:
    """The ids of chosen objects or typed ids; None stands for anything that is not an id."""
    ids = set()
    for item in chosen:
        value = getattr(item, "pk", item)
        try:
            number = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        # Beyond a database integer is no id either, and must not reach the database.
        ids.add(number if number is not None and 0 < number < 2**63 else None)
    return ids


def evaluators() -> list:
    """The pool a programme manager assigns from: active people with the evaluator role."""
    from ponte.accounts.models import User

    return list(User.objects.filter(is_evaluator=True, is_active=True).order_by("name", "email"))


# Reads ---------------------------------------------------------------------------------


def weighted_total(scores: dict[int, int], criteria: list[Criterion]) -> Decimal:
    """One evaluation's score on the scale: the criteria's scores weighted by their weights."""
    total = sum(Decimal(scores[c.pk]) * c.weight for c in criteria) / 100
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _completed_scores(challenge: Challenge) -> dict[int, dict[int, dict[int, int]]]:
    """{proposal id: {evaluation id: {criterion id: score}}} of completed evaluations."""
    found: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = Score.objects.filter(
        evaluation__proposal__challenge=challenge, evaluation__status=EvaluationStatus.COMPLETED
    ).values_list("evaluation__proposal_id", "evaluation_id", "criterion_id", "score")
    for proposal_id, evaluation_id, criterion_id, score in rows:
        found[proposal_id][evaluation_id][criterion_id] = score
    return found


@dataclass
class BoardRow:
    """A proposal on the evaluation board: its progress, score and rank."""

    proposal: Proposal
    done: int
    expected: int
    evaluations: list[Evaluation] = field(default_factory=list)
    score: Decimal | None = None
    rank: int | None = None

    @property
    def pending(self) -> int:
        return self.expected - self.done


def evaluation_board(challenge: Challenge, *, pending_only: bool = False) -> list[BoardRow]:
    """Every standing proposal with "done of expected" evaluations, its weighted score (the
    mean of its completed evaluations) and its rank, best first; unscored ones last. Four
    queries, whatever the number of proposals and evaluators."""
    criteria = list(challenge.criteria.all())
    proposals = (
        Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED)
        .select_related("company")
        .annotate(
            done=Count("evaluations", filter=Q(evaluations__status=EvaluationStatus.COMPLETED)),
            pending=Count("evaluations", filter=Q(evaluations__status__in=PENDING_EVALUATION)),
        )
        .order_by("company__name", "pk")
    )
    assigned = defaultdict(list)
    for evaluation in (
        Evaluation.objects.filter(proposal__challenge=challenge)
        .exclude(status=EvaluationStatus.REMOVED)
        .select_related("evaluator")
        .order_by("evaluator__name", "pk")
    ):
        assigned[evaluation.proposal_id].append(evaluation)
    scores = _completed_scores(challenge)
    rows = []
    for proposal in proposals:
        totals = [weighted_total(s, criteria) for s in scores.get(proposal.pk, {}).values() if len(s) == len(criteria)]
        rows.append(
            BoardRow(
                proposal=proposal,
                done=proposal.done,
                expected=proposal.done + proposal.pending,
                evaluations=assigned[proposal.pk],
                score=_mean(totals),
            )
        )
    rows.sort(key=lambda row: (row.score is None, -(row.score or 0), row.proposal.company.name))
    rank = 0
    previous = None
    for position, row in enumerate(rows, start=1):
        if row.score is None:
            break
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
    if pending_only:
        # Waiting for an evaluator, or for an evaluator to be assigned at all.
        rows = [row for row in rows if row.pending or not row.expected]
    return rows


def award_gate(challenge: Challenge) -> list[str]:
    """Why the award step is still closed, in sentences a person reads; empty when open.
    It opens when every standing proposal has at least one completed evaluation and no
    assigned evaluation is still pending."""
    standing = Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED)
    pending = Evaluation.objects.filter(proposal__in=standing, status__in=PENDING_EVALUATION).count()
    unscored = standing.exclude(evaluations__status=EvaluationStatus.COMPLETED).count()
    reasons = []
    if pending:
        reasons.append(
            ngettext(
                "%(count)s assigned evaluation is not complete yet.",
                "%(count)s assigned evaluations are not complete yet.",
                pending,
            )
            % {"count": pending}
        )
    if unscored:
        reasons.append(
            ngettext(
                "%(count)s proposal has no completed evaluation.",
                "%(count)s proposals have no completed evaluation.",
                unscored,
            )
            % {"count": unscored}
        )
    return reasons


def evaluations_of(user):
    """An evaluator's assignments, newest challenge first, without the proposals' content."""
    return (
        Evaluation.objects.filter(evaluator=user)
        .exclude(status=EvaluationStatus.REMOVED)
        .select_related("proposal__challenge__owner", "proposal__company")
        .order_by("-proposal__challenge__deadline", "proposal__challenge_id", "proposal__company__name", "pk")
    )


def scores_of(evaluation: Evaluation) -> dict[int, Score]:
    return {score.criterion_id: score for score in evaluation.scores.all()}


def scores_shown_to(user, evaluation: Evaluation, saved: dict[int, Score], *, scoring: bool) -> bool:
    """Whether the page shows `user` the scores of `evaluation`: everyone who may read it once
    it is submitted; before, only its evaluator, who reads their draft in the form while still
    scoring. A draft is the evaluator's own."""
    if evaluation.status == EvaluationStatus.COMPLETED:
        return True
    return evaluation.evaluator_id == user.pk and bool(saved) and not scoring


def submitted_total(evaluation: Evaluation, saved: dict[int, Score], criteria: list[Criterion]) -> Decimal | None:
    """The weighted total of a submitted evaluation whose every criterion is scored."""
    if evaluation.status != EvaluationStatus.COMPLETED:
        return None
    if any(saved.get(c.pk) is None or saved[c.pk].score is None for c in criteria):
        return None
    return weighted_total({c.pk: saved[c.pk].score for c in criteria}, criteria)


@dataclass
class CriterionFeedback:
    criterion: str
    weight: int
    score: Decimal | None
    comments: list[tuple[str, int | None, str]]


@dataclass
class Feedback:
    """What a bidder learns once the outcome is decided: the outcome, its justification,
    the mean score per criterion and the evaluators' comments, without their names."""

    awarded: bool
    justification: str
    total: Decimal | None
    criteria: list[CriterionFeedback]


def feedback_for(proposal: Proposal) -> Feedback:
    challenge = proposal.challenge
    criteria = list(challenge.criteria.all())
    evaluations = list(
        Evaluation.objects.filter(proposal=proposal, status=EvaluationStatus.COMPLETED)
        .prefetch_related("scores")
        .order_by("pk")
    )
    by_criterion: dict[int, list[tuple[str, int | None, str]]] = defaultdict(list)
    totals = []
    for number, evaluation in enumerate(evaluations, start=1):
        label = _("Evaluator %(number)s") % {"number": number}
        given = {score.criterion_id: score for score in evaluation.scores.all()}
        for criterion_id, score in given.items():
            by_criterion[criterion_id].append((label, score.score, score.comment))
        if len(given) == len(criteria):
            totals.append(weighted_total({k: v.score for k, v in given.items()}, criteria))
    return Feedback(
        awarded=hasattr(proposal, "award") and proposal.award is not None,
        justification=challenge.outcome_justification,
        total=_mean(totals),
        criteria=[
            CriterionFeedback(
                criterion=c.name,
                weight=c.weight,
                score=_mean([Decimal(s) for _label, s, _comment in by_criterion[c.pk] if s is not None]),
                comments=by_criterion[c.pk],
            )
            for c in criteria
        ],
    )


# Writes --------------------------------------------------------------------------------


@dataclass
class Assignment:
    created: list[Evaluation]
    already: int
    members: list[tuple[object, object]]  # (evaluator, company) skipped: they work for the company


@transaction.atomic
def evaluators_assign(*, actor, challenge: Challenge, proposals, evaluators) -> Assignment:
    """Assign each chosen evaluator to each chosen proposal. Existing assignments are kept; an
    evaluator is never assigned to a company they belong to."""
    from ponte.accounts.models import User

    challenge = locked(challenge)
    require(actor, "challenges.assign_evaluators", challenge)
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
def conflict_declare(*, actor, evaluation: Evaluation, has_conflict: bool, note: str = "") -> Evaluation:
    """The evaluator says whether they have a conflict of interest with the company. A
    conflict recuses them: they never read the proposal, and programme managers hear of it."""
    evaluation = _locked_evaluation(evaluation)
    require(actor, "challenges.declare_conflict", evaluation)
    if has_conflict not in (True, False):
        raise ValidationError({"conflict": [_("Say whether you have a conflict of interest.")]})
    if not has_conflict:
        return EVALUATION_LIFECYCLE.apply(evaluation, "declare_no_conflict", actor=actor)
    try:
        note = _clean_text(note, limit=MAX_NOTE)
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
def evaluation_save(*, actor, evaluation: Evaluation, scores: dict, complete: bool = False) -> Evaluation:
    """Save the evaluator's scores and comments, {criterion id: (score, comment)}. A draft may
    be partial; completing needs a score and a comment for every criterion and freezes it."""
    evaluation = _locked_evaluation(evaluation)
    if evaluation.evaluator_id == getattr(actor, "pk", None) and evaluation.status == EvaluationStatus.RECUSED:
        raise ValidationError(
            _("You declared a conflict of interest with this company: you may not score its proposal."),
            code="recused",
        )
    require(actor, "challenges.score_proposal", evaluation)
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
            comment = _clean_text(raw_comment, limit=MAX_COMMENT)
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
def evaluation_reopen(*, actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """A programme manager sends a completed evaluation back to its evaluator, with a reason."""
    evaluation = _locked_evaluation(evaluation)
    require(actor, "challenges.reopen_evaluation", evaluation)
    try:
        reason = _clean_text(reason, limit=MAX_NOTE)
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
def evaluation_unassign(*, actor, evaluation: Evaluation) -> Evaluation:
    """A programme manager withdraws an assignment not yet completed."""
    evaluation = _locked_evaluation(evaluation)
    require(actor, "challenges.unassign_evaluator", evaluation)
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
    from ponte.accounts.models import User

    admins = User.objects.filter(
        memberships__organisation_id=challenge.owner_id, memberships__role="admin", is_active=True
    )
    notify(
        [challenge.author, *admins],
        "challenges.evaluations_complete",
        params={"challenge": challenge.title},
        url=reverse("challenges:evaluations", kwargs={"pk": challenge.pk}),
    )
