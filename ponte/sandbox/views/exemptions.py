"""An exemption's life after the decision, from its application's page: the applicants send
progress reports and, once it is over, its evaluation; the ministry revokes it or records its
outcome; the programme managers and the ministries follow the reports due and overdue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core.forms import ReasonForm
from ponte.core.paging import paginate

from ..forms.exemptions import EvaluationForm, OutcomeForm, ReportForm
from ..queries import register as register_queries
from ..services import exemptions as services
from .acting import act, exemption_of, visible


def _act(request, pk, perm: str, form, do, *, done: str, template: str):
    application = visible(request, pk)
    return act(request, application, perm, form, do, done=done, template=template, exemption=exemption_of(application))


@login_required
def report_send(request, pk):
    return _act(
        request,
        pk,
        "sandbox.report_progress",
        ReportForm(request.POST or None),
        lambda exemption, data: services.report_send(actor=request.user, exemption=exemption, **data),
        done=_("The progress report is sent. It is published in the register."),
        template="sandbox/exemptions/report.html",
    )


@login_required
def exemption_revoke(request, pk):
    form = ReasonForm(
        request.POST or None,
        label=_("Why the exemption is revoked"),
        help_text=_("The public reads it in the register, and the applicants are told."),
        required_message=_("Say why the exemption is revoked: the public reads it in the register."),
    )
    return _act(
        request,
        pk,
        "sandbox.revoke_exemption",
        form,
        lambda exemption, data: services.exemption_revoke(actor=request.user, exemption=exemption, **data),
        done=_("The exemption is revoked. The register says why."),
        template="sandbox/exemptions/revoke.html",
    )


@login_required
def evaluation_write(request, pk):
    return _act(
        request,
        pk,
        "sandbox.evaluate_exemption",
        EvaluationForm(request.POST or None),
        lambda exemption, data: services.evaluation_write(actor=request.user, exemption=exemption, **data),
        done=_("The evaluation is saved and published in the register. The ministry is told."),
        template="sandbox/exemptions/evaluate.html",
    )


@login_required
def outcome_record(request, pk):
    return _act(
        request,
        pk,
        "sandbox.record_outcome",
        OutcomeForm(request.POST or None),
        lambda exemption, data: services.outcome_record(actor=request.user, exemption=exemption, **data),
        done=_("The outcome is recorded in the register."),
        template="sandbox/exemptions/outcome.html",
    )


@login_required
def reports_due(request):
    """For the programme managers and the ministries: the exemptions with a report overdue first,
    then those due within a month."""
    found = register_queries.reports_due_for(request.user)
    if found is None:
        raise PermissionDenied
    context = {"page": paginate(request, found), "today": timezone.localdate()}
    return render(request, "sandbox/exemptions/reports_due.html", context)
