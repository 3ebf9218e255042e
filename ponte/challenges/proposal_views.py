"""The pages of proposals: submit, read, edit and withdraw one's company's proposal, and,
after the deadline, the list the public body reads. Every read goes through
proposals.proposals_visible_to(); every write through the services in proposals.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core import attachments
from ponte.core.forms import MultipleFileField, add_service_errors

from . import evaluation, proposals, queries
from .models import ProposalStatus

MAX_FILES = 5


def _textarea(rows=5):
    return forms.Textarea(attrs={"rows": rows})


class ProposalForm(forms.Form):
    """The proposal: approach, one answer per criterion of the challenge, team, price,
    timeline and optional attachments. The services judge the content."""

    company = forms.ModelChoiceField(
        label=gettext_lazy("Company"), queryset=None, empty_label=None, widget=forms.RadioSelect
    )
    approach = forms.CharField(
        label=gettext_lazy("Your approach"),
        widget=_textarea(8),
        help_text=gettext_lazy("How you would solve the problem, and why this way."),
    )
    team = forms.CharField(
        label=gettext_lazy("Team"),
        widget=_textarea(4),
        help_text=gettext_lazy("Who will do the work, and their relevant experience."),
    )
    price = forms.CharField(
        label=gettext_lazy("Price (EUR, excluding VAT)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    timeline = forms.CharField(
        label=gettext_lazy("Timeline"),
        widget=_textarea(4),
        help_text=gettext_lazy("The main steps of the work and when each is delivered."),
    )
    files = MultipleFileField(
        label=gettext_lazy("Attachments"),
        required=False,
        help_text=gettext_lazy(
            "Optional, at most 5 files: PDF, image, office document, text or CSV; at most 10 MB each. "
            "Only your company can read them before the deadline."
        ),
    )

    def __init__(self, *args, challenge, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        self.criteria = list(challenge.criteria.all())
        if companies is None:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = type(companies[0]).objects.filter(pk__in=[c.pk for c in companies])
            self.fields["company"].error_messages["required"] = _("Choose the company that submits the proposal.")
            if len(companies) == 1:
                # One company: it submits, whether or not the hidden field comes back.
                self.only_company = companies[0]
                self.fields["company"].initial = companies[0].pk
                self.fields["company"].required = False
                self.fields["company"].widget = forms.HiddenInput()
        ceiling = challenge.budget_ceiling
        if ceiling is not None:
            self.fields["price"].help_text = _(
                "An amount in euros, such as 18500 or 18500.50, at most the budget ceiling of EUR %(ceiling)s."
            ) % {"ceiling": f"{ceiling:,.0f}"}
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.CharField(
                label=criterion.name,
                widget=_textarea(4),
                help_text=criterion.description
                or _("How your proposal meets this criterion (weight %(weight)s%%).") % {"weight": criterion.weight},
                error_messages={
                    "required": _("Say how your proposal meets the criterion “%(criterion)s”.")
                    % {"criterion": criterion.name}
                },
            )
        for name, message in [
            ("approach", _("Describe your approach.")),
            ("team", _("Describe the team that will do the work.")),
            ("timeline", _("Give the timeline of the work.")),
            ("price", _("Give the price in euros excluding VAT, such as 18500 or 18500.50.")),
        ]:
            self.fields[name].error_messages["required"] = message

    @property
    def criterion_fields(self):
        return [self[f"criterion_{criterion.pk}"] for criterion in self.criteria]

    @property
    def main_fields(self):
        return [self[name] for name in ("approach", "team", "price", "timeline") if name in self.fields]

    def clean_company(self):
        return self.cleaned_data.get("company") or getattr(self, "only_company", None)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(max)s files.") % {"max": MAX_FILES})
        for uploaded in files:
            attachments.validate_upload(uploaded)
        return files

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "approach": data["approach"],
            "team": data["team"],
            "price": data["price"],
            "timeline": data["timeline"],
            "criteria_responses": {c.pk: data.get(f"criterion_{c.pk}", "") for c in self.criteria},
        }

    @staticmethod
    def initial_for(proposal) -> dict:
        initial = {
            "approach": proposal.approach,
            "team": proposal.team,
            "price": f"{proposal.price:.2f}",
            "timeline": proposal.timeline,
        }
        for response in proposal.criteria_responses:
            initial[f"criterion_{response['criterion_id']}"] = response["response"]
        return initial


def _challenge(request, pk):
    challenge = queries.challenge_detail(request.user, pk)
    if challenge is None:
        raise Http404
    return challenge


def _proposal(request, pk):
    proposal = proposals.proposals_visible_to(request.user).filter(pk=pk).first()
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
    challenge = _challenge(request, pk)
    standing = {proposal.company_id: proposal for proposal in proposals.own_proposals(request.user, challenge)}
    chosen = _chosen_company(request)
    if chosen in standing:
        messages.info(
            request,
            _("%(company)s has already submitted a proposal to this challenge: edit it here.")
            % {"company": standing[chosen].company.name},
        )
        return redirect(standing[chosen])
    companies = [c for c in proposals.companies_of(request.user, challenge) if c.pk not in standing]
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
    if not companies and proposals.companies_of(request.user):
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
                proposal = proposals.proposal_submit(
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
            "feedback": evaluation.feedback_for(proposal) if can_read_feedback else None,
        },
    )


# A published challenge whose budget, instrument or criteria change goes back to review: its
# proposals are kept, frozen until it is published again, and their companies told so.
KEPT_UNDER_REVIEW = gettext_lazy(
    "This proposal is kept while the challenge’s changes are reviewed: you may change or withdraw it "
    "once the challenge is published again."
)


def _kept_under_review(proposal) -> bool:
    return proposal.status == ProposalStatus.SUBMITTED and queries.public_state(proposal.challenge) == "under review"


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
                proposal = proposals.proposal_update(actor=request.user, proposal=proposal, **form.service_fields())
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
            proposals.proposal_withdraw(actor=request.user, proposal=proposal)
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
    challenge = _challenge(request, pk)
    if not request.user.has_perm("challenges.view_proposals", challenge):
        raise PermissionDenied
    items = proposals.proposals_visible_to(request.user, challenge).filter(status=ProposalStatus.SUBMITTED)
    return render(request, "challenges/proposals/list.html", {"challenge": challenge, "proposals": items})
