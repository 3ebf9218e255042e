"""Phases: open the next phase of an awarded challenge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ponte.core.forms import add_service_errors

from .. import rules as challenge_rules
from ..forms.drafting import (
    NextPhaseForm,
)
from ..models import Challenge, Status
from ..queries import award as award_queries
from ..queries import public as public_queries
from ..services import phases as phases_services

# Phases ----------------------------------------------------------------------------------


def _next_phase_refusal(request, challenge):
    """Why a drafter cannot prepare the next phase now, as a redirect with a message; someone
    who will never prepare it is refused."""
    if not challenge_rules.is_drafter(request.user, challenge):
        raise PermissionDenied
    following = Challenge.objects.filter(previous_phase=challenge).exclude(status=Status.CANCELLED).first()
    if following is not None:
        messages.info(request, _("The next phase of this challenge is already prepared: here it is."))
        return redirect(following)
    messages.error(
        request,
        _("The next phase is prepared once this challenge is awarded: its suppliers are the ones invited to it."),
    )
    return redirect(challenge)


@login_required
def challenge_next_phase(request, pk):
    challenge = public_queries.challenge_or_404(request.user, pk)
    if not request.user.has_perm("challenges.add_next_phase", challenge):
        return _next_phase_refusal(request, challenge)
    form = NextPhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phase = phases_services.phase_create_next(
                actor=request.user, challenge=challenge, phase_name=form.cleaned_data["phase_name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except (PermissionDenied, IntegrityError):
            # Someone prepared it, or the person left the public body, between the page and the click.
            return _next_phase_refusal(request, challenge)
        else:
            messages.success(
                request,
                _(
                    "The next phase “%(phase)s” is saved as a draft. Its problem, sectors, CPV codes, languages "
                    "and evaluation criteria are copied from “%(previous)s”: set its own budget, deadline and "
                    "criteria, then send it for approval. Only the suppliers awarded in “%(previous)s” may "
                    "submit proposals to it."
                )
                % {"phase": phase.phase_name, "previous": phase.previous_phase.phase_name},
            )
            return redirect("challenges:edit", pk=phase.pk, step="problem")
    return render(
        request,
        "challenges/phases/next_phase.html",
        {
            "challenge": challenge,
            "form": form,
            "suppliers": [award.supplier for award in award_queries.public_awards().filter(challenge=challenge)],
        },
    )
