"""The pages of evaluation: the board where the public body and programme managers follow
the evaluation of a closed challenge (and programme managers assign evaluators), an
evaluator's assignments with their declarations of conflict of interest, one evaluation
with its scoring form, and the programme manager's "send back" and "remove".

Views stay thin: parse a form, call a read or a service of the evaluation, render. A
service's refusal is shown beside the field it concerns, with everything typed kept.
Proposals are read only through `proposals_visible_to()`, the one seal."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ponte.core import attachments
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import kept_part
from ponte.core.paging import paginate
from ponte.core.roles import is_programme_manager

from ..forms.evaluation import AssignmentForm, DeclarationForm, ReopenForm, ScoringForm
from ..models import SCORE_MAX, Evaluation, EvaluationStatus
from ..queries import evaluation as evaluation_queries
from ..queries import proposals as proposals_queries
from ..queries import public as public_queries
from ..services import evaluation as evaluation_services

ASSIGNMENT = "challenges/evaluation/board.html#assignment"


def _evaluation(request, pk, *, on_the_board: bool = False) -> Evaluation:
    """One evaluation with what its pages show; one you may not see does not exist (404).
    Those who read the board see every assignment on it, even one still waiting for its
    declaration, which they may remove: `on_the_board` lets them reach it."""
    found = (
        Evaluation.objects.select_related(
            "proposal__challenge__owner", "proposal__challenge__author", "proposal__company", "evaluator"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    if not (
        request.user.has_perm("challenges.view_evaluation", found)
        or (on_the_board and request.user.has_perm("challenges.view_evaluations", found.proposal.challenge))
    ):
        raise Http404
    return found


def _board_url(challenge) -> str:
    return reverse("challenges:evaluations", kwargs={"pk": challenge.pk})


def _refused(request, message: str, to: str):
    """A programme manager acting on a page that the state of things has overtaken (an outcome
    decided, an evaluation sent back meanwhile) is told why on the page they came from;
    anyone else was never offered the action."""
    if not is_programme_manager(request.user):
        raise PermissionDenied
    messages.error(request, message)
    return redirect(to)


# The board -----------------------------------------------------------------------------


@dataclass
class AssignmentLine:
    """An evaluator on a proposal of the board, with what the viewer may do about it."""

    evaluation: Evaluation
    can_view: bool
    can_reopen: bool
    can_unassign: bool


@dataclass
class BoardLine:
    row: evaluation_queries.BoardRow
    assignments: list[AssignmentLine] = field(default_factory=list)


def _board_lines(user, challenge, rows) -> list[BoardLine]:
    lines = []
    for row in rows:
        # The rules walk from an evaluation to its challenge: give them the rows already read,
        # so that the page makes as many queries with fifty assignments as with one.
        row.proposal.challenge = challenge
        line = BoardLine(row=row)
        for assigned in row.evaluations:
            assigned.proposal = row.proposal
            line.assignments.append(
                AssignmentLine(
                    evaluation=assigned,
                    can_view=user.has_perm("challenges.view_evaluation", assigned),
                    can_reopen=user.has_perm("challenges.reopen_evaluation", assigned),
                    can_unassign=user.has_perm("challenges.unassign_evaluator", assigned),
                )
            )
        lines.append(line)
    return lines


def _assignment_message(result: evaluation_services.Assignment) -> str:
    made = len(result.created)
    parts = [
        ngettext("%(count)s assignment made.", "%(count)s assignments made.", made) % {"count": made},
    ]
    if result.already:
        parts.append(
            ngettext(
                "%(count)s already existed and is kept.", "%(count)s already existed and are kept.", result.already
            )
            % {"count": result.already}
        )
    for person, company in result.members:
        parts.append(
            _("%(evaluator)s was not assigned to %(company)s: they belong to that company.")
            % {"evaluator": person.name or person.email, "company": company.name}
        )
    return " ".join(parts)


@login_required
def evaluation_board(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk, with_details=False)
    if not request.user.has_perm("challenges.view_evaluations", challenge):
        raise PermissionDenied
    can_assign = request.user.has_perm("challenges.assign_evaluators", challenge)
    if request.method == "POST" and not can_assign:
        return _refused(
            request,
            _("Evaluators can no longer be assigned to this challenge: its evaluation is over."),
            _board_url(challenge),
        )
    pending_only = request.GET.get("pending") == "1"

    # The ranking reads every proposal; a page shows 25 of them, with their evaluators. Both
    # are read only to make a part of the page that is not kept already.
    @cache
    def board():
        return evaluation_queries.kept_board(challenge)

    @cache
    def page():
        return paginate(request, evaluation_queries.awaiting(board()) if pending_only else board())

    def assignment_form(data=None) -> AssignmentForm:
        return AssignmentForm(
            data,
            # The board's rows are the standing proposals, which those who assign may read.
            standing=sorted(
                (row.proposal for row in board()),
                key=lambda p: (p.company.name, p.pk),
            ),
            shown=[row.proposal for row in page().object_list],
            suggestions_url=reverse("challenges:evaluators_named"),
        )

    form = None
    assignment = ""  # the fields of the form that assigns evaluators
    if can_assign and request.method == "POST":
        form = assignment_form(request.POST)
        if form.is_valid():
            try:
                result = evaluation_services.evaluators_assign(
                    actor=request.user,
                    challenge=challenge,
                    proposals=[int(value) for value in form.cleaned_data["proposals"]],
                    evaluators=form.cleaned_data["evaluators"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied:
                return _refused(
                    request,
                    _("Evaluators can no longer be assigned to this challenge: its evaluation is over."),
                    _board_url(challenge),
                )
            else:
                messages.success(request, _assignment_message(result))
                return redirect(request.get_full_path())
        assignment = render_to_string(ASSIGNMENT, {"form": form}, request)
    elif can_assign:
        # Blank, the fields are the same for everyone who assigns (the form's CSRF token is
        # outside them): kept like the table.
        assignment = kept_part(
            request,
            "evaluation-assignment",
            lambda: render_to_string(ASSIGNMENT, {"form": assignment_form()}, request),
        )

    def table() -> str:
        rows = list(page().object_list)
        context = {
            "challenge": challenge,
            "page": page(),
            "lines": _board_lines(request.user, challenge, evaluation_queries.with_assignments(rows)),
            "pending_only": pending_only,
            "score_max": SCORE_MAX,
        }
        return render_to_string("challenges/evaluation/board.html#table", context, request)

    in_evaluation = challenge.is_closed
    counts = evaluation_queries.kept_board_counts(challenge, board)
    return render(
        request,
        "challenges/evaluation/board.html",
        {
            "challenge": challenge,
            # What this reader may do on each evaluation is in it: kept for them alone.
            "table": kept_part(request, "evaluation-board", table, for_person=True),
            "pending_only": pending_only,
            "in_evaluation": in_evaluation,
            "gate": evaluation_queries.award_gate_of_board(counts) if in_evaluation else [],
            "can_award": in_evaluation and request.user.has_perm("challenges.award_challenge", challenge),
            "can_assign": can_assign,
            "standing": counts.standing,
            "form": form,
            "assignment": assignment,
        },
    )


@login_required
def evaluators_named(request):
    """The evaluators whose name or address holds what a programme manager typed: the
    suggestions of the board's evaluator field, a few at a time."""
    if not is_programme_manager(request.user):
        raise PermissionDenied
    text = request.GET.get("q", "").strip().replace("\x00", "")[:200]
    return JsonResponse(
        {
            "results": [
                {"name": f"{person.name} ({person.email})" if person.name else person.email, "value": person.email}
                for person in evaluation_queries.evaluators_named(text)
            ]
        }
    )


