"""What every page acting on an application does the same way: find it among those the person
may read (404 otherwise), refuse who may not act, tell a party when the application moved on
meanwhile, and walk a form through its service keeping what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ponte.core.forms import add_service_errors

from ..models import APPLICATION_LIFECYCLE, DIALOGUE_STATUSES, EDITABLE_STATUSES, SEND_VERBS
from ..queries import applications as queries


def visible(request, pk):
    application = queries.application_for(request.user, pk)
    if application is None:
        raise Http404
    return application


def _sources(*verbs: str) -> tuple[str, ...]:
    return tuple(state for verb in verbs for state in APPLICATION_LIFECYCLE.transition(verb).sources)


# The states in which someone may take each action: outside them, the application moved on.
POSSIBLE = {
    "sandbox.change_application": EDITABLE_STATUSES,
    "sandbox.submit_application": tuple(SEND_VERBS),
    "sandbox.withdraw_application": _sources("withdraw"),
    "sandbox.write_message": DIALOGUE_STATUSES,
    "sandbox.ask_changes": _sources("ask_changes", "ask_final_changes"),
    "sandbox.invite_final": _sources("invite_final"),
    "sandbox.approve_application": _sources("approve"),
    "sandbox.reject_application": _sources("reject"),
}


def may(request, perm: str, application):
    """Refuse one who may never do this; tell a party when the application moved on meanwhile
    (a colleague sent, withdrew or decided it)."""
    if request.user.has_perm(perm, application):
        return None
    if application.status not in POSSIBLE[perm] and request.user.has_perm("sandbox.view_application", application):
        messages.error(
            request,
            _("This application can no longer be changed: it is “%(state)s”.")
            % {"state": application.get_status_display()},
        )
        return redirect(application)
    raise PermissionDenied


def act(request, pk, perm: str, form, do, *, done: str, template: str, context=None, initial=None, to: str = ""):
    """The pattern of every step on an application: refuse who may not, show the form (its
    `initial(application)` values first), `do(application, cleaned_data)` with what was typed,
    and on success go back to the application (at its part `to`)."""
    application = visible(request, pk)
    refused = may(request, perm, application)
    if refused:
        return refused
    if initial is not None and request.method != "POST":
        form.initial = initial(application)
    if request.method == "POST" and form.is_valid():
        try:
            do(application, form.cleaned_data)
        except PermissionDenied:
            return may(request, perm, visible(request, pk))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(f"{application.get_absolute_url()}{to}")
    return render(request, template, {"application": application, "form": form, **(context or {})})
