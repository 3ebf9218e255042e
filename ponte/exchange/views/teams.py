"""Mixed teams on a round's challenges: the public reads each challenge's Change Meter; the
round's participants read and join its team; the team and the programme managers post updates.
A refusal is shown beside its field, and nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ponte.core.forms import add_service_errors

from ..forms.scheduling import ChangeUpdateForm
from ..queries import teams as queries
from ..services import teams as services


def _challenge(pk):
    challenge = queries.challenge_for(pk)
    if challenge is None:
        raise Http404
    return challenge


def challenge_detail(request, pk):
    challenge = _challenge(pk)
    user = request.user
    context = {
        "challenge": challenge,
        "round": challenge.round,
        "updates": queries.updates_of(challenge),
        "members": list(challenge.members.all()),
        "can": {
            "view_team": user.has_perm("exchange.view_team", challenge),
            "join": user.has_perm("exchange.join_team", challenge),
            "leave": user.has_perm("exchange.leave_team", challenge),
            "update": user.has_perm("exchange.update_change_meter", challenge),
        },
        "form": ChangeUpdateForm(initial={"percent": challenge.meter or 0}),
    }
    return render(request, "exchange/teams/challenge.html", context)


def _refuse(request, challenge, message):
    messages.error(request, message)
    return redirect(challenge)


@login_required
@require_POST
def team_join(request, pk):
    challenge = _challenge(pk)
    try:
        services.team_join(actor=request.user, challenge=challenge)
    except PermissionDenied:
        return _refuse(
            request,
            challenge,
            _(
                "You cannot join this team: it takes the round's approved applicants, while the round is on "
                "and the team has room."
            ),
        )
    except ValidationError as error:
        return _refuse(request, challenge, " ".join(error.messages))
    messages.success(request, _("You are in the team. Its members and the programme managers see you in it."))
    return redirect(challenge)


@login_required
@require_POST
def team_leave(request, pk):
    challenge = _challenge(pk)
    try:
        services.team_leave(actor=request.user, challenge=challenge)
    except PermissionDenied:
        return _refuse(request, challenge, _("You are not in this team, or the round is over."))
    messages.success(request, _("You left the team."))
    return redirect(challenge)


@login_required
def change_update(request, pk):
    challenge = _challenge(pk)
    if not request.user.has_perm("exchange.update_change_meter", challenge):
        raise PermissionDenied
    form = ChangeUpdateForm(request.POST or None, initial={"percent": challenge.meter or 0})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_update_post(actor=request.user, challenge=challenge, **form.cleaned_data)
        except PermissionDenied:
            return _refuse(request, challenge, _("This Change Meter can no longer be updated."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The Change Meter is updated. The round reads it on the challenge's page."))
            return redirect(challenge)
    return render(
        request, "exchange/teams/update.html", {"challenge": challenge, "round": challenge.round, "form": form}
    )
