"""Applications: a person applies to a round; their organisation's admin approves or declines;
an organisation admin states how many guests the organisation can host. An application one may
not see does not exist for them (404). A refusal is shown beside the field it concerns, and
nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core.forms import ReasonForm, add_service_errors
from ponte.core.paging import paginate
from ponte.reference.models import Sector

from ..forms.applications import ApplicationForm, HostingForm
from ..queries import applications as queries
from ..queries import matching as matching_queries
from ..queries import rounds as round_queries
from ..rules import administers_its_organisation
from ..services import applications as services

OWN_SHOWN = 50


def _round(request, pk):
    found = round_queries.round_for(request.user, pk)
    if found is None:
        raise Http404
    return found


def _visible(request, pk):
    application = queries.application_for(request.user, pk)
    if application is None:
        raise Http404
    return application


def _show_errors(form, error: ValidationError) -> None:
    """The service's refusal beside its field; the availability's beside the first range."""
    if hasattr(error, "error_dict") and "availability" in error.error_dict:
        for message in error.message_dict["availability"]:
            form.add_error("free_from_1", message)
        error = (
            ValidationError({k: v for k, v in error.error_dict.items() if k != "availability"})
            if len(error.error_dict) > 1
            else None
        )
    if error is not None:
        add_service_errors(form, error)


@login_required
def application_create(request, pk):
    round = _round(request, pk)
    own = queries.application_of(request.user, round)
    if own is not None:
        messages.info(request, _("You have already applied to this round: here is your application."))
        return redirect("exchange:application", pk=own.pk)
    if not request.user.has_perm("exchange.apply", round):
        if queries.organisations_to_apply_for(request.user).exists():
            messages.error(request, _("This round does not take applications now."))
            return redirect(round)
        raise PermissionDenied
    window = _("from %(starts)s to %(ends)s") % {
        "starts": date_format(round.exchange_starts, "DATE_FORMAT"),
        "ends": date_format(round.exchange_ends, "DATE_FORMAT"),
    }
    form = ApplicationForm(
        request.POST or None, organisations=queries.organisations_to_apply_for(request.user), window=window
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(actor=request.user, round=round, **form.service_fields())
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request, _("Your application is sent. Your organisation's admin approves it or tells you why not.")
            )
            return redirect(application)
    return render(request, "exchange/applications/form.html", {"round": round, "form": form})


@login_required
def application_list(request):
    """One's own applications, and those waiting for one's decision as an organisation admin."""
    context = {
        # One application a round at most: a short list.
        "own": list(queries.own_applications(request.user)[:OWN_SHOWN]),
        "waiting": paginate(request, queries.waiting_for(request.user)),
        # One proposal a round at most: a short list.
        "proposals": list(matching_queries.awaiting_answer(request.user)[:OWN_SHOWN]),
        # One exchange a round, and the few one mentors: a short list.
        "exchanges": list(matching_queries.exchanges_of(request.user)[:OWN_SHOWN]),
    }
    return render(request, "exchange/applications/list.html", context)


@login_required
def application_detail(request, pk):
    application = _visible(request, pk)
    context = {
        "application": application,
        "availability": list(application.availability.all()),
        "can_decide": request.user.has_perm("exchange.decide_application", application),
        "pair": matching_queries.pair_of_application(request.user, application),
        "sector_labels": [Sector(code).label for code in application.sectors_wanted if code in Sector.values],
    }
    return render(request, "exchange/applications/detail.html", context)


def _already_decided(request, application):
    application.refresh_from_db()
    messages.error(
        request,
        _("This application can no longer be decided: it is “%(state)s”.")
        % {"state": application.get_status_display()},
    )
    return redirect(application)


def _may_decide(request, application):
    """Refuse one who may never decide it; tell its organisation's admin when it was decided
    meanwhile, or the round moved past deciding."""
    if request.user.has_perm("exchange.decide_application", application):
        return None
    if administers_its_organisation(request.user, application):
        return _already_decided(request, application)
    raise PermissionDenied


@login_required
@require_POST
def application_approve(request, pk):
    application = _visible(request, pk)
    refused = _may_decide(request, application)
    if refused:
        return refused
    try:
        services.application_approve(actor=request.user, application=application)
    except PermissionDenied:
        return _already_decided(request, application)
    messages.success(request, _("The application is approved. The applicant is told."))
    return redirect("exchange:applications")


@login_required
def application_decline(request, pk):
    application = _visible(request, pk)
    refused = _may_decide(request, application)
    if refused:
        return refused
    form = ReasonForm(
        request.POST or None,
        label=_("Why the application is declined"),
        help_text=_("The applicant reads it: say what would make you approve it another time."),
        required_message=_("Say why the application is declined: the applicant reads it."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decline(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            return _already_decided(request, application)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The application is declined. The applicant is told why."))
            return redirect("exchange:applications")
    return render(request, "exchange/applications/decline.html", {"application": application, "form": form})


@login_required
def hosting(request, pk):
    round = _round(request, pk)
    organisations = queries.organisations_hosting_for(request.user)
    if not request.user.has_perm("exchange.state_hosting", round) or not organisations.exists():
        if organisations.exists():
            messages.error(request, _("This round no longer takes the number of guests organisations can host."))
            return redirect(round)
        raise PermissionDenied
    form = HostingForm(request.POST or None, organisations=organisations, limit=round.capacity_per_organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.hosting_state(
                actor=request.user,
                round=round,
                organisation=form.cleaned_data["organisation"],
                guests=form.cleaned_data["guests"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: the programme managers match guests within it."))
            return redirect("exchange:hosting", pk=round.pk)
    context = {"round": round, "form": form, "hostings": queries.hostings_of(request.user, round)}
    return render(request, "exchange/applications/hosting.html", context)
