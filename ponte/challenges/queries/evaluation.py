"""Reads of the evaluation (services/evaluation.py tells the journey): who evaluates, the
board with each proposal's weighted score, the award gate, who sees which scores, and the
feedback a bidding company reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ponte.core.pagecache import kept_value

from ..models import (
    PENDING_EVALUATION,
    Challenge,
    Criterion,
    Evaluation,
    EvaluationStatus,
    Proposal,
    ProposalStatus,
    Score,
)

TWO_PLACES = Decimal("0.01")


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


# A national pool holds thousands of evaluators: a programme manager finds them by name or
# address as they type, a few at a time, and names them by address.
EVALUATORS_SHOWN = 10


def _pool():
    from ponte.accounts.models import User

    return User.objects.filter(is_evaluator=True, is_active=True)


def evaluators_named(text: str) -> list:
    """The first active evaluators, by name, whose name or e-mail address holds `text`."""
    if len(text) < 2:
        return []
    found = _pool().filter(Q(name__icontains=text) | Q(email__icontains=text))
    return list(found.order_by("name", "email").only("pk", "name", "email")[:EVALUATORS_SHOWN])


def evaluators_by_address(addresses: list[str]) -> dict[str, object]:
    """The active evaluators with these e-mail addresses, by address in lower case."""
    found = _pool().annotate(address=Lower("email")).filter(address__in=addresses).only("pk", "name", "email")
    return {person.address: person for person in found}


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
    mean of its completed evaluations) and its rank, best first; unscored ones last. Three
    queries, whatever the number of proposals and evaluators; `with_assignments` adds who
    evaluates each."""
    criteria = list(challenge.criteria.all())
    proposals = (
        Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED)
        .select_related("company")
        # What the board and the award form show of a proposal: its company's name and price.
        .only("pk", "challenge_id", "company_id", "status", "price", "company__name")
        .annotate(
            done=Count("evaluations", filter=Q(evaluations__status=EvaluationStatus.COMPLETED)),
            pending=Count("evaluations", filter=Q(evaluations__status__in=PENDING_EVALUATION)),
        )
        .order_by("company__name", "pk")
    )
    scores = _completed_scores(challenge)
    rows = []
    for proposal in proposals:
        totals = [weighted_total(s, criteria) for s in scores.get(proposal.pk, {}).values() if len(s) == len(criteria)]
        rows.append(
            BoardRow(
                proposal=proposal,
                done=proposal.done,
                expected=proposal.done + proposal.pending,
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
    return awaiting(rows) if pending_only else rows


def kept_board(challenge: Challenge) -> list[BoardRow]:
    """`evaluation_board`, ranked once for everyone who may read it and kept until the next
    write (core.pagecache): ranking every proposal from its scores is most of what the board
    reads. Whether the reader may see it is for the caller to ask first."""
    return kept_value(f"evaluation-board:{challenge.pk}", lambda: evaluation_board(challenge))


def awaiting(rows: list[BoardRow]) -> list[BoardRow]:
    """The rows waiting for an evaluator, or for an evaluator to be assigned at all."""
    return [row for row in rows if row.pending or not row.expected]


def with_assignments(rows: list[BoardRow]) -> list[BoardRow]:
    """The rows, each with its evaluators (`row.evaluations`), read in one query: the board
    shows them for the page of rows it shows."""
    assigned = defaultdict(list)
    for evaluation in (
        Evaluation.objects.filter(proposal__in=[row.proposal.pk for row in rows])
        .exclude(status=EvaluationStatus.REMOVED)
        .select_related("evaluator")
        .order_by("evaluator__name", "pk")
    ):
        assigned[evaluation.proposal_id].append(evaluation)
    for row in rows:
        row.evaluations = assigned[row.proposal.pk]
    return rows


def award_gate(challenge: Challenge) -> list[str]:
    """Why the award step is still closed, in sentences a person reads; empty when open.
    It opens when every standing proposal has at least one completed evaluation and no
    assigned evaluation is still pending."""
    standing = Proposal.objects.filter(challenge=challenge, status=ProposalStatus.SUBMITTED)
    pending = Evaluation.objects.filter(proposal__in=standing, status__in=PENDING_EVALUATION).count()
    unscored = standing.exclude(evaluations__status=EvaluationStatus.COMPLETED).count()
    return _gate_reasons(pending, unscored)


@dataclass(frozen=True)
class BoardCounts:
    """What the board's page says of the whole board besides its rows: how many proposals
    stand, and what keeps the award step closed."""

    standing: int
    pending: int  # evaluations assigned and not completed
    unscored: int  # proposals without a completed evaluation


def kept_board_counts(challenge: Challenge, board: Callable[[], list[BoardRow]] | None = None) -> BoardCounts:
    """The counts of `kept_board`, kept beside it: a page whose rows are kept reads these
    three numbers rather than every row. `board` gives the rows when a page has them already."""

    def counts() -> BoardCounts:
        rows = board() if board is not None else kept_board(challenge)
        return BoardCounts(
            standing=len(rows),
            pending=sum(row.pending for row in rows),
            unscored=sum(1 for row in rows if not row.done),
        )

    return kept_value(f"evaluation-board-counts:{challenge.pk}", counts)


def award_gate_of_board(counts: BoardCounts) -> list[str]:
    """`award_gate` read from the board's counts, which count the same things."""
    return _gate_reasons(counts.pending, counts.unscored)


def _gate_reasons(pending: int, unscored: int) -> list[str]:
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
