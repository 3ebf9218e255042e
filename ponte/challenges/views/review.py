"""Review: the programme managers' queue, and one view for every decision on a challenge
(submit, approve for the organisation, return, approve, publish, cancel), each at its own
address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ponte.core.forms import ReasonForm, add_service_errors
from ponte.core.paging import paginate
from ponte.core.roles import is_programme_manager

from .. import rules as challenge_rules
from ..models import Status
from ..queries import public as public_queries
from ..queries import review as review_queries
from ..services import review as review_services


@login_required
def review_queue(request):
    if not request.user.is_programme_manager:
        raise PermissionDenied
    return render(
        request, "challenges/review/queue.html", {"page": paginate(request, review_queries.awaiting_review())}
    )


# Decisions -------------------------------------------------------------------------------

# verb: (service, whose role it is regardless of state, needs a reason, message on success)
ACTIONS = {
    "submit": (review_services.challenge_submit, challenge_rules.is_drafter, False),
    "approve_for_organisation": (
        review_services.challenge_approve_for_organisation,
        challenge_rules.is_owner_admin,
        False,
    ),
    "return_to_author": (
        review_services.challenge_return_to_author,
        challenge_rules.is_owner_admin | is_programme_manager,
        True,
    ),
    "approve": (review_services.challenge_approve, is_programme_manager, False),
    "publish": (review_services.challenge_publish, is_programme_manager, False),
    "cancel": (review_services.challenge_cancel, challenge_rules.is_owner_admin | is_programme_manager, True),
}

DONE = {
    "submit": gettext_lazy("The challenge is sent to your organisation's admins for approval."),
    "approve_for_organisation": gettext_lazy("Approved. The challenge now waits for a programme manager's review."),
    "return_to_author": gettext_lazy("The challenge is returned to its author with your reason."),
    "approve": gettext_lazy("The challenge is approved for publication."),
    "publish": gettext_lazy("The challenge is published."),
    "cancel": gettext_lazy("The challenge is cancelled."),
}


def _reason_form(verb, challenge, user, data=None):
    if verb == "cancel":
        return ReasonForm(
            data,
            label=_("Why are you cancelling this challenge?"),
            help_text=_("The reason is kept in the record and sent to the companies that follow the challenge."),
            required_message=_("Give the reason for cancelling."),
        )
    if user.is_programme_manager and challenge.status == Status.AWAITING_REVIEW:
        label = _("What needs to change?")
    else:
        label = _("Why are you returning it to the author?")
    return ReasonForm(
        data,
        label=label,
        help_text=_("The author sees this on the challenge page and in a notification."),
        required_message=_("Say what needs to change."),
    )


@login_required
def challenge_action(request, pk, verb):
    """Every decision on a challenge: each has its own address (urls.py binds the verb), one view
    serves them all."""
    challenge = public_queries.challenge_or_404(request.user, pk)
    service, role, needs_reason = ACTIONS[verb]
    if not role.test(request.user, challenge):
        raise PermissionDenied
    if request.method not in ("GET", "POST") or (request.method == "GET" and not needs_reason):
        return redirect(challenge)

    form = _reason_form(verb, challenge, request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        back = request.POST.get("next", "")
        if not back.startswith("/") or back.startswith("//"):
            back = challenge.get_absolute_url()
        kwargs = {}
        if needs_reason:
            if not form.is_valid():
                return _reason_page(request, challenge, form, verb)
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            service(actor=request.user, challenge=challenge, **kwargs)
        except PermissionDenied:
            # Their role allows the action, the challenge's state no longer does.
            messages.error(
                request,
                _("This cannot be done while the challenge is “%(status)s”.")
                % {"status": challenge.get_status_display()},
            )
            return redirect(back)
        except ValidationError as error:
            if needs_reason and "reason" in getattr(error, "error_dict", {}):
                add_service_errors(form, error)
            elif verb == "submit" and hasattr(error, "error_dict"):
                messages.error(request, _("The challenge is not ready to send: complete what is missing."))
                return redirect("challenges:check", pk=challenge.pk)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(back)
        else:
            messages.success(request, DONE[verb])
            challenge.refresh_from_db()
            if verb in ("approve_for_organisation", "return_to_author") and not request.user.has_perm(
                "challenges.view_challenge", challenge
            ):
                return redirect("challenges:mine")
            return redirect(challenge)
    return _reason_page(request, challenge, form, verb)


def _reason_page(request, challenge, form, verb):
    action_url = reverse(f"challenges:{verb}", args=[challenge.pk])
    context = {"challenge": challenge, "form": form, "verb": verb, "action_url": action_url}
    return render(request, "challenges/review/reason.html", context)
