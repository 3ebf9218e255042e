"""The pages of the outcome: the public body awards one or more proposals, or closes the
challenge without award, then records the signed contract.

Thin views: parse the form, call services/award.py, render. Who may decide is the rule's business
(challenges.award_challenge, close_without_award, record_contract); these pages add only
what the rule cannot say: to a drafter for whom the step is not open yet, they explain
why (the award gate) instead of refusing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ponte.core.forms import add_service_errors

from .. import rules as challenge_rules
from ..forms.award import AwardForm, CloseWithoutAwardForm, ContractForm
from ..models import Award, Contract, Status
from ..queries import public as public_queries
from ..queries.evaluation import award_gate, evaluation_board
from ..services import award as award_services


def _decision_page(request, challenge):
    """Whether the outcome page may open for this person now: None when it may, else the
    response to give instead. Someone who will never decide is refused; a drafter is told
    why not yet, or that it is done."""
    user = request.user
    if not challenge_rules.is_drafter(user, challenge):
        raise PermissionDenied
    if challenge.is_decided:
        messages.info(request, _("The outcome of this challenge is already decided."))
        return redirect(challenge)
    if challenge.status != Status.PUBLISHED:
        messages.error(
            request,
            _("This cannot be done while the challenge is “%(status)s”.") % {"status": challenge.get_status_display()},
        )
        return redirect(challenge)
    if not challenge_rules.is_in_evaluation(user, challenge):
        messages.error(
            request, _("The outcome is decided after the deadline for proposals, once the evaluation is complete.")
        )
        return redirect(challenge)
    return None


def _gate_closed(request, challenge, reasons, title):
    return render(
        request,
        "challenges/award/gate_closed.html",
        {
            "challenge": challenge,
            "reasons": reasons,
            "title": title,
            "can_view_board": request.user.has_perm("challenges.view_evaluations", challenge),
            # An evaluation sent back between the page and the click: what was typed is shown.
            "typed": request.POST.get("justification") or request.POST.get("reason") or "",
        },
    )


def _refused(request, challenge, message=None):
    """The rule changed between the page and the click: someone else decided, or the person
    left the public body."""
    messages.error(request, message or _("The outcome can no longer be decided: the challenge has changed."))
    return redirect(challenge)


@login_required
def challenge_award(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    elsewhere = _decision_page(request, challenge)
    if elsewhere is not None:
        return elsewhere
    reasons = award_gate(challenge)
    if reasons:
        return _gate_closed(request, challenge, reasons, _("Award the challenge"))
    board = evaluation_board(challenge)
    form = AwardForm(request.POST or None, board=board)
    checked_total = None
    if request.method == "POST" and form.is_valid():
        if "check" in request.POST:
            # The same check the service makes, without deciding anything: no script needed.
            checked_total = form.chosen_total()
            if not form.cleaned_data["proposals"]:
                form.add_error("proposals", _("Choose at least one proposal to award."))
                checked_total = None
        else:
            try:
                awards = award_services.challenge_award(
                    actor=request.user,
                    challenge=challenge,
                    proposals=[int(pk) for pk in form.cleaned_data["proposals"]],
                    justification=form.cleaned_data["justification"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied:
                return _refused(request, challenge)
            else:
                messages.success(
                    request,
                    _("The challenge is awarded to %(suppliers)s. Every bidder is told the outcome.")
                    % {"suppliers": ", ".join(a.supplier.name for a in awards)},
                )
                return redirect(challenge.get_absolute_url() + "#outcome")
    ceiling = challenge.budget_ceiling
    return render(
        request,
        "challenges/award/award.html",
        {
            "challenge": challenge,
            "form": form,
            "checked_total": checked_total,
            "within_ceiling": checked_total is not None and (ceiling is None or checked_total <= ceiling),
            "can_view_board": request.user.has_perm("challenges.view_evaluations", challenge),
        },
    )


@login_required
def challenge_close_without_award(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    elsewhere = _decision_page(request, challenge)
    if elsewhere is not None:
        return elsewhere
    reasons = award_gate(challenge)
    if reasons:
        return _gate_closed(request, challenge, reasons, _("Close without award"))
    form = CloseWithoutAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            award_services.challenge_close_without_award(
                actor=request.user, challenge=challenge, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            # The service names the reason "justification": the form asks for a reason.
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {("reason" if k == "justification" else k): v for k, v in error.message_dict.items()}
                )
            add_service_errors(form, error)
        except PermissionDenied:
            return _refused(request, challenge)
        else:
            messages.success(request, _("The challenge is closed without award. Every bidder is told the outcome."))
            return redirect(challenge.get_absolute_url() + "#outcome")
    return render(request, "challenges/award/close.html", {"challenge": challenge, "form": form})


@login_required
def contract_record(request, pk):
    found = Award.objects.select_related("supplier", "proposal").filter(pk=pk).first()
    challenge = public_queries.challenge_detail(request.user, found.challenge_id) if found is not None else None
    if challenge is None:
        raise Http404
    found.challenge = challenge
    if not request.user.has_perm("challenges.record_contract", challenge):
        raise PermissionDenied
    if Contract.objects.filter(award=found).exists():
        messages.info(request, _("The contract for this award is already recorded."))
        return redirect(challenge.get_absolute_url() + "#outcome")
    form = ContractForm(
        request.POST or None,
        ceiling=challenge.budget_ceiling,
        initial={"title": challenge.title[:200], "value": f"{found.value:.2f}"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            award_services.contract_record(actor=request.user, award=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            return _refused(request, challenge, _("You may no longer record the contract of this challenge."))
        else:
            messages.success(request, _("The signed contract is recorded and published with the award."))
            return redirect(challenge.get_absolute_url() + "#outcome")
    return render(request, "challenges/award/contract.html", {"challenge": challenge, "award": found, "form": form})
