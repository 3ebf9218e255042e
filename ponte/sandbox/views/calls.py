"""The sandbox's front door and its calls: the public reads every call; a programme manager
opens, changes and closes them. Views stay thin: parse a form, call a service or a read,
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
from ponte.core.forms import add_service_errors
from ponte.core.pagecache import public_page
from ponte.core.paging import paginate

from ..forms.calls import CallEditForm, CallForm
from ..queries import calls as queries
from ..services import calls as services


def _visible(pk):
    found = queries.call_for(pk)
    if found is None:
        raise Http404
    return found


def _may_manage(request, perm: str, call):
    """Refuse one who may never do this; tell a programme manager when the call closed meanwhile."""
    if request.user.has_perm(perm, call):
        return None
    if request.user.has_perm("sandbox.open_call"):
        messages.error(request, _("This call is closed: it can no longer be changed."))
        return redirect(call)
    raise PermissionDenied


@public_page
def sandbox_home(request):
    """What the right to challenge a rule is, and the calls, newest first."""
    context = {
        "page": paginate(request, queries.calls_listed()),
        "can_open": request.user.has_perm("sandbox.open_call"),
    }
    return render(request, "sandbox/home.html", context)


@public_page
def call_detail(request, pk):
    call = _visible(pk)
    context = {
        "call": call,
        "can": {
            "change": request.user.has_perm("sandbox.change_call", call),
            "close": request.user.has_perm("sandbox.close_call", call),
            "apply": request.user.has_perm("sandbox.apply", call),
        },
        "sign_in_url": f"{reverse('account_login')}?next={call.get_absolute_url()}",
    }
    return render(request, "sandbox/calls/detail.html", context)


@login_required
def call_open(request):
    if not request.user.has_perm("sandbox.open_call"):
        raise PermissionDenied
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_open(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The call is open: everyone can read it, and it takes applications from its opening time.")
            )
            return redirect(call)
    return render(request, "sandbox/calls/form.html", {"form": form})


@login_required
def call_edit(request, pk):
    call = _visible(pk)
    refused = _may_manage(request, "sandbox.change_call", call)
    if refused:
        return refused
    initial = {name: getattr(call, name) for name in ("title", "description", "opens_at", "closes_at", "version")}
    initial["themes"] = "\n".join(call.themes)
    form = CallEditForm(request.POST or None, initial=initial)
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(
                actor=request.user, call=call, seen_version=form.cleaned_data["version"], **form.service_fields()
            )
        except versions.StaleEdit as stale:
            changes = versions.refuse_stale(
                form,
                stale,
                _(
                    "Someone saved this call after you opened it: your changes are not saved yet. "
                    "Compare with what changed, below, and save again."
                ),
            )
        except PermissionDenied:
            return _may_manage(request, "sandbox.change_call", _visible(pk))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The call is saved."))
            return redirect(call)
    return render(request, "sandbox/calls/form.html", {"form": form, "call": call, "changes": changes})


@login_required
def call_close(request, pk):
    call = _visible(pk)
    refused = _may_manage(request, "sandbox.close_call", call)
    if refused:
        return refused
    if request.method == "POST":
        try:
            services.call_close(actor=request.user, call=call)
        except PermissionDenied:
            return _may_manage(request, "sandbox.close_call", _visible(pk))
        messages.success(request, _("The call is closed. What was sent goes on; drafts can no longer be sent."))
        return redirect(call)
    return render(request, "sandbox/calls/close.html", {"call": call})
