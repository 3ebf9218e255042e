"""The exchange's front door and its rounds: the public reads every round; a programme manager
opens, changes and cancels them. Views stay thin: parse a form, call a service or a read,
render. A refusal is shown beside the field it concerns, and nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ponte.core import versions
from ponte.core.forms import ReasonForm, add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate

from ..forms.rounds import RoundEditForm, RoundForm, challenges_as_text
from ..models import EXCHANGE_DAYS_DEFAULT
from ..queries import applications as application_queries
from ..queries import rounds as queries
from ..services import rounds as services


def _visible(request, pk):
    found = queries.round_for(request.user, pk)
    if found is None:
        raise Http404
    return found


def _may_manage(request, perm: str, round):
    """Refuse one who may never do this; tell a programme manager when the round's phase
    overtook them (it finished, or a colleague cancelled it)."""
    if request.user.has_perm(perm, round):
        return None
    if request.user.has_perm("exchange.open_round"):
        messages.error(
            request,
            _("This round can no longer be changed: it is “%(phase)s”.") % {"phase": round.get_phase_display()},
        )
        return redirect(round)
    raise PermissionDenied


@public_page
def exchange_home(request):
    """What the exchange is, and its rounds, newest first."""
    context = {
        "page": paginate(request, queries.rounds_listed()),
        "can_open": request.user.has_perm("exchange.open_round"),
    }
    return render(request, "exchange/home.html", context)


@public_page
def round_detail(request, pk):
    round = _visible(request, pk)
    context = {
        "round": round,
        "challenges": list(round.challenges.all()),
        "can": {
            "change": request.user.has_perm("exchange.change_round", round),
            "cancel": request.user.has_perm("exchange.cancel_round", round),
            "apply": request.user.has_perm("exchange.apply", round),
            "state_hosting": request.user.has_perm("exchange.state_hosting", round),
            "view_matching": request.user.has_perm("exchange.view_matching", round),
        },
        "own_application": application_queries.application_of(request.user, round),
        "sign_in_url": f"{reverse('account_login')}?next={round.get_absolute_url()}",
    }
    return render(request, "exchange/rounds/detail.html", context)


@login_required
def round_open(request):
    if not request.user.has_perm("exchange.open_round"):
        raise PermissionDenied
    form = RoundForm(request.POST or None, initial={"exchange_days": EXCHANGE_DAYS_DEFAULT})
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_open(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The round is open: everyone can read it, and it takes applications from its opening time.")
            )
            return redirect(round)
    return render(request, "exchange/rounds/form.html", {"form": form})


@login_required
def round_edit(request, pk):
    round = _visible(request, pk)
    refused = _may_manage(request, "exchange.change_round", round)
    if refused:
        return refused
    initial = {name: getattr(round, name) for name in RoundEditForm.base_fields if hasattr(round, name)}
    initial["challenges"] = challenges_as_text(round.challenges.all())
    form = RoundEditForm(request.POST or None, initial=initial)
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                actor=request.user, round=round, seen_version=form.cleaned_data["version"], **form.service_fields()
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this round after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except PermissionDenied:
            return _may_manage(request, "exchange.change_round", queries.round_for(request.user, pk))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The round is saved."))
            return redirect(round)
    return render(request, "exchange/rounds/form.html", {"form": form, "round": round, "changes": changes})


@login_required
def round_cancel(request, pk):
    round = _visible(request, pk)
    refused = _may_manage(request, "exchange.cancel_round", round)
    if refused:
        return refused
    form = ReasonForm(
        request.POST or None,
        label=_("Why the round is cancelled"),
        help_text=_("Everyone who reads the round reads it: say why, and what comes instead if you know."),
        required_message=_("Say why the round is cancelled: everyone who reads the round reads it."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.round_cancel(actor=request.user, round=round, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            return _may_manage(request, "exchange.cancel_round", queries.round_for(request.user, pk))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The round is cancelled. Its page says why."))
            return redirect(round)
    return render(request, "exchange/rounds/cancel.html", {"round": round, "form": form})
