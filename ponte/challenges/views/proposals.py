"""The pages of proposals: submit, read, edit and withdraw one's company's proposal, and,
after the deadline, the list the public body reads. Every read goes through
`proposals_visible_to()`; every write through services/proposals.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import attachments
from ponte.core.forms import add_service_errors

from ..forms.proposals import ProposalForm
from ..models import ProposalStatus
from ..queries import evaluation as evaluation_queries
from ..queries import proposals as proposals_queries
from ..queries import public as public_queries
from ..services import proposals as proposals_services


def _proposal(request, pk):
    proposal = proposals_queries.proposals_visible_to(request.user).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def _attach(files, proposal, user) -> None:
    for uploaded in files:
        attachments.attach(uploaded, target=proposal, actor=user)


def _chosen_company(request) -> int | None:
    """The company the person chose, from the link that opened the form or the form itself."""
    value = request.POST.get("company") or request.GET.get("company") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@login_required
def proposal_submit(request, pk):
    """A new proposal for one of the person's companies: each company bids once, so a person in
    several companies is sent to the bid of the company they chose, or given a form for one
    that has not bid yet."""
    challenge = public_queries.challenge_or_404(request.user, pk)
    standing = {proposal.company_id: proposal for proposal in proposals_queries.own_proposals(request.user, challenge)}
    chosen = _chosen_company(request)
    if chosen in standing:
        messages.info(
            request,
            _("%(company)s has already submitted a proposal to this challenge: edit it here.")
            % {"company": standing[chosen].company.name},
        )
        return redirect(standing[chosen])
    companies = [c for c in proposals_queries.companies_of(request.user, challenge) if c.pk not in standing]
    if standing and not companies:
        if len(standing) == 1:
            messages.info(request, _("Your company has already submitted a proposal to this challenge: edit it here."))
            return redirect(next(iter(standing.values())))
        messages.info(
            request,
            _("Each of your companies has already submitted a proposal to this challenge: open one here to edit it."),
        )
        return redirect(challenge)
    if not challenge.is_open:
        messages.error(request, _("This challenge is not open for proposals."))
        return redirect(challenge)
    if not companies and proposals_queries.companies_of(request.user):
        # A later phase: a company member told why, rather than refused without a word.
        messages.error(
            request,
            _(
                "Only the suppliers invited after the previous phase may submit proposals to this phase, "
                "and none of your companies was invited: you cannot submit a proposal."
            ),
        )
        return redirect(challenge)
    if not request.user.has_perm("challenges.submit_proposal", challenge):
        raise PermissionDenied
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        challenge=challenge,
        companies=companies,
        initial={"company": chosen} if chosen in {c.pk for c in companies} else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                proposal = proposals_services.proposal_submit(
                    actor=request.user,
                    challenge=challenge,
                    company=form.cleaned_data["company"],
                    **form.service_fields(),
                )
                _attach(form.cleaned_data["files"], proposal, request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your proposal is submitted. You can change or withdraw it until the deadline.")
            )
            return redirect(proposal)
    return render(request, "challenges/proposals/form.html", {"form": form, "challenge": challenge, "proposal": None})


@login_required
def proposal_detail(request, pk):
    proposal = _proposal(request, pk)
    # Scores and comments reach the company only once the outcome is decided; the public
    # body and programme managers read them on the evaluation board instead.
    can_read_feedback = request.user.has_perm("challenges.view_feedback", proposal)
    return render(
        request,
        "challenges/proposals/detail.html",
        {
            "proposal": proposal,
            "challenge": proposal.challenge,
            "attachments": attachments.attachments_of(proposal),
            "can_change": request.user.has_perm("challenges.change_proposal", proposal),
            "can_withdraw": request.user.has_perm("challenges.withdraw_proposal", proposal),
            "feedback": evaluation_queries.feedback_for(proposal) if can_read_feedback else None,
        },
    )


# A published challenge whose budget, instrument or criteria change goes back to review: its
# proposals are kept, frozen until it is published again, and their companies told so.
KEPT_UNDER_REVIEW = gettext_lazy(
    "This proposal is kept while the challenge’s changes are reviewed: you may change or withdraw it "
    "once the challenge is published again."
)


def _kept_under_review(proposal) -> bool:
    return (
        proposal.status == ProposalStatus.SUBMITTED
        and public_queries.public_state(proposal.challenge) == "under review"
    )


@login_required
def proposal_edit(request, pk):
    proposal = _proposal(request, pk)
    if not request.user.has_perm("challenges.change_proposal", proposal):
        if _kept_under_review(proposal):
            messages.info(request, KEPT_UNDER_REVIEW)
        else:
            messages.error(
                request, _("This proposal can no longer be changed: the deadline has passed or it is withdrawn.")
            )
        return redirect(proposal)
    challenge = proposal.challenge
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        challenge=challenge,
        companies=None,
        initial=ProposalForm.initial_for(proposal),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                proposal = proposals_services.proposal_update(
                    actor=request.user, proposal=proposal, **form.service_fields()
                )
                _attach(form.cleaned_data["files"], proposal, request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            messages.error(request, _("This proposal can no longer be changed: the deadline has passed."))
            return redirect(proposal)
        else:
            messages.success(request, _("Your proposal is saved."))
            return redirect(proposal)
    return render(
        request, "challenges/proposals/form.html", {"form": form, "challenge": challenge, "proposal": proposal}
    )


@login_required
def proposal_withdraw(request, pk):
    proposal = _proposal(request, pk)
    if not request.user.has_perm("challenges.withdraw_proposal", proposal):
        if _kept_under_review(proposal):
            messages.info(request, KEPT_UNDER_REVIEW)
        else:
            messages.error(
                request, _("This proposal can no longer be withdrawn: the deadline has passed or it is withdrawn.")
            )
        return redirect(proposal)
    if request.method == "POST":
        try:
            proposals_services.proposal_withdraw(actor=request.user, proposal=proposal)
        except (ValidationError, PermissionDenied):
            messages.error(request, _("This proposal can no longer be withdrawn: the deadline has passed."))
            return redirect(proposal)
        messages.success(request, _("Your proposal is withdrawn. You may submit a new one until the deadline."))
        return redirect(proposal.challenge)
    return render(
        request, "challenges/proposals/withdraw.html", {"proposal": proposal, "challenge": proposal.challenge}
    )


@login_required
def proposal_list(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    if not request.user.has_perm("challenges.view_proposals", challenge):
        raise PermissionDenied
    items = proposals_queries.proposals_visible_to(request.user, challenge).filter(status=ProposalStatus.SUBMITTED)
    return render(request, "challenges/proposals/list.html", {"challenge": challenge, "proposals": items})