# My evaluations ------------------------------------------------------------------------


@dataclass
class ChallengeAssignments:
    """An evaluator's assignments on one challenge: the declarations still to make (one form
    for all the companies) and the rest."""

    challenge: object
    form: DeclarationForm | None
    others: list[Evaluation]


def _grouped(user, assigned, posted_challenge=None, data=None) -> list[ChallengeAssignments]:
    # Challenges with the same deadline interleave in the evaluator's list: group by
    # challenge, in the order each first appears, rather than by runs.
    by_challenge: dict[int, list[Evaluation]] = {}
    for item in assigned:
        by_challenge.setdefault(item.proposal.challenge_id, []).append(item)
    groups = []
    for items in by_challenge.values():
        challenge = items[0].proposal.challenge
        to_declare = [e for e in items if user.has_perm("challenges.declare_conflict", e)]
        bound = data if posted_challenge == challenge.pk else None
        form = DeclarationForm(bound, challenge=challenge, evaluations=to_declare) if to_declare else None
        groups.append(
            ChallengeAssignments(challenge=challenge, form=form, others=[e for e in items if e not in to_declare])
        )
    return groups


def _declare(request, form: DeclarationForm) -> bool:
    """Record every declaration of the form, or none: a refusal for one company is shown
    beside it and nothing is kept, so the evaluator corrects it and sends them all again."""
    with transaction.atomic():
        for item, has_conflict, note in form.declarations():
            try:
                evaluation_services.conflict_declare(
                    actor=request.user, evaluation=item, has_conflict=has_conflict, note=note
                )
            except ValidationError as error:
                form.add_service_error(item, error)
            except PermissionDenied:
                form.add_error(
                    form.conflict_name(item),
                    _("Your assignment to %(company)s has changed: reload the page.")
                    % {"company": item.proposal.company.name},
                )
        if form.errors:
            transaction.set_rollback(True)
            return False
    return True


