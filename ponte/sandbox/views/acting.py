"""What every page acting on an application or its exemption does the same way: find it among
those the person may read (404 otherwise), refuse who may not act, tell a party when it moved on
meanwhile, and walk a form through its service keeping what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ponte.core.forms import add_service_errors
from ponte.organisations.queries import roles_of

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


# The steps on an exemption its ministry takes; its applying body takes the others.
MINISTRY_STEPS = ("sandbox.revoke_exemption", "sandbox.record_outcome", "sandbox.ask_another_sponsor")


def _moved_on(user, perm: str, application, exemption) -> bool:
    """Whether a refusal means the application or its exemption moved on meanwhile (a colleague
    sent, withdrew or decided it; the exemption ended, was revoked or settled), for a person on
    the side that takes this step, rather than that the step is not theirs."""
    if exemption is None:
        return application.status not in POSSIBLE[perm] and user.has_perm("sandbox.view_application", application)
    side = application.ministry_id if perm in MINISTRY_STEPS else application.coordinator_id
    return side in roles_of(user)


def may(request, perm: str, application, exemption=None):
    """Refuse one who may never do this to the application (or its `exemption`); tell a party
    when it moved on meanwhile."""
    if request.user.has_perm(perm, exemption or application):
        return None
    if _moved_on(request.user, perm, application, exemption):
        if exemption is None:
            message = _("This application can no longer be changed: it is “%(state)s”.") % {
                "state": application.get_status_display()
            }
        else:
            message = _("This can no longer be done: the exemption is “%(phase)s”.") % {
                "phase": exemption.get_phase_display()
            }
        messages.error(request, message)
        return redirect(application)
    raise PermissionDenied


def exemption_of(application):
    """The application's exemption, read with it; 404 until one is granted."""
    exemption = getattr(application, "exemption", None)
    if exemption is None:
        raise Http404
    return exemption


def act(
    request,
    application,
    perm: str,
    form,
    do,
    *,
    done: str,
    template,
    context=None,
    initial=None,
    to: str = "",
    exemption=None,
):
    """The pattern of every step on an application (or, given, its `exemption`): refuse who may
    not, show the form (its `initial(application)` values first), `do(target, cleaned_data)` with
    what was typed, and on success go back to the application (at its part `to`). The page is
    `template` with the application, exemption and form, or what `template(form)` answers."""
    target = exemption or application
    refused = may(request, perm, application, exemption)
    if refused:
        return refused
    if initial is not None and request.method != "POST":
        form.initial = initial(application)
    if request.method == "POST" and form.is_valid():
        try:
            do(target, form.cleaned_data)
        except PermissionDenied:
            fresh = visible(request, application.pk)
            return may(request, perm, fresh, exemption_of(fresh) if exemption is not None else None)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(f"{application.get_absolute_url()}{to}")
    if callable(template):
        return template(form)
    context = {"application": application, "exemption": exemption, "form": form, **(context or {})}
    return render(request, template, context)