def _declared_message(form: DeclarationForm) -> str:
    declarations = form.declarations()
    recused = sum(1 for _item, has_conflict, _note in declarations if has_conflict)
    cleared = len(declarations) - recused
    parts = [_("Your declarations are recorded.")]
    if cleared:
        parts.append(
            ngettext(
                "You can now read and score %(count)s proposal.",
                "You can now read and score %(count)s proposals.",
                cleared,
            )
            % {"count": cleared}
        )
    if recused:
        parts.append(
            ngettext(
                "You are recused from %(count)s proposal: programme managers are told.",
                "You are recused from %(count)s proposals: programme managers are told.",
                recused,
            )
            % {"count": recused}
        )
    return " ".join(parts)


@login_required
def my_evaluations(request):
    assigned = list(evaluation_queries.evaluations_of(request.user))
    posted = None
    if request.method == "POST":
        try:
            posted = int(request.POST.get("challenge", ""))
        except ValueError:
            posted = None
    groups = _grouped(request.user, assigned, posted, request.POST if posted else None)
    if request.method == "POST":
        form = next((g.form for g in groups if g.challenge.pk == posted), None)
        if form is None:
            messages.info(request, _("No declaration waits for you on that challenge: nothing was changed."))
            return redirect("challenges:my_evaluations")
        if form.is_valid() and _declare(request, form):
            messages.success(request, _declared_message(form))
            return redirect("challenges:my_evaluations")
    return render(request, "challenges/evaluation/mine.html", {"groups": groups})


# One evaluation ------------------------------------------------------------------------


@dataclass
class CriterionLine:
    """A criterion with the company's answer to it, the score given and the scoring fields."""

    criterion: object
    response: str
    score: object = None
    score_field: object = None
    comment_field: object = None


@login_required
def evaluation_detail(request, pk):
    item = _evaluation(request, pk)
    challenge = item.proposal.challenge
    own = item.evaluator_id == request.user.pk
    can_score = request.user.has_perm("challenges.score_proposal", item)
    if request.method == "POST" and not can_score:
        if own and item.status == EvaluationStatus.RECUSED:
            message = _("You declared a conflict of interest with this company: you may not score its proposal.")
        elif own and item.status == EvaluationStatus.COMPLETED:
            message = _("You have submitted this evaluation: it can no longer be changed.")
        elif own and item.status == EvaluationStatus.REMOVED:
            message = _("This assignment was removed: you no longer evaluate this proposal.")
        elif own and item.status == EvaluationStatus.ASSIGNED:
            message = _("Declare first whether you have a conflict of interest with this company.")
        elif own:
            message = _("This evaluation can no longer be changed: the evaluation of the challenge is over.")
        else:
            raise PermissionDenied
        messages.error(request, message)
        return redirect(item)

    # Only the evaluator, once cleared, reads the proposal here; others have its own page.
    proposal = None
    if own and item.status in (EvaluationStatus.CLEARED, EvaluationStatus.COMPLETED):
        proposal = proposals_queries.proposals_visible_to(request.user, challenge).filter(pk=item.proposal_id).first()
    criteria = list(challenge.criteria.all())
    saved = evaluation_queries.scores_of(item)
    form = None
    if can_score and proposal is not None:
        form = ScoringForm(request.POST or None, criteria=criteria, initial=ScoringForm.initial_for(criteria, saved))
        if request.method == "POST" and form.is_valid():
            complete = request.POST.get("action") == "submit"
            try:
                evaluation_services.evaluation_save(
                    actor=request.user, evaluation=item, scores=form.scores(), complete=complete
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied:
                messages.error(request, _("This evaluation can no longer be changed."))
                return redirect(item)
            else:
                if complete:
                    messages.success(request, _("Your evaluation is submitted. Thank you."))
                    return redirect("challenges:my_evaluations")
                messages.success(request, _("Your draft is saved. You can come back to it until you submit it."))
                return redirect(item)

    responses = {}
    if proposal is not None:
        responses = {r.get("criterion_id"): r.get("response", "") for r in proposal.criteria_responses}
    lines = []
    for criterion in criteria:
        line = CriterionLine(
            criterion=criterion, response=responses.get(criterion.pk, ""), score=saved.get(criterion.pk)
        )
        if form is not None:
            line.score_field, line.comment_field = form.fields_of(criterion)
        lines.append(line)
    show_scores = evaluation_queries.scores_shown_to(request.user, item, saved, scoring=form is not None)
    total = evaluation_queries.submitted_total(item, saved, criteria)
    reopened = item.reopen_reason if own and item.status == EvaluationStatus.CLEARED else ""
    return render(
        request,
        "challenges/evaluation/detail.html",
        {
            "evaluation": item,
            "challenge": challenge,
            "own": own,
            "proposal": proposal,
            "attachments": attachments.attachments_of(proposal) if proposal is not None else [],
            "form": form,
            # While scoring, each answer is shown beside its criterion's fields instead.
            "with_responses": form is None,
            "lines": lines,
            "show_scores": show_scores,
            "total": total,
            "score_max": SCORE_MAX,
            "reopen_reason": reopened,
            "can_view_board": not own and request.user.has_perm("challenges.view_evaluations", challenge),
            "can_reopen": request.user.has_perm("challenges.reopen_evaluation", item),
            "can_unassign": request.user.has_perm("challenges.unassign_evaluator", item),
        },
    )


# Sending back and removing -------------------------------------------------------------


@login_required
def evaluation_reopen(request, pk):
    item = _evaluation(request, pk, on_the_board=True)
    challenge = item.proposal.challenge
    if not request.user.has_perm("challenges.reopen_evaluation", item):
        return _refused(
            request,
            _("Only a completed evaluation can be sent back, before the outcome is decided."),
            _board_url(challenge),
        )
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_services.evaluation_reopen(
                actor=request.user, evaluation=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            return _refused(
                request,
                _("Only a completed evaluation can be sent back, before the outcome is decided."),
                _board_url(challenge),
            )
        else:
            messages.success(
                request,
                _("The evaluation is sent back to %(evaluator)s, who is notified with your reason.")
                % {"evaluator": item.evaluator.name or item.evaluator.email},
            )
            return redirect(_board_url(challenge))
    return render(
        request,
        "challenges/evaluation/reopen.html",
        {"evaluation": item, "challenge": challenge, "form": form},
    )


@login_required
def evaluation_unassign(request, pk):
    item = _evaluation(request, pk, on_the_board=True)
    challenge = item.proposal.challenge
    refusal = _("Only an assignment not yet completed can be removed, before the outcome is decided.")
    if not request.user.has_perm("challenges.unassign_evaluator", item):
        return _refused(request, refusal, _board_url(challenge))
    if request.method == "POST":
        try:
            evaluation_services.evaluation_unassign(actor=request.user, evaluation=item)
        except (ValidationError, PermissionDenied):
            return _refused(request, refusal, _board_url(challenge))
        messages.success(
            request,
            _("%(evaluator)s no longer evaluates the proposal of %(company)s.")
            % {"evaluator": item.evaluator.name or item.evaluator.email, "company": item.proposal.company.name},
        )
        return redirect(_board_url(challenge))
    return render(request, "challenges/evaluation/unassign.html", {"evaluation": item, "challenge": challenge})
